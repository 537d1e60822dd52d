using System.Diagnostics;
using System.Runtime.CompilerServices;
using NetCompiler;

// Prints one line per workload: its name and the best time of one call in nanoseconds, over many timed blocks (noise
// on a shared machine only ever adds time, so the minimum is the figure that repeats). The same code runs under the
// JIT and as a NativeAOT executable, so the two can be compared call for call.
var workloads = new (string Name, int Batch, Func<int, float> Run)[]
{
    ("forward-1", 1, Workloads.Forward),
    ("forward-batch-256", 256, Workloads.ForwardBatch),
    ("train-step-batch-256", 256, Workloads.TrainStepBatch),
};

Console.WriteLine($"runtime {(RuntimeFeature.IsDynamicCodeSupported ? "jit" : "nativeaot")}");
float sink = 0f;
foreach (var (name, batch, run) in workloads)
{
    Workloads.Prepare(batch);
    sink += run(1);

    // Calls per block: enough for about 20 ms, found by doubling.
    int calls = 1;
    while (Time(run, calls) < 0.02)
    {
        calls *= 2;
    }

    // Warm up for half a second (tiered compilation reaches its final code), then keep the best of 15 blocks.
    var warmUp = Stopwatch.StartNew();
    while (warmUp.Elapsed.TotalSeconds < 0.5)
    {
        sink += run(calls);
    }

    double best = double.MaxValue;
    for (int block = 0; block < 15; block++)
    {
        best = Math.Min(best, Time(run, calls) / calls);
    }

    Console.WriteLine($"{name} {best * 1e9:F0}");
}

// The sum of the losses keeps the calls from being optimised away; it is finite when the kernels ran.
Console.WriteLine($"checksum {(float.IsFinite(sink) ? "finite" : "NOT FINITE")}");
return float.IsFinite(sink) ? 0 : 1;

double Time(Func<int, float> run, int calls)
{
    long start = Stopwatch.GetTimestamp();
    sink += run(calls);
    return Stopwatch.GetElapsedTime(start).TotalSeconds;
}

/// <summary>784-128-10, the MNIST classic.</summary>
[Network(Inputs = 784, Loss = Loss.CrossEntropy)]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class Mnist128;

/// <summary>The timed calls, on seeded inputs and one-hot targets.</summary>
internal static class Workloads
{
    private static readonly Mnist128 Network = new(seed: 42);
    private static float[] _inputs = [];
    private static float[] _targets = [];
    private static float[] _outputs = [];

    public static void Prepare(int batch)
    {
        var random = new Random(7);
        _inputs = new float[batch * Mnist128.InputSize];
        for (int i = 0; i < _inputs.Length; i++)
        {
            _inputs[i] = (float)random.NextDouble();
        }

        _targets = new float[batch * Mnist128.OutputSize];
        for (int s = 0; s < batch; s++)
        {
            _targets[(s * Mnist128.OutputSize) + random.Next(Mnist128.OutputSize)] = 1f;
        }

        _outputs = new float[batch * Mnist128.OutputSize];
    }

    public static float Forward(int calls)
    {
        for (int i = 0; i < calls; i++)
        {
            Network.Forward(_inputs, _outputs);
        }

        return _outputs[0];
    }

    public static float ForwardBatch(int calls)
    {
        for (int i = 0; i < calls; i++)
        {
            Mnist128.ForwardBatch(Network.Parameters, _inputs, _outputs);
        }

        return _outputs[0];
    }

    // A tiny learning rate keeps the weights where they started, so every call does the same work.
    public static float TrainStepBatch(int calls)
    {
        float loss = 0f;
        for (int i = 0; i < calls; i++)
        {
            loss += Mnist128.TrainStepBatch(Network.Parameters, _inputs, _targets, 1e-7f);
        }

        return loss;
    }
}
