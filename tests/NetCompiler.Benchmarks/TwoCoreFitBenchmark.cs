using BenchmarkDotNet.Attributes;
using NetCompiler.Training;

namespace NetCompiler.Benchmarks;

/// <summary>
/// <c>Trainer.Fit</c> on two cores (<see cref="TrainerOptions.UseSecondCore"/>) against one: an epoch of 784-256-256-10
/// at batch 256 over 15,360 samples (60 steps), Adam, default options otherwise. Beside them, the same 60 steps through
/// the raw kernels, <c>TrainStepBatch</c> (one core) and <c>TrainStepBatchParallel</c> (two), over contiguous batches.
/// The baseline is <c>Fit</c> on one core, so the two-core row's ratio is the trainer's speed-up (a ratio under 1).
/// </summary>
[MemoryDiagnoser]
public class TwoCoreFitBenchmark
{
    /// <summary>Samples in one epoch.</summary>
    public const int Samples = 15_360;
    /// <summary>Samples per step.</summary>
    public const int BatchSize = 256;

    private Deep256 _network = null!;
    private float[] _features = [];
    private float[] _targets = [];
    private TrainingData _data = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_features, _targets) = EpochData.Create(Samples, Deep256.InputSize, Deep256.OutputSize, seed: 13);
        _data = new TrainingData(_features, _targets, Deep256.InputSize, Deep256.OutputSize);
        _network = new Deep256(seed: 42);
    }

    // Tiny learning rates keep the weights where they started over many epochs, so every epoch does the same work.
    [Benchmark(Baseline = true, Description = "Fit epoch, Adam, one core")]
    public TrainingResult FitOneCore() => Fit(useSecondCore: false);

    [Benchmark(Description = "Fit epoch, Adam, UseSecondCore")]
    public TrainingResult FitTwoCores() => Fit(useSecondCore: true);

    [Benchmark(Description = "TrainStepBatch epoch (SGD, one core)")]
    public float RawSteps() => Steps(parallel: false);

    [Benchmark(Description = "TrainStepBatchParallel epoch (SGD, two cores)")]
    public float RawStepsParallel() => Steps(parallel: true);

    private float Steps(bool parallel)
    {
        float loss = 0f;
        int inputs = BatchSize * Deep256.InputSize;
        int outputs = BatchSize * Deep256.OutputSize;
        for (int first = 0; first + BatchSize <= Samples; first += BatchSize)
        {
            var batchInputs = _features.AsSpan(first * Deep256.InputSize, inputs);
            var batchTargets = _targets.AsSpan(first * Deep256.OutputSize, outputs);
            loss += parallel
                ? Deep256.TrainStepBatchParallel(_network.Parameters, batchInputs, batchTargets, 1e-6f)
                : Deep256.TrainStepBatch(_network.Parameters, batchInputs, batchTargets, 1e-6f);
        }

        return loss;
    }

    private TrainingResult Fit(bool useSecondCore) =>
        new Trainer<Deep256>(new TrainerOptions
        {
            Epochs = 1,
            BatchSize = BatchSize,
            Optimizer = new Adam(Deep256.ParameterCount),
            Schedule = 1e-6f,
            ReportBatches = false,
            UseSecondCore = useSecondCore,
        }).Fit(_network, _data);
}
