namespace NetCompiler.Data.Parquet;

/// <summary>
/// Which columns of a Parquet file are features and which the target: by default every numeric column but the last
/// is a feature and the last column is a class label. Columns are named exactly (ordinal, case-sensitive).
/// </summary>
public sealed class ParquetColumns
{
    /// <summary>The defaults.</summary>
    public static ParquetColumns Default { get; } = new();

    /// <summary>
    /// For classification, the label column: text (class names) or integers (each value's text is its class name).
    /// Default: the last column, unless <see cref="TargetColumns"/> is set.
    /// </summary>
    public string? LabelColumn { get; init; }

    /// <summary>For regression: the numeric target columns, in target order. Not with <see cref="LabelColumn"/>.</summary>
    public IReadOnlyList<string>? TargetColumns { get; init; }

    /// <summary>The numeric feature columns, in feature order. Default: every column that is not a label or target, in schema order.</summary>
    public IReadOnlyList<string>? FeatureColumns { get; init; }

    /// <summary>
    /// For classification: a fixed list of classes, which fixes the one-hot order; a label outside it is an error.
    /// Default: the labels found in the file, sorted ordinally (as <see cref="CsvDataset"/> sorts them).
    /// </summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Whether the target is a class label (no <see cref="TargetColumns"/>).</summary>
    internal bool IsClassification => TargetColumns is null;
}
