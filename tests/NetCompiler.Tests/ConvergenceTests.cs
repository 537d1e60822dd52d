using System.Diagnostics;
using NetCompiler.Initialization;
using NetCompiler.Tests.Support;
using Xunit.Abstractions;

namespace NetCompiler.Tests;

/// <summary>
/// Training generated networks end to end with their own <c>TrainStep</c>: full-batch gradient
/// descent on XOR and shuffled mini-batch SGD on Iris. Seeds are fixed, so every run is identical.
/// </summary>
public sealed class ConvergenceTests(ITestOutputHelper output)
{
    private const int XorEpochs = 2000;
    private const float XorLearningRate = 1f;
    private const int IrisEpochs = 100;
    private const int IrisBatchSize = 10;
    private const float IrisLearningRate = 0.1f;

    [Fact]
    public void XorReachesLowCrossEntropyAndSeparatesAllFourCases()
    {
        float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
        float[] targets = [0, 1, 1, 0];
        var net = new XorNet(seed: 1);
        var stopwatch = Stopwatch.StartNew();

        float loss = float.NaN;
        for (int epoch = 0; epoch < XorEpochs; epoch++)
        {
            loss = net.TrainStep(inputs, targets, XorLearningRate);
        }

        float finalLoss = net.ComputeLoss(inputs, targets);
        output.WriteLine($"XOR: loss {loss:G4} at the last step, {finalLoss:G4} after it, {stopwatch.ElapsedMilliseconds} ms for {XorEpochs} full-batch steps.");
        Assert.True(finalLoss < 0.01f, $"XOR cross-entropy {finalLoss} after {XorEpochs} steps.");

        Span<float> prediction = stackalloc float[1];
        for (int i = 0; i < 4; i++)
        {
            net.Forward(inputs.AsSpan(i * 2, 2), prediction);
            Assert.True(Math.Abs(prediction[0] - targets[i]) < 0.05f, $"XOR({inputs[i * 2]}, {inputs[(i * 2) + 1]}) predicted {prediction[0]}.");
        }
    }

    [Fact]
    public void IrisReachesNinetyFivePercentTrainingAccuracyWithShuffledMiniBatches()
    {
        var data = IrisData.Load();
        Assert.Equal(150, data.Count);
        var net = new IrisNet(seed: 7);
        var order = Enumerable.Range(0, data.Count).ToArray();
        var random = new DeterministicRandom(2024);
        var batchInputs = new float[IrisBatchSize * IrisData.FeatureCount];
        var batchTargets = new float[IrisBatchSize * IrisData.ClassCount];
        var stopwatch = Stopwatch.StartNew();

        float initialLoss = net.ComputeLoss(data.Features, data.Targets);
        for (int epoch = 0; epoch < IrisEpochs; epoch++)
        {
            Shuffle(order, ref random);
            for (int start = 0; start < data.Count; start += IrisBatchSize)
            {
                int size = Math.Min(IrisBatchSize, data.Count - start);
                for (int b = 0; b < size; b++)
                {
                    int sample = order[start + b];
                    data.Features.AsSpan(sample * IrisData.FeatureCount, IrisData.FeatureCount).CopyTo(batchInputs.AsSpan(b * IrisData.FeatureCount));
                    data.Targets.AsSpan(sample * IrisData.ClassCount, IrisData.ClassCount).CopyTo(batchTargets.AsSpan(b * IrisData.ClassCount));
                }

                net.TrainStep(batchInputs.AsSpan(0, size * IrisData.FeatureCount), batchTargets.AsSpan(0, size * IrisData.ClassCount), IrisLearningRate);
            }
        }

        float finalLoss = net.ComputeLoss(data.Features, data.Targets);
        double accuracy = Accuracy(net, data);
        output.WriteLine($"Iris: loss {initialLoss:G4} → {finalLoss:G4}, training accuracy {accuracy:P1}, {stopwatch.ElapsedMilliseconds} ms for {IrisEpochs} epochs.");
        Assert.True(accuracy >= 0.95, $"Iris training accuracy {accuracy:P1} after {IrisEpochs} epochs (loss {finalLoss}).");
        Assert.True(finalLoss < initialLoss / 5, $"Iris loss only went from {initialLoss} to {finalLoss}.");
    }

    /// <summary>Fisher–Yates with the library's fixed-sequence generator, so the order is the same on every run.</summary>
    private static void Shuffle(int[] order, ref DeterministicRandom random)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.NextInt32(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    private static double Accuracy(IrisNet net, IrisData data)
    {
        Span<float> probabilities = stackalloc float[IrisData.ClassCount];
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            net.Forward(data.Features.AsSpan(i * IrisData.FeatureCount, IrisData.FeatureCount), probabilities);
            int predicted = probabilities.IndexOf(MaxOf(probabilities));
            correct += predicted == data.Labels[i] ? 1 : 0;
        }

        return (double)correct / data.Count;
    }

    private static float MaxOf(ReadOnlySpan<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float value in values)
        {
            max = Math.Max(max, value);
        }

        return max;
    }
}
