using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace NetCompiler.Kernels.Parallel;

/// <summary>
/// One persistent background thread that helps the calling thread with the row chunks of one layer product.
/// Created once, on first use; afterwards a product costs no allocation: the job lives in fields of this object,
/// the kernel is a delegate the generated class caches, and the caller's spans travel as pinned pointers plus
/// lengths (spans cannot cross threads) that the worker turns back into spans.
/// <para>
/// The chunks are claimed, not assigned: the caller takes chunks from the front of the rows and the worker from the
/// back, through <see cref="_cursor"/>, until they meet. If the worker is late (asleep, or its core is busy with
/// another process) the caller simply does more of the work, so a parallel product is never much slower than the
/// serial one. Each chunk is still computed by exactly one thread with the serial code, so which thread took which
/// chunk never changes a bit of the result.
/// </para>
/// <para>
/// Why from both ends: each thread then works on the same rows from one product to the next (the forward product and
/// the weight update of a layer cover the same rows of W, and so does the next training step). Those rows of W stay
/// in that core's cache instead of moving between the cores' caches, as they would if both threads claimed from the
/// front and which thread got which row changed every time (docs/design/kernels.md, "Two cores").
/// </para>
/// <para>
/// Waiting: each side first spins (the other side is usually microseconds away: the chunks are small, and the next
/// product of a training step follows shortly), then sleeps on an event, so an idle worker costs no CPU.
/// </para>
/// </summary>
internal sealed unsafe class KernelWorker
{
    /// <summary>How long the worker keeps polling for the next job before it sleeps: longer than the serial
    /// parts between two products of one training step, short enough not to burn a core for long.</summary>
    private static readonly long WorkerSpinTicks = Stopwatch.Frequency / 5_000; // 200 µs

    /// <summary>How long the caller polls for the worker's last chunk before it sleeps (the worker may have been descheduled).</summary>
    private static readonly long CallerSpinTicks = Stopwatch.Frequency / 5_000; // 200 µs

    private static readonly Lock s_creation = new();
    private static KernelWorker? s_instance;

    private readonly ManualResetEventSlim _wake = new(initialState: false, spinCount: 0);
    private readonly ManualResetEventSlim _done = new(initialState: false, spinCount: 0);

    // Held by at most one caller at a time (0 = free, 1 = taken); a second caller runs serially instead of waiting.
    private int _taken;

    // The number of the last job posted; the worker wakes when it changes.
    private int _posted;

    // (job number << 32) | (chunks claimed from the front << 16) | chunks claimed from the back. Claiming is a
    // compare-and-swap on the whole word, so a thread that read an old job's cursor can never claim a chunk of a
    // newer job.
    private long _cursor;

    // Chunks of the current job finished (or given up after a failure); the job is over when it reaches _chunkCount.
    private int _completed;

    // The job: written by the caller before it publishes the cursor, unchanged until the job is over.
    private RowRangeKernel? _kernel;
    private float* _left;
    private int _leftLength;
    private float* _right;
    private int _rightLength;
    private float* _result;
    private int _resultLength;
    private int _samples;
    private float _alpha;
    private int _rows;
    private int _chunkRows;
    private int _chunkCount;
    private ExceptionDispatchInfo? _failure;

    // Jobs the worker ran at least one chunk of; written by the worker only, read by tests.
    private long _jobsJoined;

    private KernelWorker()
    {
        var thread = new Thread(Run)
        {
            IsBackground = true,
            Name = "NetCompiler kernel worker",
        };
        thread.Start();
    }

    /// <summary>The most chunks one job can have (the cursor counts each end in 16 bits).</summary>
    public const int MaxChunks = ushort.MaxValue;

    /// <summary>The worker, started on first use.</summary>
    public static KernelWorker Instance
    {
        get
        {
            var worker = Volatile.Read(ref s_instance);
            if (worker is not null)
            {
                return worker;
            }

            lock (s_creation)
            {
                return s_instance ??= new KernelWorker();
            }
        }
    }

    /// <summary>The number of jobs the worker has run at least one chunk of (tests check that the worker took part).</summary>
    internal long JobsJoined => Volatile.Read(ref _jobsJoined);

