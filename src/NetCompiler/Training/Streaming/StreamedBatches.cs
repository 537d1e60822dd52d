using System.Runtime.ExceptionServices;
using System.Runtime.Intrinsics.X86;
using NetCompiler.Initialization;

namespace NetCompiler.Training.Streaming;

/// <summary>
/// Batches of streamed samples, prepared on a reader thread: it reads the chunks into shuffle windows, permutes each
/// window and copies the rows of each batch into a slot of a <see cref="BatchRing"/>, which the trainer takes in order
/// and trains on in place. The algorithm and the memory it holds are described on <see cref="StreamedTrainingData"/>.
/// </summary>
internal sealed class StreamedBatches : ITrainingBatches, IDisposable
{
    /// <summary>
    /// The steps of the next window's shuffle taken after each batch once its chunks are read: a few microseconds
    /// each time, so a window of 2<sup>17</sup> samples is shuffled over 32 batches and never stalls the trainer at once.
    /// </summary>
    private const int ShuffleStepsPerBatch = 4096;

    /// <summary>How many samples ahead the gather prefetches a sample's row: enough loads in flight to cover memory's latency.</summary>
    private const int PrefetchDistance = 8;

    private readonly IChunkedTrainingData _source;
    private readonly int _featureCount;
    private readonly int _targetCount;
    private readonly int _batchSize;
    private readonly int _epochs;
    private readonly bool _shuffle;
    private readonly bool _resident;
    private readonly int _windowCapacity;
    private readonly long[] _chunkFirstSample;
    private readonly int[] _chunkOrder;
    private readonly Window[] _windows;
    private readonly int[] _residentOrder;
    private readonly ShuffleStates? _shuffleStates;
    private readonly BatchRing _ring;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _reader;
    private DeterministicRandom _random;
    private int _epochsDone;
    private bool _started;
    private int _planEpoch;
    private int _planPosition;
    private BatchRing.Batch? _filling;

    /// <param name="data">The samples and the shuffle window.</param>
    /// <param name="batchSize">Samples per batch (at most the sample count).</param>
    /// <param name="epochs">The epochs to prepare; the reader stops after them, or when disposed.</param>
    /// <param name="shuffle">Whether to shuffle (chunk order and windows).</param>
    /// <param name="random">The generator of the chunk orders and window permutations (the in-memory trainer's).</param>
    /// <param name="keepShuffleStates">Whether to record the shuffle state after each epoch for checkpoints (<see cref="EndEpoch"/>).</param>
    /// <remarks>The reader thread starts with <see cref="Start"/>.</remarks>
    public StreamedBatches(StreamedTrainingData data, int batchSize, int epochs, bool shuffle, DeterministicRandom random, bool keepShuffleStates = false)
    {
        _source = data.Source;
        _featureCount = _source.FeatureCount;
        _targetCount = _source.TargetCount;
        _batchSize = batchSize;
        _epochs = epochs;
        _shuffle = shuffle;
        _resident = data.IsResident;
        _windowCapacity = data.ShuffleWindow;
        _random = random;
        _planEpoch = -1;
        _shuffleStates = keepShuffleStates ? new ShuffleStates() : null;
        long batches = (_source.Count + batchSize - 1) / batchSize;
        if (batches > int.MaxValue)
        {
            throw new ArgumentException($"The streamed data holds {_source.Count} samples, {batches} batches of {batchSize}: more than {int.MaxValue} batches per epoch; take larger batches.");
        }

        BatchesPerEpoch = (int)batches;
        _chunkOrder = new int[_source.ChunkCount];
        _chunkFirstSample = new long[_source.ChunkCount];
        long first = 0;
        for (int chunk = 0; chunk < _chunkOrder.Length; chunk++)
        {
            _chunkOrder[chunk] = chunk;
            _chunkFirstSample[chunk] = first;
            first += _source.ChunkSampleCount(chunk);
        }

        _planPosition = _chunkOrder.Length;
        _windows = _resident ? [new Window(_windowCapacity, _featureCount, _targetCount)] : [new Window(_windowCapacity, _featureCount, _targetCount), new Window(_windowCapacity, _featureCount, _targetCount)];
        _residentOrder = _resident ? _windows[0].Order : [];
        for (int i = 0; i < _residentOrder.Length; i++)
        {
            _residentOrder[i] = i;
        }

        _ring = new BatchRing(batchSize, _featureCount, _targetCount);
        _reader = new Thread(Produce) { IsBackground = true, Name = "NetCompiler streamed batches" };
    }

