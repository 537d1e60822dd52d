namespace Samples.Iris;

/// <summary>
/// Rescales each measurement to mean 0 and standard deviation 1: <c>x' = (x - mean) / stddev</c>.
/// The mean and standard deviation come from the training set only and are reused unchanged for the
/// test set (and for any new flower), so nothing about the test set leaks into training.
/// </summary>
public sealed class Standardizer
{
    private readonly float[] _mean;
    private readonly float[] _stddev;

    private Standardizer(float[] mean, float[] stddev)
    {
        _mean = mean;
        _stddev = stddev;
    }

    /// <summary>Computes each feature's mean and (population) standard deviation over <paramref name="samples"/>.</summary>
    public static Standardizer Fit(IReadOnlyList<IrisSample> samples)
    {
        var mean = new float[IrisData.FeatureCount];
        var stddev = new float[IrisData.FeatureCount];
        for (int f = 0; f < IrisData.FeatureCount; f++)
        {
            double sum = 0;
            foreach (var sample in samples)
            {
                sum += sample.Measurements[f];
            }

            double m = sum / samples.Count;
            double squares = 0;
            foreach (var sample in samples)
            {
                double d = sample.Measurements[f] - m;
                squares += d * d;
            }

            mean[f] = (float)m;
            stddev[f] = (float)Math.Max(Math.Sqrt(squares / samples.Count), 1e-6);
        }

        return new Standardizer(mean, stddev);
    }

    /// <summary>Writes the standardised <paramref name="measurements"/> to <paramref name="features"/>.</summary>
    public void Transform(ReadOnlySpan<float> measurements, Span<float> features)
    {
        for (int f = 0; f < IrisData.FeatureCount; f++)
        {
            features[f] = (measurements[f] - _mean[f]) / _stddev[f];
        }
    }
}
