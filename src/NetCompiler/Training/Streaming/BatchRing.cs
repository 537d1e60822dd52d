using System.Runtime.ExceptionServices;

namespace NetCompiler.Training.Streaming;

/// <summary>
/// The batch buffers one producer thread (the reader) fills and one consumer thread (the trainer) takes in order: a
/// ring of slots with a counter per side. Neither side spins, and each sleeps for half a ring: a full ring puts the
/// producer to sleep until half of it is free again, an empty ring puts the consumer to sleep until half of it is
/// published again (or the producer is done), so each side wakes once per half ring of batches rather than once per
/// batch. (Spinning waits would burn the second core while the trainer has batches in hand, which on a busy machine
/// is time taken from the trainer itself; and when both threads share one core, waking for every batch would cost two
/// thread switches per batch.)
/// </summary>
internal sealed class BatchRing : IDisposable
{
    /// <summary>About how many bytes of batches the ring holds: at least 4 slots and at most 256.</summary>
    public const int TargetBytes = 1 << 20;

    private readonly Batch[] _slots;
    private readonly int _half;
    private readonly ManualResetEventSlim _space = new(false, spinCount: 0);
    private readonly ManualResetEventSlim _ready = new(false, spinCount: 0);
    private long _published;
    private long _released;
    private int _producerWaits;
    private int _consumerWaits;
    private long _wakeConsumerAt;
    private bool _holding;
    private ExceptionDispatchInfo? _failure;

    public BatchRing(int batchSize, int featureCount, int targetCount)
    {
        long batchBytes = (long)batchSize * (featureCount + targetCount) * sizeof(float);
        int capacity = (int)Math.Clamp(TargetBytes / batchBytes, 4, 256) & ~1;
        _slots = new Batch[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _slots[i] = new Batch(batchSize, featureCount, targetCount);
        }

        _half = capacity / 2;
    }

    /// <summary>The number of slots.</summary>
    public int Capacity => _slots.Length;

    /// <summary>Producer: the next slot to fill, emptied; sleeps while the ring is full.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public Batch BeginFill(CancellationToken cancellationToken)
    {
        long published = _published;
        if (published - Volatile.Read(ref _released) == _slots.Length)
        {
            while (true)
            {
                _space.Reset();
                Interlocked.Exchange(ref _producerWaits, 1);
                if (published - Volatile.Read(ref _released) <= _slots.Length - _half)
                {
                    break;
                }

                _space.Wait(cancellationToken);
            }

            Volatile.Write(ref _producerWaits, 0);
        }

        Batch batch = _slots[published % _slots.Length];
        batch.Count = 0;
        return batch;
    }

    /// <summary>Producer: hands the slot from <see cref="BeginFill"/> to the consumer.</summary>
    public void Publish()
    {
        long published = _published + 1;
        Interlocked.Exchange(ref _published, published);
        if (Volatile.Read(ref _consumerWaits) != 0 && published >= Volatile.Read(ref _wakeConsumerAt))
        {
            _ready.Set();
        }
    }

    /// <summary>Producer: no more batches will come; the consumer takes those published.</summary>
    public void Complete() => _ready.Set();

    /// <summary>Producer: no more batches will come; the consumer takes those published, then <paramref name="failure"/> is thrown to it.</summary>
    public void Fail(ExceptionDispatchInfo failure)
    {
        Volatile.Write(ref _failure, failure);
        _ready.Set();
    }

    /// <summary>
    /// Consumer: gives back the batch taken last (the producer may refill it) and takes the next in order, sleeping
    /// until it is published. The batch stays the consumer's until the next call.
    /// </summary>
    /// <exception cref="Exception">The producer failed (<see cref="Fail"/>) before publishing the next batch: its exception.</exception>
    public Batch Take()
    {
        if (_holding)
        {
            _holding = false;
            long released = _released + 1;
            Interlocked.Exchange(ref _released, released);
            if (Volatile.Read(ref _producerWaits) != 0 && Volatile.Read(ref _published) - released <= _slots.Length - _half)
            {
                _space.Set();
            }
        }

        long next = _released;
        while (Volatile.Read(ref _published) == next)
        {
            Volatile.Read(ref _failure)?.Throw();
            _ready.Reset();
            Volatile.Write(ref _wakeConsumerAt, next + _half);
            Interlocked.Exchange(ref _consumerWaits, 1);
            if (Volatile.Read(ref _published) == next && Volatile.Read(ref _failure) is null)
            {
                _ready.Wait();
            }

            Volatile.Write(ref _consumerWaits, 0);
        }

        _holding = true;
        return _slots[next % _slots.Length];
    }

    public void Dispose()
    {
        _space.Dispose();
        _ready.Dispose();
    }

    /// <summary>A batch buffer: rows gathered by the producer, taken by the consumer.</summary>
    internal sealed class Batch(int batchSize, int featureCount, int targetCount)
    {
        public float[] Features { get; } = new float[batchSize * featureCount];

        public float[] Targets { get; } = new float[batchSize * targetCount];

        public long[] Rows { get; } = new long[batchSize];

        public int Count { get; set; }
    }
}
