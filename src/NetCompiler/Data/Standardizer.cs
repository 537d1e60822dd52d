using System.Globalization;

namespace NetCompiler.Data;

/// <summary>
/// Per-feature standardisation <c>x' = (x − mean) / std</c>. Fit it on the training data only, then apply
/// the same statistics to the validation and test data and to every input at inference time; keep
/// <see cref="Mean"/> and <see cref="StdDev"/> with the trained parameters and rebuild the standardiser
/// from them with <see cref="Standardizer(ReadOnlySpan{float}, ReadOnlySpan{float})"/>.
/// </summary>
/// <remarks>
/// The standard deviation is the population one (divided by N, as scikit-learn's <c>StandardScaler</c>),
/// computed in double precision. A feature whose standard deviation is 0 (constant in the fitted data)
/// is only centred (<c>x − mean</c>), not divided, so it stays finite; <see cref="StdDev"/> still reports 0.
/// </remarks>
public sealed class Standardizer
{
    private readonly float[] _mean;
    private readonly float[] _stdDev;
    private readonly float[] _divisor;

    /// <summary>Rebuilds a standardiser from saved statistics (one mean and one standard deviation per feature).</summary>
    /// <exception cref="ArgumentException">The lengths differ or are 0, a value is not finite, or a standard deviation is negative.</exception>
    public Standardizer(ReadOnlySpan<float> mean, ReadOnlySpan<float> stdDev)
    {
        if (mean.IsEmpty || mean.Length != stdDev.Length)
        {
            throw new ArgumentException($"Need one mean and one standard deviation per feature; got {mean.Length} means and {stdDev.Length} standard deviations.", nameof(stdDev));
        }

        for (int i = 0; i < mean.Length; i++)
        {
            if (!float.IsFinite(mean[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"mean[{i}] is {mean[i]}; the statistics must be finite."), nameof(mean));
            }

            if (!float.IsFinite(stdDev[i]) || stdDev[i] < 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"stdDev[{i}] is {stdDev[i]}; a standard deviation is finite and not negative."), nameof(stdDev));
            }
        }

        _mean = mean.ToArray();
        _stdDev = stdDev.ToArray();
        _divisor = new float[_mean.Length];
        for (int i = 0; i < _divisor.Length; i++)
        {
            _divisor[i] = _stdDev[i] > 0 ? _stdDev[i] : 1f;
        }
    }

    /// <summary>The number of features it standardises.</summary>
    public int FeatureCount => _mean.Length;

    /// <summary>The mean of each feature.</summary>
    public IReadOnlyList<float> Mean => _mean.AsReadOnly();

    /// <summary>The (population) standard deviation of each feature; 0 for a constant feature.</summary>
    public IReadOnlyList<float> StdDev => _stdDev.AsReadOnly();

    /// <summary>What each feature is divided by: its standard deviation, or 1 for a constant feature (the ONNX export's <c>Div</c>).</summary>
    internal ReadOnlySpan<float> Divisors => _divisor;

    /// <summary>Computes the statistics of <paramref name="data"/>'s features (typically the training split).</summary>
    public static Standardizer Fit(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(data.Features, data.FeatureCount);
    }

    /// <summary>Computes the statistics of row-major features <c>[count, featureCount]</c>.</summary>
    /// <exception cref="ArgumentException">There are no rows, the length is not a whole number of rows, or a value is not finite.</exception>
    public static Standardizer Fit(ReadOnlySpan<float> features, int featureCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        if (features.IsEmpty || features.Length % featureCount != 0)
        {
            throw new ArgumentException(
                $"features has {features.Length} floats; need at least one whole row of {featureCount} features.", nameof(features));
        }

        int count = features.Length / featureCount;
        var sum = new double[featureCount];
        for (int row = 0; row < count; row++)
        {
            ReadOnlySpan<float> x = features.Slice(row * featureCount, featureCount);
            for (int j = 0; j < featureCount; j++)
            {
                if (!float.IsFinite(x[j]))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Feature {j} of row {row} is {x[j]}; standardisation needs finite values."), nameof(features));
                }

                sum[j] += x[j];
            }
        }

        var mean = new double[featureCount];
        for (int j = 0; j < featureCount; j++)
        {
            mean[j] = sum[j] / count;
        }

        // Two passes (mean, then squared deviations) to avoid the cancellation of E[x²] − E[x]².
        var squares = new double[featureCount];
        for (int row = 0; row < count; row++)
        {
            ReadOnlySpan<float> x = features.Slice(row * featureCount, featureCount);
            for (int j = 0; j < featureCount; j++)
            {
                double d = x[j] - mean[j];
                squares[j] += d * d;
            }
        }

        var meanFloat = new float[featureCount];
        var stdDev = new float[featureCount];
        for (int j = 0; j < featureCount; j++)
        {
            meanFloat[j] = (float)mean[j];
            stdDev[j] = (float)Math.Sqrt(squares[j] / count);
        }

        return new Standardizer(meanFloat, stdDev);
    }

    /// <summary>A copy of <paramref name="data"/> with standardised features (targets and names copied as they are).</summary>
    public Dataset Transform(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckFeatureCount(data.FeatureCount, nameof(data));
        var features = new float[data.Features.Length];
        Transform(data.Features, features);
        return new Dataset(features, data.FeatureCount, (float[])data.Targets.Clone(), data.TargetCount, data.ClassNames, data.FeatureNames);
    }

    /// <summary>
    /// Standardises one or more rows of features into <paramref name="destination"/> (same length; it may be
    /// the same memory as <paramref name="features"/>). Allocates nothing: use it on inference inputs.
    /// </summary>
    public void Transform(ReadOnlySpan<float> features, Span<float> destination)
    {
        if (features.IsEmpty || features.Length % FeatureCount != 0)
        {
            throw new ArgumentException($"features has {features.Length} floats, which is not a whole, non-zero number of rows of {FeatureCount} features.", nameof(features));
        }

        if (destination.Length != features.Length)
        {
            throw new ArgumentException($"destination has {destination.Length} floats but features has {features.Length}.", nameof(destination));
        }

        for (int start = 0; start < features.Length; start += FeatureCount)
        {
            for (int j = 0; j < FeatureCount; j++)
            {
                destination[start + j] = (features[start + j] - _mean[j]) / _divisor[j];
            }
        }
    }

    /// <summary>Standardises one or more rows of features in place.</summary>
    public void TransformInPlace(Span<float> features) => Transform(features, features);

    private void CheckFeatureCount(int featureCount, string parameterName)
    {
        if (featureCount != FeatureCount)
        {
            throw new ArgumentException($"The data has {featureCount} features but the standardiser was fitted on {FeatureCount}.", parameterName);
        }
    }
}
