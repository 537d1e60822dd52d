using BenchmarkDotNet.Attributes;
using NetCompiler.Benchmarks;
using TorchSharp;
using static TorchSharp.torch;

namespace NetCompiler.TorchSharpBenchmarks;

/// <summary>
/// One training step over a batch on one thread: the generated <c>TrainStepBatch</c> (plain SGD fused into the
/// weight-gradient product; the baseline) against TorchSharp's idiomatic step with <c>torch.optim.SGD</c> from the same
/// weights on the same batch (<c>torch.set_num_threads(1)</c>). The FLOP columns divide by the FMA peak of this run.
/// </summary>
[MemoryDiagnoser]
[GenericTypeArguments(typeof(Mnist128))]
[GenericTypeArguments(typeof(Deep256))]
public class TorchSharpStepBenchmark<TNet> : NetworkBenchmarkBase<TNet>, ITrainingStepBenchmark, IDisposable
    where TNet : class, INeuralNetwork<TNet>
{
    private const float LearningRate = 1e-6f; // keeps the weights where they started over millions of steps

    private TorchMlp? _torch;
    private optim.Optimizer? _sgd;
    private Tensor? _inputs;
    private Tensor? _classes;

    [Params(32, 256)]
    public override int Batch { get; set; }

    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorchSharp()
    {
        Setup();
        torch.set_num_threads(1);
        _torch = new TorchMlp(TNet.Description);
        TorchParity.CheckSgdStep<TNet>(_torch, Network.Parameters, Inputs, Targets, Batch);
        _torch.Load(Network.Parameters);
        _sgd = optim.SGD(_torch.Model.parameters(), LearningRate);
        (_inputs, _classes) = TorchMlp.Batch(Inputs, Targets, TNet.InputSize, TNet.OutputSize, 0, Batch);
    }

    [GlobalCleanup(Target = nameof(TorchSharp))]
    public void Dispose()
    {
        _inputs?.Dispose();
        _classes?.Dispose();
        _sgd?.Dispose();
        _torch?.Dispose();
        _torch = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, Description = "generated TrainStepBatch (SGD), 1 thread")]
    public float Generated() => TNet.TrainStepBatch(Network.Parameters, Inputs, Targets, LearningRate);

    [Benchmark(Description = "TorchSharp step (torch.optim.SGD), 1 thread")]
    public float TorchSharp()
    {
        using var scope = NewDisposeScope();
        return _torch!.TrainStep(_sgd!, _inputs!, _classes!).Loss.item<float>();
    }
}
