using NetCompiler.Tests.Support;
using Xunit.Abstractions;

namespace NetCompiler.Tests;

/// <summary>
/// The generated kernels allocate nothing on the managed heap once warm: not for unrolled layers,
/// not for looped layers, and not for a network whose scratch is too large for the stack (it is
/// rented from the shared array pool and returned). Also: one instance serves concurrent Forward calls.
/// </summary>
public sealed class AllocationTests(ITestOutputHelper output)
{
    [Fact]
    public void UnrolledNetworkKernelsAllocateNothing() => AssertKernelsAllocateNothing<IrisNet>(iterations: 5000, batchSize: 8);

    [Fact]
    public void LoopedNetworkKernelsAllocateNothing() => AssertKernelsAllocateNothing<LoopedNet>(iterations: 1000, batchSize: 4);

    [Fact]
    public void PooledScratchNetworkKernelsAllocateNothing() => AssertKernelsAllocateNothing<WideNet>(iterations: 500, batchSize: 2);

    [Fact]
    public void ConcurrentForwardOnOneUnrolledInstanceMatchesSequentialCalls() => AssertConcurrentForwardMatchesSequential<IrisNet>(rounds: 20);

    [Fact]
    public void ConcurrentForwardOnOneLoopedInstanceMatchesSequentialCalls() => AssertConcurrentForwardMatchesSequential<LoopedNet>(rounds: 10);

    [Fact]
    public void ConcurrentForwardOnOnePooledScratchInstanceMatchesSequentialCalls() => AssertConcurrentForwardMatchesSequential<WideNet>(rounds: 4);

    // Iteration counts are modest because the tests run unoptimised (Debug) code, where one sample
    // pass through the wide network's 2100 neurons takes a fifth of a millisecond.
    private void AssertKernelsAllocateNothing<TNet>(int iterations, int batchSize)
        where TNet : class, INeuralNetwork<TNet>
    {
        var net = TNet.Create(seed: 3);
        var parameters = net.Parameters.ToArray();
        var inputs = Numbers.Uniform(batchSize * TNet.InputSize, seed: 11);
        var targets = NetworkData.TargetsFor<TNet>(batchSize, seed: 12);
        var result = new float[TNet.OutputSize];
        var gradient = new float[TNet.ParameterCount];
        var input = inputs.AsSpan(0, TNet.InputSize).ToArray();
        var target = targets.AsSpan(0, TNet.OutputSize).ToArray();
        const float learningRate = 1e-4f;

        // Warm-up: JIT every path, let the instance create its gradient buffer and the pool hand out its arrays.
        for (int i = 0; i < 50; i++)
        {
            TNet.Forward(parameters, input, result);
            net.Forward(input, result);
            TNet.AccumulateGradient(parameters, input, target, gradient);
            TNet.ComputeLoss(parameters, inputs, targets);
            net.ComputeLoss(inputs, targets);
            TNet.TrainStep(parameters, gradient, inputs, targets, learningRate);
            net.TrainStep(inputs, targets, learningRate);
        }

        long forward = Allocations.LeastPerRound(iterations, () => TNet.Forward(parameters, input, result));
        long instanceForward = Allocations.LeastPerRound(iterations, () => net.Forward(input, result));
        long accumulate = Allocations.LeastPerRound(iterations, () => TNet.AccumulateGradient(parameters, input, target, gradient));
        long loss = Allocations.LeastPerRound(iterations, () => TNet.ComputeLoss(parameters, inputs, targets));
        long trainStep = Allocations.LeastPerRound(iterations, () => TNet.TrainStep(parameters, gradient, inputs, targets, learningRate));
        long instanceTrainStep = Allocations.LeastPerRound(iterations, () => net.TrainStep(inputs, targets, learningRate));

        output.WriteLine(
            $"{typeof(TNet).Name} ({TNet.ParameterCount} parameters), fewest bytes allocated by a round of {iterations} calls each: " +
            $"Forward {forward}, instance Forward {instanceForward}, AccumulateGradient {accumulate}, " +
            $"ComputeLoss(batch {batchSize}) {loss}, TrainStep(batch {batchSize}) {trainStep}, instance TrainStep {instanceTrainStep}.");
        Assert.Equal(
            (0L, 0L, 0L, 0L, 0L, 0L),
            (forward, instanceForward, accumulate, loss, trainStep, instanceTrainStep));
        Numbers.AssertAllFinite(parameters, "parameters");
    }

    private static void AssertConcurrentForwardMatchesSequential<TNet>(int rounds)
        where TNet : class, INeuralNetwork<TNet>
    {
        const int threadCount = 4;
        const int sampleCount = 32;
        var net = TNet.Create(seed: 5);
        var inputs = Numbers.Uniform(sampleCount * TNet.InputSize, seed: 21, scale: 2f);
        var expected = new float[sampleCount * TNet.OutputSize];
        for (int s = 0; s < sampleCount; s++)
        {
            net.Forward(inputs.AsSpan(s * TNet.InputSize, TNet.InputSize), expected.AsSpan(s * TNet.OutputSize, TNet.OutputSize));
        }

        var results = Concurrently.Run(threadCount, (t, startTogether) =>
        {
            var mine = new float[sampleCount * TNet.OutputSize];
            startTogether();
            for (int round = 0; round < rounds; round++)
            {
                // Each thread walks the samples from a different starting point, so different samples overlap in time.
                for (int i = 0; i < sampleCount; i++)
                {
                    int s = (i + (t * sampleCount / threadCount)) % sampleCount;
                    net.Forward(inputs.AsSpan(s * TNet.InputSize, TNet.InputSize), mine.AsSpan(s * TNet.OutputSize, TNet.OutputSize));
                }
            }

            return mine;
        });

        for (int t = 0; t < threadCount; t++)
        {
            Numbers.AssertBitIdentical(expected, results[t], $"thread {t} output");
        }
    }
}
