using BenchmarkDotNet.Attributes;

namespace NetCompiler.Benchmarks.Data;

/// <summary>A benchmark over files its setup generates in a temporary directory of its own, deleted by the cleanup.</summary>
public abstract class GeneratedFileBenchmark
{
    private string? _directory;

    /// <summary>A path in this benchmark's directory, created on first use.</summary>
    protected string PathOf(string name) => Path.Combine(_directory ??= GeneratedData.CreateDirectory(), name);

    [GlobalCleanup]
    public virtual void Cleanup()
    {
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
