namespace NetCompiler.Data;

/// <summary>Turns the options' column references into indexes, once the header (or the first row) is known.</summary>
internal readonly struct CsvColumnResolver
{
    private readonly string[]? _header;
    private readonly int _columnCount;
    private readonly string _source;
    private readonly int _line;

    public CsvColumnResolver(CsvOptions options, string[]? header, int columnCount, string source, int line)
    {
        _header = header;
        _columnCount = columnCount;
        _source = source;
        _line = line;

        CsvColumn[] targets = options.TargetColumns is { } list ? [.. list] : [options.LabelColumn ?? CsvColumn.ByIndex(columnCount - 1)];
        Targets = Array.ConvertAll(targets, Resolve);
        if (options.FeatureColumns is null)
        {
            int[] targetIndexes = Targets;
            Features = [.. Enumerable.Range(0, columnCount).Where(c => Array.IndexOf(targetIndexes, c) < 0)];
            if (Features.Length == 0)
            {
                string target = options.Task == CsvTask.Classification ? "label" : "target";
                throw new DataFormatException(
                    columnCount == 1
                        ? $"{source}: line {line} has a single column, which is the {target}, so no feature columns remain (is '{options.Delimiter}' the right delimiter?)."
                        : $"{source}: all {columnCount} columns of line {line} are targets, so no feature columns remain.",
                    source,
                    line);
            }
        }
        else
        {
            Features = [.. options.FeatureColumns.Select(Resolve)];
            string what = options.Task == CsvTask.Classification ? "the label" : "a target";
            foreach (int feature in Features)
            {
                if (Array.IndexOf(Targets, feature) >= 0)
                {
                    throw new ArgumentException(
                        $"Column {CsvTokenizer.DescribeColumn(header, feature)} is both a feature and {what}; remove it from FeatureColumns.", nameof(options));
                }
            }
        }
    }

    public int[] Targets { get; }

    public int[] Features { get; }

    private int Resolve(CsvColumn column)
    {
        if (column.Name is null)
        {
            if (column.Index >= _columnCount)
            {
                throw new DataFormatException(
                    $"{_source}: column index {column.Index} is out of range: line {_line} has {_columnCount} columns (indexes 0 to {_columnCount - 1}).",
                    _source,
                    _line,
                    column.ToString());
            }

            return column.Index;
        }

        string[] header = _header!;
        int found = Array.IndexOf(header, column.Name);
        if (found < 0)
        {
            string available = string.Join(", ", header.Select(h => $"'{h}'"));
            throw new DataFormatException(
                $"{_source}: the header (line {_line}) has no column '{column.Name}'; its columns are {available}.", _source, _line, column.ToString());
        }

        int again = Array.IndexOf(header, column.Name, found + 1);
        if (again >= 0)
        {
            throw new DataFormatException(
                $"{_source}: the header (line {_line}) has two columns named '{column.Name}' (indexes {found} and {again}); give the column by index.",
                _source,
                _line,
                column.ToString());
        }

        return found;
    }
}
