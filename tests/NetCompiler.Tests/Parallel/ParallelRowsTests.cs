using System.Diagnostics;
using NetCompiler.Kernels.Parallel;

namespace NetCompiler.Tests.Parallel;

/// <summary>
/// The runtime side of the parallel kernels, with kernels written for the test: every row is computed exactly once,
/// in ranges of whole tiles; an exception on either thread surfaces on the caller after both threads have stopped,
/// and the worker keeps working afterwards; the opt-in scope is per thread and nests.
/// </summary>
[Collection(ParallelWorkerCollection.Name)]
public sealed class ParallelRowsTests
{
    private const int Tile = 12;

    [ThreadStatic]
    private static bool t_isCaller;

    // Marks each row of its range in result (samples carries the row count): +1 per visit, and -1000 at the start of a
    // range that does not start on a tile or does not end on one or at the last row.
    private static readonly RowRangeKernel s_markRows = static (_, _, result, rows, _, firstRow, endRow) =>
    {
        bool whole = firstRow % Tile == 0 && (endRow % Tile == 0 || endRow == rows) && firstRow < endRow;
        for (int row = firstRow; row < endRow; row++)
        {
            result[row] += 1f;
        }

        if (!whole)
        {
            result[firstRow] -= 1000f;
        }
    };

    // Marks each row of its range (+1 per visit); on the worker it first spins a little, so the worker mostly finishes a
    // job's last chunk while the caller waits, and the caller posts the next job at once.
    private static readonly RowRangeKernel s_markRowsLastOnWorker = static (_, _, result, _, _, firstRow, endRow) =>
    {
        if (!t_isCaller)
        {
            Thread.SpinWait(20);
        }

        for (int row = firstRow; row < endRow; row++)
        {
            result[row] += 1f;
        }
    };

    private static readonly RowRangeKernel s_throwOnWorker = static (_, _, result, _, _, firstRow, endRow) =>
    {
        if (!t_isCaller)
        {
            throw new InvalidOperationException($"worker failed on rows {firstRow}..{endRow - 1}");
        }

        result.Slice(firstRow, endRow - firstRow).Fill(1f);
    };

    private static volatile bool s_callerStarted;

    // The worker's first chunk (the last rows) waits for the caller's first, so that the caller surely gets one (and fails in it).
    private static readonly RowRangeKernel s_throwOnCaller = static (_, _, result, _, _, firstRow, endRow) =>
    {
        if (t_isCaller)
        {
            s_callerStarted = true;
            throw new ArgumentException("caller failed");
        }

        Assert.True(endRow < result.Length || SpinWait.SpinUntil(() => s_callerStarted, TimeSpan.FromSeconds(10)), "the caller took no chunk");
        result.Slice(firstRow, endRow - firstRow).Fill(1f);
    };

    [Theory]
    [InlineData(24, 0L)]
    [InlineData(35, 0L)]
    [InlineData(37, 1L << 20)]
    [InlineData(101, 1L << 22)]
    [InlineData(256, 1L << 26)]
    [InlineData(2000, 1L << 40)]
    public void EveryRowIsComputedOnceInRangesOfWholeTiles(int rows, long work)
    {
        using var settings = new SplitSettings(minimumWork: 0);
        long jobs = SplitSettings.WorkerJobs;
        var result = new float[rows];
        ParallelRows.Run(s_markRows, [], [], result, rows, 1f, rows, Tile, work);

        Assert.All(result, (visits, row) => Assert.True(visits == 1f, $"row {row} of {rows}: {visits}"));
        Assert.Equal(1, SplitSettings.WorkerJobs - jobs);
    }

