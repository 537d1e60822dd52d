using NetCompiler.Kernels;
using NetCompiler.Tests.Support;

namespace NetCompiler.Tests;

/// <summary>
/// <see cref="DenseKernels"/> against plain loops for every length from 0 to 40, which covers the
/// empty span, scalar-only lengths, whole vectors, odd vector counts and scalar tails.
/// </summary>
public sealed class DenseKernelTests
{
    public static TheoryData<int> Lengths => new(Enumerable.Range(0, 41));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DotMatchesPlainLoop(int length)
    {
        var x = Numbers.Uniform(length, seed: length);
        var y = Numbers.Uniform(length + 5, seed: 100 + length); // Longer than x: only x.Length elements count.

        double expected = 0;
        double magnitude = 0;
        for (int i = 0; i < length; i++)
        {
            expected += (double)x[i] * y[i];
            magnitude += Math.Abs((double)x[i] * y[i]);
        }

        // Summation error bound γ_n Σ|x_i y_i| with unit roundoff u = 2^-24 (any summation order).
        float actual = DenseKernels.Dot(x, y);
        Assert.True(
            Math.Abs(actual - expected) <= (length + 1) * Math.Pow(2, -24) * magnitude,
            $"Dot of length {length}: {actual:R}, plain loop {expected:R}.");
    }

    [Fact]
    public void DotOfExactValuesIsExact()
    {
        // Small integers: every product and partial sum is exact in float, whatever the order.
        for (int length = 0; length <= 40; length++)
        {
            var x = Enumerable.Range(1, length).Select(i => (float)i).ToArray();
            var y = Enumerable.Range(1, length).Select(i => (float)((i % 3) - 1)).ToArray();
            float expected = 0;
            for (int i = 0; i < length; i++)
            {
                expected += x[i] * y[i];
            }

            Assert.Equal(expected, DenseKernels.Dot(x, y));
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AddScaledMatchesPlainLoopAndLeavesTheRestOfYAlone(int length)
    {
        const float alpha = -0.75f;
        var x = Numbers.Uniform(length, seed: length);
        var y = Numbers.Uniform(length + 5, seed: 200 + length);
        var expected = y.ToArray();
        for (int i = 0; i < length; i++)
        {
            expected[i] += alpha * x[i];
        }

        DenseKernels.AddScaled(alpha, x, y);

        Numbers.AssertClose(expected, y, 1e-6, $"y (length {length})");
        Numbers.AssertBitIdentical(expected.AsSpan(length), y.AsSpan(length), "y beyond x.Length");
    }

    [Fact]
    public void KernelsWorkOnUnalignedSlices()
    {
        var buffer = Numbers.Uniform(64, seed: 9);
        var x = buffer.AsSpan(1, 37);
        var y = buffer.AsSpan(3, 37);
        double expected = 0;
        for (int i = 0; i < x.Length; i++)
        {
            expected += (double)x[i] * y[i];
        }

        Assert.Equal(expected, DenseKernels.Dot(x, y), 1e-5);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 15)]
    [InlineData(4, 16)]
    [InlineData(5, 17)]
    [InlineData(9, 40)]
    [InlineData(13, 100)]
    public void MatrixVectorMatchesPlainLoops(int rows, int columns)
    {
        var weights = Numbers.Uniform(rows * columns, seed: rows);
        var x = Numbers.Uniform(columns, seed: columns);
        var bias = Numbers.Uniform(rows, seed: rows + columns);
        var z = new float[rows];

        DenseKernels.MatrixVector(weights, x, bias, z);

        for (int j = 0; j < rows; j++)
        {
            double expected = bias[j];
            for (int k = 0; k < columns; k++)
            {
                expected += (double)weights[(j * columns) + k] * x[k];
            }

            Assert.Equal(expected, z[j], 1e-5);
        }
    }
}
