using NetCompiler.Tests.Support;
using NetCompiler.Training;
using static NetCompiler.Tests.Training.TrainingTestData;

namespace NetCompiler.Tests.Training;

/// <summary>
/// Each optimizer's update on θ₀ = [1, −2] for the gradient sequence g₁ = [0.5, 1], g₂ = [1, −1],
/// g₃ = [0, 0], with the arithmetic written out.
/// </summary>
public class OptimizerTests
{
    private static readonly float[][] Gradients = [[0.5f, 1f], [1f, -1f], [0f, 0f]];

    [Fact]
    public void SgdMovesAgainstTheGradient()
    {
        // θ₁ = [1 − 0.1·0.5, −2 − 0.1·1] = [0.95, −2.1]; θ₂ = [0.95 − 0.1, −2.1 + 0.1] = [0.85, −2.0].
        float[] expected = [0.95f, -2.1f, 0.85f, -2.0f];
        AssertSteps(new Sgd(2), 0.1f, expected);
    }

    [Fact]
    public void MomentumAccumulatesVelocity()
    {
        // μ = 0.9, η = 0.1. v₁ = g₁ = [0.5, 1]; θ₁ = [0.95, −2.1].
        // v₂ = 0.9·[0.5, 1] + [1, −1] = [1.45, −0.1]; θ₂ = [0.95 − 0.145, −2.1 + 0.01] = [0.805, −2.09].
        // v₃ = 0.9·[1.45, −0.1] + 0 = [1.305, −0.09]; θ₃ = [0.805 − 0.1305, −2.09 + 0.009] = [0.6745, −2.081].
        float[] expected = [0.95f, -2.1f, 0.805f, -2.09f, 0.6745f, -2.081f];
        AssertSteps(new Sgd(2, momentum: 0.9f), 0.1f, expected);
    }

    [Fact]
    public void NesterovStepsWithTheLookAheadGradient()
    {
        // PyTorch's form: v ← μv + g, θ ← θ − η(g + μv), μ = 0.9, η = 0.1.
        // v₁ = [0.5, 1]; g + μv = [0.95, 1.9]; θ₁ = [0.905, −2.19].
        // v₂ = [1.45, −0.1]; g + μv = [1 + 1.305, −1 − 0.09] = [2.305, −1.09]; θ₂ = [0.6745, −2.081].
        // v₃ = [1.305, −0.09]; g + μv = [1.1745, −0.081]; θ₃ = [0.55705, −2.0729].
        float[] expected = [0.905f, -2.19f, 0.6745f, -2.081f, 0.55705f, -2.0729f];
        AssertSteps(new Sgd(2, momentum: 0.9f, nesterov: true), 0.1f, expected);
    }

    [Fact]
    public void AdamCorrectsTheBiasOfItsMoments()
    {
        // β₁ = 0.9, β₂ = 0.999, ε = 1e−8, η = 0.1.
        // t = 1: m = 0.1 g₁, v = 0.001 g₁²; m̂ = g₁, v̂ = g₁², so the step is η·sign(g₁): θ₁ = [0.9, −2.1].
        // t = 2: m = 0.9·[0.05, 0.1] + 0.1·[1, −1] = [0.145, −0.01];
        //        v = 0.999·[0.00025, 0.001] + 0.001·[1, 1] = [0.00124975, 0.001999];
        //        m̂ = m / 0.19 = [0.763158, −0.0526316]; v̂ = v / 0.001999 = [0.625188, 1];
        //        step = 0.1·m̂/√v̂ = [0.0965182, −0.00526316]; θ₂ = [0.8034818, −2.0947368].
        // t = 3 (g = 0): m = [0.1305, −0.009], v = [0.0012485, 0.001997001];
        //        m̂ = m / 0.271, v̂ = v / 0.002997001; step = [0.0746088, −0.0040684]; θ₃ = [0.7288730, −2.0906684].
        float[] expected = [0.9f, -2.1f, 0.8034818f, -2.0947368f, 0.7288730f, -2.0906684f];
        AssertSteps(new Adam(2), 0.1f, expected, tolerance: 2e-6f);
    }

