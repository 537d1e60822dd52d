namespace NetCompiler.Training;

/// <summary>
/// Training data streamed from an <see cref="IChunkedTrainingData"/> (a sample file, Parquet row groups): the
/// <see cref="Trainer{TNet}"/> reads it chunk by chunk on a second thread while it trains, holding at most two
/// shuffle windows and a few batches in memory, whatever the data's size.
/// </summary>
/// <remarks>
/// <para>
/// <b>The shuffle</b> (when <see cref="TrainerOptions.Shuffle"/> is on, deterministic for a given
/// <see cref="TrainerOptions.Seed"/>): each epoch the chunk order is shuffled (Fisher–Yates, with a generator seeded
/// by the bitwise complement of the seed), and the chunks, in that order, are read into windows of at most
/// <see cref="ShuffleWindow"/> samples (whole chunks; a window takes chunks while they fit). The samples of each
/// window are permuted (Fisher–Yates over the window's positions, with the trainer's own generator seeded by the seed)
/// and batches are cut from the permuted window, continuing into the next window until the epoch's samples are used:
/// every batch but an epoch's last holds <see cref="TrainerOptions.BatchSize"/> samples. A sample never leaves its
/// window, so the shuffle mixes samples across about <see cref="ShuffleWindow"/> neighbours (and across chunks in
/// any order), not across the whole file: write files whose rows are not sorted by class.
/// </para>
/// <para>
/// When the window holds every sample the data is read once and stays in memory, the chunk order is not shuffled
/// and the window's permutation carries over from epoch to epoch exactly as the in-memory trainer's does: the same
/// seed gives the same batches, and the same weights, as training on the same samples in memory.
/// </para>
/// <para>
/// <b>Memory</b>: two windows (the one batches are cut from and the next, read meanwhile), each
/// <c>ShuffleWindow × (FeatureCount + TargetCount) × 4</c> bytes plus 8 bytes per sample for the sample indexes
/// named in divergence messages; sixteen batches in flight; one chunk for the epoch's training metric. Nothing grows
/// with the data's size.
/// </para>
/// <para>
/// <b>The reader thread</b> reads the next window's chunks one per batch it prepares and copies the shuffled rows of
/// each batch into one of sixteen batch buffers, so the training step finds its batch ready and trains on it in place;
/// the trainer hands buffers back eight at a time, so the reader wakes once per eight batches, not once per batch. It is a dedicated
/// thread, started by <see cref="Trainer{TNet, T}.FitStreamed"/> and ended when it returns or throws. A chunk that fails to read (a corrupt
/// sample file) makes the step that would use it throw the reader's exception.
/// </para>
/// <para>
/// The training metric of each epoch (<see cref="TrainerOptions.EvaluateTrainingMetric"/>) comes from the training steps'
/// own outputs, so the data is read once per epoch. A validation set is passed to <c>FitStreamed</c> in memory;
/// <see cref="TrainerOptions.ValidationSplit"/> does not apply to streamed data.
/// </para>
/// </remarks>
public sealed class StreamedTrainingData
{
    /// <summary>The default window: 65,536 samples, or 16 chunks when that is more.</summary>
    public const int DefaultShuffleWindow = 65_536;

    /// <summary>Streams <paramref name="source"/> with a shuffle window of <paramref name="shuffleWindow"/> samples (0 for the default).</summary>
    /// <exception cref="ArgumentException">The source is empty or a chunk is empty.</exception>
    public StreamedTrainingData(IChunkedTrainingData source, int shuffleWindow = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(shuffleWindow);
        if (source.Count <= 0 || source.ChunkCount <= 0)
        {
            throw new ArgumentException("The streamed data is empty.", nameof(source));
        }

        int largestChunk = 0;
        for (int chunk = 0; chunk < source.ChunkCount; chunk++)
        {
            int count = source.ChunkSampleCount(chunk);
            if (count <= 0)
            {
                throw new ArgumentException($"Chunk {chunk} of the streamed data reports {count} samples; every chunk holds at least one.", nameof(source));
            }

            largestChunk = Math.Max(largestChunk, count);
        }

        int requested = shuffleWindow == 0 ? (int)Math.Min(int.MaxValue, Math.Max(DefaultShuffleWindow, 16L * largestChunk)) : shuffleWindow;
        Source = source;
        LargestChunk = largestChunk;
        int arrayLimit = Array.MaxLength / Math.Max(source.FeatureCount, source.TargetCount);
        if (largestChunk > arrayLimit)
        {
            throw new ArgumentException($"A chunk of {largestChunk} samples of {source.FeatureCount} features does not fit one array; write smaller chunks.", nameof(source));
        }

        ShuffleWindow = (int)Math.Min(Math.Min(Math.Max(requested, largestChunk), source.Count), arrayLimit);
    }

    /// <summary>The samples.</summary>
    public IChunkedTrainingData Source { get; }

    /// <summary>
    /// The most samples one shuffle window holds: the requested size, raised to the largest chunk and lowered to the
    /// sample count (and to what one array holds). Equal to <see cref="IChunkedTrainingData.Count"/> when all the data is held in memory.
    /// </summary>
    public int ShuffleWindow { get; }

    /// <summary>The samples of the largest chunk.</summary>
    internal int LargestChunk { get; }

    /// <summary>Whether one window holds all the samples (read once, shuffled as in memory).</summary>
    internal bool IsResident => ShuffleWindow == Source.Count;
}
