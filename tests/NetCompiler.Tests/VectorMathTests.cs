using System.Runtime.Intrinsics;
using NetCompiler.Kernels;
using NetCompiler.Tests.Support;

namespace NetCompiler.Tests;

/// <summary>
/// <see cref="VectorMath"/> against double-precision references: the largest error in ulps over a sweep of
/// [-20, 20] (about 2 million floats, every float near the branch points), exact results at the edges
/// (±0, subnormals, overflow, underflow, ±∞, NaN), the same bits from every vector width, and the portable
/// power-of-two scaling against exact arithmetic.
/// </summary>
public sealed class VectorMathTests
{
    /// <summary>
    /// Every 1001st float up to 20, and densely around tanh's switch between polynomial and exponential
    /// (0.5625), around exp's rounding of n at ±ln2/2, and where σ switches formula (0).
    /// </summary>
    private static readonly float[] Sweep = Ulps.Sweep(20f, stride: 1001, 0.5625f, -0.5625f, 0.34657359f, -0.34657359f, 1e-30f);

    public static TheoryData<string, double> Bounds => new()
    {
        { nameof(VectorMath.Exp), 1.5 },
        { nameof(VectorMath.Tanh), 2.0 },
        { nameof(VectorMath.Sigmoid), 2.5 },
    };

    [Theory]
    [MemberData(nameof(Bounds))]
    public void ErrorOverTheSweepIsWithinTheBound(string function, double bound)
    {
        var (vector, reference) = Function(function);
        double worst = 0;
        float worstAt = 0;
        ForEachLane(Sweep, vector, (x, actual) =>
        {
            double error = Ulps.Error(actual, reference(x));
            if (error > worst)
            {
                worst = error;
                worstAt = x;
            }
        });

        Assert.True(worst <= bound, $"{function}: {worst:F3} ulp at {worstAt:R} (bound {bound}).");
    }

    [Fact]
    public void ExpIsWithinTheBoundDownToUnderflowAndUpToOverflow()
    {
        // exp over its whole finite range, subnormal results included (rounded once by the scaling).
        var xs = Enumerable.Range(0, 192_720).Select(i => -104f + (i * 0.001f)).ToArray(); // Up to 88.72.
        double worst = 0;
        ForEachLane(xs, VectorMath.Exp, (x, actual) => worst = Math.Max(worst, Ulps.Error(actual, Math.Exp(x))));
        Assert.True(worst <= 1.5, $"exp: {worst:F3} ulp.");
    }