    public int BatchesPerEpoch { get; }

    public void BeginEpoch(ref DeterministicRandom random)
    {
        // The reader thread shuffles, with its own copy of the generator.
    }

    /// <summary>
    /// Takes the shuffle state after <paramref name="epoch"/>, which the reader recorded before publishing that epoch's
    /// last batch (only with <c>keepShuffleStates</c>; otherwise nothing happens).
    /// </summary>
    public void EndEpoch(int epoch, Span<int> order, ref DeterministicRandom random)
    {
        if (_shuffleStates is null)
        {
            return;
        }

        ShuffleState state = _shuffleStates.Take(epoch);
        state.Order.CopyTo(order);
        random = DeterministicRandom.FromState(state.Random);
    }

    /// <summary>How the data is streamed, for checkpoints.</summary>
    public StreamedShape Shape => new(_source.Count, _source.ChunkCount, _windowCapacity);

    /// <summary>The length of the sample order a checkpoint holds: every sample's when one window holds them all, else none.</summary>
    public int OrderLength => _resident ? _windowCapacity : 0;

    /// <summary>
    /// Starts the reader thread: at the first epoch, or after the epochs of <paramref name="resumeFrom"/> (a
    /// checkpoint's shuffle state) exactly where an uninterrupted run would be.
    /// </summary>
    public void Start(ShuffleState? resumeFrom = null)
    {
        if (resumeFrom is not null)
        {
            _random = DeterministicRandom.FromState(resumeFrom.Random);
            _epochsDone = resumeFrom.EpochsCompleted;
            _planEpoch = _epochsDone - 1;
            resumeFrom.Order.CopyTo(_residentOrder, 0);
        }

        _reader.Start();
        _started = true;
    }

    public int Next(out ReadOnlySpan<float> features, out ReadOnlySpan<float> targets, out ReadOnlySpan<long> rows)
    {
        if (!_started)
        {
            throw new InvalidOperationException("The streamed batches' reader was not started.");
        }

        BatchRing.Batch batch = _ring.Take();
        int count = batch.Count;
        features = batch.Features.AsSpan(0, count * _featureCount);
        targets = batch.Targets.AsSpan(0, count * _targetCount);
        rows = batch.Rows.AsSpan(0, count);
        return count;
    }

    /// <summary>Stops the reader thread and waits for it.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        if (_started)
        {
            _reader.Join();
        }

