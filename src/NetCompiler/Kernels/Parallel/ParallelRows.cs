using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NetCompiler.Kernels.Parallel;

/// <summary>
/// Runs a layer product of the batched kernels on two cores by splitting its output rows between the calling thread
/// and <see cref="KernelWorker"/>. Each output element is computed by one thread with exactly the serial code, so the
/// result is bit-identical to the serial kernel, whichever thread computed which rows.
/// <para>
/// Opt-in: the generated <c>TrainStepBatchParallel</c> and <c>ForwardBatchParallel</c>, and the trainer with
/// <c>TrainerOptions.UseSecondCore</c>, open a <see cref="Scope"/> and run the serial code; inside it, each per-layer driver asks
/// <see cref="ShouldSplit"/> whether its product is large enough to pay for the hand-off. Everywhere else the
/// drivers stay on the calling thread.
/// </para>
/// Called by generated code (hidden from IntelliSense); not meant to be called directly, and may change between versions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ParallelRows
{
    /// <summary>
    /// Multiply-adds (rows × depth × samples) below which a product stays on one thread: about 40 µs of one AVX-512
    /// core at its FMA peak. The hand-off itself is short, but a split product's input, half of it written by the other
    /// core, must cross between the cores, and for smaller products that costs more than the second core saves
    /// (the measurements behind the value: docs/design/kernels.md, "Two cores").
    /// </summary>
    internal const long DefaultMinimumWork = 1L << 22;

    /// <summary>
    /// Multiply-adds per chunk to aim for (about 2 µs at the single-core peak), so claiming one (well under 1 µs) costs
    /// little; large products are cut into single tiles, so the threads finish at most one tile apart.
    /// </summary>
    private const long ChunkWork = 1L << 18;

    [ThreadStatic]
    private static bool t_enabled;

    private static readonly bool s_hasSecondCore = Environment.ProcessorCount > 1;

    /// <summary>The work threshold in force; tests lower it to split small networks.</summary>
    internal static long MinimumWork { get; set; } = DefaultMinimumWork;

    /// <summary>Tests set this so that the worker claims its first chunk (the last rows) before the caller starts, and surely takes part.</summary>
    internal static bool WorkerStartsFirst { get; set; }

    /// <summary>Lets the batched kernels on this thread use the worker until the returned scope is disposed.</summary>
    public static Scope Enter() => Enter(enabled: true);

    /// <summary>
    /// <see cref="Enter()"/> when <paramref name="enabled"/>; otherwise a scope that changes nothing (an enclosing scope
    /// stays in force).
    /// </summary>
    public static Scope Enter(bool enabled)
    {
        var scope = new Scope(t_enabled);
        t_enabled |= enabled;
        return scope;
    }

    /// <summary>
    /// Whether a product of <paramref name="work"/> multiply-adds should be split: only inside <see cref="Enter()"/>,
    /// on a machine with a second core, and when the work is large enough.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ShouldSplit(long work) => work >= MinimumWork && t_enabled && s_hasSecondCore;

    /// <summary>
    /// Runs <paramref name="kernel"/> over all <paramref name="rows"/> rows on this thread and the worker: the rows are
    /// cut into chunks of whole <paramref name="tileRows"/>-row tiles (the rows after the last whole tile ride with the
    /// last chunk); this thread claims chunks from the front and the worker from the back until they meet (so each
    /// thread keeps working on the same rows from one product to the next), and a late worker only means this thread does
    /// more of them. Returns when every chunk is done. If the worker is busy with another thread's product, runs all
    /// rows here (the same result). An exception from either thread surfaces here, after both have stopped.
    /// </summary>
    /// <param name="kernel">Computes one row range; cached by the caller, so the call allocates nothing.</param>
    /// <param name="left">Passed to every <paramref name="kernel"/> call.</param>
    /// <param name="right">Passed to every <paramref name="kernel"/> call.</param>
    /// <param name="result">Passed to every <paramref name="kernel"/> call; each call writes only its own rows.</param>
    /// <param name="samples">Passed to every <paramref name="kernel"/> call.</param>
    /// <param name="alpha">Passed to every <paramref name="kernel"/> call.</param>
    /// <param name="rows">The product's output rows.</param>
    /// <param name="tileRows">The kernel's row tile: every range but the last starts and ends on a multiple of it.</param>
    /// <param name="work">The product's multiply-adds, which sets how finely it is cut.</param>
    public static unsafe void Run(RowRangeKernel kernel, ReadOnlySpan<float> left, ReadOnlySpan<float> right, Span<float> result, int samples, float alpha, int rows, int tileRows, long work)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileRows);
        int tiles = rows / tileRows;
        int chunks = (int)Math.Min(Math.Clamp(work / ChunkWork, 2, Math.Max(tiles, 2)), KernelWorker.MaxChunks);
        int tilesPerChunk = (tiles + chunks - 1) / chunks;
        var worker = tiles >= 2 ? KernelWorker.Instance : null;
        if (worker is null || !worker.TryTake())
        {
            kernel(left, right, result, samples, alpha, 0, rows);
            return;
        }

        try
        {
            // Pinned until every chunk is done: the worker reads and writes through these pointers.
            fixed (float* l = left)
            fixed (float* r = right)
            fixed (float* c = result)
            {
                int job = worker.Post(kernel, l, left.Length, r, right.Length, c, result.Length, samples, alpha, rows, tilesPerChunk * tileRows, (tiles + tilesPerChunk - 1) / tilesPerChunk);
                try
                {
                    if (WorkerStartsFirst)
                    {
                        worker.WaitForFirstClaim(job);
                    }

                    while (worker.RunNextChunk(job))
                    {
                    }
                }
                catch
                {
                    // The worker must stop using the memory before it is unpinned; this thread's exception wins.
                    worker.Abandon(job);
                    worker.Finish();
                    throw;
                }

                worker.Finish()?.Throw();
            }
        }
        finally
        {
            worker.Release();
        }
    }

    /// <summary>
    /// Runs a layer product of <paramref name="rows"/> output rows and <paramref name="work"/> multiply-adds: with
    /// <see cref="Run"/> on two cores when <see cref="ShouldSplit"/> says it pays, otherwise over all rows on this thread.
    /// </summary>
    /// <param name="kernel">Computes one row range; cached by the caller, so the call allocates nothing.</param>
    /// <param name="left">Passed to every <paramref name="kernel"/> call.</param>
    /// <param name="right">Passed to every <paramref name="kernel"/> call.</param>
    /// <param name="result">Passed to every <paramref name="kernel"/> call; each call writes only its own rows.</param>
    /// <param name="samples">Passed to every <paramref name="kernel"/> call.</param>
    /// <param name="alpha">Passed to every <paramref name="kernel"/> call.</param>
    /// <param name="rows">The product's output rows.</param>
    /// <param name="tileRows">The kernel's row tile.</param>
    /// <param name="work">The product's multiply-adds.</param>
    public static void RunProduct(RowRangeKernel kernel, ReadOnlySpan<float> left, ReadOnlySpan<float> right, Span<float> result, int samples, float alpha, int rows, int tileRows, long work)
    {
        if (ShouldSplit(work))
        {
            Run(kernel, left, right, result, samples, alpha, rows, tileRows, work);
            return;
        }

        ArgumentNullException.ThrowIfNull(kernel);
        kernel(left, right, result, samples, alpha, 0, rows);
    }

    /// <summary>
    /// Runs an element-wise pass over the rows of feature-major matrices (an activation, its derivative, a transpose
    /// into sample-major) that follows or precedes a layer product of <paramref name="rows"/> rows and
    /// <paramref name="work"/> multiply-adds: split exactly as <see cref="Run"/> splits that product when
    /// <see cref="ShouldSplit"/> says so, so each thread mostly passes over the rows it computed (still in its cache),
    /// otherwise over all rows on this thread.
    /// </summary>
    /// <param name="kernel">The pass over one row range (see <see cref="RowPasses"/>); cached, so the call allocates nothing.</param>
    /// <param name="left">Passed to every <paramref name="kernel"/> call.</param>
    /// <param name="right">Passed to every <paramref name="kernel"/> call.</param>
    /// <param name="result">Passed to every <paramref name="kernel"/> call; each call writes only its own rows.</param>
    /// <param name="columns">The matrices' columns (the samples), passed as the kernel's <c>samples</c>.</param>
    /// <param name="rows">The rows of the matrices (and of the product).</param>
    /// <param name="tileRows">The product's row tile.</param>
    /// <param name="work">The product's multiply-adds.</param>
    public static void RunPass(RowRangeKernel kernel, ReadOnlySpan<float> left, ReadOnlySpan<float> right, Span<float> result, int columns, int rows, int tileRows, long work) =>
        RunProduct(kernel, left, right, result, columns, 1f, rows, tileRows, work);

    /// <summary>Returned by <see cref="Enter()"/>; restores the previous setting when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly bool _previous;

        internal Scope(bool previous) => _previous = previous;

        /// <summary>Restores the setting in force before <see cref="Enter()"/>.</summary>
        public void Dispose() => t_enabled = _previous;
    }
}
