using NetCompiler.Tests.Support;

namespace NetCompiler.Tests;

/// <summary>
/// Two tiny generated networks with parameters set by hand, checked against the forward pass, the
/// loss, backpropagation (BP1–BP4) and one gradient-descent step worked out by hand below. Every
/// intermediate number is written out; the asserted ones are the only numbers the network exposes
/// (outputs, losses, gradients, updated parameters).
/// </summary>
public sealed class HandComputedTests
{
    private const double Tolerance = 1e-5;

    // ── SigmoidRegressionNet: 2 → Dense(2, Sigmoid) → Dense(1, Identity), J = 1/(2N) Σ_x (a2 − t)² ──
    //
    // θ = [W1 = [[0.1, −0.2], [0.4, 0.3]], b1 = [0.05, −0.1], W2 = [[0.5, −0.6]], b2 = [0.2]]
    // Batch (N = 2): x₁ = (1, 2), t₁ = 0.5;  x₂ = (−1, 0.5), t₂ = −0.3.  η = 0.5.
    //
    // Sample 1:
    //   z1 = W1 x₁ + b1 = (0.1 − 0.4 + 0.05, 0.4 + 0.6 − 0.1)            = (−0.25, 0.9)
    //   a1 = σ(z1)                                                      = (0.4378235, 0.7109495)
    //   z2 = a2 = 0.5 · 0.4378235 − 0.6 · 0.7109495 + 0.2                = −0.00765795
    //   J_x = ½ (a2 − t₁)² = ½ (−0.50765795)²                            = 0.12885830
    //   δ2 = a2 − t₁ (identity: f' = 1)                                  = −0.50765795
    //   W2ᵀ δ2 = (0.5 δ2, −0.6 δ2)                                       = (−0.25382898, 0.30459477)
    //   σ'(z1) = a1 (1 − a1)                                             = (0.24613408, 0.20550031)
    //   δ1 = W2ᵀ δ2 ⊙ σ'(z1)                                             = (−0.06247596, 0.06259432)
    //   ∂J/∂W1 = δ1 x₁ᵀ = [[−0.06247596, −0.12495192], [0.06259432, 0.12518864]],  ∂J/∂b1 = δ1
    //   ∂J/∂W2 = δ2 a1ᵀ = [[−0.22226458, −0.36091917]],                            ∂J/∂b2 = δ2
    //
    // Sample 2:
    //   z1 = (−0.1 − 0.1 + 0.05, −0.4 + 0.15 − 0.1)                       = (−0.15, −0.35)
    //   a1 = σ(z1)                                                      = (0.46257015, 0.41338242)
    //   a2 = 0.5 · 0.46257015 − 0.6 · 0.41338242 + 0.2                   = 0.18325562
    //   J_x = ½ (0.18325562 + 0.3)²                                       = 0.11676800
    //   δ2 = 0.48325562
    //   W2ᵀ δ2 = (0.24162781, −0.28995337),  σ'(z1) = (0.24859901, 0.24249740)
    //   δ1 = (0.06006843, −0.07031294)
    //   ∂J/∂W1 = [[−0.06006843, 0.03003422], [0.07031294, −0.03515647]],  ∂J/∂b1 = δ1
    //   ∂J/∂W2 = [[0.22353963, 0.19976938]],                               ∂J/∂b2 = 0.48325562
    //
    // Batch: J = (0.12885830 + 0.11676800) / 2 = 0.12281315
    //   Σ_x ∂J_x/∂θ = [−0.12254440, −0.09491771, 0.13290726, 0.09003217, −0.00240753, −0.00771862, 0.00127505, −0.16114979, −0.02440233]
    //   θ' = θ − (η / N) Σ_x ∂J_x/∂θ = θ − 0.25 · Σ
    //      = [0.13063610, −0.17627057, 0.36677319, 0.27749196, 0.05060188, −0.09807035, 0.49968124, −0.55971255, 0.20610058]
    //   J(θ') = 0.11421275 (recomputed the same way with θ').
    private static readonly float[] RegressionParameters = [0.1f, -0.2f, 0.4f, 0.3f, 0.05f, -0.1f, 0.5f, -0.6f, 0.2f];
    private static readonly float[] RegressionInputs = [1f, 2f, -1f, 0.5f];
    private static readonly float[] RegressionTargets = [0.5f, -0.3f];

