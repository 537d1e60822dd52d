using BenchmarkDotNet.Attributes;

namespace NetCompiler.Benchmarks;

/// <summary>
/// One training step of a double network over a batch in the matrix form (<c>TrainStepBatch</c>); its "% of peak" divides by
/// the FP64 peak of <see cref="DoublePeakBenchmark"/>, measured in the same run.
/// </summary>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(Mnist128Double))]
public class DoubleTrainingBenchmark<TNet>
    where TNet : class, INeuralNetwork<TNet, double>
{
    private TNet _network = null!;
    private double[] _inputs = [];
    private double[] _targets = [];

    [Params(32, 64)]
    public int Batch { get; set; }

    /// <summary>The same seeds and sample recipe as the float benchmarks: inputs in [0, 1), one-hot targets.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _network = TNet.Create(42);
        _inputs = [.. Enumerable.Range(0, Batch * TNet.InputSize).Select(_ => random.NextDouble())];
        _targets = new double[Batch * TNet.OutputSize];
        for (int s = 0; s < Batch; s++)
        {
            _targets[(s * TNet.OutputSize) + random.Next(TNet.OutputSize)] = 1;
        }
    }

    // A tiny learning rate keeps the weights where they started over millions of steps.
    [Benchmark(Description = "generated, matrix form, double")]
    public double MatrixForm() => TNet.TrainStepBatch(_network.Parameters, _inputs, _targets, 1e-6);
}