    [Fact]
    public void JobsOfDifferentSizesInQuickSuccessionRunEveryRowOnceAndAllFinish()
    {
        // Small jobs of 2 chunks alternate with large ones of 21, as the passes and products of a network do. A worker
        // still in one job's claim loop must never claim a chunk of the next while the caller is writing it: before the
        // cursor was closed during Post, that ran a stray chunk and counted one chunk too many, and Finish waited
        // forever (within about 10,000 to 150,000 calls of a 784-256-256-10 ForwardBatchParallel). This test caught it in
        // about half its runs (a stray visit or a hang), in 1 to 3 seconds.
        // On a loaded machine (other test classes, other builds) each hand-over can wait for a time slice, so the caller
        // stops at a deadline, at a multiple of 1,000 jobs, rather than run all 500,000 jobs (1 to 3 seconds on a quiet
        // machine) and outlive the test, still using the shared worker under the next tests.
        using var settings = new SplitSettings(minimumWork: 0);
        var small = new float[2 * Tile];
        var large = new float[21 * Tile];
        const int MostJobs = 500_000;
        long deadline = Stopwatch.GetTimestamp() + (20 * Stopwatch.Frequency);
        int jobs = 0;
        var caller = new Thread(() =>
        {
            t_isCaller = true;
            for (int job = 0; job < MostJobs && (job % 1000 != 0 || Stopwatch.GetTimestamp() < deadline); job++)
            {
                // Back to back, as a layer's pass follows its product: Post comes right after Finish.
                var result = job % 2 == 0 ? small : large;
                ParallelRows.Run(s_markRowsLastOnWorker, [], [], result, result.Length, 1f, result.Length, Tile, 1L << 40);
                jobs = job + 1;
            }
        })
        { IsBackground = true };
        caller.Start();

        Assert.True(caller.Join(TimeSpan.FromMinutes(2)), $"a job did not finish after {jobs} jobs: the caller is still waiting for a chunk");
        Assert.True(jobs >= 1000, $"only {jobs} jobs ran");
        Assert.All(small, (visits, row) => Assert.True(visits == jobs / 2, $"small job's row {row}: {visits} visits in {jobs / 2} jobs"));
        Assert.All(large, (visits, row) => Assert.True(visits == jobs / 2, $"large job's row {row}: {visits} visits in {jobs / 2} jobs"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12)]
    [InlineData(23)]
    public void FewerThanTwoTilesStayOnTheCallingThread(int rows)
    {
        using var settings = new SplitSettings(minimumWork: 0, workerStartsFirst: false);
        long jobs = SplitSettings.WorkerJobs;
        var result = new float[rows];
        ParallelRows.Run(s_markRows, [], [], result, rows, 1f, rows, Tile, work: 1L << 30);

        Assert.All(result, visits => Assert.Equal(1f, visits));
        Assert.Equal(0, SplitSettings.WorkerJobs - jobs);
    }

    [Fact]
    public void AnExceptionOnTheWorkerSurfacesOnTheCaller()
    {
        using var settings = new SplitSettings(minimumWork: 0);
        t_isCaller = true;
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() =>
                ParallelRows.Run(s_throwOnWorker, [], [], new float[96], 0, 1f, rows: 96, Tile, work: 1L << 30));

            // With the worker starting first, it fails on its first chunk, the last rows.
            Assert.EndsWith("..95", error.Message, StringComparison.Ordinal);
            AssertWorkerStillRuns();
        }
        finally
        {
            t_isCaller = false;
        }
    }

    [Fact]
    public void AnExceptionOnTheCallerWinsAndTheWorkerKeepsWorking()
    {
        using var settings = new SplitSettings(minimumWork: 0);
        t_isCaller = true;
        s_callerStarted = false;
        try
        {
            var error = Assert.Throws<ArgumentException>(() =>
                ParallelRows.Run(s_throwOnCaller, [], [], new float[96], 0, 1f, rows: 96, Tile, work: 1L << 30));

            Assert.Equal("caller failed", error.Message);
            AssertWorkerStillRuns();
        }
        finally
        {
            t_isCaller = false;
        }
    }

    [Fact]
    public void SplittingIsOptInPerThreadAndScopesNest()
    {
        using var settings = new SplitSettings(minimumWork: 100);
        Assert.False(ParallelRows.ShouldSplit(1000));
        using (ParallelRows.Enter())
        {
            Assert.True(ParallelRows.ShouldSplit(1000));
            Assert.True(ParallelRows.ShouldSplit(100));
            Assert.False(ParallelRows.ShouldSplit(99));
            using (ParallelRows.Enter())
            {
                Assert.True(ParallelRows.ShouldSplit(1000));
            }

            Assert.True(ParallelRows.ShouldSplit(1000));

            bool onAnotherThread = true;
            var other = new Thread(() => onAnotherThread = ParallelRows.ShouldSplit(1000));
            other.Start();
            other.Join();
            Assert.False(onAnotherThread);
        }

        Assert.False(ParallelRows.ShouldSplit(1000));
    }

    /// <summary>After a failure the worker is free and takes part in the next product, which covers every row once.</summary>
    private static void AssertWorkerStillRuns()
    {
        long jobs = SplitSettings.WorkerJobs;
        var result = new float[256];
        ParallelRows.Run(s_markRows, [], [], result, 256, 1f, 256, Tile, work: 1L << 30);
        Assert.All(result, visits => Assert.Equal(1f, visits));
        Assert.Equal(1, SplitSettings.WorkerJobs - jobs);
    }
}
