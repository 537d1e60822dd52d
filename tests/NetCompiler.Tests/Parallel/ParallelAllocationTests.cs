using NetCompiler.Kernels.Parallel;
using NetCompiler.Tests.Support;
using Xunit.Abstractions;

namespace NetCompiler.Tests.Parallel;

/// <summary>
/// Once the worker thread exists, the parallel batched kernels allocate nothing: not on the calling thread and not
/// on the worker (read there by a probe kernel that the worker runs), whether the worker was spinning or asleep.
/// </summary>
[Collection(ParallelWorkerCollection.Name)]
public sealed class ParallelAllocationTests(ITestOutputHelper output)
{
    private static long s_workerAllocated = -1;

    // Run on the worker (it takes the last chunk): records how much that thread has allocated so far.
    private static readonly RowRangeKernel s_probeWorker = static (_, _, result, _, _, _, endRow) =>
    {
        if (endRow == result.Length)
        {
            s_workerAllocated = GC.GetAllocatedBytesForCurrentThread();
        }
    };

    [Fact]
    public void ParallelKernelsAllocateNothingOnEitherThreadOnceWarm()
    {
        using var settings = new SplitSettings(minimumWork: 0);
        const int batch = 64;
        var inputs = Numbers.Uniform(batch * TileEdgesNet.InputSize, seed: 9);
        var targets = NetworkData.TargetsFor<TileEdgesNet>(batch, seed: 10);
        var outputs = new float[batch * TileEdgesNet.OutputSize];

        // Three whole tiles and a part: ForwardBatchParallel shares the tiles, and the worker runs ForwardBatch on its own.
        const int tiledBatch = (3 * global::NetCompiler.Kernels.BatchLayout.TileSamples) + 5;
        var tiledInputs = Numbers.Uniform(tiledBatch * TileEdgesNet.InputSize, seed: 11);
        var tiledOutputs = new float[tiledBatch * TileEdgesNet.OutputSize];
        var parameters = new TileEdgesNet(seed: 6).Parameters.ToArray();
        var probeResult = new float[24];

        // Warm-up: start the worker, JIT every path, let it fall asleep and be woken, warm the array pool.
        for (int i = 0; i < 40; i++)
        {
            Call(i);
        }

        // Up to three rounds of 200 calls, one of which must allocate exactly nothing on either thread: a kernel that
        // allocates per call fails every round, while a one-off allocation by the runtime itself (see
        // Support/Allocations) only spoils one round. Two threads are measured here, so the rounds are written out.
        long caller = -1, worker = -1, workerJobs = 0;
        for (int round = 0; round < 3 && (caller, worker) != (0L, 0L); round++)
        {
            long jobs = SplitSettings.WorkerJobs;
            long workerBefore = ProbeWorker(probeResult);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 200; i++)
            {
                Call(i);
            }

            caller = GC.GetAllocatedBytesForCurrentThread() - before;
            worker = ProbeWorker(probeResult) - workerBefore;
            workerJobs = SplitSettings.WorkerJobs - jobs;
            output.WriteLine($"Round {round + 1}, 200 calls of TrainStepBatchParallel and ForwardBatchParallel (twice): caller {caller} B, worker {worker} B, worker took part in {workerJobs} products.");
        }

        Assert.Equal((0L, 0L), (caller, worker));
        Assert.True(workerJobs >= 200 * 3, $"the worker took part in only {workerJobs} products");
        Numbers.AssertAllFinite(parameters, "parameters");

        void Call(int i)
        {
            if (i % 20 == 19)
            {
                // Long enough for the worker to stop spinning and sleep on its event.
                Thread.Sleep(5);
            }

            TileEdgesNet.TrainStepBatchParallel(parameters, inputs, targets, 1e-4f);
            TileEdgesNet.ForwardBatchParallel(parameters, inputs, outputs);
            TileEdgesNet.ForwardBatchParallel(parameters, tiledInputs, tiledOutputs);
        }
    }

    private static long ProbeWorker(float[] result)
    {
        s_workerAllocated = -1;
        ParallelRows.Run(s_probeWorker, [], [], result, 0, 1f, result.Length, 12, work: 0);
        Assert.NotEqual(-1, s_workerAllocated);
        return s_workerAllocated;
    }
}
