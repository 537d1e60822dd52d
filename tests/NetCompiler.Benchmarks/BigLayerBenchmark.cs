using BenchmarkDotNet.Attributes;

namespace NetCompiler.Benchmarks;

/// <summary>
/// Training steps of networks whose weights are far beyond L2 (issue 14's "big layers"): the generated matrix form on
/// one thread and on two. The "% of peak" column is the figure; no textbook baseline (it would take minutes a call).
/// </summary>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(Wide1024))]
[GenericTypeArguments(typeof(Wide2048))]
[GenericTypeArguments(typeof(Wide4096))]
public class BigLayerBenchmark<TNet> : NetworkBenchmarkBase<TNet>
    where TNet : class, INeuralNetwork<TNet>
{
    [Params(128, 256)]
    public override int Batch { get; set; }

    // A tiny learning rate keeps the weights where they started over every call.
    [Benchmark(Baseline = true, Description = "generated, matrix form")]
    public float MatrixForm() => TNet.TrainStepBatch(Network.Parameters, Inputs, Targets, 1e-7f);

    [Benchmark(Description = "generated, matrix form, 2 threads")]
    public float MatrixFormTwoThreads() => TNet.TrainStepBatchParallel(Network.Parameters, Inputs, Targets, 1e-7f);
}
