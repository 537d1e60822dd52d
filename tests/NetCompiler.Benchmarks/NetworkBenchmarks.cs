using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using NetCompiler.Onnx;

namespace NetCompiler.Benchmarks;

/// <summary>Inputs, targets and a network with fixed seeds, shared by the training and inference benchmarks.</summary>
public abstract class NetworkBenchmarkBase<TNet>
    where TNet : class, INeuralNetwork<TNet>
{
    protected TNet Network = null!;
    protected float[] Inputs = [];
    protected float[] Targets = [];
    protected float[] Outputs = [];
    protected float[][] JaggedInputs = [];
    protected float[][] JaggedTargets = [];
    protected TextbookNetwork Textbook = null!;

    /// <summary>Samples per call: a <c>[Params]</c> property of each benchmark class.</summary>
    public abstract int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        Network = TNet.Create(42);
        Inputs = new float[Batch * TNet.InputSize];
        for (int i = 0; i < Inputs.Length; i++)
        {
            Inputs[i] = (float)random.NextDouble();
        }

        Targets = new float[Batch * TNet.OutputSize];
        for (int s = 0; s < Batch; s++)
        {
            Targets[(s * TNet.OutputSize) + random.Next(TNet.OutputSize)] = 1f;
        }

        Outputs = new float[Batch * TNet.OutputSize];
        JaggedInputs = [.. Enumerable.Range(0, Batch).Select(s => Inputs.AsSpan(s * TNet.InputSize, TNet.InputSize).ToArray())];
        JaggedTargets = [.. Enumerable.Range(0, Batch).Select(s => Targets.AsSpan(s * TNet.OutputSize, TNet.OutputSize).ToArray())];
        Textbook = new TextbookNetwork(TNet.Description, Network.Parameters);
    }
}

/// <summary>One training step over a batch: generated matrix form (one thread and two), generated per-sample, textbook.</summary>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(Tiny))]
[GenericTypeArguments(typeof(Mnist128))]
[GenericTypeArguments(typeof(Mnist100))]
[GenericTypeArguments(typeof(Deep256))]
public class TrainingBenchmark<TNet> : NetworkBenchmarkBase<TNet>
    where TNet : class, INeuralNetwork<TNet>
{
    private float[] _gradient = [];

    [Params(1, 32, 64, 256)]
    public override int Batch { get; set; }

    [GlobalSetup(Target = nameof(PerSample))]
    public void SetupPerSample()
    {
        Setup();
        _gradient = new float[TNet.ParameterCount];
    }

    // A tiny learning rate keeps the weights where they started over millions of steps.
    [Benchmark(Description = "generated, matrix form")]
    public float MatrixForm() => TNet.TrainStepBatch(Network.Parameters, Inputs, Targets, 1e-6f);

    // The same step with the large layer products shared by two cores (bit-identical results).
    [Benchmark(Description = "generated, matrix form, 2 threads")]
    public float MatrixFormTwoThreads() => TNet.TrainStepBatchParallel(Network.Parameters, Inputs, Targets, 1e-6f);

    // Two cores split by samples: each computes the gradient of half the batch (deterministic, not bit-identical).
    [Benchmark(Description = "generated, matrix form, 2 threads by samples")]
    public float MatrixFormTwoThreadsBySamples() => TNet.TrainStepBatchDataParallel(Network.Parameters, Inputs, Targets, 1e-6f);

    [Benchmark(Description = "generated, per sample")]
    public float PerSample() => TNet.TrainStep(Network.Parameters, _gradient, Inputs, Targets, 1e-6f);

    [Benchmark(Baseline = true, Description = "textbook")]
    public void TextbookStep() => Textbook.TrainStep(JaggedInputs, JaggedTargets, 1e-6f);
}

/// <summary>Inference of a batch: generated (matrix-vector for one sample, matrix form for more; one thread and two), textbook.</summary>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(Tiny))]
[GenericTypeArguments(typeof(Mnist128))]
[GenericTypeArguments(typeof(Mnist100))]
[GenericTypeArguments(typeof(Deep256))]
public class InferenceBenchmark<TNet> : NetworkBenchmarkBase<TNet>, IDisposable
    where TNet : class, INeuralNetwork<TNet>
{
    private InferenceSession? _session;
    private OrtIoBinding? _binding;
    private RunOptions? _runOptions;
    private OrtValue? _input;
    private OrtValue? _output;
    private float[] _onnxOutputs = [];

    [Params(1, 32, 64, 256)]
    public override int Batch { get; set; }

    /// <summary>
    /// ONNX Runtime, CPU, one intra-op thread, running the library's own ONNX export of the same weights,
    /// with input and output buffers bound once (no per-call allocation or copying on our side).
    /// </summary>
    [GlobalSetup(Target = nameof(OnnxRuntime))]
    public void SetupOnnxRuntime()
    {
        Setup();
        using var model = new MemoryStream();
        OnnxExporter.Export(Network, model);
        var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model.ToArray(), options);
        _onnxOutputs = new float[Outputs.Length];
        _input = OrtValue.CreateTensorValueFromMemory(Inputs, [Batch, TNet.InputSize]);
        _output = OrtValue.CreateTensorValueFromMemory(_onnxOutputs, [Batch, TNet.OutputSize]);
        _binding = _session.CreateIoBinding();
        _binding.BindInput("input", _input);
        _binding.BindOutput("output", _output);
        _runOptions = new RunOptions();

        // Both engines must compute the same thing before their speed means anything.
        OnnxRuntime();
        Generated();
        for (int i = 0; i < Outputs.Length; i++)
        {
            if (MathF.Abs(Outputs[i] - _onnxOutputs[i]) > 1e-4f)
            {
                throw new InvalidOperationException($"ONNX Runtime and the generated network disagree at output {i}: {_onnxOutputs[i]} vs {Outputs[i]}.");
            }
        }
    }

    [GlobalCleanup(Target = nameof(OnnxRuntime))]
    public void Dispose()
    {
        _binding?.Dispose();
        _input?.Dispose();
        _output?.Dispose();
        _runOptions?.Dispose();
        _session?.Dispose();
        _session = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "ONNX Runtime (1 thread, bound buffers)")]
    public void OnnxRuntime() => _session!.RunWithBinding(_runOptions!, _binding!);

    [Benchmark(Description = "generated")]
    public void Generated() => TNet.ForwardBatch(Network.Parameters, Inputs, Outputs);

    [Benchmark(Description = "generated, 2 threads")]
    public void GeneratedTwoThreads() => TNet.ForwardBatchParallel(Network.Parameters, Inputs, Outputs);

    /// <summary>
    /// The cache's read bandwidth on the same bytes: a plain sum of the network's parameters, which every forward pass reads
    /// (the same at every batch size; <see cref="WeightBandwidthColumn"/> gives both as GB/s).
    /// </summary>
    [Benchmark(Description = CacheReadDescription)]
    public float ReadParameters() => CacheRead.Sum(Network.Parameters);

    /// <summary>The description of <see cref="ReadParameters"/>, which the columns recognise.</summary>
    public const string CacheReadDescription = "plain read of the parameters (cache bandwidth)";

    [Benchmark(Baseline = true, Description = "textbook")]
    public float TextbookForward()
    {
        float last = 0;
        foreach (var input in JaggedInputs)
        {
            last = Textbook.Forward(input)[0];
        }

        return last;
    }
}
