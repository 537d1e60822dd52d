namespace NetCompiler.Data;

/// <summary>
/// Thrown when a data file (CSV, IDX) does not hold what it should. The message starts with the file
/// (its path as given, or <c>&lt;reader&gt;</c> for a <see cref="TextReader"/>) and says where the problem is
/// (1-based line and column for text, byte offset for binary files) and what was expected, e.g.
/// <c>iris.csv: line 7, column 'petal_width': 'abc' is not a number.</c>
/// </summary>
public sealed class DataFormatException : FormatException
{
    /// <summary>Creates the exception; <paramref name="message"/> is the complete message.</summary>
    public DataFormatException(string message, string fileName, int lineNumber = 0, string? column = null, long offset = -1, Exception? innerException = null)
        : base(message, innerException)
    {
        FileName = fileName;
        LineNumber = lineNumber;
        Column = column;
        Offset = offset;
    }

    /// <summary>The file's path as it was given to the loader, or a name such as <c>&lt;reader&gt;</c> for a reader or stream.</summary>
    public string FileName { get; }

    /// <summary>The 1-based line of a text file the problem is on, or 0 when it is not tied to a line.</summary>
    public int LineNumber { get; }

    /// <summary>The column, as the message names it (<c>'petal_width'</c> or <c>index 3</c>), or null.</summary>
    public string? Column { get; }

    /// <summary>The byte offset in a binary file (after decompression) the problem is at, or -1.</summary>
    public long Offset { get; }
}
