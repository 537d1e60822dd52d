using System.Globalization;
using NetCompiler.Initialization;

namespace NetCompiler.Data;

/// <summary>
/// Samples held in memory: features <c>[Count, FeatureCount]</c> and targets <c>[Count, TargetCount]</c>,
/// both row-major in one flat array each, which is the layout the generated kernels take
/// (<c>TNet.TrainStep(parameters, gradient, inputs, targets, η)</c>).
/// </summary>
/// <remarks>
/// The dataset keeps the arrays it is given (it does not copy them). <see cref="Slice"/>,
/// <see cref="Shuffle"/> and <see cref="Split"/> return new datasets with their own arrays.
/// For classification the targets are one-hot rows and <see cref="ClassNames"/> names the columns.
/// </remarks>
public sealed class Dataset : NetCompiler.Training.ITrainingData
{
    /// <summary>Wraps the arrays; the sample count is <c>features.Length / featureCount</c>.</summary>
    /// <param name="features">Row-major <c>[Count, featureCount]</c>.</param>
    /// <param name="featureCount">The number of features of one sample (a network's <c>InputSize</c>).</param>
    /// <param name="targets">Row-major <c>[Count, targetCount]</c>.</param>
    /// <param name="targetCount">The number of targets of one sample (a network's <c>OutputSize</c>).</param>
    /// <param name="classNames">For classification: the name of each target column (each class), or null.</param>
    /// <param name="featureNames">The name of each feature column (for instance a CSV header), or null.</param>
    public Dataset(float[] features, int featureCount, float[] targets, int targetCount, string[]? classNames = null, string[]? featureNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetCount);
        int count = Kernels.Guard.SampleCount(features.Length, targets.Length, featureCount, targetCount, network: null, nameof(features), nameof(targets), nameof(featureCount), nameof(targetCount));
        if (classNames is not null && classNames.Length != targetCount)
        {
            throw new ArgumentException($"classNames has {classNames.Length} names but there are {targetCount} target columns.", nameof(classNames));
        }

        if (featureNames is not null && featureNames.Length != featureCount)
        {
            throw new ArgumentException($"featureNames has {featureNames.Length} names but there are {featureCount} features.", nameof(featureNames));
        }

        Features = features;
        Targets = targets;
        Count = count;
        FeatureCount = featureCount;
        TargetCount = targetCount;
        ClassNames = classNames;
        FeatureNames = featureNames;
    }

    /// <summary>All features, row-major <c>[Count, FeatureCount]</c>.</summary>
    public float[] Features { get; }

    /// <summary>All targets, row-major <c>[Count, TargetCount]</c> (one-hot rows for classification).</summary>
    public float[] Targets { get; }

    /// <summary>The number of samples.</summary>
    public int Count { get; }

    /// <summary>The number of features of one sample.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of targets of one sample (the number of classes for classification).</summary>
    public int TargetCount { get; }

    /// <summary>For classification, the class of each target column; otherwise null.</summary>
    public string[]? ClassNames { get; }

    /// <summary>The name of each feature (for instance from a CSV header), or null when unknown.</summary>
    public string[]? FeatureNames { get; }

    // A Dataset is what the trainer reads: no copy.
    ReadOnlySpan<float> NetCompiler.Training.ITrainingData.Features => Features;

    ReadOnlySpan<float> NetCompiler.Training.ITrainingData.Targets => Targets;

    /// <summary>The features of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> GetFeatures(int index)
    {
        CheckIndex(index);
        return Features.AsSpan(index * FeatureCount, FeatureCount);
    }

    /// <summary>The targets of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> GetTargets(int index)
    {
        CheckIndex(index);
        return Targets.AsSpan(index * TargetCount, TargetCount);
    }

    /// <summary>A copy of <paramref name="count"/> consecutive samples starting at <paramref name="start"/>.</summary>
    public Dataset Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if ((long)start + count > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Samples {start} to {(long)start + count - 1} are not all inside a dataset of {Count} samples.");
        }

        return new Dataset(
            Features.AsSpan(start * FeatureCount, count * FeatureCount).ToArray(),
            FeatureCount,
            Targets.AsSpan(start * TargetCount, count * TargetCount).ToArray(),
            TargetCount,
            ClassNames,
            FeatureNames);
    }

    /// <summary>
    /// A copy with the samples in a random order determined by <paramref name="seed"/> alone (a
    /// Fisher–Yates shuffle driven by <see cref="DeterministicRandom"/>, so the order is the same on
    /// every machine and .NET version).
    /// </summary>
    public Dataset Shuffle(int seed) => Gather(Permutation(Count, seed));

    /// <summary>
    /// Shuffles the samples with <paramref name="seed"/> (as <see cref="Shuffle"/>) and splits them: the
    /// first part gets <c>round(fraction × Count)</c> samples (halves rounded away from zero), the
    /// second the rest. Typical use: <c>var (train, test) = data.Split(0.8, seed: 1);</c>
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is not strictly between 0 and 1.</exception>
    /// <exception cref="ArgumentException">One of the parts would be empty.</exception>
    public (Dataset First, Dataset Second) Split(double fraction, int seed)
    {
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The fraction of samples in the first part must be strictly between 0 and 1.");
        }

        int firstCount = (int)Math.Round(fraction * Count, MidpointRounding.AwayFromZero);
        if (firstCount == 0 || firstCount == Count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Splitting {Count} samples at fraction {fraction} leaves one part empty ({firstCount} and {Count - firstCount} samples)."),
                nameof(fraction));
        }

        int[] order = Permutation(Count, seed);
        return (Gather(order.AsSpan(0, firstCount)), Gather(order.AsSpan(firstCount)));
    }

    private static int[] Permutation(int count, int seed)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        var random = new DeterministicRandom(seed);
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.NextInt32(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return order;
    }

    private Dataset Gather(ReadOnlySpan<int> rows)
    {
        var features = new float[rows.Length * FeatureCount];
        var targets = new float[rows.Length * TargetCount];
        for (int i = 0; i < rows.Length; i++)
        {
            Features.AsSpan(rows[i] * FeatureCount, FeatureCount).CopyTo(features.AsSpan(i * FeatureCount));
            Targets.AsSpan(rows[i] * TargetCount, TargetCount).CopyTo(targets.AsSpan(i * TargetCount));
        }

        return new Dataset(features, FeatureCount, targets, TargetCount, ClassNames, FeatureNames);
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The dataset has {Count} samples (indexes 0 to {Count - 1}).");
        }
    }
}
