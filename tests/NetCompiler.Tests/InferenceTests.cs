using NetCompiler.Tests.Support;
using NetCompiler.Tests.Training;

namespace NetCompiler.Tests;

/// <summary><see cref="Inference.Classify{TNet}(TNet, ReadOnlySpan{float})"/> and <see cref="NetworkDescription.Summary"/>.</summary>
public class InferenceTests
{
    // Logits W x + b with W = [[1, 0], [0, 1], [0, 0]], b = 0.
    private static readonly TrainerSoftmaxNet Argmax = new([1f, 0f, 0f, 1f, 0f, 0f, 0f, 0f, 0f]);

    [Fact]
    public void ClassifyReturnsTheArgMaxAndItsSoftmaxProbability()
    {
        // x = (2, 1): logits (2, 1, 0), p₀ = e² / (e² + e + 1) = 7.389056 / 11.107338 = 0.6652410.
        var first = Argmax.Classify([2f, 1f]);
        Assert.Equal(0, first.Class);
        Assert.Equal(0.6652410f, first.Probability, 1e-6f);

        // x = (−1, −2): logits (−1, −2, 0), p₂ = 1 / (e⁻¹ + e⁻² + 1) = 1 / 1.503215 = 0.6652410.
        var prediction = Argmax.Classify([-1f, -2f]);
        Assert.Equal(2, prediction.Class);
        Assert.Equal(0.6652410f, prediction.Probability, 1e-6f);
        Assert.Equal(prediction, Inference.Classify<TrainerSoftmaxNet>(Argmax.Parameters, [-1f, -2f]));
    }

    [Fact]
    public void ASingleOutputIsClassOneAtOneHalfWithTheComplementForClassZero()
    {
        var identity = new TrainerLinearNet([1f, 0f]);
        Assert.Equal(new Prediction(0, 0.8f), identity.Classify([0.2f]));
        Assert.Equal(new Prediction(1, 0.7f), identity.Classify([0.7f]));
        Assert.Equal(new Prediction(1, 0.5f), identity.Classify([0.5f]));
    }

    [Fact]
    public void ClassifyAllocatesNothing()
    {
        var net = new TrainerBlobNet(seed: 3);
        float[] input = [0.3f, -1.2f];
        net.Classify(input);
        long bytes = Allocations.LeastPerRound(1000, () => net.Classify(input));
        Assert.Equal(0, bytes);
    }

    [Fact]
    public void ClassifyRejectsAnInputOfTheWrongSize()
    {
        var exception = Assert.Throws<ArgumentException>(() => Argmax.Classify([1f, 2f, 3f]));
        Assert.Contains("input", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SummaryListsLayersOutputSizesParametersAndFlops()
    {
        // 2 → 8 tanh: 16 weights + 8 biases = 24 parameters, 2 · 16 = 32 FLOPs; 8 → 3 softmax: 24 + 3 = 27, 2 · 24 = 48.
        string expected =
            "Network: TrainerBlobNet (CrossEntropy loss)\n" +
            "===================================================\n" +
            "Layer (type)              Output  Parameters  FLOPs\n" +
            "---------------------------------------------------\n" +
            "input                          2           0      0\n" +
            "dense_1 (Dense, Tanh)          8          24     32\n" +
            "dense_2 (Dense, Softmax)       3          27     48\n" +
            "===================================================\n" +
            "Parameters: 51 (204 bytes)\n" +
            "FLOPs per sample (forward): 80";
        Assert.Equal(expected, TrainerBlobNet.Description.Summary());
    }
}