    [Theory]
    [InlineData(0f, 1f)]
    [InlineData(1e-45f, 1f)]
    [InlineData(88.72f, 3.3931806e38f)] // The largest finite results.
    [InlineData(88.73f, float.PositiveInfinity)]
    [InlineData(1000f, float.PositiveInfinity)]
    [InlineData(float.MaxValue, float.PositiveInfinity)]
    [InlineData(float.PositiveInfinity, float.PositiveInfinity)]
    [InlineData(-100f, 3.7835059e-44f)] // Subnormal: 27 × 2^-149.
    [InlineData(-103.9f, 1e-45f)] // 2^-149, the smallest subnormal.
    [InlineData(-104f, 0f)]
    [InlineData(-1000f, 0f)]
    [InlineData(float.MinValue, 0f)]
    [InlineData(float.NegativeInfinity, 0f)]
    [InlineData(float.NaN, float.NaN)]
    public void ExpEdgeCases(float x, float expected) => AssertEveryWidth(nameof(VectorMath.Exp), x, expected);

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(1e-45f, 1e-45f)]
    [InlineData(-1e-40f, -1e-40f)]
    [InlineData(1e-20f, 1e-20f)]
    [InlineData(9.1f, 1f)]
    [InlineData(-9.1f, -1f)]
    [InlineData(50f, 1f)]
    [InlineData(float.MaxValue, 1f)]
    [InlineData(float.MinValue, -1f)]
    [InlineData(float.PositiveInfinity, 1f)]
    [InlineData(float.NegativeInfinity, -1f)]
    [InlineData(float.NaN, float.NaN)]
    public void TanhEdgeCases(float x, float expected) => AssertEveryWidth(nameof(VectorMath.Tanh), x, expected);

    [Theory]
    [InlineData(0f, 0.5f)]
    [InlineData(20f, 1f)]
    [InlineData(float.PositiveInfinity, 1f)]
    [InlineData(-100f, 3.7835059e-44f)] // e^-100 / (1 + e^-100), subnormal.
    [InlineData(-104f, 0f)]
    [InlineData(-1e30f, 0f)]
    [InlineData(float.NegativeInfinity, 0f)]
    [InlineData(float.NaN, float.NaN)]
    public void SigmoidEdgeCases(float x, float expected) => AssertEveryWidth(nameof(VectorMath.Sigmoid), x, expected);

    [Fact]
    public void NegativeZeroGivesWhatTheScalarFunctionsGive()
    {
        // InlineData cannot hold -0 next to 0 (they compare equal), so the signed zero has its own test.
        AssertEveryWidth(nameof(VectorMath.Exp), -0f, 1f);
        AssertEveryWidth(nameof(VectorMath.Tanh), -0f, -0f);
        AssertEveryWidth(nameof(VectorMath.Sigmoid), -0f, 0.5f);
    }

    [Theory]
    [InlineData(nameof(VectorMath.Exp))]
    [InlineData(nameof(VectorMath.Tanh))]
    [InlineData(nameof(VectorMath.Sigmoid))]
    public void EveryVectorWidthGivesTheSameBits(string function)
    {
        var (vector512, _) = Function(function);
        var (vector256, vector128) = NarrowFunctions(function);
        for (int i = 0; i + 16 <= Sweep.Length; i += 16 * 37)
        {
            var x = Vector512.Create(Sweep.AsSpan(i, 16));
            var wide = vector512(x);
            var lower = vector256(x.GetLower());
            var quarter = vector128(x.GetLower().GetLower());
            for (int lane = 0; lane < 4; lane++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(wide[lane]), BitConverter.SingleToInt32Bits(quarter[lane]));
            }

            for (int lane = 0; lane < 8; lane++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(wide[lane]), BitConverter.SingleToInt32Bits(lower[lane]));
            }
        }
    }

    [Fact]
    public void PortableScalingRoundsLikeExactArithmetic()
    {
        // x 2^n in double is exact; converting it to float rounds once, also into the subnormal range.
        // The portable path (two normal factors) must give those bits, and so must vscalefps where present.
        float[] mantissas = [0.70710677f, 0.75f, 0.9999999f, 1f, 1.0000001f, 1.2345678f, 1.4142135f];
        for (int n = -151; n <= 129; n++)
        {
            foreach (float x in mantissas)
            {
                float expected = (float)Math.ScaleB(x, n);
                var portable = VectorFunctions.ScaleByTwoFactors(Float512.Create(x), Float512.Create(n)).Value;
                Assert.True(expected.Equals(portable[0]), $"{x:R} × 2^{n}: portable {portable[0]:R}, exact {expected:R}.");
                if (Float512.HasScaleInstruction)
                {
                    Assert.Equal(expected, Float512.Scale(Float512.Create(x), Float512.Create(n)).Value[0]);
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(10)]
    [InlineData(16)]
    public void SoftmaxOfTheLanesMatchesTheScalarSoftmaxWithUnusedLanesAtMinusInfinity(int count)
    {
        var logits = Numbers.Uniform(count, seed: count, scale: 30f);
        var expected = new float[count];
        Activations.Softmax(logits, expected);

        var padded = Enumerable.Repeat(float.NegativeInfinity, 16).ToArray();
        logits.CopyTo(padded, 0);
        var actual512 = VectorMath.Softmax(Vector512.Create(padded));
        var actual256 = VectorMath.Softmax(Vector256.Create(padded.AsSpan(0, 8)));
        var actual128 = VectorMath.Softmax(Vector128.Create(padded.AsSpan(0, 4)));
        for (int i = 0; i < 16; i++)
        {
            float want = i < count ? expected[i] : 0f;
            Assert.True(Math.Abs(actual512[i] - want) <= 4 * Ulps.Ulp(want), $"lane {i}: {actual512[i]:R}, scalar {want:R}.");
            if (count <= 8 && i < 8)
            {
                Assert.Equal(actual512[i], actual256[i]);
            }

            if (count <= 4 && i < 4)
            {
                Assert.Equal(actual512[i], actual128[i]);
            }
        }
    }

    [Fact]
    public void SoftmaxOfTheLanesPropagatesNaNAndKeepsHugeLogitsFinite()
    {
        var huge = VectorMath.Softmax(Vector128.Create(1e4f, -1e4f, 0f, float.NegativeInfinity));
        Assert.Equal(Vector128.Create(1f, 0f, 0f, 0f), huge);

        var withNaN = VectorMath.Softmax(Vector128.Create(1f, float.NaN, 0f, float.NegativeInfinity));
        for (int i = 0; i < 4; i++)
        {
            Assert.True(float.IsNaN(withNaN[i]), $"lane {i} of softmax with a NaN logit is {withNaN[i]}.");
        }
    }

    private static void AssertEveryWidth(string function, float x, float expected)
    {
        var (vector512, _) = Function(function);
        var (vector256, vector128) = NarrowFunctions(function);
        float[] actual = [vector512(Vector512.Create(x))[0], vector256(Vector256.Create(x))[0], vector128(Vector128.Create(x))[0]];
        foreach (float value in actual)
        {
            // Equals compares bits for ±0 and treats NaN as equal to NaN.
            Assert.True(expected.Equals(value), $"{function}({x:R}) = {value:R}, expected {expected:R}.");
        }
    }

    private static void ForEachLane(float[] xs, Func<Vector512<float>, Vector512<float>> vector, Action<float, float> check)
    {
        var block = new float[16];
        for (int i = 0; i < xs.Length; i += 16)
        {
            for (int lane = 0; lane < 16; lane++)
            {
                block[lane] = xs[Math.Min(i + lane, xs.Length - 1)];
            }

            var result = vector(Vector512.Create(block));
            for (int lane = 0; lane < 16; lane++)
            {
                check(block[lane], result[lane]);
            }
        }
    }

    private static (Func<Vector512<float>, Vector512<float>> Vector, Func<double, double> Reference) Function(string name) => name switch
    {
        nameof(VectorMath.Exp) => (VectorMath.Exp, Math.Exp),
        nameof(VectorMath.Tanh) => (VectorMath.Tanh, Math.Tanh),
        nameof(VectorMath.Sigmoid) => (VectorMath.Sigmoid, Ulps.Sigmoid),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static (Func<Vector256<float>, Vector256<float>> Vector256, Func<Vector128<float>, Vector128<float>> Vector128) NarrowFunctions(string name) => name switch
    {
        nameof(VectorMath.Exp) => (VectorMath.Exp, VectorMath.Exp),
        nameof(VectorMath.Tanh) => (VectorMath.Tanh, VectorMath.Tanh),
        nameof(VectorMath.Sigmoid) => (VectorMath.Sigmoid, VectorMath.Sigmoid),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };
}
