using NetCompiler.Kernels.Parallel;

namespace NetCompiler.Tests.Parallel;

/// <summary>
/// The tests that use the library's one worker thread, or change the split settings, run one after another: a
/// test that counts the worker's jobs or sets <see cref="ParallelRows.MinimumWork"/> must not overlap another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ParallelWorkerCollection
{
    public const string Name = "Kernel worker";
}

/// <summary>
/// Sets the split settings for one test and restores the defaults on dispose: <paramref name="minimumWork"/>
/// (0 splits every product of two tiles or more), and whether the worker takes the first chunk of every product,
/// so that it surely takes part.
/// </summary>
internal sealed class SplitSettings : IDisposable
{
    public SplitSettings(long minimumWork, bool workerStartsFirst = true)
    {
        ParallelRows.MinimumWork = minimumWork;
        ParallelRows.WorkerStartsFirst = workerStartsFirst;
    }

    /// <summary>Jobs the worker has taken part in so far.</summary>
    public static long WorkerJobs => KernelWorker.Instance.JobsJoined;

    public void Dispose()
    {
        ParallelRows.MinimumWork = ParallelRows.DefaultMinimumWork;
        ParallelRows.WorkerStartsFirst = false;
    }
}
