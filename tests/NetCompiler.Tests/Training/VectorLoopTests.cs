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
    public void SumOfSquares_EqualsTheSum(int length)
    {
        // Σ_{i<n} (i − 3)² with small integers is exact in float.
        float[] values = Enumerable.Range(0, length).Select(i => i - 3f).ToArray();
        float expected = values.Sum(v => v * v);
        Assert.Equal(expected, VectorLoop.SumOfSquares(values));
    }

    [Theory]
    [InlineData(0, float.NaN)]
    [InlineData(40, float.PositiveInfinity)]
    [InlineData(100, float.NegativeInfinity)]
    public void AllFinite_FindsANonFiniteValueAnywhere(int index, float bad)
    {
        float[] values = Enumerable.Range(0, 101).Select(i => (i * 0.37f) - 5f).ToArray();
        Assert.True(VectorLoop.AllFinite(values));
        values[index] = bad;
        Assert.False(VectorLoop.AllFinite(values));
        Assert.False(float.IsFinite(VectorLoop.SumOfSquares(values)));
    }

    [Fact]
    public void AllFinite_IsNotFooledByOppositeInfinities()
    {
        float[] values = new float[32];
        values[3] = float.PositiveInfinity;
        values[11] = float.NegativeInfinity;
        Assert.False(VectorLoop.AllFinite(values));
        Assert.True(VectorLoop.AllFinite([float.MaxValue, -float.MaxValue]));
    }
}
