using NetCompiler.Initialization;
using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

/// <summary>Small datasets shared by the training tests.</summary>
internal static class TrainingTestData
{
    /// <summary>The four XOR samples.</summary>
    public static TrainingData Xor() => new([0, 0, 0, 1, 1, 0, 1, 1], [0, 1, 1, 0], featureCount: 2, targetCount: 1);

    /// <summary>One-input samples <c>(x, slope · x)</c>.</summary>
    public static TrainingData Line(float[] xs, float slope) => new(xs, xs.Select(x => slope * x).ToArray(), 1, 1);

    /// <summary>
    /// <paramref name="count"/> 2-D points in three well-separated Gaussian-ish blobs around (−2, 0),
    /// (2, 0) and (0, 2.5), radius ≤ 0.9, with one-hot targets; class of sample i is i mod 3.
    /// </summary>
    public static TrainingData Blobs(int count, int seed)
    {
        float[] centerX = [-2f, 2f, 0f];
        float[] centerY = [0f, 0f, 2.5f];
        var random = new DeterministicRandom(seed);
        var features = new float[count * 2];
        var targets = new float[count * 3];
        for (int i = 0; i < count; i++)
        {
            int label = i % 3;
            features[2 * i] = centerX[label] + (1.8f * random.NextSingle()) - 0.9f;
            features[(2 * i) + 1] = centerY[label] + (1.8f * random.NextSingle()) - 0.9f;
            targets[(3 * i) + label] = 1f;
        }

        return new TrainingData(features, targets, 2, 3);
    }

    /// <summary><paramref name="count"/> samples of 3 uniform inputs in [−1, 1) and 2 targets: a smooth function of them.</summary>
    public static TrainingData Regression(int count, int seed)
    {
        var random = new DeterministicRandom(seed);
        var features = new float[count * 3];
        var targets = new float[count * 2];
        for (int i = 0; i < count; i++)
        {
            float a = (2f * random.NextSingle()) - 1f;
            float b = (2f * random.NextSingle()) - 1f;
            float c = (2f * random.NextSingle()) - 1f;
            features[3 * i] = a;
            features[(3 * i) + 1] = b;
            features[(3 * i) + 2] = c;
            targets[2 * i] = (0.5f * a) - (0.25f * b * c);
            targets[(2 * i) + 1] = MathF.Sin(a + b) * 0.5f;
        }

        return new TrainingData(features, targets, 3, 2);
    }

    /// <summary>Asserts that each element is within <paramref name="tolerance"/> of the expected value.</summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                MathF.Abs(expected[i] - actual[i]) <= tolerance,
                $"element {i}: expected {expected[i]:R}, actual {actual[i]:R} (tolerance {tolerance:R})");
        }
    }
}

/// <summary>Records every progress event and, optionally, a copy of the parameters at each event.</summary>
internal sealed class ProgressRecorder(Func<float[]>? snapshot = null) : IProgress<TrainingProgress>
{
    public List<TrainingProgress> Events { get; } = [];

    /// <summary>The parameters at each event (when a snapshot function was given, e.g. <c>() =&gt; net.Parameters.ToArray()</c>).</summary>
    public List<float[]> Snapshots { get; } = [];

    /// <summary>Runs after each event is recorded.</summary>
    public Action<TrainingProgress>? OnReport { get; init; }

    public IEnumerable<TrainingProgress> Batches => Events.Where(e => e.Kind == TrainingProgressKind.Batch);

    public IEnumerable<TrainingProgress> Epochs => Events.Where(e => e.Kind == TrainingProgressKind.Epoch);

    public void Report(TrainingProgress value)
    {
        Events.Add(value);
        if (snapshot is not null)
        {
            Snapshots.Add(snapshot());
        }

        OnReport?.Invoke(value);
    }
}
