using NetCompiler.Kernels;
using NetCompiler.Tests.Support;

namespace NetCompiler.Tests;

/// <summary>
/// The per-sample losses and output deltas <c>δ_L = ∂J_x/∂z_L</c> (BP1) of <see cref="OutputLayer"/>:
/// values worked out by hand, deltas checked against central differences of the loss with respect to
/// the logits, and finiteness for logits of ±1e4, alone and through generated networks.
/// </summary>
public sealed class OutputLayerTests
{
    private const double Tolerance = 1e-6;

    // Logits z = (1, 2, 3): logsumexp = 3 + ln(1 + e^-1 + e^-2) = 3.40760596,
    // softmax a = e^(z − 3.40760596) = (0.09003057, 0.24472847, 0.66524096).
    private static readonly float[] Logits = [1f, 2f, 3f];
    private static readonly float[] SoftmaxOfLogits = [0.09003057f, 0.24472847f, 0.66524096f];

    [Fact]
    public void MeanSquaredErrorIsHalfTheSquaredDistanceWithDeltaAMinusT()
    {
        // a − t = (0.5 − 1, −1 − 0.5, 2 − 2) = (−0.5, −1.5, 0); J = ½ (0.25 + 2.25 + 0) = 1.25.
        var delta = new float[3];
        float loss = OutputLayer.MeanSquaredError([0.5f, -1f, 2f], [1f, 0.5f, 2f], delta);
        Assert.Equal(1.25f, loss);
        Assert.Equal([-0.5f, -1.5f, 0f], delta);
        Assert.Equal(1.25f, OutputLayer.MeanSquaredError([0.5f, -1f, 2f], [1f, 0.5f, 2f], default));
    }

    [Fact]
    public void MeanSquaredErrorThroughSoftmaxAppliesTheSoftmaxJacobian()
    {
        // a = (0.2, 0.3, 0.5), t = (0, 1, 0): g = a − t = (0.2, −0.7, 0.5), J = ½ (0.04 + 0.49 + 0.25) = 0.39,
        // Σ_j g_j a_j = 0.04 − 0.21 + 0.25 = 0.08, δ_i = a_i (g_i − 0.08) = (0.024, −0.234, 0.21).
        var delta = new float[3];
        float loss = OutputLayer.MeanSquaredErrorThroughSoftmax([0.2f, 0.3f, 0.5f], [0f, 1f, 0f], delta);
        Assert.Equal(0.39, loss, Tolerance);
        Numbers.AssertClose([0.024f, -0.234f, 0.21f], delta, Tolerance, "δ");
    }

    [Fact]
    public void MeanSquaredErrorThroughSoftmaxDeltaIsTheGradientWithRespectToTheLogits()
    {
        // From z = (1, 2, 3) with t = (0, 1, 0): J = 0.51054306, δ = (−0.01582594, −0.24988884, 0.26571478).
        float[] target = [0f, 1f, 0f];
        var delta = new float[3];
        float loss = OutputLayer.MeanSquaredErrorThroughSoftmax(SoftmaxOfLogits, target, delta);
        Assert.Equal(0.51054306, loss, Tolerance);
        Numbers.AssertClose([-0.01582594f, -0.24988884f, 0.26571478f], delta, Tolerance, "δ");
        AssertDeltaIsGradient(Logits, delta, z => 0.5 * Softmax(z).Zip(target, (a, t) => (a - t) * (a - t)).Sum());
    }

