using System.Globalization;
using System.Text;

namespace NetCompiler.Data;

/// <summary>
/// Loads a <see cref="Dataset"/> from CSV text: numeric feature columns and either a class label
/// (one-hot targets) or numeric target columns.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Numbers are parsed with the invariant culture (<c>1.5</c>, <c>-2e-3</c>) whatever the machine's
/// culture; surrounding whitespace is ignored; NaN and infinities (or values too large for a float) are rejected.</item>
/// <item>Fields follow RFC 4180: <c>"a, b"</c> holds a delimiter, <c>"say ""hi"""</c> a quote; a quoted field may span lines.</item>
/// <item>Blank lines are skipped (anywhere, including trailing ones); line numbers in messages count every physical line, 1-based.</item>
/// <item>Header names and class labels are trimmed of surrounding whitespace; names are compared ordinally (case-sensitive).</item>
/// <item>Classes are ordered ordinally (sorted, culture-free) unless <see cref="CsvOptions.ClassNames"/> fixes them, so
/// the one-hot encoding does not depend on the order of the rows.</item>
/// <item>Anything malformed throws <see cref="DataFormatException"/> naming the file, line and column;
/// contradictory options throw <see cref="ArgumentException"/>.</item>
/// </list>
/// </remarks>
/// <example>
/// <code>
/// Dataset data = CsvDataset.Load("iris.csv", new CsvOptions { LabelColumn = "species" });
/// var (train, test) = data.Split(0.8, seed: 1);
/// Standardizer standardizer = Standardizer.Fit(train);   // statistics of the training split only
/// train = standardizer.Transform(train);
/// test = standardizer.Transform(test);
/// </code>
/// </example>
public static class CsvDataset
{
    /// <summary>The name messages use for text that does not come from a file.</summary>
    public const string ReaderSourceName = "<reader>";

