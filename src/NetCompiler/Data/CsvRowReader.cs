namespace NetCompiler.Data;

/// <summary>
/// Reads the data rows of CSV text one at a time: the header (if any) and the columns are resolved when it opens,
/// then each row's features parse into a span the caller owns, and its label or targets likewise. Both
/// <see cref="CsvDataset"/> (into memory) and the sample-file converter (streamed) read through it, so they accept
/// the same files and give the same messages.
/// </summary>
internal sealed class CsvRowReader
{
    private readonly CsvTokenizer _records;
    private readonly string _source;
    private readonly string[]? _header;
    private readonly int[] _featureColumns;
    private readonly int[] _targetColumns;
    private readonly int _columnCount;
    private readonly string _countReference;
    private bool _firstRowPending = true;

    private CsvRowReader(CsvTokenizer records, CsvOptions options, string source, string[]? header, int columnCount, int firstLine, bool keepLabels)
    {
        _records = records;
        _source = source;
        _header = header;
        _columnCount = columnCount;
        var columns = new CsvColumnResolver(options, header, columnCount, source, firstLine);
        _targetColumns = columns.Targets;
        _featureColumns = columns.Features;
        _countReference = header is null ? $"line {firstLine} has {columnCount}" : $"the header has {columnCount}";
        FeatureNames = header is null ? null : Array.ConvertAll(_featureColumns, c => header[c]);
        Labels = options.Task == CsvTask.Classification ? new CsvLabelEncoder(options.ClassNames, keepLabels) : null;
    }

    /// <summary>The number of feature columns.</summary>
    public int FeatureCount => _featureColumns.Length;

    /// <summary>The number of numeric target columns (1, the label, for classification).</summary>
    public int TargetColumnCount => _targetColumns.Length;

    /// <summary>
    /// About how many rows a text of <paramref name="textLength"/> characters holds, judged by the first data row's
    /// length (at least 1024), so a loader can allocate once instead of growing its arrays.
    /// </summary>
    public int EstimateRows(long textLength) =>
        (int)Math.Clamp((textLength / Math.Max(1, _records.RecordLength)) + (textLength / Math.Max(1, _records.RecordLength) / 16) + 16, 1024, Array.MaxLength / Math.Max(FeatureCount, TargetColumnCount));

    /// <summary>The feature columns' header names, or null without a header.</summary>
    public string[]? FeatureNames { get; }

    /// <summary>For classification, the label encoder; null for regression.</summary>
    public CsvLabelEncoder? Labels { get; }

    /// <summary>
    /// Reads the header (if any) and the first data row, and resolves the columns. <paramref name="keepLabels"/>:
    /// whether the label encoder keeps every row's class for <see cref="CsvLabelEncoder.Encode"/>.
    /// </summary>
    /// <exception cref="DataFormatException">The text is empty, has no data rows, or lacks a named column.</exception>
    public static CsvRowReader Open(TextReader reader, CsvOptions options, string source, bool keepLabels = true)
    {
        var records = new CsvTokenizer(reader, options.Delimiter, source);
        if (!records.ReadRecord())
        {
            string expected = options.HasHeader ? "a header line and data rows" : "data rows";
            throw new DataFormatException($"{source}: the file is empty; expected {expected}.", source);
        }

        int firstLine = records.RecordLine;
        int columnCount = records.FieldCount;
        string[]? header = null;
        if (options.HasHeader)
        {
            header = new string[columnCount];
            for (int i = 0; i < columnCount; i++)
            {
                header[i] = records[i].Trim().ToString();
            }

            records.Header = header;
            if (!records.ReadRecord())
            {
                throw new DataFormatException($"{source}: the file has a header (line {firstLine}) but no data rows.", source, firstLine);
            }
        }

        return new CsvRowReader(records, options, source, header, columnCount, firstLine, keepLabels);
    }

    /// <summary>Moves to the next data row, checking its column count; false after the last.</summary>
    /// <exception cref="DataFormatException">The row is malformed or has the wrong number of columns.</exception>
    public bool MoveNext()
    {
        if (_firstRowPending)
        {
            _firstRowPending = false;
        }
        else if (!_records.ReadRecord())
        {
            return false;
        }

        if (_records.FieldCount != _columnCount)
        {
            int line = _records.RecordLine;
            throw new DataFormatException($"{_source}: line {line} has {_records.FieldCount} columns, {_countReference}.", _source, line);
        }

        return true;
    }

    /// <summary>Parses the current row's features into <paramref name="destination"/> (<see cref="FeatureCount"/> floats).</summary>
    public void ReadFeatures(Span<float> destination) => ReadNumbers(_featureColumns, destination);

    /// <summary>Parses the current row's numeric targets into <paramref name="destination"/> (regression).</summary>
    public void ReadTargets(Span<float> destination) => ReadNumbers(_targetColumns, destination);

    /// <summary>Reads the current row's class label; returns its index in <see cref="Labels"/>.</summary>
    public int ReadLabel() => Labels!.Add(_records, _targetColumns[0], _header, _source);

    /// <summary>A <see cref="DataFormatException"/> about the current record's cell in <paramref name="column"/>.</summary>
    internal static DataFormatException CellError(CsvTokenizer records, int column, string[]? header, string source, string what)
    {
        string name = CsvTokenizer.DescribeColumn(header, column);
        return new DataFormatException($"{source}: line {records.RecordLine}, column {name}: {what}", source, records.RecordLine, name);
    }

    private void ReadNumbers(int[] columns, Span<float> destination)
    {
        for (int i = 0; i < columns.Length; i++)
        {
            destination[i] = ParseNumber(columns[i]);
        }
    }

    private float ParseNumber(int column)
    {
        ReadOnlySpan<char> cell = _records[column];
        if (!InvariantFloat.TryParse(cell, out float value))
        {
            throw CellError(_records, column, _header, _source, $"'{cell}' is not a number.");
        }

        if (!float.IsFinite(value))
        {
            throw CellError(_records, column, _header, _source, $"'{cell}' is not a finite number.");
        }

        return value;
    }
}
