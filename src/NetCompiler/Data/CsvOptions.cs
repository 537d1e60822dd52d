namespace NetCompiler.Data;

/// <summary>
/// How <see cref="CsvDataset"/> reads a file. The defaults read a comma-separated file with a header
/// whose last column is a class label and whose other columns are numeric features.
/// </summary>
public sealed class CsvOptions
{
    /// <summary>The defaults.</summary>
    public static CsvOptions Default { get; } = new();

    /// <summary>Whether the first line names the columns. Default true.</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>The field separator. Default <c>','</c>. Must not be a quote or a line break.</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>Whether the target is a class label (default) or numeric columns.</summary>
    public CsvTask Task { get; init; } = CsvTask.Classification;

    /// <summary>
    /// The label column for classification, or the single target column for regression. Default: the
    /// last column (unless <see cref="TargetColumns"/> is set).
    /// </summary>
    public CsvColumn? LabelColumn { get; init; }

    /// <summary>For regression with several targets: the numeric target columns, in target order. Not with <see cref="LabelColumn"/>.</summary>
    public IReadOnlyList<CsvColumn>? TargetColumns { get; init; }

    /// <summary>The feature columns, in feature order. Default: every column that is not a label or target, left to right.</summary>
    public IReadOnlyList<CsvColumn>? FeatureColumns { get; init; }

    /// <summary>
    /// For classification: a fixed list of classes, which fixes the one-hot order; a label that is not in
    /// it is an error. Pass the training set's <see cref="Dataset.ClassNames"/> when loading a test file, so
    /// both encode the classes alike. Default null: the classes found in the file, in ordinal (culture-free)
    /// sorted order, so the encoding does not depend on the order of the rows.
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }
}
