using NetCompiler.Data;
using NetCompiler.Tests.Support;

namespace NetCompiler.Tests.Data;

public class StandardizerTests
{
    // Feature 0: 1, 3, 5 → mean 3, population variance ((−2)² + 0² + 2²) / 3 = 8/3, std √(8/3); (1 − 3)/√(8/3) = −√(3/2).
    // Feature 1: constant 10 → mean 10, std 0.
    private static readonly Dataset Train = new([1, 10, 3, 10, 5, 10], 2, [0, 1, 2], 1);

    private static readonly float SqrtThreeHalves = MathF.Sqrt(1.5f);

    [Fact]
    public void FitComputesTheMeanAndThePopulationStandardDeviation()
    {
        Standardizer standardizer = Standardizer.Fit(Train);

        Assert.Equal(2, standardizer.FeatureCount);
        Assert.Equal([3f, 10f], standardizer.Mean);
        Assert.Equal(MathF.Sqrt(8f / 3f), standardizer.StdDev[0], 6);
        Assert.Equal(0f, standardizer.StdDev[1]);
    }

    [Fact]
    public void TransformStandardisesAndOnlyCentresAConstantFeature()
    {
        Dataset scaled = Standardizer.Fit(Train).Transform(Train);

        float[] expected = [-SqrtThreeHalves, 0, 0, 0, SqrtThreeHalves, 0];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], scaled.Features[i], 6);
        }

        Assert.Equal([0f, 1f, 2f], scaled.Targets);
        Assert.NotSame(Train.Targets, scaled.Targets);
        Assert.Equal([1f, 10f, 3f, 10f, 5f, 10f], Train.Features);
    }

    [Fact]
    public void StatisticsOfTheTrainingDataApplyToOtherData()
    {
        var test = new Dataset([7, 12], 2, [0], 1);

        Dataset scaled = Standardizer.Fit(Train).Transform(test);

        // (7 − 3)/√(8/3) = 4·√(3/8) = √6; the constant feature is only centred: 12 − 10 = 2.
        Assert.Equal(MathF.Sqrt(6f), scaled.Features[0], 6);
        Assert.Equal(2f, scaled.Features[1]);
    }

    [Fact]
    public void SavedStatisticsRebuildAStandardiserThatTransformsInferenceInputsWithoutAllocating()
    {
        Standardizer fitted = Standardizer.Fit(Train);
        float[] savedMean = [.. fitted.Mean];
        float[] savedStd = [.. fitted.StdDev];
        var restored = new Standardizer(savedMean, savedStd);
        float[] input = [5, 10];
        float[] output = new float[2];
        restored.Transform(input, output);

        long allocated = Allocations.LeastPerRound(() =>
        {
            restored.Transform(input, output);
            restored.TransformInPlace(input);
        });

        Assert.Equal(0, allocated);
        Assert.Equal(SqrtThreeHalves, output[0], 6);
        Assert.Equal(0f, output[1]);
        Assert.Equal(output.ToArray(), input.ToArray());
    }

    [Fact]
    public void FitKeepsPrecisionForLargeValuesWithASmallSpread()
    {
        // 1e6 + {0, 1, 2}: std √(2/3) exactly; E[x²] − E[x]² in float would give garbage here.
        Standardizer standardizer = Standardizer.Fit([1_000_000f, 1_000_001f, 1_000_002f], 1);

        Assert.Equal(1_000_001f, standardizer.Mean[0]);
        Assert.Equal(MathF.Sqrt(2f / 3f), standardizer.StdDev[0], 6);
    }

    [Fact]
    public void InvalidStatisticsAndDataAreRejected()
    {
        Assert.StartsWith(
            "Need one mean and one standard deviation per feature; got 2 means and 1 standard deviations.",
            Assert.Throws<ArgumentException>(() => new Standardizer([1f, 2f], [1f])).Message);
        Assert.StartsWith(
            "stdDev[1] is -1; a standard deviation is finite and not negative.",
            Assert.Throws<ArgumentException>(() => new Standardizer([1f, 2f], [1f, -1f])).Message);
        Assert.StartsWith(
            "mean[0] is NaN; the statistics must be finite.",
            Assert.Throws<ArgumentException>(() => new Standardizer([float.NaN], [1f])).Message);
        Assert.StartsWith(
            "Feature 1 of row 1 is Infinity; standardisation needs finite values.",
            Assert.Throws<ArgumentException>(() => Standardizer.Fit([1f, 2f, 3f, float.PositiveInfinity], 2)).Message);
        Assert.StartsWith(
            "The data has 1 features but the standardiser was fitted on 2.",
            Assert.Throws<ArgumentException>(() => Standardizer.Fit(Train).Transform(new Dataset([1f], 1, [1f], 1))).Message);
        Assert.StartsWith(
            "features has 3 floats, which is not a whole, non-zero number of rows of 2 features.",
            Assert.Throws<ArgumentException>(() => Standardizer.Fit(Train).Transform([1f, 2f, 3f], new float[3])).Message);
    }
}