    [Fact]
    public void SoftmaxCrossEntropyWithOneHotTarget()
    {
        // t = (0, 1, 0): J = logsumexp − z₂ = 3.40760596 − 2 = 1.40760596; δ = a − t = (0.09003057, −0.75527153, 0.66524096).
        float[] target = [0f, 1f, 0f];
        var delta = new float[3];
        float loss = OutputLayer.SoftmaxCrossEntropy(Logits, SoftmaxOfLogits, target, delta);
        Assert.Equal(1.40760596, loss, Tolerance);
        Numbers.AssertClose([0.09003057f, -0.75527153f, 0.66524096f], delta, Tolerance, "δ");
        Assert.Equal(loss, OutputLayer.SoftmaxCrossEntropy(Logits, SoftmaxOfLogits, target, default));
        AssertDeltaIsGradient(Logits, delta, z => -Math.Log(Softmax(z)[1]));
    }

    [Fact]
    public void SoftmaxCrossEntropyWithSoftTarget()
    {
        // t = (0.2, 0.3, 0.5): J = logsumexp − Σ t_k z_k = 3.40760596 − 2.3 = 1.10760596;
        // δ = a − t = (−0.10996943, −0.05527153, 0.16524096).
        float[] target = [0.2f, 0.3f, 0.5f];
        var delta = new float[3];
        float loss = OutputLayer.SoftmaxCrossEntropy(Logits, SoftmaxOfLogits, target, delta);
        Assert.Equal(1.10760596, loss, Tolerance);
        Numbers.AssertClose([-0.10996943f, -0.05527153f, 0.16524096f], delta, Tolerance, "δ");
        AssertDeltaIsGradient(Logits, delta, z => -Softmax(z).Zip(target, (a, t) => t * Math.Log(a)).Sum());
    }

    [Fact]
    public void SigmoidCrossEntropyPerOutput()
    {
        // z = (2, −1), t = (1, 0): J = ln(1 + e^-2) + ln(1 + e^-1) = 0.12692801 + 0.31326169 = 0.44018970;
        // a = σ(z) = (0.88079708, 0.26894142), δ = a − t = (−0.11920292, 0.26894142).
        float[] logits = [2f, -1f];
        float[] target = [1f, 0f];
        float[] output = [Activations.Sigmoid(2f), Activations.Sigmoid(-1f)];
        var delta = new float[2];
        float loss = OutputLayer.SigmoidCrossEntropy(logits, output, target, delta);
        Assert.Equal(0.44018970, loss, Tolerance);
        Numbers.AssertClose([-0.11920292f, 0.26894142f], delta, Tolerance, "δ");
        AssertDeltaIsGradient(
            logits,
            delta,
            z => z.Select((zk, k) => -((target[k] * Math.Log(Sigmoid(zk))) + ((1 - target[k]) * Math.Log(1 - Sigmoid(zk))))).Sum());
    }

    [Fact]
    public void SigmoidCrossEntropyOfAnUndecidedOutputIsLnTwo()
    {
        Assert.Equal(Math.Log(2), OutputLayer.SigmoidCrossEntropy([0f], [0.5f], [0.25f], default), Tolerance);
    }

    [Fact]
    public void SoftmaxCrossEntropyIsFiniteForHugeLogits()
    {
        // z = (1e4, −1e4): a = (1, 0) exactly. With t = (0, 1) the loss is logsumexp − z₂ = 1e4 − (−1e4) = 2e4.
        float[] logits = [1e4f, -1e4f];
        var output = new float[2];
        Activations.Softmax(logits, output);
        Assert.Equal([1f, 0f], output);

        var delta = new float[2];
        Assert.Equal(2e4f, OutputLayer.SoftmaxCrossEntropy(logits, output, [0f, 1f], delta));
        Assert.Equal([1f, -1f], delta);
        Assert.Equal(0f, OutputLayer.SoftmaxCrossEntropy(logits, output, [1f, 0f], delta));
        Assert.Equal([0f, 0f], delta);
    }

