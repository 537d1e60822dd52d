using BenchmarkDotNet.Attributes;
using NetCompiler.Benchmarks;
using TorchSharp;
using static TorchSharp.torch;

namespace NetCompiler.TorchSharpBenchmarks;

/// <summary>
/// <see cref="FitBenchmark"/>'s epoch (784-128-10, batch 32, 60,000 seeded samples; its rows are inherited, its raw
/// <c>TrainStepBatch</c> epoch is the baseline) beside the same epoch in TorchSharp, from the same initial weights: the
/// idiomatic loop (<c>zero_grad</c>, forward, <c>CrossEntropyLoss</c>, <c>backward</c>, <c>torch.optim.Adam</c>'s
/// <c>step</c>, a new optimizer each epoch as in the <c>Fit</c> rows) over batch tensors built in the setup, in order
/// (<c>Fit</c> shuffles), summing each step's loss as <c>Fit</c> reports it, with and without the training accuracy taken
/// from each step's logits (as Keras and <c>Fit</c>'s default options report it), on one LibTorch thread and on two.
/// </summary>
public class TorchSharpFitBenchmark : FitBenchmark, IDisposable
{
    private const float LearningRate = 1e-6f; // FitBenchmark's rate: every epoch does the same work.

    private TorchMlp? _torch;
    private (Tensor Inputs, Tensor Classes)[] _batches = [];

    /// <summary>The training accuracy of the last epoch that took it (kept, so its computation is not dead code).</summary>
    public double LastAccuracy { get; private set; }

    [GlobalSetup(Targets = [nameof(TorchAdamWithAccuracyOneThread), nameof(TorchAdamOneThread)])]
    public void SetupOneThread() => SetupTorch(threads: 1);

    [GlobalSetup(Targets = [nameof(TorchAdamWithAccuracyTwoThreads), nameof(TorchAdamTwoThreads)])]
    public void SetupTwoThreads() => SetupTorch(threads: 2);

    [GlobalCleanup(Targets = [nameof(TorchAdamWithAccuracyOneThread), nameof(TorchAdamOneThread), nameof(TorchAdamWithAccuracyTwoThreads), nameof(TorchAdamTwoThreads)])]
    public void Dispose()
    {
        foreach (var (inputs, classes) in _batches)
        {
            inputs.Dispose();
            classes.Dispose();
        }

        _batches = [];
        _torch?.Dispose();
        _torch = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark(Description = "TorchSharp epoch, Adam, running accuracy, 1 thread")]
    public double TorchAdamWithAccuracyOneThread() => TorchEpoch(runningAccuracy: true);

    [Benchmark(Description = "TorchSharp epoch, Adam, running accuracy, 2 threads")]
    public double TorchAdamWithAccuracyTwoThreads() => TorchEpoch(runningAccuracy: true);

    [Benchmark(Description = "TorchSharp epoch, Adam, no accuracy, 1 thread")]
    public double TorchAdamOneThread() => TorchEpoch(runningAccuracy: false);

    [Benchmark(Description = "TorchSharp epoch, Adam, no accuracy, 2 threads")]
    public double TorchAdamTwoThreads() => TorchEpoch(runningAccuracy: false);

    private void SetupTorch(int threads)
    {
        Setup();
        torch.set_num_threads(threads);
        _torch = new TorchMlp(Mnist128.Description);
        TorchParity.CheckAdamStep<Mnist128>(_torch, Network.Parameters, Features, Targets, BatchSize);
        _torch.Load(Network.Parameters);
        _batches = [.. Enumerable.Range(0, Samples / BatchSize)
            .Select(b => TorchMlp.Batch(Features, Targets, Mnist128.InputSize, Mnist128.OutputSize, b * BatchSize, BatchSize))];
    }

    /// <summary>One epoch; returns the mean of the steps' losses.</summary>
    private double TorchEpoch(bool runningAccuracy)
    {
        using var adam = optim.Adam(_torch!.Model.parameters(), LearningRate);
        double lossSum = 0;
        long correct = 0;
        foreach (var (inputs, classes) in _batches)
        {
            using var scope = NewDisposeScope();
            var (loss, logits) = _torch.TrainStep(adam, inputs, classes);
            lossSum += loss.item<float>();
            if (runningAccuracy)
            {
                correct += logits.argmax(1).eq(classes).sum().item<long>();
            }
        }

        if (runningAccuracy)
        {
            LastAccuracy = (double)correct / (_batches.Length * BatchSize);
        }

        return lossSum / _batches.Length;
    }
}