    // ── TanhSoftmaxNet: 2 → Dense(2, Tanh) → Dense(2, Softmax), J = −1/N Σ_x Σ_k t_k ln a2_k ──
    //
    // θ = [W1 = [[0.2, −0.5], [0.3, 0.1]], b1 = [0.1, −0.1], W2 = [[0.6, −0.4], [−0.3, 0.8]], b2 = [0.05, −0.05]]
    // Batch (N = 2): x₁ = (1, −1), t₁ = (1, 0);  x₂ = (0.5, 2), t₂ = (0, 1).  η = 0.4.
    //
    // Sample 1:
    //   z1 = (0.2 + 0.5 + 0.1, 0.3 − 0.1 − 0.1)                          = (0.8, 0.1)
    //   a1 = tanh(z1)                                                   = (0.66403677, 0.09966800)
    //   z2 = (0.6 · 0.66403677 − 0.4 · 0.09966800 + 0.05,
    //         −0.3 · 0.66403677 + 0.8 · 0.09966800 − 0.05)                = (0.40855486, −0.16947664)
    //   a2 = softmax(z2) = e^z2 / Σ e^z2                                 = (0.64061433, 0.35938567)
    //   J_x = −ln 0.64061433                                             = 0.44532767
    //   δ2 = a2 − t₁ (fused softmax + cross-entropy)                     = (−0.35938567, 0.35938567)
    //   W2ᵀ δ2 = (0.6 δ2₁ − 0.3 δ2₂, −0.4 δ2₁ + 0.8 δ2₂)                  = (−0.32344710, 0.43126281)
    //   tanh'(z1) = 1 − a1²                                              = (0.55905517, 0.99006629)
    //   δ1 = W2ᵀ δ2 ⊙ tanh'(z1)                                          = (−0.18082478, 0.42697877)
    //   ∂J/∂W1 = δ1 x₁ᵀ = [[−0.18082478, 0.18082478], [0.42697877, −0.42697877]],  ∂J/∂b1 = δ1
    //   ∂J/∂W2 = δ2 a1ᵀ = [[−0.23864530, −0.03581925], [0.23864530, 0.03581925]],  ∂J/∂b2 = δ2
    //
    // Sample 2:
    //   z1 = (0.1 − 1.0 + 0.1, 0.15 + 0.2 − 0.1)                          = (−0.8, 0.25)
    //   a1 = (−0.66403677, 0.24491866),  z2 = (−0.44638953, 0.34514596)
    //   a2 = (0.31183907, 0.68816093),   J_x = −ln 0.68816093            = 0.37373255
    //   δ2 = (0.31183907, −0.31183907),  W2ᵀ δ2 = (0.28065516, −0.37420688)
    //   tanh'(z1) = (0.55905517, 0.94001485),  δ1 = (0.15690172, −0.35176002)
    //   ∂J/∂W1 = [[0.07845086, 0.31380343], [−0.17588001, −0.70352004]],  ∂J/∂b1 = δ1
    //   ∂J/∂W2 = [[−0.20707261, 0.07637521], [0.20707261, −0.07637521]],  ∂J/∂b2 = δ2
    //
    // Batch: J = (0.44532767 + 0.37373255) / 2 = 0.40953011
    //   Σ_x ∂J_x/∂θ = [−0.10237392, 0.49462821, 0.25109876, −1.13049880, −0.02392306, 0.07521874,
    //                  −0.44571791, 0.04055596, 0.44571791, −0.04055596, −0.04754661, 0.04754661]
    //   θ' = θ − (η / N) Σ = θ − 0.2 · Σ
    //      = [0.22047478, −0.59892564, 0.24978025, 0.32609976, 0.10478461, −0.11504375,
    //         0.68914358, −0.40811119, −0.38914358, 0.80811119, 0.05950932, −0.05950932]
    //   J(θ') = 0.24976742.
    private static readonly float[] SoftmaxParameters = [0.2f, -0.5f, 0.3f, 0.1f, 0.1f, -0.1f, 0.6f, -0.4f, -0.3f, 0.8f, 0.05f, -0.05f];
    private static readonly float[] SoftmaxInputs = [1f, -1f, 0.5f, 2f];
    private static readonly float[] SoftmaxTargets = [1f, 0f, 0f, 1f];

