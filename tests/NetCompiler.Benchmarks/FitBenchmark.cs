using BenchmarkDotNet.Attributes;
using NetCompiler.Training;

namespace NetCompiler.Benchmarks;

/// <summary>
/// One epoch of 784-128-10 training at batch 32 over 60,000 samples (an MNIST-sized set of seeded random inputs and
/// one-hot targets), the way users train: <c>Trainer.Fit</c> with Adam and the default options, with the per-epoch
/// training metric off, and with plain SGD (also without shuffling, so the batches are consecutive rows); the baseline is the same epoch as 1,875 raw <c>TrainStepBatch</c> calls
/// (plain SGD fused into the weight-gradient product) over batches that are already contiguous. The ratio column is
/// what the trainer costs on top of the generated step. <c>Fit</c> steps the library's optimizers fused with the
/// weight-gradient products (<c>OptimizerStepBatch</c>). The rows' differences split the trainer's cost: SGD without
/// shuffling against the baseline is the trainer's own step (the fused update's pass, its checks and bookkeeping), SGD
/// with and without shuffling the gathering of each batch's rows, Adam against SGD Adam's two moments, and the metric's
/// row the running metric; the last row is the floor of Adam's own arithmetic in a pass of its own.
/// </summary>
[MemoryDiagnoser]
public class FitBenchmark
{
    /// <summary>Samples in one epoch.</summary>
    public const int Samples = 60_000;
    /// <summary>Samples per step.</summary>
    public const int BatchSize = 32;

    private Mnist128 _network = null!;
    private float[] _features = [];
    private float[] _targets = [];
    private TrainingData _data = null!;

    /// <summary>The epoch's inputs, row-major (another engine's benchmark trains on the same data).</summary>
    protected float[] Features => _features;

    /// <summary>The epoch's one-hot targets, row-major.</summary>
    protected float[] Targets => _targets;

    /// <summary>The network the epochs train, as set up (seed 42).</summary>
    protected Mnist128 Network => _network;

    [GlobalSetup]
    public void Setup()
    {
        (_features, _targets) = EpochData.Create(Samples, Mnist128.InputSize, Mnist128.OutputSize, seed: 11);
        _data = new TrainingData(_features, _targets, Mnist128.InputSize, Mnist128.OutputSize);
        _network = new Mnist128(seed: 42);
    }

    // Tiny learning rates keep the weights where they started over many epochs, so every epoch does the same work.
    [Benchmark(Baseline = true, Description = "TrainStepBatch epoch (SGD, contiguous batches)")]
    public float RawSteps()
    {
        float loss = 0f;
        int inputs = BatchSize * Mnist128.InputSize;
        int outputs = BatchSize * Mnist128.OutputSize;
        for (int first = 0; first + BatchSize <= Samples; first += BatchSize)
        {
            loss += Mnist128.TrainStepBatch(
                _network.Parameters,
                _features.AsSpan(first * Mnist128.InputSize, inputs),
                _targets.AsSpan(first * Mnist128.OutputSize, outputs),
                1e-6f);
        }

        return loss;
    }

    [Benchmark(Description = "Fit epoch, Adam, default options")]
    public TrainingResult FitAdam() => Fit(new Adam(Mnist128.ParameterCount), evaluateTrainingMetric: true);

    [Benchmark(Description = "Fit epoch, Adam, no training metric")]
    public TrainingResult FitAdamWithoutMetric() => Fit(new Adam(Mnist128.ParameterCount), evaluateTrainingMetric: false);

    [Benchmark(Description = "Fit epoch, SGD, no training metric")]
    public TrainingResult FitSgdWithoutMetric() => Fit(new Sgd(Mnist128.ParameterCount), evaluateTrainingMetric: false);

    /// <summary>
    /// The row above without shuffling: the batches are then consecutive rows, as the baseline's, so the difference
    /// between the two rows is what gathering each shuffled batch's rows from memory costs.
    /// </summary>
    [Benchmark(Description = "Fit epoch, SGD, no training metric, no shuffling")]
    public TrainingResult FitSgdInOrder() => Fit(new Sgd(Mnist128.ParameterCount), evaluateTrainingMetric: false, shuffle: false);

    /// <summary>
    /// The floor under a <c>Fit</c> step with Adam: its element-wise update alone (a square root and a division per
    /// parameter) on buffers that stay in L2 (parameters, gradient and two moments of 25,600 floats, 400 KB), four slices
    /// a step (102,400 parameters, about the 101,770 of 784-128-10), for as many steps as the epoch has. Its ratio is
    /// about the least a fused Adam step can add to the raw step.
    /// </summary>
    [Benchmark(Description = "Adam's update alone (4 x 25,600 parameters a step, in L2)")]
    public void AdamUpdateAlone()
    {
        for (int step = 0; step < Samples / BatchSize; step++)
        {
            for (int slice = 0; slice < 4; slice++)
            {
                _sliceAdam.Step(_sliceParameters, _sliceGradient, 1e-9f, gradientScale: 1f / BatchSize);
            }
        }
    }

    private readonly float[] _sliceParameters = Enumerable.Range(0, 25_600).Select(i => (i % 97) / 97f).ToArray();
    private readonly float[] _sliceGradient = Enumerable.Range(0, 25_600).Select(i => ((i % 89) / 89f) - 0.5f).ToArray();
    private readonly Adam _sliceAdam = new(25_600);

    private TrainingResult Fit(Optimizer optimizer, bool evaluateTrainingMetric, bool shuffle = true) =>
        new Trainer<Mnist128>(new TrainerOptions
        {
            Epochs = 1,
            BatchSize = BatchSize,
            Optimizer = optimizer,
            Schedule = 1e-6f,
            EvaluateTrainingMetric = evaluateTrainingMetric,
            Shuffle = shuffle,
            ReportBatches = false,
        }).Fit(_network, _data);
}

/// <summary>
/// One optimizer step over the 101,770 parameters of 784-128-10, the part of a <c>Fit</c> step after the gradient:
/// Adam (one pass reading θ, g, m and v and writing θ, m and v, after the pass of the gradient's norm) and plain SGD,
/// against a copy of the parameters (one read and one write stream) as the memory-traffic baseline.
/// </summary>
[MemoryDiagnoser]
public class OptimizerStepBenchmark
{
    private readonly float[] _parameters = new float[Mnist128.ParameterCount];
    private readonly float[] _gradient = new float[Mnist128.ParameterCount];
    private readonly float[] _copy = new float[Mnist128.ParameterCount];
    private readonly Adam _adam = new(Mnist128.ParameterCount);
    private readonly Sgd _sgd = new(Mnist128.ParameterCount);

    [GlobalSetup]
    public void Setup()
    {
        new Mnist128(seed: 42).Parameters.CopyTo(_parameters);
        var random = new Random(5);
        for (int i = 0; i < _gradient.Length; i++)
        {
            _gradient[i] = (float)(random.NextDouble() - 0.5);
        }
    }

    [Benchmark(Baseline = true, Description = "copy of the parameters")]
    public void Copy() => _parameters.CopyTo(_copy, 0);

    // Tiny learning rates keep the parameters where they started over millions of steps.
    [Benchmark(Description = "Adam.Step")]
    public void AdamStep() => _adam.Step(_parameters, _gradient, 1e-9f, gradientScale: 1f / 32);

    [Benchmark(Description = "Sgd.Step")]
    public void SgdStep() => _sgd.Step(_parameters, _gradient, 1e-9f, gradientScale: 1f / 32);
}