    [Fact]
    public void RmsPropDividesByTheRootMeanSquare()
    {
        // α = 0.9, η = 0.01. t = 1: v = 0.1·[0.25, 1] = [0.025, 0.1];
        //   step = 0.01·[0.5/0.1581139, 1/0.3162278] = [0.0316228, 0.0316228]; θ₁ = [0.9683772, −2.0316228].
        // t = 2: v = 0.9·[0.025, 0.1] + 0.1·[1, 1] = [0.1225, 0.19]; √v = [0.35, 0.4358899];
        //   step = 0.01·[1/0.35, −1/0.4358899] = [0.0285714, −0.0229416]; θ₂ = [0.9398058, −2.0086812].
        float[] expected = [0.9683772f, -2.0316228f, 0.9398058f, -2.0086812f];
        AssertSteps(new RmsProp(2, alpha: 0.9f), 0.01f, expected);
    }

    public static TheoryData<string> OptimizerNames => ["Sgd", "Momentum", "Nesterov", "Adam", "AdamW", "RmsProp"];

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void LongBuffersGiveEveryElementTheSameUpdateInVectorsAndInTheTail(string name)
    {
        // 37 = several whole vectors plus a tail, for any vector width up to 16: the pattern [1, −2]
        // repeated must update exactly as the 2-element buffer does.
        const int Length = 37;
        var shortOptimizer = Create(name, 2);
        var longOptimizer = Create(name, Length);
        float[] shortParameters = [1f, -2f];
        float[] longParameters = Enumerable.Range(0, Length).Select(i => shortParameters[i % 2]).ToArray();
        foreach (float[] gradient in Gradients)
        {
            shortOptimizer.Step(shortParameters, gradient, 0.1f);
            longOptimizer.Step(longParameters, Enumerable.Range(0, Length).Select(i => gradient[i % 2]).ToArray(), 0.1f);
            for (int i = 0; i < Length; i++)
            {
                Assert.Equal(shortParameters[i % 2], longParameters[i]);
            }
        }

        static Optimizer Create(string name, int count) => name switch
        {
            "Sgd" => new Sgd(count) { WeightDecay = 0.1f },
            "Momentum" => new Sgd(count, momentum: 0.9f),
            "Nesterov" => new Sgd(count, momentum: 0.9f, nesterov: true),
            "Adam" => new Adam(count) { WeightDecay = 0.1f },
            "AdamW" => new Adam(count) { WeightDecay = 0.1f, DecoupledWeightDecay = true },
            _ => new RmsProp(count),
        };
    }

