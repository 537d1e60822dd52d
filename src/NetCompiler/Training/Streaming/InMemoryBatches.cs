namespace NetCompiler.Training.Streaming;

/// <summary>
/// Batches of samples in memory: each epoch shuffles one sample order (which carries over between epochs) and cuts it
/// into batches, whose rows are gathered into preallocated batch buffers.
/// </summary>
internal sealed class InMemoryBatches : ITrainingBatches
{
    private readonly ITrainingData _data;
    private readonly int _batchSize;
    private readonly int[] _order;
    private readonly bool _shuffle;
    private readonly float[] _features;
    private readonly float[] _targets;
    private readonly long[] _rows;
    private int _next;

    public InMemoryBatches(ITrainingData data, int batchSize, bool shuffle)
    {
        _data = data;
        _batchSize = batchSize;
        _shuffle = shuffle;
        _order = new int[data.Count];
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        BatchesPerEpoch = (int)(((long)data.Count + batchSize - 1) / batchSize);
        _features = new float[batchSize * data.FeatureCount];
        _targets = new float[batchSize * data.TargetCount];
        _rows = new long[batchSize];
    }

    public int BatchesPerEpoch { get; }

    /// <summary>The sample order, shuffled in place at the start of each epoch from the previous one (a checkpoint saves it).</summary>
    public int[] Order => _order;

    public void BeginEpoch(ref Initialization.DeterministicRandom random)
    {
        if (_shuffle)
        {
            SampleShuffle.Shuffle(_order, ref random);
        }

        _next = 0;
    }

    public void EndEpoch(int epoch, Span<int> order, ref Initialization.DeterministicRandom random)
    {
        // The order is the training state's own array and the generator the trainer's: nothing to copy.
    }

    public int Next(out ReadOnlySpan<float> features, out ReadOnlySpan<float> targets, out ReadOnlySpan<long> rows)
    {
        int count = _data.Count;
        ReadOnlySpan<int> batch = _order.AsSpan(_next, Math.Min(_batchSize, count - _next));
        int size = batch.Length;
        TrainingData.CopyRows(_data.Features, _data.Targets, _data.FeatureCount, _data.TargetCount, count, batch, _features, _targets);
        for (int k = 0; k < size; k++)
        {
            _rows[k] = batch[k];
        }

        _next += size;
        features = _features.AsSpan(0, size * _data.FeatureCount);
        targets = _targets.AsSpan(0, size * _data.TargetCount);
        rows = _rows.AsSpan(0, size);
        return size;
    }
}