    /// <summary>Takes the worker for one job; false if another thread is using it.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _taken, 1, 0) == 0;

    /// <summary>Gives the worker back after <see cref="Finish"/>.</summary>
    public void Release() => Volatile.Write(ref _taken, 0);

    /// <summary>
    /// Publishes a product of <paramref name="rows"/> rows cut into <paramref name="chunkCount"/> chunks of
    /// <paramref name="chunkRows"/> rows (the last one runs to <paramref name="rows"/>) and wakes the worker. The memory
    /// behind the pointers must stay pinned until <see cref="Finish"/> returns. Returns the job number.
    /// </summary>
    public int Post(RowRangeKernel kernel, float* left, int leftLength, float* right, int rightLength, float* result, int resultLength, int samples, float alpha, int rows, int chunkRows, int chunkCount)
    {
        // Close the cursor before touching the fields. A worker still in the last job's claim loop may have read that
        // job's cursor and be about to read _chunkCount: if it read the new, larger count, its compare-and-swap on
        // the old cursor would succeed and claim a chunk of a job that does not exist yet, with half-written fields,
        // and count one chunk too many (so Finish would wait forever). Once the cursor has changed, that swap fails. A
        // full fence, so that none of the field writes below can become visible before the cursor is closed.
        int job = _posted + 1;
        Interlocked.Exchange(ref _cursor, Closed(job));
        _kernel = kernel;
        _left = left;
        _leftLength = leftLength;
        _right = right;
        _rightLength = rightLength;
        _result = result;
        _resultLength = resultLength;
        _samples = samples;
        _alpha = alpha;
        _rows = rows;
        _chunkRows = chunkRows;
        _chunkCount = chunkCount;
        _completed = 0;
        Volatile.Write(ref _cursor, (long)job << 32);
        Volatile.Write(ref _posted, job);
        _wake.Set();
        return job;
    }

    /// <summary>
    /// Claims the next chunk of <paramref name="job"/> from the front for the calling thread and runs it; false when
    /// none is left. An exception from the chunk propagates (the chunk counts as finished).
    /// </summary>
    public bool RunNextChunk(int job)
    {
        if (!TryClaim(job, fromBack: false, out int firstRow, out int endRow))
        {
            return false;
        }

        try
        {
            RunChunk(firstRow, endRow);
        }
        finally
        {
            CompleteChunks(1);
        }

        return true;
    }

    /// <summary>Waits until the worker (or anybody) has claimed a chunk of <paramref name="job"/>; tests use it to make the worker take part.</summary>
    internal void WaitForFirstClaim(int job)
    {
        while (Volatile.Read(ref _cursor) == (long)job << 32)
        {
            Thread.Yield();
        }
    }

    /// <summary>Gives up the chunks of <paramref name="job"/> nobody has claimed yet (after a failure).</summary>
    public void Abandon(int job)
    {
        while (true)
        {
            long cursor = Volatile.Read(ref _cursor);
            var (front, back) = Ends(cursor);
            if ((int)(cursor >> 32) != job || front + back >= _chunkCount)
            {
                return;
            }

            // Claim every chunk left, from the front, and count them as finished.
            long claimedAll = ((long)job << 32) | ((long)(_chunkCount - back) << 16) | (uint)back;
            if (Interlocked.CompareExchange(ref _cursor, claimedAll, cursor) == cursor)
            {
                CompleteChunks(_chunkCount - front - back);
                return;
            }
        }
    }

    /// <summary>
    /// Waits until every chunk of the current job is finished (the worker no longer touches its memory); returns
    /// the exception a chunk on the worker threw, if any (the caller decides whether to rethrow it).
    /// </summary>
    public ExceptionDispatchInfo? Finish()
    {
        long deadline = Stopwatch.GetTimestamp() + CallerSpinTicks;
        bool interrupted = false;
        while (Volatile.Read(ref _completed) != _chunkCount)
        {
            if (Stopwatch.GetTimestamp() < deadline)
            {
                Thread.SpinWait(4);
                continue;
            }

            // Reset, then look again: a Set after that look wakes this thread, one before it is not needed.
            _done.Reset();
            if (Volatile.Read(ref _completed) != _chunkCount)
            {
                try
                {
                    _done.Wait();
                }
                catch (ThreadInterruptedException)
                {
                    // Leaving now would unpin memory the worker is still writing: finish waiting, then pass the interrupt on.
                    interrupted = true;
                }
            }
        }

        if (interrupted)
        {
            Thread.CurrentThread.Interrupt();
        }

        var failure = _failure;
        _failure = null;
        _kernel = null;
        return failure;
    }

