using NetCompiler.Kernels;
using NetCompiler.Tests.Support;

namespace NetCompiler.Tests;

/// <summary>
/// <see cref="InputProduct.Forward"/>, the first layer's batched product straight from the sample-major inputs: hand-computed
/// values, double precision for every block shape (1 to 3 rows, 1 to 8 samples, whole and partial depth vectors), row
/// ranges, a sample's result independent of its place in the batch, and wrong sizes. On machines without 512-bit
/// vectors (<c>DOTNET_EnableAVX512=0</c>) the kernel refuses to run and the generated code transposes instead.
/// </summary>
public sealed class InputProductTests
{
    [Fact]
    public void TwoRowsOfSixteenInputsGiveTheHandComputedProducts()
    {
        if (!InputProduct.IsAccelerated)
        {
            Assert.Throws<PlatformNotSupportedException>(() => InputProduct.Forward(new float[32], new float[2], new float[16], new float[2], 1, 0, 2));
            return;
        }

        // W row 0 = 1, 2, …, 16; row 1 = all ones. Samples: all ones; 5 at input 0; 1 at the odd inputs.
        float[] weights = [.. Enumerable.Range(1, 16).Select(i => (float)i), .. Enumerable.Repeat(1f, 16)];
        float[] bias = [0.5f, -1f];
        float[] inputs = [.. Enumerable.Repeat(1f, 16), 5f, .. new float[15], .. Enumerable.Range(0, 16).Select(i => (float)(i % 2))];
        var z = new float[2 * 3];

        InputProduct.Forward(weights, bias, inputs, z, samples: 3, firstRow: 0, endRow: 2);

        // Row 0: 1 + … + 16 = 136, 5 · 1 = 5, 2 + 4 + … + 16 = 72; row 1: 16, 5, 8; each plus its bias. Feature-major.
        Assert.Equal([136.5f, 5.5f, 72.5f, 15f, 4f, 7f], z);
    }

    public static TheoryData<int> Depths => [16, 17, 31, 32, 33, 47, 64, 100, 784];

    [Theory]
    [MemberData(nameof(Depths))]
    public void EveryBlockShapeMatchesDoublePrecision(int depth)
    {
        if (!InputProduct.IsAccelerated)
        {
            return;
        }

        foreach (int rows in new[] { 1, 2, 3, 4, 5, 7 })
        {
            foreach (int samples in new[] { 1, 2, 5, 8, 9, 16, 17 })
            {
                var weights = Numbers.Uniform(rows * depth, seed: rows + depth);
                var bias = Numbers.Uniform(rows, seed: rows);
                var inputs = Numbers.Uniform(samples * depth, seed: samples + depth);
                var z = new float[rows * samples];
                InputProduct.Forward(weights, bias, inputs, z, samples, 0, rows);
                for (int r = 0; r < rows; r++)
                {
                    for (int s = 0; s < samples; s++)
                    {
                        double expected = bias[r];
                        double magnitude = Math.Abs(bias[r]);
                        for (int k = 0; k < depth; k++)
                        {
                            expected += (double)weights[(r * depth) + k] * inputs[(s * depth) + k];
                            magnitude += Math.Abs((double)weights[(r * depth) + k] * inputs[(s * depth) + k]);
                        }

                        // Summation error bound γ_(n+1) Σ|terms| with unit roundoff u = 2^-24.
                        Assert.True(
                            Math.Abs(z[(r * samples) + s] - expected) <= (depth + 2) * Math.Pow(2, -24) * magnitude,
                            $"{rows} rows × {samples} samples × {depth}: z[{r}, {s}] = {z[(r * samples) + s]:R}, double precision {expected:R}.");
                    }
                }
            }
        }
    }

    [Fact]
    public void ARowRangeWritesOnlyItsRows()
    {
        if (!InputProduct.IsAccelerated)
        {
            return;
        }

        const int Rows = 13, Depth = 40, Samples = 11;
        var weights = Numbers.Uniform(Rows * Depth, seed: 1);
        var bias = Numbers.Uniform(Rows, seed: 2);
        var inputs = Numbers.Uniform(Samples * Depth, seed: 3);
        var whole = new float[Rows * Samples];
        InputProduct.Forward(weights, bias, inputs, whole, Samples, 0, Rows);

        var parts = Enumerable.Repeat(float.NaN, Rows * Samples).ToArray();
        InputProduct.Forward(weights, bias, inputs, parts, Samples, 4, 9);
        for (int i = 0; i < parts.Length; i++)
        {
            int row = i / Samples;
            if (row is >= 4 and < 9)
            {
                Assert.Equal(whole[i], parts[i]);
            }
            else
            {
                Assert.True(float.IsNaN(parts[i]), $"Row {row}, outside the range [4, 9), was written.");
            }
        }
    }

    [Fact]
    public void ASamplesResultDoesNotDependOnItsPlaceInTheBatch()
    {
        if (!InputProduct.IsAccelerated)
        {
            return;
        }

        const int Rows = 5, Depth = 37, Samples = 19;
        var weights = Numbers.Uniform(Rows * Depth, seed: 4);
        var bias = Numbers.Uniform(Rows, seed: 5);
        var inputs = Numbers.Uniform(Samples * Depth, seed: 6);
        var batch = new float[Rows * Samples];
        InputProduct.Forward(weights, bias, inputs, batch, Samples, 0, Rows);
        for (int s = 0; s < Samples; s++)
        {
            var alone = new float[Rows];
            InputProduct.Forward(weights, bias, inputs.AsSpan(s * Depth, Depth), alone, 1, 0, Rows);
            for (int r = 0; r < Rows; r++)
            {
                Assert.True(
                    BitConverter.SingleToInt32Bits(alone[r]) == BitConverter.SingleToInt32Bits(batch[(r * Samples) + s]),
                    $"Sample {s}, row {r}: {batch[(r * Samples) + s]:R} in the batch, {alone[r]:R} alone.");
            }
        }
    }

    [Fact]
    public void WrongSizesNameTheSpan()
    {
        // Valid: 2 rows of W over 16 inputs, 1 sample. The inputs set the depth.
        Assert.Equal("weights", Assert.Throws<ArgumentException>(() => InputProduct.Forward(new float[33], new float[2], new float[16], new float[2], 1, 0, 2)).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => InputProduct.Forward(new float[32], new float[1], new float[16], new float[2], 1, 0, 1)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => InputProduct.Forward(new float[30], new float[2], new float[15], new float[2], 1, 0, 2)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => InputProduct.Forward(new float[32], new float[2], new float[33], new float[4], 2, 0, 2)).ParamName);
        Assert.Equal("z", Assert.Throws<ArgumentException>(() => InputProduct.Forward(new float[32], new float[2], new float[32], new float[2], 2, 0, 2)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => InputProduct.Forward(new float[32], new float[2], new float[16], new float[2], 1, 0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => InputProduct.Forward(new float[32], new float[2], new float[16], new float[2], 1, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => InputProduct.Forward(new float[32], new float[2], new float[16], new float[2], 0, 0, 2));
    }
}