    [Fact]
    public void GradientScaleMultipliesTheGradientBeforeClipping()
    {
        // The sum [6, 8] of two samples with scale ½ is the mean [3, 4]; its norm 5 is clipped to 1: [0.6, 0.8].
        var optimizer = new Sgd(2) { MaxGradientNorm = 1f };
        float[] parameters = [1f, -2f];
        optimizer.Step(parameters, new[] { 6f, 8f }, 1f, gradientScale: 0.5f);
        AssertClose([0.4f, -2.8f], parameters, 1e-6f);
        Assert.Equal(5f, optimizer.LastGradientNorm);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.Step(parameters, new[] { 6f, 8f }, 1f, gradientScale: 0f));
    }

    [Fact]
    public void ResetForgetsTheState()
    {
        var optimizer = new Sgd(2, momentum: 0.9f);
        float[] parameters = [1f, -2f];
        optimizer.Step(parameters, Gradients[0], 0.1f);
        optimizer.Step(parameters, Gradients[1], 0.1f);
        optimizer.Reset();
        Assert.Equal(0, optimizer.StepCount);

        // With the velocity cleared the next step is plain η g: [1, −2] − 0.1·[0.5, 1].
        parameters = [1f, -2f];
        optimizer.Step(parameters, Gradients[0], 0.1f);
        AssertClose([0.95f, -2.1f], parameters, 1e-7f);
        Assert.Equal(1, optimizer.StepCount);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void NonFiniteGradientThrowsAndChangesNothing(float bad)
    {
        var optimizer = new Adam(2);
        float[] parameters = [1f, -2f];
        optimizer.Step(parameters, Gradients[0], 0.1f);
        float[] before = (float[])parameters.Clone();

        var exception = Assert.Throws<TrainingDivergedException>(() => optimizer.Step(parameters, new[] { 1f, bad }, 0.1f));

        Assert.Equal($"Adam: gradient[1] is {bad}; the parameters and the optimizer state were not changed.", exception.Message);
        Assert.Equal(before, parameters);
        Assert.Equal(1, optimizer.StepCount);

        // The moments were not touched either: the next step matches an optimizer that never saw the bad gradient.
        var reference = new Adam(2);
        float[] expected = [1f, -2f];
        reference.Step(expected, Gradients[0], 0.1f);
        reference.Step(expected, Gradients[1], 0.1f);
        optimizer.Step(parameters, Gradients[1], 0.1f);
        Assert.Equal(expected, parameters);
    }

    [Fact]
    public void FiniteGradientWhoseSquareOverflowsAFloatIsAccepted()
    {
        // 1e30² overflows float but not the double accumulator of the norm.
        var optimizer = new Sgd(2);
        float[] parameters = [0f, 0f];
        optimizer.Step(parameters, new[] { 1e30f, 0f }, 1e-30f);
        Assert.Equal(-1f, parameters[0], 1e-6f);
        Assert.Equal(1e30f, optimizer.LastGradientNorm);
    }

    [Fact]
    public void WrongLengthsAndLearningRatesAreRejected()
    {
        var optimizer = new Sgd(3);
        float[] three = [1f, 2f, 3f];

        var wrongParameters = Assert.Throws<ArgumentException>(() => optimizer.Step(new float[2], three, 0.1f));
        Assert.Equal("Sgd: parameters has 2 floats but the optimizer was created for 3. (Parameter 'parameters')", wrongParameters.Message);
        var wrongGradient = Assert.Throws<ArgumentException>(() => optimizer.Step(three, new float[4], 0.1f));
        Assert.Equal("gradient", wrongGradient.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.Step(three, three, -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.Step(three, three, float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(3, momentum: 1f));
        Assert.Throws<ArgumentException>(() => new Sgd(3, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(3, beta2: 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(3, epsilon: 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0));
        Assert.Equal([1f, 2f, 3f], three);
    }

    [Fact]
    public void StepAllocatesNothing()
    {
        const int Count = 1000;
        Optimizer[] optimizers =
        [
            new Sgd(Count) { WeightDecay = 0.01f, MaxGradientNorm = 1f },
            new Sgd(Count, momentum: 0.9f, nesterov: true),
            new Adam(Count) { WeightDecay = 0.01f, DecoupledWeightDecay = true, MaxGradientNorm = 1f },
            new RmsProp(Count),
        ];
        var parameters = new float[Count];
        var gradient = Enumerable.Range(0, Count).Select(i => (i % 7) - 3f).ToArray();
        foreach (var optimizer in optimizers)
        {
            optimizer.Step(parameters, gradient, 1e-3f);
            Assert.Equal(0, Allocations.LeastPerRound(calls: 200, () => optimizer.Step(parameters, gradient, 1e-3f)));
        }
    }

    /// <summary>Steps from θ₀ = [1, −2] through <see cref="Gradients"/> and checks θ after each step.</summary>
    private static void AssertSteps(Optimizer optimizer, float learningRate, float[] expected, float tolerance = 1e-6f)
    {
        float[] parameters = [1f, -2f];
        for (int step = 0; step < expected.Length / 2; step++)
        {
            optimizer.Step(parameters, Gradients[step], learningRate);
            AssertClose(expected.AsSpan(2 * step, 2), parameters, tolerance);
            Assert.Equal(step + 1, optimizer.StepCount);
        }
    }
}
