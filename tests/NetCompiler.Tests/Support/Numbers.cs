using NetCompiler.Initialization;

namespace NetCompiler.Tests.Support;

/// <summary>Assertions on float buffers and deterministic test data shared by the test classes.</summary>
internal static class Numbers
{
    /// <summary>Asserts <c>|expected[i] - actual[i]| ≤ tolerance</c> for every i, naming the first index that differs.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance, string what = "value")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)expected[i] - actual[i]);
            Assert.True(
                difference <= tolerance,
                $"{what}[{i}]: expected {expected[i]:R} but got {actual[i]:R} (difference {difference:G3} > {tolerance:G3}).");
        }
    }

    /// <summary>Asserts that both buffers hold exactly the same bits (so NaN == NaN and 0 != -0).</summary>
    public static void AssertBitIdentical(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what = "value")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}[{i}]: expected {expected[i]:R} but got {actual[i]:R}.");
        }
    }

    /// <summary>Asserts that every value is finite, naming the first one that is not.</summary>
    public static void AssertAllFinite(ReadOnlySpan<float> values, string what = "value")
    {
        for (int i = 0; i < values.Length; i++)
        {
            Assert.True(float.IsFinite(values[i]), $"{what}[{i}] is {values[i]}.");
        }
    }

    /// <summary><paramref name="count"/> floats uniform in <c>[-scale, scale)</c>, the same for the same seed.</summary>
    public static float[] Uniform(int count, int seed, float scale = 1f)
    {
        var random = new DeterministicRandom(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = ((2f * random.NextSingle()) - 1f) * scale;
        }

        return values;
    }

    /// <summary><paramref name="count"/> one-hot rows of <paramref name="classes"/> floats, row-major, classes drawn from <paramref name="seed"/>.</summary>
    public static float[] OneHot(int count, int classes, int seed)
    {
        var random = new DeterministicRandom(seed);
        var values = new float[count * classes];
        for (int i = 0; i < count; i++)
        {
            values[(i * classes) + random.NextInt32(classes)] = 1f;
        }

        return values;
    }
}
