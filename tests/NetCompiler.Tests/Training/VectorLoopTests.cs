using System.Numerics;
using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

/// <summary>The vectorized helpers behind the optimizers and the trainer's divergence check.</summary>
public class VectorLoopTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(64)]
    [InlineData(101)]
    public void SumOfSquaresEqualsTheSum(int length)
    {
        // Σ_{i<n} (i − 3)² with small integers is exact in float and in double.
        float[] values = Enumerable.Range(0, length).Select(i => i - 3f).ToArray();
        float expected = values.Sum(v => v * v);
        Assert.Equal(expected, VectorLoop.SumOfSquares<float>(values));
        Assert.Equal(expected, VectorLoop.SumOfSquares<double>(values.Select(v => (double)v).ToArray()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(100)]
    public void EveryVectorWidthGivesTheBitsOfTheScalarUpdate(int length)
    {
        AssertEveryWidth<float>(length);
        AssertEveryWidth<double>(length);
    }

    /// <summary>
    /// θ ← θ · 0.5 − g / (√s₁ + 0.25) + s₂ ; s₁ ← s₁ + g·g ; s₂ ← s₂ − g, lane by lane in this order, in <typeparamref name="T"/>.
    /// Lengths below, equal to and above a vector of 16 send elements through the main loop and through the zero-padded tail.
    /// </summary>
    private static void AssertEveryWidth<T>(int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(length);
        T[] parameters = Values(length, random);
        T[] gradient = Values(length, random);
        T[] state1 = Values(length, random).Select(T.Abs).ToArray();
        T[] state2 = Values(length, random);

        T half = T.CreateTruncating(0.5), quarter = T.CreateTruncating(0.25);
        T[] expectedParameters = new T[length], expectedState1 = new T[length], expectedState2 = new T[length];
        for (int i = 0; i < length; i++)
        {
            T g = gradient[i];
            expectedState1[i] = state1[i] + (g * g);
            expectedState2[i] = state2[i] - g;
            expectedParameters[i] = (parameters[i] * half) - (g / (T.Sqrt(expectedState1[i]) + quarter)) + expectedState2[i];
        }

        AssertWidth<Float512<T>>();
        AssertWidth<Float256<T>>();
        AssertWidth<Float128<T>>();

        void AssertWidth<TVector>()
            where TVector : struct, IFloatVector<TVector, T>
        {
            T[] p = (T[])parameters.Clone(), s1 = (T[])state1.Clone(), s2 = (T[])state2.Clone();
            UpdateChecks none = default;
            VectorLoop.Update<TestKernel<T>, T, TVector>(default, p, gradient, s1, s2, default, ref none);
            Assert.Equal(expectedParameters, p);
            Assert.Equal(expectedState1, s1);
            Assert.Equal(expectedState2, s2);
            Assert.Equal(default, none);

            // The fused step's form: the same update, plus the old parameters in the backup, Σ g² and the finiteness check.
            T[] fused = (T[])parameters.Clone(), backup = new T[length];
            s1 = (T[])state1.Clone();
            s2 = (T[])state2.Clone();
            UpdateChecks checks = default;
            VectorLoop.Update<TestKernel<T>, T, TVector>(default, fused, gradient, s1, s2, backup, ref checks);
            Assert.Equal(expectedParameters, fused);
            Assert.Equal(expectedState1, s1);
            Assert.Equal(parameters, backup);
            double squares = gradient.Sum(g => double.CreateTruncating(g) * double.CreateTruncating(g));
            Assert.Equal(squares, checks.SumOfSquares, squares * 1e-6);
            Assert.False(checks.SawNotFinite);

            // A gradient that makes the last new parameter NaN is seen, whether it is in the tail or not.
            T[] huge = (T[])gradient.Clone();
            huge[^1] = T.NaN;
            s1 = (T[])state1.Clone();
            s2 = (T[])state2.Clone();
            checks = default;
            VectorLoop.Update<TestKernel<T>, T, TVector>(default, (T[])parameters.Clone(), huge, s1, s2, new T[length], ref checks);
            Assert.True(checks.SawNotFinite);
        }

        static T[] Values(int count, Random random) =>
            Enumerable.Range(0, count).Select(_ => T.CreateTruncating((random.NextDouble() - 0.5) * 4)).ToArray();
    }

    private readonly struct TestKernel<T> : IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        public void Broadcast<TVector>(out Constants<TVector> constants)
            where TVector : struct, IFloatVector<TVector, T>
        {
            constants = default;
            constants.C0 = TVector.Create(T.CreateTruncating(0.5));
            constants.C1 = TVector.Create(T.CreateTruncating(0.25));
        }

        public void Update<TVector>(in Constants<TVector> constants, ref TVector parameter, TVector gradient, ref TVector state1, ref TVector state2)
            where TVector : struct, IFloatVector<TVector, T>
        {
            state1 += gradient * gradient;
            state2 -= gradient;
            parameter = (parameter * constants.C0) - (gradient / (TVector.SquareRoot(state1) + constants.C1)) + state2;
        }
    }
}
