using System.Runtime.ExceptionServices;
using NetCompiler.Initialization;

namespace NetCompiler.Training.Streaming;

/// <summary>
/// Batches of streamed samples, prepared on a reader thread: it reads the chunks into shuffle windows, permutes each
/// window and copies the rows of each batch into one of <see cref="BatchesInFlight"/> batch buffers, which the
/// trainer takes in order and trains on in place (it gives a buffer back when it asks for the next). The algorithm and the memory it holds are described on <see cref="StreamedTrainingData"/>.
/// </summary>
internal sealed class StreamedBatches : ITrainingBatches, IDisposable
{
    /// <summary>The batch buffers shared by the reader and the trainer.</summary>
    public const int BatchesInFlight = 16;

    /// <summary>
    /// The trainer gives used buffers back in groups of this many, so a reader waiting for a free buffer is woken once
    /// per group rather than once per batch. Below <see cref="BatchesInFlight"/> − 1, so while the reader waits at least
    /// one batch is ready for the trainer.
    /// </summary>
    private const int ReleaseEvery = 8;

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
    private readonly int[] _order;
    private readonly Batch[] _batches = new Batch[BatchesInFlight];
    private readonly SemaphoreSlim _free = new(BatchesInFlight, BatchesInFlight);
    private readonly SemaphoreSlim _ready = new(0, BatchesInFlight + 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _reader;
    private DeterministicRandom _sampleRandom;
    private DeterministicRandom _chunkRandom;
    private int _orderLength = -1;
    private int _planEpoch = -1;
    private int _planPosition;
    private Batch? _filling;
    private long _published;
    private long _consumed;
    private bool _holding;
    private int _used;
    private ExceptionDispatchInfo? _failure;

    /// <param name="data">The samples and the shuffle window.</param>
    /// <param name="batchSize">Samples per batch (at most the sample count).</param>
    /// <param name="epochs">The epochs to prepare; the reader stops after them, or when disposed.</param>
    /// <param name="shuffle">Whether to shuffle (chunk order and windows).</param>
    /// <param name="sampleRandom">The generator of the window permutations (the in-memory trainer's).</param>
    /// <param name="seed">The seed; the chunk order's generator is seeded with its complement.</param>
    public StreamedBatches(StreamedTrainingData data, int batchSize, int epochs, bool shuffle, DeterministicRandom sampleRandom, int seed)
    {
        _source = data.Source;
        _featureCount = _source.FeatureCount;
        _targetCount = _source.TargetCount;
        _batchSize = batchSize;
        _epochs = epochs;
        _shuffle = shuffle;
        _resident = data.IsResident;
        _windowCapacity = data.ShuffleWindow;
        _sampleRandom = sampleRandom;
        _chunkRandom = new DeterministicRandom(~seed);
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
        _order = new int[_windowCapacity];
        for (int i = 0; i < _batches.Length; i++)
        {
            _batches[i] = new Batch(batchSize, _featureCount, _targetCount);
        }

        _reader = new Thread(Produce) { IsBackground = true, Name = "NetCompiler streamed batches" };
        _reader.Start();
    }

    public int BatchesPerEpoch { get; }

    public void BeginEpoch(ref DeterministicRandom random)
    {
        // The reader thread shuffles, with its own copy of the generator.
    }

    public int Next(out ReadOnlySpan<float> features, out ReadOnlySpan<float> targets, out ReadOnlySpan<long> rows)
    {
        // The batch handed out last time is done with: the reader may refill it.
        if (_holding)
        {
            _consumed++;
            _holding = false;
            if (++_used == ReleaseEvery)
            {
                _free.Release(_used);
                _used = 0;
            }
        }

        _ready.Wait();
        if (_consumed == Volatile.Read(ref _published))
        {
            _failure!.Throw();
        }

        Batch batch = _batches[_consumed % BatchesInFlight];
        int count = batch.Count;
        _holding = true;
        features = batch.Features.AsSpan(0, count * _featureCount);
        targets = batch.Targets.AsSpan(0, count * _targetCount);
        rows = batch.Rows.AsSpan(0, count);
        return count;
    }

    /// <summary>Stops the reader thread and waits for it.</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _reader.Join();
        _stop.Dispose();
        _free.Dispose();
        _ready.Dispose();
    }

