using NetCompiler.Kernels;
using NetCompiler.Tests.Support;

namespace NetCompiler.Tests;

/// <summary>
/// <see cref="ActivationKernels"/>: each kernel against the double-precision reference (an ulp bound per
/// activation), against the scalar function of <see cref="Activations"/> for every length from 0 to 70 (vector
/// blocks, the 256- and 128-bit steps and the scalar tail), in place, with edge values, and allocation-free.
/// </summary>
public sealed class ActivationKernelTests
{
    private delegate void Kernel(ReadOnlySpan<float> z, Span<float> a);

    private delegate void DerivativeKernel(ReadOnlySpan<float> z, ReadOnlySpan<float> a, Span<float> delta);

    /// <summary>Values every kernel must get exactly as the scalar function does (up to the ulp bound).</summary>
    private static readonly float[] EdgeValues =
    [
        0f, -0f, float.Epsilon, -float.Epsilon, 1e-30f, -1e-30f, 1e-6f, -1e-6f, 0.5625f, -0.5625f, 10f, -10f, 10.5f, -10.5f,
        20f, -20f, 88f, -88f, 100f, -100f, 1e10f, -1e10f, float.MaxValue, float.MinValue,
        float.PositiveInfinity, float.NegativeInfinity, float.NaN,
    ];

    public static TheoryData<Activation> Elementwise =>
        new(Enum.GetValues<Activation>().Where(a => a != Activation.Softmax));

    public static TheoryData<int> Lengths => new(Enumerable.Range(0, 71));

    /// <summary>
    /// The largest error in ulps of each kernel over [-20, 20] (measured: sigmoid 2.3, tanh 1.5, ELU 2.4, softplus 3.9,
    /// SiLU 3.2). GELU's bound grows with |u|: the float rounding of u = √(2/π) (z + 0.044715 z³) moves
    /// z σ(2u) by 2|u| times its relative size (measured: at most 5.6 (1 + |u|) ulp).
    /// </summary>
    private static double Bound(Activation activation, double z) => activation switch
    {
        Activation.Sigmoid => 2.5,
        Activation.Tanh => 2,
        Activation.ELU => 3,
        Activation.Softplus => 4,
        Activation.SiLU => 3.5,
        Activation.GELU => 6 * (1 + Math.Abs(Ulps.GeluArgument(z))),
        _ => 0.5, // Identity and ReLU are exact; LeakyReLU rounds 0.01 z once.
    };

