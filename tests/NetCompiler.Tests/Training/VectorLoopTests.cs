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
}
