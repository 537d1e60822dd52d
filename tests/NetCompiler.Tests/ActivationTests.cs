using NetCompiler.Kernels;

namespace NetCompiler.Tests;

/// <summary>
/// Each activation against a double-precision reference, and each derivative against central finite
/// differences: of the double reference (tiny h, tight tolerance) and of the float implementation
/// itself (h = 1/64, which float can represent exactly next to every grid point).
/// </summary>
public sealed class ActivationTests
{
    /// <summary>A grid of z from −30 to 30, dense around 0 where every activation bends.</summary>
    private static readonly float[] Grid =
    [
        -30f, -20f, -10f, -6f, -4f, -3f, -2f, -1.5f, -1f, -0.75f, -0.5f, -0.25f, -0.1f, -0.05f, -0.02f, -0.01f, -1e-3f, -1e-4f, -1e-6f,
        0f, 1e-6f, 1e-4f, 1e-3f, 0.01f, 0.02f, 0.05f, 0.1f, 0.25f, 0.5f, 0.75f, 1f, 1.5f, 2f, 3f, 4f, 6f, 10f, 20f, 30f,
    ];

    public static TheoryData<Activation> ElementwiseActivations =>
        new(Enum.GetValues<Activation>().Where(a => a != Activation.Softmax));

    [Theory]
    [MemberData(nameof(ElementwiseActivations))]
    public void ValueMatchesDoublePrecisionReference(Activation activation)
    {
        var (f, _) = Implementation(activation);
        foreach (float z in Grid)
        {
            double expected = Reference(activation, z);
            Assert.True(
                Math.Abs(f(z) - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)),
                $"{activation}({z:R}) = {f(z):R}, reference {expected:R}.");
        }
    }

    [Theory]
    [MemberData(nameof(ElementwiseActivations))]
    public void DerivativeMatchesCentralDifferenceOfTheReference(Activation activation)
    {
        var (f, derivative) = Implementation(activation);
        foreach (float z in Grid)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(z));
            if (HasKinkAtZero(activation) && Math.Abs(z) <= h)
            {
                continue; // The kink at 0 is checked by DerivativeAtKinkFollowsTheDocumentedConvention.
            }

            double expected = (Reference(activation, z + h) - Reference(activation, z - h)) / (2 * h);
            float actual = derivative(z, f(z));
            Assert.True(
                Math.Abs(actual - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)),
                $"{activation}'({z:R}) = {actual:R}, central difference of the reference {expected:R}.");
        }
    }

    [Theory]
    [MemberData(nameof(ElementwiseActivations))]
    public void DerivativeMatchesCentralDifferenceInFloat(Activation activation)
    {
        const float h = 1f / 64;
        var (f, derivative) = Implementation(activation);
        foreach (float z in Grid)
        {
            if (HasKinkAtZero(activation) && Math.Abs(z) <= h)
            {
                continue;
            }

            float above = z + h;
            float below = z - h;
            double expected = ((double)f(above) - f(below)) / ((double)above - below);
            float actual = derivative(z, f(z));

            // Truncation error h²/6 · |f'''| ≤ 2e-5 here, rounding error ≈ 6e-8 · |f| / h ≤ 1.2e-4 at |z| = 30.
            Assert.True(
                Math.Abs(actual - expected) <= 2e-4 * Math.Max(1, Math.Abs(expected)),
                $"{activation}'({z:R}) = {actual:R}, float central difference {expected:R}.");
        }
    }

    [Theory]
    [InlineData(Activation.ReLU, 0f)]
    [InlineData(Activation.LeakyReLU, Activations.LeakyReLUSlope)]
    [InlineData(Activation.ELU, 1f)]
    public void DerivativeAtKinkFollowsTheDocumentedConvention(Activation activation, float expected)
    {
        var (f, derivative) = Implementation(activation);
        Assert.Equal(0f, f(0f));
        Assert.Equal(expected, derivative(0f, f(0f)));
    }

    [Theory]
    [InlineData(Activation.Identity, 1e4f, 1f, -1e4f, 1f)]
    [InlineData(Activation.Sigmoid, 1f, 0f, 0f, 0f)]
    [InlineData(Activation.Tanh, 1f, 0f, -1f, 0f)]
    [InlineData(Activation.ReLU, 1e4f, 1f, 0f, 0f)]
    [InlineData(Activation.LeakyReLU, 1e4f, 1f, -100f, Activations.LeakyReLUSlope)]
    [InlineData(Activation.ELU, 1e4f, 1f, -1f, 0f)]
    [InlineData(Activation.Softplus, 1e4f, 1f, 0f, 0f)]
    [InlineData(Activation.SiLU, 1e4f, 1f, 0f, 0f)]
    [InlineData(Activation.GELU, 1e4f, 1f, 0f, 0f)]
    public void LargeLogitsGiveFiniteExactLimits(Activation activation, float valueAtPlus, float derivativeAtPlus, float valueAtMinus, float derivativeAtMinus)
    {
        var (f, derivative) = Implementation(activation);
        const float big = 1e4f;

        Assert.Equal(valueAtPlus, f(big));
        Assert.Equal(derivativeAtPlus, derivative(big, f(big)));
        Assert.Equal(valueAtMinus, f(-big), 1e-30f);
        Assert.Equal(derivativeAtMinus, derivative(-big, f(-big)), 1e-30f);
    }

    [Theory]
    [InlineData(Activation.Identity)]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.ReLU)]
    [InlineData(Activation.LeakyReLU)]
    [InlineData(Activation.ELU)]
    [InlineData(Activation.Softplus)]
    [InlineData(Activation.SiLU)]
    [InlineData(Activation.GELU)]
    public void ValueAndDerivativeAreFiniteForEveryFiniteZ(Activation activation)
    {
        var (f, derivative) = Implementation(activation);
        foreach (float z in new[] { 1e19f, 1e20f, 1e30f, float.MaxValue })
        {
            foreach (float signed in new[] { z, -z })
            {
                float a = f(signed);
                Assert.True(float.IsFinite(a), $"{activation}({signed:R}) = {a}.");
                Assert.True(float.IsFinite(derivative(signed, a)), $"{activation}'({signed:R}) = {derivative(signed, a)}.");
            }
        }
    }

    [Fact]
    public void SoftmaxMatchesHandComputationAndSumsToOne()
    {
        // e^1, e^2, e^3 over their sum 30.19287485: 0.09003057, 0.24472847, 0.66524096.
        float[] logits = [1f, 2f, 3f];
        var a = new float[3];
        Activations.Softmax(logits, a);
        Assert.Equal(0.09003057f, a[0], 1e-6f);
        Assert.Equal(0.24472847f, a[1], 1e-6f);
        Assert.Equal(0.66524096f, a[2], 1e-6f);
        Assert.Equal(1f, a[0] + a[1] + a[2], 1e-6f);

        // Shifting every logit by the same amount changes nothing (max-subtraction).
        var shifted = new float[3];
        Activations.Softmax([1001f, 1002f, 1003f], shifted);
        Assert.Equal(a, shifted);
    }

    [Fact]
    public void SoftmaxIsFiniteForHugeLogits()
    {
        var a = new float[3];
        Activations.Softmax([1e4f, -1e4f, 0f], a);
        Assert.Equal([1f, 0f, 0f], a);

        Activations.Softmax([-1e4f, -1e4f, -1e4f], a);
        Assert.Equal(1f / 3, a[0], 1e-7f);
        Assert.Equal(a[0], a[1]);
        Assert.Equal(a[0], a[2]);
    }

    private static bool HasKinkAtZero(Activation activation) =>
        activation is Activation.ReLU or Activation.LeakyReLU or Activation.ELU;

    private static (Func<float, float> Value, Func<float, float, float> Derivative) Implementation(Activation activation) => activation switch
    {
        Activation.Identity => (Activations.Identity, Activations.IdentityDerivative),
        Activation.Sigmoid => (Activations.Sigmoid, Activations.SigmoidDerivative),
        Activation.Tanh => (Activations.Tanh, Activations.TanhDerivative),
        Activation.ReLU => (Activations.ReLU, Activations.ReLUDerivative),
        Activation.LeakyReLU => (Activations.LeakyReLU, Activations.LeakyReLUDerivative),
        Activation.ELU => (Activations.ELU, Activations.ELUDerivative),
        Activation.Softplus => (Activations.Softplus, Activations.SoftplusDerivative),
        Activation.SiLU => (Activations.SiLU, Activations.SiLUDerivative),
        Activation.GELU => (Activations.GELU, Activations.GELUDerivative),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an element-wise activation."),
    };

    /// <summary>The textbook formulas, in double.</summary>
    private static double Reference(Activation activation, double z) => activation switch
    {
        Activation.Identity => z,
        Activation.Sigmoid => 1 / (1 + Math.Exp(-z)),
        Activation.Tanh => Math.Tanh(z),
        Activation.ReLU => Math.Max(0, z),
        Activation.LeakyReLU => z > 0 ? z : 0.01 * z,
        Activation.ELU => z > 0 ? z : Math.Exp(z) - 1,
        Activation.Softplus => Math.Log(1 + Math.Exp(z)),
        Activation.SiLU => z / (1 + Math.Exp(-z)),
        Activation.GELU => 0.5 * z * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (z + (0.044715 * z * z * z)))),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an element-wise activation."),
    };
}
