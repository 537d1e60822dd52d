namespace NetCompiler.Training;

/// <summary>
/// The samples a <see cref="Trainer{TNet}"/> and <see cref="Evaluation"/> read: <see cref="Count"/>
/// samples, each a row of <see cref="FeatureCount"/> input floats and a row of
/// <see cref="TargetCount"/> target floats, both stored row-major in one contiguous buffer.
/// </summary>
/// <remarks>
/// This is the whole contract between data loading and training: any in-memory dataset can
/// implement it without copying. <see cref="TrainingData"/> is the simplest implementation (two
/// arrays). The trainer checks that <see cref="FeatureCount"/> equals the network's input size and
/// <see cref="TargetCount"/> its output size, and that both spans have exactly
/// <c>Count × FeatureCount</c> and <c>Count × TargetCount</c> floats. The spans must not change
/// while a trainer or an evaluation reads them.
/// </remarks>
public interface ITrainingData
{
    /// <summary>The number of samples (rows).</summary>
    int Count { get; }

    /// <summary>The number of input floats of one sample (columns of <see cref="Features"/>).</summary>
    int FeatureCount { get; }

    /// <summary>The number of target floats of one sample (columns of <see cref="Targets"/>).</summary>
    int TargetCount { get; }

    /// <summary>The inputs, <c>[Count, FeatureCount]</c> row-major: sample <c>i</c> is <c>Features[(i × FeatureCount)..((i + 1) × FeatureCount)]</c>.</summary>
    ReadOnlySpan<float> Features { get; }

    /// <summary>The targets, <c>[Count, TargetCount]</c> row-major (one-hot rows for a softmax classifier).</summary>
    ReadOnlySpan<float> Targets { get; }
}
