namespace NetCompiler.Tests.Support;

/// <summary>
/// Tests that keep both cores busy for seconds (a million parsed numbers, files of hundreds of megabytes, reader threads)
/// or count every byte the process allocates: they run after the parallel collections, one class at a time, so they
/// neither skew the allocation counts nor starve the timing-sensitive two-thread tests of <c>Parallel/</c>.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunAloneCollection
{
    public const string Name = "Run alone";
}