    /// <summary>Loads the CSV file at <paramref name="path"/> (UTF-8 unless a byte-order mark says otherwise).</summary>
    /// <exception cref="DataFormatException">The file is malformed; the message says where and why.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static Dataset Load(string path, CsvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= CsvOptions.Default;
        Validate(options);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, options, path);
    }

    /// <summary>Loads CSV text from <paramref name="reader"/>; messages name it <paramref name="sourceName"/>.</summary>
    /// <exception cref="DataFormatException">The text is malformed; the message says where and why.</exception>
    public static Dataset Load(TextReader reader, CsvOptions? options = null, string sourceName = ReaderSourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        options ??= CsvOptions.Default;
        Validate(options);
        return Read(reader, options, sourceName);
    }

    private static Dataset Read(TextReader reader, CsvOptions options, string source)
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

        var columns = new ColumnResolver(options, header, columnCount, source, firstLine);
        int[] targetColumns = columns.Targets;
        int[] featureColumns = columns.Features;
        string countReference = header is null ? $"line {firstLine} has {columnCount}" : $"the header has {columnCount}";

        var features = new List<float>();
        var targets = new List<float>();
        var labels = options.Task == CsvTask.Classification ? new LabelEncoder(options.ClassNames) : null;
        do
        {
            int line = records.RecordLine;
            if (records.FieldCount != columnCount)
            {
                throw new DataFormatException($"{source}: line {line} has {records.FieldCount} columns, {countReference}.", source, line);
            }

            foreach (int column in featureColumns)
            {
                features.Add(ParseNumber(records, column, header, source));
            }

            if (labels is not null)
            {
                labels.Add(records, targetColumns[0], header, source);
            }
            else
            {
                foreach (int column in targetColumns)
                {
                    targets.Add(ParseNumber(records, column, header, source));
                }
            }
        }
        while (records.ReadRecord());

        string[]? featureNames = header is null ? null : Array.ConvertAll(featureColumns, c => header[c]);
        if (labels is not null)
        {
            var (oneHot, classNames) = labels.Encode();
            return new Dataset(features.ToArray(), featureColumns.Length, oneHot, classNames.Length, classNames, featureNames);
        }

        return new Dataset(features.ToArray(), featureColumns.Length, targets.ToArray(), targetColumns.Length, classNames: null, featureNames);
    }

    private static float ParseNumber(CsvTokenizer records, int column, string[]? header, string source)
    {
        ReadOnlySpan<char> cell = records[column];
        if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
        {
            throw CellError(records, column, header, source, $"'{cell}' is not a number.");
        }

        if (!float.IsFinite(value))
        {
            throw CellError(records, column, header, source, $"'{cell}' is not a finite number.");
        }

        return value;
    }

    private static DataFormatException CellError(CsvTokenizer records, int column, string[]? header, string source, string what)
    {
        string name = CsvTokenizer.DescribeColumn(header, column);
        return new DataFormatException($"{source}: line {records.RecordLine}, column {name}: {what}", source, records.RecordLine, name);
    }

    private static void Validate(CsvOptions options)
    {
        if (options.Delimiter is '"' or '\r' or '\n')
        {
            throw new ArgumentException($"The delimiter cannot be a quote or a line break (got U+{(int)options.Delimiter:X4}).", nameof(options));
        }

        if (options.TargetColumns is not null)
        {
            if (options.Task == CsvTask.Classification)
            {
                throw new ArgumentException("TargetColumns is for regression; for classification give the class column as LabelColumn.", nameof(options));
            }

            if (options.LabelColumn is not null)
            {
                throw new ArgumentException("Set LabelColumn (one target) or TargetColumns (several), not both.", nameof(options));
            }

            if (options.TargetColumns.Count == 0)
            {
                throw new ArgumentException("TargetColumns is empty; list at least one target column or leave it null for the last column.", nameof(options));
            }
        }

        if (options.FeatureColumns is { Count: 0 })
        {
            throw new ArgumentException("FeatureColumns is empty; list at least one feature column or leave it null for every non-target column.", nameof(options));
        }

        if (options.ClassNames is not null)
        {
            if (options.Task != CsvTask.Classification)
            {
                throw new ArgumentException("ClassNames is for classification; regression targets are numbers.", nameof(options));
            }

            if (options.ClassNames.Count == 0)
            {
                throw new ArgumentException("ClassNames is empty; list the classes or leave it null to take them from the file.", nameof(options));
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string name in options.ClassNames)
            {
                if (string.IsNullOrWhiteSpace(name) || !seen.Add(name.Trim()))
                {
                    throw new ArgumentException($"ClassNames must hold distinct, non-blank names; '{name}' is blank or repeated.", nameof(options));
                }
            }
        }

        if (!options.HasHeader)
        {
            List<CsvColumn> named = [.. options.FeatureColumns ?? [], .. options.TargetColumns ?? []];
            if (options.LabelColumn is { } label)
            {
                named.Add(label);
            }

            if (named.Find(c => c.Name is not null) is { Name: not null } byName)
            {
                throw new ArgumentException($"Column {byName} is given by name, but HasHeader is false; give columns by 0-based index.", nameof(options));
            }
        }
    }

    /// <summary>Turns the options' column references into indexes, once the header (or the first row) is known.</summary>
    private readonly struct ColumnResolver
    {
        private readonly string[]? _header;
        private readonly int _columnCount;
        private readonly string _source;
        private readonly int _line;

        public ColumnResolver(CsvOptions options, string[]? header, int columnCount, string source, int line)
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

    /// <summary>Maps label text to class indexes while reading, then to one-hot rows.</summary>
    private sealed class LabelEncoder
    {
        private readonly Dictionary<string, int> _indexes = new(StringComparer.Ordinal);
        private readonly List<string> _names = [];
        private readonly List<int> _rows = [];
        private readonly bool _fixed;

        public LabelEncoder(IReadOnlyList<string>? classNames)
        {
            if (classNames is not null)
            {
                _fixed = true;
                foreach (string name in classNames)
                {
                    _indexes.Add(name.Trim(), _names.Count);
                    _names.Add(name.Trim());
                }
            }
        }

        public void Add(CsvTokenizer records, int column, string[]? header, string source)
        {
            ReadOnlySpan<char> label = records[column].Trim();
            if (label.IsEmpty)
            {
                throw CellError(records, column, header, source, "the class label is empty.");
            }

            var lookup = _indexes.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.TryGetValue(label, out int index))
            {
                if (_fixed)
                {
                    string known = string.Join(", ", _names.Select(n => $"'{n}'"));
                    throw CellError(records, column, header, source, $"'{label}' is not one of the {_names.Count} classes given in ClassNames ({known}).");
                }

                index = _names.Count;
                string name = label.ToString();
                _indexes.Add(name, index);
                _names.Add(name);
            }

            _rows.Add(index);
        }

        public (float[] OneHot, string[] ClassNames) Encode()
        {
            string[] names = [.. _names];
            int[] remap = new int[names.Length];
            if (_fixed)
            {
                for (int i = 0; i < remap.Length; i++)
                {
                    remap[i] = i;
                }
            }
            else
            {
                int[] byName = [.. Enumerable.Range(0, names.Length).Order(Comparer<int>.Create((a, b) => string.CompareOrdinal(names[a], names[b])))];
                string[] sorted = new string[names.Length];
                for (int position = 0; position < byName.Length; position++)
                {
                    remap[byName[position]] = position;
                    sorted[position] = names[byName[position]];
                }

                names = sorted;
            }

            var oneHot = new float[(long)_rows.Count * names.Length];
            for (int row = 0; row < _rows.Count; row++)
            {
                oneHot[((long)row * names.Length) + remap[_rows[row]]] = 1f;
            }

            return (oneHot, names);
        }
    }
}
