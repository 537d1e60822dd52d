namespace NetCompiler.Data;

/// <summary>What the target columns of a CSV file hold.</summary>
public enum CsvTask
{
    /// <summary>One label column of class names; each becomes a one-hot target row over the classes.</summary>
    Classification,

    /// <summary>One or more numeric target columns, taken as they are.</summary>
    Regression,
}
