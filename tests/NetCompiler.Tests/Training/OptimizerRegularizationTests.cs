using NetCompiler.Training;
using static NetCompiler.Tests.Training.TrainingTestData;

namespace NetCompiler.Tests.Training;

/// <summary>The shared optimizer options: coupled L2 weight decay, AdamW's decoupled decay, and clipping by global norm.</summary>
public class OptimizerRegularizationTests
{
    [Fact]
    public void CoupledWeightDecayAddsLambdaThetaToTheGradient()
    {
        // λ = 0.1, η = 0.1, θ₀ = [1, −2].
        // g₁ + λθ₀ = [0.5 + 0.1, 1 − 0.2] = [0.6, 0.8]; θ₁ = [0.94, −2.08].
        // g₂ + λθ₁ = [1 + 0.094, −1 − 0.208] = [1.094, −1.208]; θ₂ = [0.8306, −1.9592].
        var optimizer = new Sgd(2) { WeightDecay = 0.1f };
        float[] parameters = [1f, -2f];
        optimizer.Step(parameters, new[] { 0.5f, 1f }, 0.1f);
        AssertClose([0.94f, -2.08f], parameters, 1e-6f);
        optimizer.Step(parameters, new[] { 1f, -1f }, 0.1f);
        AssertClose([0.8306f, -1.9592f], parameters, 1e-6f);
    }

    [Fact]
    public void AdamCoupledDecayEntersTheMomentsDecoupledDecayShrinksTheParameters()
    {
        // λ = 1, η = 0.1, θ₀ = [1, −2], g = [0.5, 1]. Adam's first step is η·sign(gradient used).
        // Coupled (L2): g + λθ = [1.5, −1], so θ₁ = [1 − 0.1, −2 + 0.1] = [0.9, −1.9].
        var coupled = new Adam(2) { WeightDecay = 1f };
        float[] parameters = [1f, -2f];
        coupled.Step(parameters, new[] { 0.5f, 1f }, 0.1f);
        AssertClose([0.9f, -1.9f], parameters, 1e-6f);

        // Decoupled (AdamW): θ (1 − ηλ) = [0.9, −1.8], then −η·sign(g) = [0.8, −1.9].
        var decoupled = new Adam(2) { WeightDecay = 1f, DecoupledWeightDecay = true };
        parameters = [1f, -2f];
        decoupled.Step(parameters, new[] { 0.5f, 1f }, 0.1f);
        AssertClose([0.8f, -1.9f], parameters, 1e-6f);
    }

    [Fact]
    public void RmsPropCoupledWeightDecay()
    {
        // λ = 1, α = 0.9, η = 0.01, θ₀ = [1, −2], g = [0.5, 1]: g + λθ = [1.5, −1];
        // v = 0.1·[2.25, 1]; the first step is η g / √(0.1 g²) = η √10 sign(g) = [0.0316228, −0.0316228].
        var optimizer = new RmsProp(2, alpha: 0.9f) { WeightDecay = 1f };
        float[] parameters = [1f, -2f];
        optimizer.Step(parameters, new[] { 0.5f, 1f }, 0.01f);
        AssertClose([0.9683772f, -1.9683772f], parameters, 1e-6f);
    }

    [Fact]
    public void ClippingScalesALargeGradientToTheMaximumNorm()
    {
        // ‖[3, 4]‖ = 5 > 1: the gradient becomes [0.6, 0.8]; η = 1: θ₁ = [1 − 0.6, −2 − 0.8] = [0.4, −2.8].
        // ‖[0.3, 0.4]‖ = 0.5 ≤ 1: unchanged; θ₂ = [0.1, −3.2].
        var optimizer = new Sgd(2) { MaxGradientNorm = 1f };
        float[] parameters = [1f, -2f];
        optimizer.Step(parameters, new[] { 3f, 4f }, 1f);
        AssertClose([0.4f, -2.8f], parameters, 1e-6f);
        Assert.Equal(5f, optimizer.LastGradientNorm);
        optimizer.Step(parameters, new[] { 0.3f, 0.4f }, 1f);
        AssertClose([0.1f, -3.2f], parameters, 1e-6f);
        Assert.Equal(0.5f, optimizer.LastGradientNorm, 1e-7f);
    }

    [Fact]
    public void ClippingIsAppliedBeforeWeightDecay()
    {
        // Clip [3, 4] to [0.6, 0.8], then add λθ = 0.5·[1, −2]: [1.1, −0.2]; η = 1: θ₁ = [−0.1, −1.8].
        // (Decay first would clip [3.5, 3] to norm 1 instead: θ₁ ≈ [0.241, −2.651].)
        var optimizer = new Sgd(2) { MaxGradientNorm = 1f, WeightDecay = 0.5f };
        float[] parameters = [1f, -2f];
        optimizer.Step(parameters, new[] { 3f, 4f }, 1f);
        AssertClose([-0.1f, -1.8f], parameters, 1e-6f);
    }

    [Fact]
    public void ClippingScalesMomentumAndAdamInputsToo()
    {
        // Momentum μ = 0.5 with clipping to 1: v₁ = [0.6, 0.8], θ₁ = [0.4, −2.8] (η = 1);
        // v₂ = 0.5·[0.6, 0.8] + [0.6, 0.8] = [0.9, 1.2]; θ₂ = [−0.5, −4.0].
        var optimizer = new Sgd(2, momentum: 0.5f) { MaxGradientNorm = 1f };
        float[] parameters = [1f, -2f];
        optimizer.Step(parameters, new[] { 3f, 4f }, 1f);
        optimizer.Step(parameters, new[] { 30f, 40f }, 1f);
        AssertClose([-0.5f, -4.0f], parameters, 1e-6f);
    }

    [Fact]
    public void InvalidOptionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(2) { WeightDecay = -0.1f });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(2) { WeightDecay = float.PositiveInfinity });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(2) { MaxGradientNorm = 0f });
    }
}
