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
        // Σ_{i<n} (i − 3)² with small integers is exact in float.
        float[] values = Enumerable.Range(0, length).Select(i => i - 3f).ToArray();
        float expected = values.Sum(v => v * v);
        Assert.Equal(expected, VectorLoop.SumOfSquares(values));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(100)]
    public void EveryVectorWidthGivesTheBitsOfTheScalarUpdate(int length)
    {
        // θ ← θ · 0.5 − g / (√s₁ + 0.25) + s₂ ; s₁ ← s₁ + g·g ; s₂ ← s₂ − g, lane by lane in this order. Lengths below,
        // equal to and above a vector of 16 send elements through the main loop and through the zero-padded tail.
        var random = new Random(length);
        float[] parameters = Values(length, random);
        float[] gradient = Values(length, random);
        float[] state1 = Values(length, random).Select(MathF.Abs).ToArray();
        float[] state2 = Values(length, random);

        float[] expectedParameters = new float[length], expectedState1 = new float[length], expectedState2 = new float[length];
        for (int i = 0; i < length; i++)
        {
            float g = gradient[i];
            expectedState1[i] = state1[i] + (g * g);
            expectedState2[i] = state2[i] - g;
            expectedParameters[i] = (parameters[i] * 0.5f) - (g / (MathF.Sqrt(expectedState1[i]) + 0.25f)) + expectedState2[i];
        }

        AssertWidth<Float512>();
        AssertWidth<Float256>();
        AssertWidth<Float128>();

        void AssertWidth<TVector>()
            where TVector : struct, IFloatVector<TVector>
        {
            float[] p = (float[])parameters.Clone(), s1 = (float[])state1.Clone(), s2 = (float[])state2.Clone();
            VectorLoop.Update<TestKernel, TVector>(default, p, gradient, s1, s2);
            Assert.Equal(expectedParameters, p);
            Assert.Equal(expectedState1, s1);
            Assert.Equal(expectedState2, s2);
        }

        static float[] Values(int count, Random random) =>
            Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5) * 4f).ToArray();
    }

    private readonly struct TestKernel : IVectorUpdate
    {
        public void Update<TVector>(ref TVector parameter, TVector gradient, ref TVector state1, ref TVector state2)
            where TVector : struct, IFloatVector<TVector>
        {
            state1 += gradient * gradient;
            state2 -= gradient;
            parameter = (parameter * TVector.Create(0.5f)) - (gradient / (TVector.SquareRoot(state1) + TVector.Create(0.25f))) + state2;
        }
    }
}