    [Fact]
    public void RegressionLayoutIsWeightsThenBiasesPerLayer()
    {
        Assert.Equal(9, SigmoidRegressionNet.ParameterCount);
        Assert.Equal((0, 4, 6, 8), (SigmoidRegressionNet.Layer1WeightOffset, SigmoidRegressionNet.Layer1BiasOffset, SigmoidRegressionNet.Layer2WeightOffset, SigmoidRegressionNet.Layer2BiasOffset));
        Assert.Equal(12, TanhSoftmaxNet.ParameterCount);
        Assert.Equal((0, 4, 6, 10), (TanhSoftmaxNet.Layer1WeightOffset, TanhSoftmaxNet.Layer1BiasOffset, TanhSoftmaxNet.Layer2WeightOffset, TanhSoftmaxNet.Layer2BiasOffset));
    }

    [Fact]
    public void RegressionForwardMatchesHandComputation()
    {
        var net = new SigmoidRegressionNet(RegressionParameters);
        Span<float> output = stackalloc float[1];

        net.Forward(RegressionInputs.AsSpan(0, 2), output);
        Assert.Equal(-0.00765795, output[0], Tolerance);

        net.Forward(RegressionInputs.AsSpan(2, 2), output);
        Assert.Equal(0.18325562, output[0], Tolerance);
    }

    [Fact]
    public void RegressionLossMatchesHandComputation()
    {
        Assert.Equal(0.12885830, SigmoidRegressionNet.ComputeLoss(RegressionParameters, RegressionInputs.AsSpan(0, 2), RegressionTargets.AsSpan(0, 1)), Tolerance);
        Assert.Equal(0.11676800, SigmoidRegressionNet.ComputeLoss(RegressionParameters, RegressionInputs.AsSpan(2, 2), RegressionTargets.AsSpan(1, 1)), Tolerance);
        Assert.Equal(0.12281315, SigmoidRegressionNet.ComputeLoss(RegressionParameters, RegressionInputs, RegressionTargets), Tolerance);
    }

    [Fact]
    public void RegressionBackpropagationMatchesHandComputationAndAccumulates()
    {
        var gradient = new float[SigmoidRegressionNet.ParameterCount];

        float loss1 = SigmoidRegressionNet.AccumulateGradient(RegressionParameters, RegressionInputs.AsSpan(0, 2), RegressionTargets.AsSpan(0, 1), gradient);
        Assert.Equal(0.12885830, loss1, Tolerance);
        Numbers.AssertClose(
            [-0.06247596f, -0.12495192f, 0.06259432f, 0.12518864f, -0.06247596f, 0.06259432f, -0.22226458f, -0.36091917f, -0.50765795f],
            gradient,
            Tolerance,
            "∂J₁/∂θ");

        // The second sample's gradient is added to the first's.
        float loss2 = SigmoidRegressionNet.AccumulateGradient(RegressionParameters, RegressionInputs.AsSpan(2, 2), RegressionTargets.AsSpan(1, 1), gradient);
        Assert.Equal(0.11676800, loss2, Tolerance);
        Numbers.AssertClose(
            [-0.12254440f, -0.09491771f, 0.13290726f, 0.09003217f, -0.00240753f, -0.00771862f, 0.00127505f, -0.16114979f, -0.02440233f],
            gradient,
            Tolerance,
            "Σ ∂J_x/∂θ");
    }

    [Fact]
    public void RegressionTrainStepMatchesHandComputation()
    {
        var net = new SigmoidRegressionNet(RegressionParameters);

        float lossBefore = net.TrainStep(RegressionInputs, RegressionTargets, learningRate: 0.5f);

        Assert.Equal(0.12281315, lossBefore, Tolerance);
        Numbers.AssertClose(
            [0.13063610f, -0.17627057f, 0.36677319f, 0.27749196f, 0.05060188f, -0.09807035f, 0.49968124f, -0.55971255f, 0.20610058f],
            net.Parameters,
            Tolerance,
            "θ'");
        Assert.Equal(0.11421275, net.ComputeLoss(RegressionInputs, RegressionTargets), Tolerance);
    }