    [Fact]
    public void SigmoidCrossEntropyIsFiniteForHugeLogits()
    {
        // Each wrong-side output costs |z| = 1e4; each right-side output costs ln(1 + e^-1e4) = 0.
        float[] logits = [1e4f, -1e4f];
        float[] output = [Activations.Sigmoid(1e4f), Activations.Sigmoid(-1e4f)];
        Assert.Equal([1f, 0f], output);

        var delta = new float[2];
        Assert.Equal(1e4f, OutputLayer.SigmoidCrossEntropy(logits, output, [0f, 0f], delta));
        Assert.Equal([1f, 0f], delta);
        Assert.Equal(2e4f, OutputLayer.SigmoidCrossEntropy(logits, output, [0f, 1f], delta));
        Assert.Equal([1f, -1f], delta);
        Assert.Equal(0f, OutputLayer.SigmoidCrossEntropy(logits, output, [1f, 0f], delta));
    }

    [Fact]
    public void GeneratedSoftmaxNetworkTrainsFinitelyOnHugeLogits()
    {
        // W2 = 0 and b2 = (1e4, −1e4): z2 = (1e4, −1e4) for every input, a2 = (1, 0).
        // Target (0, 1): J = 2e4, δ2 = (1, −1), so ∂J/∂b2 = (1, −1) and the step moves b2 by ∓η.
        float[] parameters = [0.2f, -0.5f, 0.3f, 0.1f, 0.1f, -0.1f, 0f, 0f, 0f, 0f, 1e4f, -1e4f];
        var gradient = new float[TanhSoftmaxNet.ParameterCount];

        Assert.Equal(2e4f, TanhSoftmaxNet.ComputeLoss(parameters, [1f, -1f], [0f, 1f]));
        float loss = TanhSoftmaxNet.TrainStep(parameters, gradient, [1f, -1f], [0f, 1f], learningRate: 0.5f);

        Assert.Equal(2e4f, loss);
        Numbers.AssertAllFinite(parameters, "parameters");
        Assert.Equal(1e4f - 0.5f, parameters[10]);
        Assert.Equal(-1e4f + 0.5f, parameters[11]);
    }

    [Fact]
    public void GeneratedSigmoidNetworkTrainsFinitelyOnHugeLogits()
    {
        // Output weights 0 and bias −1e4: z2 = −1e4, a2 = σ(z2) = 0. Target 1: J = 1e4, δ2 = −1.
        var parameters = new XorNet(seed: 3).Parameters.ToArray();
        parameters.AsSpan(XorNet.Layer2WeightOffset, XorNet.Layer2WeightCount).Clear();
        parameters[XorNet.Layer2BiasOffset] = -1e4f;
        var gradient = new float[XorNet.ParameterCount];

        float loss = XorNet.TrainStep(parameters, gradient, [1f, 0f], [1f], learningRate: 1f);

        Assert.Equal(1e4f, loss);
        Numbers.AssertAllFinite(parameters, "parameters");
        Assert.Equal(-1e4f + 1f, parameters[XorNet.Layer2BiasOffset]);
    }

    /// <summary>Checks <c>δ_k = ∂J/∂z_k</c> at the logits <paramref name="at"/> by central differences of <paramref name="loss"/> in double.</summary>
    private static void AssertDeltaIsGradient(ReadOnlySpan<float> at, ReadOnlySpan<float> delta, Func<double[], double> loss)
    {
        double[] z = new double[at.Length];
        for (int k = 0; k < z.Length; k++)
        {
            z[k] = at[k];
        }

        const double h = 1e-6;
        for (int k = 0; k < z.Length; k++)
        {
            double[] above = [.. z];
            double[] below = [.. z];
            above[k] += h;
            below[k] -= h;
            double expected = (loss(above) - loss(below)) / (2 * h);
            Assert.True(Math.Abs(delta[k] - expected) <= 1e-5, $"δ[{k}] = {delta[k]:R}, central difference {expected:R}.");
        }
    }

    private static double[] Softmax(double[] z)
    {
        double max = z.Max();
        double[] e = [.. z.Select(v => Math.Exp(v - max))];
        double sum = e.Sum();
        return [.. e.Select(v => v / sum)];
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