    [Theory]
    [MemberData(nameof(Elementwise))]
    public void KernelIsWithinItsUlpBoundOfTheDoubleReference(Activation activation)
    {
        var z = Ulps.Sweep(20f, stride: 4001, 0.5625f, -0.5625f, -0.0625f, 1e-20f, -1e-20f);
        var a = new float[z.Length];
        Forward(activation)(z, a);
        for (int i = 0; i < z.Length; i++)
        {
            double reference = Ulps.Reference(activation, z[i]);

            // SiLU and GELU multiply a subnormal σ by z for z below about -87; beyond that range the ulp of the
            // product, not of σ, is the unit, so results below the normal range are allowed |z| subnormal ulps.
            double slack = Math.Abs(reference) < 1e-37 ? Math.Abs(z[i]) * Math.ScaleB(1, -149) : 0;
            Assert.True(
                Math.Abs(a[i] - reference) <= (Bound(activation, z[i]) * Ulps.Ulp(reference)) + slack,
                $"{activation}({z[i]:R}) = {a[i]:R}, reference {reference:R}: {Ulps.Error(a[i], reference):F2} ulp.");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EveryKernelMatchesTheScalarFunctionAtThisLength(int length)
    {
        var z = Inputs(length);
        foreach (var activation in Enum.GetValues<Activation>().Where(a => a != Activation.Softmax))
        {
            var actual = new float[length];
            Forward(activation)(z, actual);
            var scalar = ScalarFunction(activation);
            for (int i = 0; i < length; i++)
            {
                AssertMatchesScalar(activation, z[i], actual[i], scalar(z[i]));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EveryDerivativeKernelMatchesTheScalarDerivativeAtThisLength(int length)
    {
        var z = Inputs(length);
        var incoming = Numbers.Uniform(length, seed: 500 + length, scale: 3f);
        foreach (var activation in Enum.GetValues<Activation>().Where(a => a != Activation.Softmax))
        {
            var scalar = ScalarFunction(activation);
            var scalarDerivative = ScalarDerivative(activation);
            var a = z.Select(scalar).ToArray();
            var delta = (float[])incoming.Clone();
            Derivative(activation)(z, a, delta);
            for (int i = 0; i < length; i++)
            {
                if (DerivativeComesFromTheActivation(activation) || !float.IsFinite(z[i]))
                {
                    // The same float operations as the scalar derivative: the same bits.
                    float expected = incoming[i] * scalarDerivative(z[i], a[i]);
                    Assert.True(expected.Equals(delta[i]), $"{activation}' at z = {z[i]:R}: {delta[i]:R}, scalar {expected:R}.");
                }
                else
                {
                    // σ inside: within a few ulp of the sum of the formula's terms (it cancels near GELU's and
                    // SiLU's minimum). The scalar GELU' cancels below -3 (1 + tanh u), so the reference is exact.
                    var (reference, terms) = ExactDerivative(activation, z[i]);
                    // Below the normal range the unit is the subnormal spacing, times |z| for SiLU's z σ(z) σ(-z).
                    double subnormal = (1 + Math.Abs(z[i])) * Math.ScaleB(4, -149);
                    double allowed = Math.Abs(incoming[i]) * ((DerivativeBound(activation, z[i]) * Math.ScaleB(terms, -23)) + subnormal);
                    Assert.True(
                        Math.Abs(delta[i] - (incoming[i] * reference)) <= allowed,
                        $"{activation}' at z = {z[i]:R}: {delta[i] / incoming[i]:R}, exact {reference:R}.");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Elementwise))]
    public void KernelWorksInPlace(Activation activation)
    {
        var z = Inputs(37);
        var expected = new float[z.Length];
        Forward(activation)(z, expected);

        var inPlace = (float[])z.Clone();
        Forward(activation)(inPlace, inPlace);
        Numbers.AssertBitIdentical(expected, inPlace, $"{activation} in place");
    }

    [Fact]
    public void IdentityDerivativeLeavesDeltaUnchanged()
    {
        var delta = Numbers.Uniform(19, seed: 4);
        var before = (float[])delta.Clone();
        ActivationKernels.MultiplyByIdentityDerivative(Inputs(19), new float[19], delta);
        Numbers.AssertBitIdentical(before, delta);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void SoftmaxKernelMatchesTheScalarSoftmaxAtThisLength(int length)
    {
        var z = Numbers.Uniform(length, seed: 900 + length, scale: 40f);
        var expected = new float[length];
        Activations.Softmax(z, expected);
        var actual = new float[length];
        ActivationKernels.Softmax(z, actual);

        double sum = 0;
        for (int i = 0; i < length; i++)
        {
            Assert.True(Close(actual[i], expected[i], 4), $"softmax[{i}] of {length}: {actual[i]:R}, scalar {expected[i]:R}.");
            sum += actual[i];
        }

        if (length > 0)
        {
            Assert.Equal(1.0, sum, 1e-5);
        }

        // In place gives the same bits.
        ActivationKernels.Softmax(z, z);
        Numbers.AssertBitIdentical(actual, z, "softmax in place");
    }

    [Fact]
    public void SoftmaxKernelIsFiniteForHugeLogitsAndPropagatesNaN()
    {
        var logits = new float[21];
        logits[5] = 1e4f;
        logits[17] = -1e4f;
        var a = new float[21];
        ActivationKernels.Softmax(logits, a);
        Assert.Equal(1f, a[5]);
        Assert.Equal(20f, a.Count(value => value == 0f));

        logits[9] = float.NaN;
        ActivationKernels.Softmax(logits, a);
        Assert.All(a, value => Assert.True(float.IsNaN(value)));
    }

    [Fact]
    public void MismatchedLengthsThrow()
    {
        var exception = Assert.Throws<ArgumentException>(() => ActivationKernels.Tanh(new float[16], new float[15]));
        Assert.Equal("a has 15 floats but must have 16 (as many as z). (Parameter 'a')", exception.Message);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => ActivationKernels.Softmax(new float[3], new float[4])).ParamName);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => ActivationKernels.Identity(new float[3], new float[2])).ParamName);

        // With three spans, the one whose length the other two do not share is named.
        var delta = Assert.Throws<ArgumentException>(() => ActivationKernels.MultiplyByTanhDerivative(new float[3], new float[3], new float[2]));
        Assert.Equal("delta has 2 floats but must have 3 (as many as z and a). (Parameter 'delta')", delta.Message);
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => ActivationKernels.MultiplyByIdentityDerivative(new float[3], new float[2], new float[3])).ParamName);
        var z = Assert.Throws<ArgumentException>(() => ActivationKernels.MultiplyBySigmoidDerivative(new float[4], new float[3], new float[3]));
        Assert.Equal("z has 4 floats but must have 3 (as many as a and delta). (Parameter 'z')", z.Message);
    }

    [Fact]
    public void KernelsAllocateNothing()
    {
        var z = Inputs(70);
        var a = new float[70];
        var delta = new float[70];
        var kinds = Enum.GetValues<Activation>().Where(k => k != Activation.Softmax).ToArray();
        var forward = kinds.Select(Forward).ToArray();
        var derivative = kinds.Select(Derivative).ToArray();
        for (int warm = 0; warm < 3; warm++)
        {
            RunAll();
        }

        Assert.Equal(0, Allocations.LeastPerRound(calls: 20, RunAll));

        void RunAll()
        {
            for (int k = 0; k < forward.Length; k++)
            {
                forward[k](z, a);
                derivative[k](z, a, delta);
            }

            ActivationKernels.Softmax(z, a);
        }
    }

    /// <summary>
    /// Piecewise-linear activations give the scalar function's bits. The others are within their bound of the
    /// scalar value where the scalar function is accurate; where it is not (ELU near 0 and softplus below -17
    /// cancel, GELU's 1 + tanh u cancels below -5) the kernel keeps its bound against the exact value instead.
    /// </summary>
    private static void AssertMatchesScalar(Activation activation, float z, float actual, float scalar)
    {
        if (activation is Activation.Identity or Activation.ReLU or Activation.LeakyReLU || !float.IsFinite(scalar) || !float.IsFinite(z))
        {
            Assert.True(scalar.Equals(actual), $"{activation}({z:R}) = {actual:R}, scalar {scalar:R}.");
            return;
        }

        double reference = Ulps.Reference(activation, z);
        double slack = Math.Abs(reference) < 1e-37 ? Math.Abs(z) * Math.ScaleB(1, -149) : 0;
        double allowed = (Bound(activation, z) * Ulps.Ulp(reference)) + Math.Abs(scalar - reference) + slack;
        Assert.True(
            Math.Abs(actual - (double)scalar) <= allowed,
            $"{activation}({z:R}) = {actual:R}, scalar {scalar:R}, reference {reference:R}.");
    }

    /// <summary>Uniform values in [-12, 12] with the edge values spread over them, the same for the same length.</summary>
    private static float[] Inputs(int length)
    {
        var z = Numbers.Uniform(length, seed: length, scale: 12f);
        for (int i = 0; i < length; i += 3)
        {
            z[i] = EdgeValues[(i / 3) % EdgeValues.Length];
        }

        return z;
    }

    /// <summary>
    /// The exact derivative of softplus, SiLU and GELU in double, and the sum of the magnitudes of its terms,
    /// which scales the rounding error of evaluating it in float.
    /// </summary>
    private static (double Value, double Terms) ExactDerivative(Activation activation, double z)
    {
        switch (activation)
        {
            case Activation.Softplus:
                double sigma = Ulps.Sigmoid(z);
                return (sigma, sigma);
            case Activation.SiLU:
                double s = Ulps.Sigmoid(z);
                return (s * (1 + (z * (1 - s))), s * (1 + Math.Abs(z * (1 - s))));
            case Activation.GELU:
                if (Math.Abs(z) > 10)
                {
                    return (z > 0 ? 1 : 0, 1);
                }

                double s2 = Ulps.Sigmoid(2 * Ulps.GeluArgument(z));
                double slope = 2 * z * s2 * (1 - s2) * Activations.GeluScale * (1 + (3 * Activations.GeluCubic * z * z));
                return (s2 + slope, s2 + Math.Abs(slope));
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }

    /// <summary>Rounding errors of the derivative formula in units of 2^-23 of its terms (GELU's grows with |u| as its value's does).</summary>
    private static double DerivativeBound(Activation activation, double z) =>
        activation == Activation.GELU ? 6 * (1 + Math.Abs(Ulps.GeluArgument(z))) : 4;

    private static bool Close(float actual, float expected, double ulps) =>
        actual.Equals(expected) || Math.Abs(actual - (double)expected) <= ulps * Ulps.Ulp(expected) + 1e-44;

    private static bool DerivativeComesFromTheActivation(Activation activation) =>
        activation is not (Activation.Softplus or Activation.SiLU or Activation.GELU);

    private static Kernel Forward(Activation activation) => activation switch
    {
        Activation.Identity => ActivationKernels.Identity,
        Activation.Sigmoid => ActivationKernels.Sigmoid,
        Activation.Tanh => ActivationKernels.Tanh,
        Activation.ReLU => ActivationKernels.ReLU,
        Activation.LeakyReLU => ActivationKernels.LeakyReLU,
        Activation.ELU => ActivationKernels.ELU,
        Activation.Softplus => ActivationKernels.Softplus,
        Activation.SiLU => ActivationKernels.SiLU,
        Activation.GELU => ActivationKernels.GELU,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    private static DerivativeKernel Derivative(Activation activation) => activation switch
    {
        Activation.Identity => ActivationKernels.MultiplyByIdentityDerivative,
        Activation.Sigmoid => ActivationKernels.MultiplyBySigmoidDerivative,
        Activation.Tanh => ActivationKernels.MultiplyByTanhDerivative,
        Activation.ReLU => ActivationKernels.MultiplyByReLUDerivative,
        Activation.LeakyReLU => ActivationKernels.MultiplyByLeakyReLUDerivative,
        Activation.ELU => ActivationKernels.MultiplyByELUDerivative,
        Activation.Softplus => ActivationKernels.MultiplyBySoftplusDerivative,
        Activation.SiLU => ActivationKernels.MultiplyBySiLUDerivative,
        Activation.GELU => ActivationKernels.MultiplyByGELUDerivative,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    private static Func<float, float> ScalarFunction(Activation activation) => activation switch
    {
        Activation.Identity => Activations.Identity,
        Activation.Sigmoid => Activations.Sigmoid,
        Activation.Tanh => Activations.Tanh,
        Activation.ReLU => Activations.ReLU,
        Activation.LeakyReLU => Activations.LeakyReLU,
        Activation.ELU => Activations.ELU,
        Activation.Softplus => Activations.Softplus,
        Activation.SiLU => Activations.SiLU,
        Activation.GELU => Activations.GELU,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };

    private static Func<float, float, float> ScalarDerivative(Activation activation) => activation switch
    {
        Activation.Identity => Activations.IdentityDerivative,
        Activation.Sigmoid => Activations.SigmoidDerivative,
        Activation.Tanh => Activations.TanhDerivative,
        Activation.ReLU => Activations.ReLUDerivative,
        Activation.LeakyReLU => Activations.LeakyReLUDerivative,
        Activation.ELU => Activations.ELUDerivative,
        Activation.Softplus => Activations.SoftplusDerivative,
        Activation.SiLU => Activations.SiLUDerivative,
        Activation.GELU => Activations.GELUDerivative,
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };
}