    /// <summary>A cursor of <paramref name="job"/> that no claim can take: its ends add up to more than <see cref="MaxChunks"/>.</summary>
    private static long Closed(int job) => ((long)job << 32) | 0xFFFF_FFFFL;

    /// <summary>The chunks a cursor says were claimed from the front and from the back.</summary>
    private static (int Front, int Back) Ends(long cursor) => ((int)((cursor >> 16) & 0xFFFF), (int)(cursor & 0xFFFF));

    private bool TryClaim(int job, bool fromBack, out int firstRow, out int endRow)
    {
        while (true)
        {
            long cursor = Volatile.Read(ref _cursor);
            var (front, back) = Ends(cursor);
            if ((int)(cursor >> 32) != job || front + back >= _chunkCount)
            {
                firstRow = endRow = 0;
                return false;
            }

            long claimed = fromBack ? cursor + 1 : cursor + (1L << 16);
            if (Interlocked.CompareExchange(ref _cursor, claimed, cursor) == cursor)
            {
                int chunk = fromBack ? _chunkCount - 1 - back : front;
                firstRow = chunk * _chunkRows;
                endRow = chunk == _chunkCount - 1 ? _rows : firstRow + _chunkRows;
                return true;
            }
        }
    }

    private void CompleteChunks(int count)
    {
        if (Interlocked.Add(ref _completed, count) == _chunkCount)
        {
            _done.Set();
        }
    }

    private void RunChunk(int firstRow, int endRow) =>
        _kernel!(
            new ReadOnlySpan<float>(_left, _leftLength),
            new ReadOnlySpan<float>(_right, _rightLength),
            new Span<float>(_result, _resultLength),
            _samples,
            _alpha,
            firstRow,
            endRow);

    private void Run()
    {
        int seen = 0;
        while (true)
        {
            WaitForPost(seen);
            seen = Volatile.Read(ref _posted);

            // The cursor names the job. A claim succeeds only while that job is current, and then the job's fields
            // stay as they are until the claimed chunk is completed, because the caller waits for every chunk.
            int job = (int)(Volatile.Read(ref _cursor) >> 32);
            bool joined = false;
            while (TryClaim(job, fromBack: true, out int firstRow, out int endRow))
            {
                if (!joined)
                {
                    // Counted before the chunk completes, so the caller sees the count once the job is over.
                    joined = true;
                    Volatile.Write(ref _jobsJoined, _jobsJoined + 1);
                }

                try
                {
                    RunChunk(firstRow, endRow);
                }
                catch (Exception e)
                {
                    // Recorded before the chunk counts as finished, so the caller sees it when the job is over.
                    _failure = ExceptionDispatchInfo.Capture(e);
                    Abandon(job);
                }
                finally
                {
                    CompleteChunks(1);
                }
            }
        }
    }

    /// <summary>Spins, then sleeps, until a job after <paramref name="seen"/> is posted.</summary>
    private void WaitForPost(int seen)
    {
        long deadline = Stopwatch.GetTimestamp() + WorkerSpinTicks;
        while (Volatile.Read(ref _posted) == seen)
        {
            if (Stopwatch.GetTimestamp() < deadline)
            {
                Thread.SpinWait(4);
                continue;
            }

            // Reset, then look again: a Set after that look wakes this thread, one before it is not needed.
            _wake.Reset();
            if (Volatile.Read(ref _posted) == seen)
            {
                _wake.Wait();
            }

            deadline = Stopwatch.GetTimestamp() + WorkerSpinTicks;
        }
    }
}
