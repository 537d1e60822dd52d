using BenchmarkDotNet.Attributes;
using NetCompiler.Training;

namespace NetCompiler.Benchmarks;

/// <summary>
/// The cost of the Trainer's gradient call on the unweighted path: the batch kernel called directly (baseline) against
/// the overload that takes a <see cref="DropoutMask"/> (what the Trainer calls; for a network without dropout the
/// interface's default forwards to the same kernel), both from shared generic code as in the Trainer; and one epoch of
/// <see cref="Trainer{TNet}.Fit"/> without class weights against one with unit class weights.
/// </summary>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(Tiny))]
[GenericTypeArguments(typeof(Mnist128))]
public class TrainerPathBenchmark<TNet>
    where TNet : class, INeuralNetwork<TNet>
{
    private TNet _network = null!;
    private float[] _inputs = [];
    private float[] _targets = [];
    private float[] _gradient = [];
    private TrainingData _data = null!;
    private Trainer<TNet> _plain = null!;
    private Trainer<TNet> _weighted = null!;

    [Params(32)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _network = TNet.Create(42);
        const int Samples = 1024;
        var inputs = new float[Samples * TNet.InputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (float)random.NextDouble();
        }

        var targets = new float[Samples * TNet.OutputSize];
        for (int s = 0; s < Samples; s++)
        {
            targets[(s * TNet.OutputSize) + random.Next(TNet.OutputSize)] = 1f;
        }

        _data = new TrainingData(inputs, targets, TNet.InputSize, TNet.OutputSize);
        _inputs = inputs[..(Batch * TNet.InputSize)];
        _targets = targets[..(Batch * TNet.OutputSize)];
        _gradient = new float[TNet.ParameterCount];
        var options = new TrainerOptions { Epochs = 1, BatchSize = Batch, Schedule = 1e-6f, EvaluateTrainingMetric = false, ReportBatches = false };
        _plain = new Trainer<TNet>(options);
        _weighted = new Trainer<TNet>(options with { ClassWeights = [.. Enumerable.Repeat(1f, TNet.OutputSize)] });
    }

    [Benchmark(Baseline = true, Description = "AccumulateGradientBatch")]
    public float Direct() => TNet.AccumulateGradientBatch(_network.Parameters, _inputs, _targets, _gradient);

    [Benchmark(Description = "AccumulateGradientBatch with a DropoutMask")]
    public float WithMask() => TNet.AccumulateGradientBatch(_network.Parameters, _inputs, _targets, _gradient, new DropoutMask(0, 1));

    [Benchmark(Description = "Fit, 1 epoch of 1024 samples")]
    public int FitPlain() => _plain.Fit(_network, _data).EpochsCompleted;

    [Benchmark(Description = "Fit, 1 epoch of 1024 samples, unit class weights")]
    public int FitWeighted() => _weighted.Fit(_network, _data).EpochsCompleted;
}