        _stop.Dispose();
        _ring.Dispose();
    }

    private void Produce()
    {
        try
        {
            if (_resident)
            {
                ProduceResident();
            }
            else
            {
                ProduceWindows();
            }

            _ring.Complete();
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Fit is over.
        }
        catch (Exception exception)
        {
            // The trainer takes the batches published so far, then this exception.
            _ring.Fail(ExceptionDispatchInfo.Capture(exception));
        }
    }

    /// <summary>Windows smaller than the data: cuts one while the next is read and shuffled, epoch after epoch.</summary>
    private void ProduceWindows()
    {
        Window current = _windows[0];
        Window upcoming = _windows[1];
        if (!PlanNextWindow(current))
        {
            return;
        }

        Prepare(current);
        while (true)
        {
            bool more = PlanNextWindow(upcoming);
            Cut(current, current.Order, more ? upcoming : null);
            if (!more)
            {
                return;
            }

            Prepare(upcoming);
            (current, upcoming) = (upcoming, current);
        }
    }

    /// <summary>
    /// One window holds every sample: read once, then each epoch shuffles the one sample order, carried over from the
    /// epoch before, as the in-memory trainer does (<see cref="SampleShuffle"/> with the same generator).
    /// </summary>
    private void ProduceResident()
    {
        Window all = _windows[0];
        BeginLoad(all, 0, _chunkOrder.Length, lastOfEpoch: true);
        while (LoadNextChunk(all))
        {
        }

        for (int epoch = _epochsDone; epoch < _epochs; epoch++)
        {
            if (_shuffle)
            {
                SampleShuffle.Shuffle(_residentOrder, ref _random);
            }

            _shuffleStates?.Add(epoch + 1, _random, _residentOrder);
            Cut(all, _residentOrder, next: null);
        }
    }

    /// <summary>Finishes reading <paramref name="window"/>'s chunks and shuffling its order.</summary>
    private void Prepare(Window window)
    {
        while (LoadNextChunk(window))
        {
        }

        ShuffleSome(window, int.MaxValue);
    }

    /// <summary>
    /// Cuts the samples of <paramref name="window"/>, in <paramref name="order"/>, into batches, continuing the batch the
    /// previous window left unfinished; publishes an epoch's last, partial batch. After each full batch it prepares a
    /// little of the next window: reads one chunk of it, or once all are read, takes a few steps of its shuffle, so the
    /// next window is ready when this one is used up.
    /// </summary>
    private void Cut(Window window, int[] order, Window? next)
    {
        int count = window.Count;
        int position = 0;
        while (position < count)
        {
            BatchRing.Batch batch = _filling ??= _ring.BeginFill(_stop.Token);
            int take = Math.Min(_batchSize - batch.Count, count - position);
            Gather(window, order.AsSpan(0, count), position, take, batch);
            position += take;
            if (batch.Count == _batchSize)
            {
                Publish();
                if (next is not null && !LoadNextChunk(next))
                {
                    ShuffleSome(next, ShuffleStepsPerBatch);
                }
            }
        }

        if (window.LastOfEpoch && _filling is not null)
        {
            Publish();
        }
    }

    /// <summary>
    /// Copies the window's samples <c>order[position ..]</c> after those the batch holds, <paramref name="take"/> of them.
    /// The rows are scattered over a window larger than the caches, so each copy would wait for memory: the rows
    /// <see cref="PrefetchDistance"/> places ahead are fetched first, and their loads overlap the copies.
    /// </summary>
    private unsafe void Gather(Window window, ReadOnlySpan<int> order, int position, int take, BatchRing.Batch batch)
    {
        int featureCount = _featureCount;
        int targetCount = _targetCount;
        Span<float> features = batch.Features.AsSpan(batch.Count * featureCount, take * featureCount);
        Span<float> targets = batch.Targets.AsSpan(batch.Count * targetCount, take * targetCount);
        Span<long> indexes = batch.Rows.AsSpan(batch.Count, take);
        fixed (float* windowFeatures = window.Features)
        fixed (float* windowTargets = window.Targets)
        {
            for (int k = 0; k < take; k++)
            {
                if (Sse.IsSupported && position + k + PrefetchDistance < order.Length)
                {
                    int ahead = order[position + k + PrefetchDistance];
                    float* row = windowFeatures + ((long)ahead * featureCount);
                    Sse.Prefetch0(row);
                    Sse.Prefetch0(row + featureCount - 1);
                    Sse.Prefetch0(windowTargets + ((long)ahead * targetCount));
                }

                int source = order[position + k];
                window.Features.AsSpan(source * featureCount, featureCount).CopyTo(features.Slice(k * featureCount, featureCount));
                window.Targets.AsSpan(source * targetCount, targetCount).CopyTo(targets.Slice(k * targetCount, targetCount));
                indexes[k] = window.Rows[source];
            }
        }

        batch.Count += take;
    }

    private void Publish()
    {
        _filling = null;
        _ring.Publish();
    }

    /// <summary>
    /// Chooses the chunks of the next window (shuffling the chunk order at each epoch's start) and prepares
    /// <paramref name="window"/> to read and shuffle them; false after the last epoch.
    /// </summary>
    private bool PlanNextWindow(Window window)
    {
        if (_planPosition == _chunkOrder.Length)
        {
            // Every draw of the epochs before has been made: what a checkpoint after them must hold.
            if (_planEpoch >= _epochsDone)
            {
                _shuffleStates?.Add(_planEpoch + 1, _random, []);
            }

            if (++_planEpoch >= _epochs)
            {
                return false;
            }

            _planPosition = 0;
            for (int i = 0; i < _chunkOrder.Length; i++)
            {
                _chunkOrder[i] = i;
            }

            if (_shuffle)
            {
                SampleShuffle.Shuffle(_chunkOrder, ref _random);
            }
        }

        int start = _planPosition;
        int end = start;
        long samples = 0;
        while (end < _chunkOrder.Length && (end == start || samples + _source.ChunkSampleCount(_chunkOrder[end]) <= _windowCapacity))
        {
            samples += _source.ChunkSampleCount(_chunkOrder[end]);
            end++;
        }

        _planPosition = end;
        BeginLoad(window, start, end, lastOfEpoch: end == _chunkOrder.Length);
        window.Planned = (int)samples;
        for (int i = 0; i < window.Planned; i++)
        {
            window.Order[i] = i;
        }

        window.ShuffleNext = _shuffle ? window.Planned - 1 : 0;
        return true;
    }

    /// <summary>Takes up to <paramref name="steps"/> steps of the window's shuffle.</summary>
    private void ShuffleSome(Window window, int steps)
    {
        int next = window.ShuffleNext;
        SampleShuffle.Steps(window.Order.AsSpan(0, window.Planned), ref next, steps, ref _random);
        window.ShuffleNext = next;
    }

    private static void BeginLoad(Window window, int start, int end, bool lastOfEpoch)
    {
        window.Count = 0;
        window.NextChunk = start;
        window.EndChunk = end;
        window.LastOfEpoch = lastOfEpoch;
    }

    /// <summary>Reads the window's next chunk after the samples it holds; false when it has all its chunks.</summary>
    private bool LoadNextChunk(Window window)
    {
        if (window.NextChunk == window.EndChunk)
        {
            return false;
        }

        int chunk = _chunkOrder[window.NextChunk++];
        int n = _source.ChunkSampleCount(chunk);
        _source.ReadChunk(
            chunk,
            window.Features.AsSpan(window.Count * _featureCount, n * _featureCount),
            window.Targets.AsSpan(window.Count * _targetCount, n * _targetCount));
        long first = _chunkFirstSample[chunk];
        for (int k = 0; k < n; k++)
        {
            window.Rows[window.Count + k] = first + k;
        }

        window.Count += n;
        return true;
    }

    /// <summary>A shuffle window: the samples of some chunks, their indexes in the data, and which chunks are still to read.</summary>
    private sealed class Window(int capacity, int featureCount, int targetCount)
    {
        // Every element is written before it is read: no need to clear them.
        public float[] Features { get; } = GC.AllocateUninitializedArray<float>((int)((long)capacity * featureCount));

        public float[] Targets { get; } = GC.AllocateUninitializedArray<float>((int)((long)capacity * targetCount));

        public long[] Rows { get; } = GC.AllocateUninitializedArray<long>(capacity);

        /// <summary>The order the window's samples are cut into batches in: a permutation of its positions, shuffled in steps.</summary>
        public int[] Order { get; } = GC.AllocateUninitializedArray<int>(capacity);

        /// <summary>The number of samples of the chunks planned for the window (<see cref="Count"/> once they are read).</summary>
        public int Planned { get; set; }

        /// <summary>The next position of the Fisher–Yates shuffle of <see cref="Order"/>; 0 when it is shuffled.</summary>
        public int ShuffleNext { get; set; }

        public int Count { get; set; }

        public int NextChunk { get; set; }

        public int EndChunk { get; set; }

        public bool LastOfEpoch { get; set; }
    }
}