    private void Produce()
    {
        try
        {
            if (_resident)
            {
                Window all = _windows[0];
                BeginLoad(all, 0, _chunkOrder.Length, lastOfEpoch: true);
                while (LoadNextChunk(all))
                {
                }

                for (int epoch = 0; epoch < _epochs; epoch++)
                {
                    Cut(all, next: null);
                }

                return;
            }

            Window current = _windows[0];
            Window upcoming = _windows[1];
            if (!PlanNextWindow(current))
            {
                return;
            }

            while (LoadNextChunk(current))
            {
            }

            while (true)
            {
                bool more = PlanNextWindow(upcoming);
                Cut(current, more ? upcoming : null);
                if (!more)
                {
                    return;
                }

                while (LoadNextChunk(upcoming))
                {
                }

                (current, upcoming) = (upcoming, current);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Fit is over.
        }
        catch (Exception exception)
        {
            // The trainer takes the batches published so far, then this exception.
            _failure = ExceptionDispatchInfo.Capture(exception);
            _ready.Release();
        }
    }

    /// <summary>
    /// Permutes the window's samples and cuts them into batches, continuing the batch the previous window left
    /// unfinished; publishes an epoch's last, partial batch. After each full batch, reads one chunk of the next window.
    /// </summary>
    private void Cut(Window window, Window? next)
    {
        int count = window.Count;
        Span<int> order = _order.AsSpan(0, count);
        if (_orderLength != count)
        {
            for (int i = 0; i < count; i++)
            {
                order[i] = i;
            }

            _orderLength = count;
        }

        if (_shuffle)
        {
            SampleShuffle.Shuffle(order, ref _sampleRandom);
        }

        int position = 0;
        while (position < count)
        {
            Batch batch = _filling ??= TakeFreeBatch();
            int take = Math.Min(_batchSize - batch.Count, count - position);
            for (int k = 0; k < take; k++)
            {
                int row = order[position + k];
                int slot = batch.Count + k;
                window.Features.AsSpan(row * _featureCount, _featureCount).CopyTo(batch.Features.AsSpan(slot * _featureCount));
                window.Targets.AsSpan(row * _targetCount, _targetCount).CopyTo(batch.Targets.AsSpan(slot * _targetCount));
                batch.Rows[slot] = window.Rows[row];
            }

            batch.Count += take;
            position += take;
            if (batch.Count == _batchSize)
            {
                Publish();
                if (next is not null)
                {
                    LoadNextChunk(next);
                }
            }
        }

        if (window.LastOfEpoch && _filling is not null)
        {
            Publish();
        }
    }

    private Batch TakeFreeBatch()
    {
        _free.Wait(_stop.Token);
        Batch batch = _batches[_published % BatchesInFlight];
        batch.Count = 0;
        return batch;
    }

    private void Publish()
    {
        _filling = null;
        Volatile.Write(ref _published, _published + 1);
        _ready.Release();
    }

    /// <summary>
    /// Chooses the chunks of the next window (shuffling the chunk order at each epoch's start) and prepares
    /// <paramref name="window"/> to read them; false after the last epoch.
    /// </summary>
    private bool PlanNextWindow(Window window)
    {
        if (_planPosition == _chunkOrder.Length)
        {
            if (++_planEpoch >= _epochs)
            {
                return false;
            }

            _planPosition = 0;
            if (_shuffle)
            {
                SampleShuffle.Shuffle(_chunkOrder, ref _chunkRandom);
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
        return true;
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

        public int Count { get; set; }

        public int NextChunk { get; set; }

        public int EndChunk { get; set; }

        public bool LastOfEpoch { get; set; }
    }

    /// <summary>A batch buffer: rows gathered by the reader, taken by the trainer.</summary>
    private sealed class Batch(int batchSize, int featureCount, int targetCount)
    {
        public float[] Features { get; } = new float[batchSize * featureCount];

        public float[] Targets { get; } = new float[batchSize * targetCount];

        public long[] Rows { get; } = new long[batchSize];

        public int Count { get; set; }
    }
}
