using NetCompiler.Kernels;
using NetCompiler.Tests.Support;

namespace NetCompiler.Tests;

/// <summary>
/// <see cref="DenseKernels"/> against plain loops for every length from 0 to 40, which covers the
/// empty span, scalar-only lengths, whole vectors, odd vector counts and scalar tails; and
/// <see cref="DenseKernels.MatrixVector(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
/// on each of its paths (scalar, 128, 256 and 512 bits) against double precision, for every shape up to
/// 20 × 70 and the benchmarked layers, at every alignment, with infinities, wrong sizes and allocations.
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

    // Vector widths in float lanes (VectorWidth): scalar, 128, 256 and 512 bits. A width this machine
    // does not accelerate falls back to the next narrower one, as MatrixVector itself does.
    public static TheoryData<int> Widths => new(1, 4, 8, 16);

    // The layers of the benchmarked networks (784-128-10, 784-100-10, 784-256-256-10).
    private static readonly (int Rows, int Columns)[] RealShapes = [(128, 784), (100, 784), (256, 784), (256, 256), (10, 128), (10, 100), (10, 256)];

    [Theory]
    [MemberData(nameof(Widths))]
    public void MatrixVectorMatchesDoublePrecisionForEveryShapeUpTo20By70(int lanes)
    {
        for (int rows = 1; rows <= 20; rows++)
        {
            for (int columns = 1; columns <= 70; columns++)
            {
                AssertMatrixVectorMatchesDoublePrecision(rows, columns, (VectorWidth)lanes);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void MatrixVectorMatchesDoublePrecisionForTheBenchmarkedLayers(int lanes)
    {
        foreach (var (rows, columns) in RealShapes)
        {
            AssertMatrixVectorMatchesDoublePrecision(rows, columns, (VectorWidth)lanes);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void MatrixVectorMatchesDoublePrecisionForRowsTooLongForTheAlignedCopyOfX(int lanes)
    {
        // Beyond 16384 columns the 512-bit path reads x where it lies instead of copying it (from 16 rows on).
        AssertMatrixVectorMatchesDoublePrecision(16, 16400, (VectorWidth)lanes);
        AssertMatrixVectorMatchesDoublePrecision(17, 16391, (VectorWidth)lanes);
    }

    [Fact]
    public void PublicMatrixVectorIsTheWidestPath()
    {
        foreach (var (rows, columns) in RealShapes.Append((7, 33)))
        {
            var (weights, x, bias) = MatrixVectorData(rows, columns, seed: columns);
            var widest = new float[rows];
            var actual = new float[rows];
            DenseKernels.MatrixVector(weights, x, bias, widest, VectorWidth.Widest);
            DenseKernels.MatrixVector(weights, x, bias, actual);
            Numbers.AssertBitIdentical(widest, actual, $"z of {rows} × {columns}");
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void MatrixVectorIsBitIdenticalWhereverTheSpansLie(int lanes)
    {
        // The 512-bit path aligns its loads to 64 bytes, so where a row's aligned part starts depends on
        // the address; the result must not. Offsets 0 … 15 floats reach every position within 64 bytes.
        // From 16 rows on it also copies x to match W's alignment; beyond 16384 columns it does not.
        foreach (var (rows, columns) in new[] { (5, 784), (9, 37), (6, 100), (3, 16), (4, 17), (20, 784), (17, 37), (16, 16391) })
        {
            var (weights, x, bias) = MatrixVectorData(rows, columns, seed: rows + columns);
            var expected = new float[rows];
            DenseKernels.MatrixVector(weights, x, bias, expected, (VectorWidth)lanes);
            var weightBuffer = new float[weights.Length + 16];
            var inputBuffer = new float[columns + 16];
            for (int offset = 0; offset < 16; offset++)
            {
                var movedWeights = weightBuffer.AsSpan(offset, weights.Length);
                var movedInput = inputBuffer.AsSpan(15 - offset, columns);
                weights.CopyTo(movedWeights);
                x.CopyTo(movedInput);
                var actual = new float[rows];
                DenseKernels.MatrixVector(movedWeights, movedInput, bias, actual, (VectorWidth)lanes);
                Numbers.AssertBitIdentical(expected, actual, $"z of {rows} × {columns} with the weights at offset {offset}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void AnInfiniteWeightGivesAnInfiniteOutputInEveryColumnAndAlignment(int lanes)
    {
        // Columns that the masked head and tail vectors read but must not count: an infinite weight there
        // times a masked-off zero would be NaN. Only the row holding the infinity may change.
        const int rows = 6;
        foreach (int columns in new[] { 20, 37, 48 })
        {
            var (weights, _, bias) = MatrixVectorData(rows, columns, seed: columns);
            var x = Numbers.Uniform(columns, seed: 3).Select(v => 1f + Math.Abs(v)).ToArray();
            var buffer = new float[weights.Length + 16];
            for (int offset = 0; offset < 16; offset++)
            {
                for (int column = 0; column < columns; column++)
                {
                    var moved = buffer.AsSpan(offset, weights.Length);
                    weights.CopyTo(moved);
                    moved[(4 * columns) + column] = float.PositiveInfinity;
                    var z = new float[rows];
                    DenseKernels.MatrixVector(moved, x, bias, z, (VectorWidth)lanes);
                    Assert.True(float.IsPositiveInfinity(z[4]), $"{rows} × {columns}, offset {offset}, column {column}: z[4] = {z[4]}.");
                    Assert.All(new[] { z[0], z[1], z[2], z[3], z[5] }, value => Assert.True(float.IsFinite(value)));
                }
            }
        }
    }

    [Theory]
    [InlineData(3, 5, 14, 3, "weights")]
    [InlineData(3, 5, 16, 3, "weights")]
    [InlineData(3, 5, 0, 3, "weights")]
    [InlineData(3, 5, 15, 2, "z")]
    [InlineData(3, 5, 15, 4, "z")]
    [InlineData(128, 784, 100352, 10, "z")]
    [InlineData(128, 784, 100351, 128, "weights")]
    public void MatrixVectorRejectsWrongSizedSpans(int rows, int columns, int weightCount, int outputCount, string parameter)
    {
        var weights = new float[weightCount];
        var x = new float[columns];
        var bias = new float[rows];
        var z = new float[outputCount];
        var error = Assert.Throws<ArgumentException>(() => DenseKernels.MatrixVector(weights, x, bias, z));
        Assert.Equal(parameter, error.ParamName);
        Assert.All(z, value => Assert.Equal(0f, value));
    }

    [Fact]
    public void MatrixVectorOfNoRowsOrNoColumns()
    {
        DenseKernels.MatrixVector([], new float[5], [], []);
        var z = new float[3];
        DenseKernels.MatrixVector([], [], [1f, -2f, 0.5f], z);
        Assert.Equal([1f, -2f, 0.5f], z);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void MatrixVectorAllocatesNothing(int lanes)
    {
        var (weights, x, bias) = MatrixVectorData(100, 784, seed: 1);
        var (smallWeights, smallX, smallBias) = MatrixVectorData(10, 37, seed: 2);
        var z = new float[100];
        for (int i = 0; i < 20; i++)
        {
            DenseKernels.MatrixVector(weights, x, bias, z, (VectorWidth)lanes);
            DenseKernels.MatrixVector(smallWeights, smallX, smallBias, z.AsSpan(0, 10), (VectorWidth)lanes);
        }

        // A collection may move x and so change whether it needs an aligned copy: that must not allocate either.
        GC.Collect();
        long allocated = Allocations.LeastPerRound(calls: 100, () =>
        {
            DenseKernels.MatrixVector(weights, x, bias, z, (VectorWidth)lanes);
            DenseKernels.MatrixVector(smallWeights, smallX, smallBias, z.AsSpan(0, 10), (VectorWidth)lanes);
        });

        Assert.Equal(0, allocated);
    }

    private static (float[] Weights, float[] X, float[] Bias) MatrixVectorData(int rows, int columns, int seed) =>
        (Numbers.Uniform(rows * columns, seed: seed), Numbers.Uniform(columns, seed: seed + 1), Numbers.Uniform(rows, seed: seed + 2));

    /// <summary>
    /// Every z[j] within the bound of any summation order, (n + 2) u (|b_j| + Σ_k |W_jk x_k|) with unit
    /// roundoff u = 2^-24 for the n = columns products and n + 1 additions (a fused multiply-add rounds once).
    /// </summary>
    private static void AssertMatrixVectorMatchesDoublePrecision(int rows, int columns, VectorWidth widest)
    {
        var (weights, x, bias) = MatrixVectorData(rows, columns, seed: (rows * 100) + columns);
        var z = new float[rows];
        DenseKernels.MatrixVector(weights, x, bias, z, widest);
        for (int j = 0; j < rows; j++)
        {
            double expected = bias[j];
            double magnitude = Math.Abs(bias[j]);
            for (int k = 0; k < columns; k++)
            {
                double product = (double)weights[(j * columns) + k] * x[k];
                expected += product;
                magnitude += Math.Abs(product);
            }

            double bound = (columns + 2) * Math.Pow(2, -24) * magnitude;
            Assert.True(
                Math.Abs(z[j] - expected) <= bound,
                $"{widest} path, {rows} × {columns}, z[{j}] = {z[j]:R}, double precision {expected:R}, bound {bound:G3}.");
        }
    }
}