    [Fact]
    public void SoftmaxForwardMatchesHandComputation()
    {
        var net = new TanhSoftmaxNet(SoftmaxParameters);
        Span<float> output = stackalloc float[2];

        net.Forward(SoftmaxInputs.AsSpan(0, 2), output);
        Numbers.AssertClose([0.64061433f, 0.35938567f], output, Tolerance, "a2(x₁)");

        net.Forward(SoftmaxInputs.AsSpan(2, 2), output);
        Numbers.AssertClose([0.31183907f, 0.68816093f], output, Tolerance, "a2(x₂)");
    }

    [Fact]
    public void SoftmaxLossMatchesHandComputation()
    {
        Assert.Equal(0.44532767, TanhSoftmaxNet.ComputeLoss(SoftmaxParameters, SoftmaxInputs.AsSpan(0, 2), SoftmaxTargets.AsSpan(0, 2)), Tolerance);
        Assert.Equal(0.37373255, TanhSoftmaxNet.ComputeLoss(SoftmaxParameters, SoftmaxInputs.AsSpan(2, 2), SoftmaxTargets.AsSpan(2, 2)), Tolerance);
        Assert.Equal(0.40953011, TanhSoftmaxNet.ComputeLoss(SoftmaxParameters, SoftmaxInputs, SoftmaxTargets), Tolerance);
    }

    [Fact]
    public void SoftmaxBackpropagationMatchesHandComputationAndAccumulates()
    {
        var gradient = new float[TanhSoftmaxNet.ParameterCount];

        float loss1 = TanhSoftmaxNet.AccumulateGradient(SoftmaxParameters, SoftmaxInputs.AsSpan(0, 2), SoftmaxTargets.AsSpan(0, 2), gradient);
        Assert.Equal(0.44532767, loss1, Tolerance);
        Numbers.AssertClose(
            [-0.18082478f, 0.18082478f, 0.42697877f, -0.42697877f, -0.18082478f, 0.42697877f,
             -0.23864530f, -0.03581925f, 0.23864530f, 0.03581925f, -0.35938567f, 0.35938567f],
            gradient,
            Tolerance,
            "∂J₁/∂θ");

        float loss2 = TanhSoftmaxNet.AccumulateGradient(SoftmaxParameters, SoftmaxInputs.AsSpan(2, 2), SoftmaxTargets.AsSpan(2, 2), gradient);
        Assert.Equal(0.37373255, loss2, Tolerance);
        Numbers.AssertClose(
            [-0.10237392f, 0.49462821f, 0.25109876f, -1.13049880f, -0.02392306f, 0.07521874f,
             -0.44571791f, 0.04055596f, 0.44571791f, -0.04055596f, -0.04754661f, 0.04754661f],
            gradient,
            Tolerance,
            "Σ ∂J_x/∂θ");
    }

    [Fact]
    public void SoftmaxTrainStepMatchesHandComputation()
    {
        var parameters = SoftmaxParameters.ToArray();
        var gradient = new float[TanhSoftmaxNet.ParameterCount];

        float lossBefore = TanhSoftmaxNet.TrainStep(parameters, gradient, SoftmaxInputs, SoftmaxTargets, learningRate: 0.4f);

        Assert.Equal(0.40953011, lossBefore, Tolerance);
        Numbers.AssertClose(
            [0.22047478f, -0.59892564f, 0.24978025f, 0.32609976f, 0.10478461f, -0.11504375f,
             0.68914358f, -0.40811119f, -0.38914358f, 0.80811119f, 0.05950932f, -0.05950932f],
            parameters,
            Tolerance,
            "θ'");
        Assert.Equal(0.24976742, TanhSoftmaxNet.ComputeLoss(parameters, SoftmaxInputs, SoftmaxTargets), Tolerance);
    }
}
