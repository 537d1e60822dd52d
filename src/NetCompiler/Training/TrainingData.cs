namespace NetCompiler.Training;

/// <summary>
/// The simplest <see cref="ITrainingData"/>: two row-major arrays, checked once when created.
/// </summary>
/// <example>
/// <code>
/// // XOR: four samples of two inputs and one target.
/// var xor = new TrainingData(
///     features: [0, 0, 0, 1, 1, 0, 1, 1],
///     targets: [0, 1, 1, 0],
///     featureCount: 2,
///     targetCount: 1);
/// </code>
/// </example>
public sealed class TrainingData : ITrainingData
{
    private readonly float[] _features;
    private readonly float[] _targets;

    /// <summary>Wraps <paramref name="features"/> and <paramref name="targets"/> without copying them.</summary>
    /// <param name="features">The inputs, <c>[count, featureCount]</c> row-major.</param>
    /// <param name="targets">The targets, <c>[count, targetCount]</c> row-major, with the same number of rows.</param>
    /// <param name="featureCount">The number of inputs of one sample.</param>
    /// <param name="targetCount">The number of targets of one sample.</param>
    /// <exception cref="ArgumentException">The arrays are not whole rows, or do not have the same number of rows.</exception>
    public TrainingData(float[] features, float[] targets, int featureCount, int targetCount)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetCount);
        int count = Kernels.Guard.SampleCount(features.Length, targets.Length, featureCount, targetCount, network: null, nameof(features), nameof(targets), nameof(featureCount), nameof(targetCount));
        _features = features;
        _targets = targets;
        Count = count;
        FeatureCount = featureCount;
        TargetCount = targetCount;
    }

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public int FeatureCount { get; }

    /// <inheritdoc />
    public int TargetCount { get; }

    /// <inheritdoc />
    public ReadOnlySpan<float> Features => _features;

    /// <inheritdoc />
    public ReadOnlySpan<float> Targets => _targets;

    /// <summary>A new dataset holding copies of the rows <paramref name="rows"/> of <paramref name="source"/>, in that order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A row index is outside <c>[0, source.Count)</c>.</exception>
    public static TrainingData FromRows(ITrainingData source, ReadOnlySpan<int> rows)
    {
        ArgumentNullException.ThrowIfNull(source);
        int featureCount = source.FeatureCount;
        int targetCount = source.TargetCount;
        var features = new float[rows.Length * featureCount];
        var targets = new float[rows.Length * targetCount];
        CopyRows(source.Features, source.Targets, featureCount, targetCount, source.Count, rows, features, targets);
        return new TrainingData(features, targets, featureCount, targetCount);
    }

    /// <summary>
    /// Copies the rows <paramref name="rows"/> of a row-major dataset into the first
    /// <c>rows.Length</c> rows of <paramref name="featureDestination"/> and <paramref name="targetDestination"/>.
    /// Allocation-free; the trainer uses it to gather each shuffled mini-batch.
    /// </summary>
    internal static void CopyRows(
        ReadOnlySpan<float> features,
        ReadOnlySpan<float> targets,
        int featureCount,
        int targetCount,
        int count,
        ReadOnlySpan<int> rows,
        Span<float> featureDestination,
        Span<float> targetDestination)
    {
        for (int k = 0; k < rows.Length; k++)
        {
            int row = rows[k];
            if ((uint)row >= (uint)count)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), row, $"Row {row} is outside the dataset of {count} rows.");
            }

            features.Slice(row * featureCount, featureCount).CopyTo(featureDestination.Slice(k * featureCount, featureCount));
            targets.Slice(row * targetCount, targetCount).CopyTo(targetDestination.Slice(k * targetCount, targetCount));
        }
    }
}
