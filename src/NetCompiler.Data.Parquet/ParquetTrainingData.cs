using System.Globalization;
using NetCompiler.Training;
using Parquet;
using Parquet.Schema;

namespace NetCompiler.Data.Parquet;

/// <summary>
/// A Parquet file as training data read by row groups: each row group is a chunk (<see cref="IChunkedTrainingData"/>),
/// so <see cref="StreamedTrainingData"/> trains on it in the memory of a few row groups, and <see cref="ParquetDataset"/>
/// loads or converts it. Numeric feature columns (float, double, and 8- to 64-bit integers, as float32) and a class
/// label (text or integers, one-hot) or numeric targets, chosen by name with <see cref="ParquetColumns"/>.
/// </summary>
/// <remarks>
/// Opening reads the schema and, for a label without <see cref="ParquetColumns.ClassNames"/>, the label column of every
/// row group to find the classes. Nullable (optional) columns are refused, naming the column: a missing value has no
/// float; write the column as required after filling or dropping them. Parquet.Net reads asynchronously; this class
/// waits for each read, and one row group is read at a time (reads from two threads take turns).
/// </remarks>
public sealed class ParquetTrainingData : IChunkedTrainingData, IDisposable
{
    private readonly ParquetReader _reader;
    private readonly string _path;
    private readonly DataField[] _features;
    private readonly DataField[] _targets;
    private readonly DataField? _label;
    private readonly Dictionary<string, int>? _classIndexes;
    private readonly int[] _rowGroups;
    private readonly int[] _rowCounts;
    private readonly Lock _lock = new();
    private double[] _column = [];

    private ParquetTrainingData(string path, ParquetReader reader, ParquetColumns columns, bool findClasses)
    {
        _path = path;
        _reader = reader;
        DataField[] fields = reader.Schema.GetDataFields();
        if (fields.Length == 0)
        {
            throw Error("the file has no columns.");
        }

        foreach (DataField field in fields)
        {
            if (field.IsArray)
            {
                throw Error($"column '{field.Name}' holds lists; only flat columns can be read.");
            }
        }

        if (columns.IsClassification)
        {
            _label = Find(fields, columns.LabelColumn ?? fields[^1].Name);
            _targets = [];
        }
        else
        {
            if (columns.LabelColumn is not null)
            {
                throw new ArgumentException("Set LabelColumn (classification) or TargetColumns (regression), not both.", nameof(columns));
            }

            _targets = [.. columns.TargetColumns!.Select(name => Find(fields, name))];
        }

        DataField[] targetFields = _label is null ? _targets : [_label];
        _features = columns.FeatureColumns is { } names
            ? [.. names.Select(name => Find(fields, name))]
            : [.. fields.Where(f => !targetFields.Contains(f))];
        if (_features.Length == 0)
        {
            throw Error("no feature columns remain besides the target.");
        }

        foreach (DataField field in _features.Concat(_targets))
        {
            if (targetFields.Contains(field) && _features.Contains(field))
            {
                throw new ArgumentException($"Column '{field.Name}' is both a feature and a target; remove it from FeatureColumns.", nameof(columns));
            }

            CheckNumeric(field);
        }

        if (_label is not null)
        {
            CheckRequired(_label);
            if (!IsText(_label.ClrType) && !IsInteger(_label.ClrType))
            {
                throw Error($"the label column '{_label.Name}' holds {Describe(_label.ClrType)}; a label is text or an integer.");
            }
        }

        // The chunks are the row groups that hold rows (a writer may leave empty ones).
        var rowGroups = new List<int>();
        var rowCounts = new List<int>();
        for (int group = 0; group < reader.RowGroupCount; group++)
        {
            using ParquetRowGroupReader rowGroup = reader.OpenRowGroupReader(group);
            if (rowGroup.RowCount > Array.MaxLength / Math.Max(_features.Length, targetFields.Length))
            {
                throw Error($"row group {group} has {rowGroup.RowCount} rows, more than one array can hold; write smaller row groups.");
            }

            if (rowGroup.RowCount > 0)
            {
                rowGroups.Add(group);
                rowCounts.Add((int)rowGroup.RowCount);
                Count += rowGroup.RowCount;
            }
        }

        if (Count == 0)
        {
            throw Error("the file has no rows.");
        }

        _rowGroups = [.. rowGroups];
        _rowCounts = [.. rowCounts];

        if (_label is not null && (columns.ClassNames is not null || findClasses))
        {
            string[] classes = columns.ClassNames is { } fixedNames ? [.. fixedNames] : [.. ReadAllLabels().Distinct().Order(StringComparer.Ordinal)];
            ClassNames = classes;
            _classIndexes = classes.Select((name, index) => (name, index)).ToDictionary(p => p.name, p => p.index, StringComparer.Ordinal);
        }

        FeatureNames = [.. _features.Select(f => f.Name)];
    }

    /// <inheritdoc />
    public int FeatureCount => _features.Length;

    /// <inheritdoc />
    public int TargetCount => ClassNames?.Length ?? _targets.Length;

    /// <inheritdoc />
    public long Count { get; }

    /// <inheritdoc />
    public int ChunkCount => _rowCounts.Length;

    /// <summary>For classification, the classes in one-hot order; null for regression.</summary>
    public string[]? ClassNames { get; }

    /// <summary>The feature columns' names, in feature order.</summary>
    public string[] FeatureNames { get; }

    /// <summary>Opens <paramref name="path"/> and resolves <paramref name="columns"/> (defaults when null).</summary>
    /// <exception cref="DataFormatException">A column is missing, nullable, not numeric, or a label is not one of the given classes.</exception>
    public static ParquetTrainingData Open(string path, ParquetColumns? columns = null) => Open(path, columns, findClasses: true);

    /// <summary>
    /// <see cref="Open(string, ParquetColumns?)"/>; with <paramref name="findClasses"/> false a label column without
    /// <see cref="ParquetColumns.ClassNames"/> is not read to find the classes: <see cref="ClassNames"/> stays null, and
    /// only <see cref="ReadFeaturesAndLabels"/> reads the chunks (one pass that finds the classes as it goes).
    /// </summary>
    internal static ParquetTrainingData Open(string path, ParquetColumns? columns, bool findClasses)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        columns ??= ParquetColumns.Default;
        ParquetReader reader = ParquetReader.CreateAsync(path).GetAwaiter().GetResult();
        try
        {
            return new ParquetTrainingData(path, reader, columns, findClasses);
        }
        catch
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <inheritdoc />
    public int ChunkSampleCount(int chunk) => _rowCounts[chunk];

    /// <summary>Reads chunk <paramref name="chunk"/> (the row groups that hold rows, in order): its features into <paramref name="features"/>, its targets into <paramref name="targets"/>.</summary>
    /// <exception cref="DataFormatException">A label is not one of the classes.</exception>
    public void ReadChunk(int chunk, Span<float> features, Span<float> targets)
    {
        int rows = _rowCounts[chunk];
        if (features.Length != rows * FeatureCount || targets.Length != rows * TargetCount)
        {
            throw new ArgumentException($"Row group {chunk} holds {rows} rows: {rows * FeatureCount} feature and {rows * TargetCount} target floats; the spans have {features.Length} and {targets.Length}.");
        }

        lock (_lock)
        {
            using ParquetRowGroupReader rowGroup = _reader.OpenRowGroupReader(_rowGroups[chunk]);
            ReadFeatures(rowGroup, rows, features);
            if (_label is null)
            {
                for (int j = 0; j < _targets.Length; j++)
                {
                    ReadNumbers(rowGroup, _targets[j], rows, targets, j, TargetCount);
                }

                return;
            }

            string[] labels = ReadLabels(rowGroup, rows);
            targets.Clear();
            for (int row = 0; row < rows; row++)
            {
                if (!_classIndexes!.TryGetValue(labels[row], out int index))
                {
                    string known = string.Join(", ", ClassNames!.Select(n => $"'{n}'"));
                    throw Error($"row {row} of row group {_rowGroups[chunk]}, column '{_label.Name}': '{labels[row]}' is not one of the {ClassNames!.Length} classes given in ClassNames ({known}).");
                }

                targets[(row * TargetCount) + index] = 1f;
            }
        }
    }

    /// <summary>
    /// For a file opened without finding its classes: reads chunk <paramref name="chunk"/>'s features and, into
    /// <paramref name="labels"/>, each row's label as its index in <paramref name="classes"/> (the labels in the order
    /// first met, which it extends), so a loader reads the label column once.
    /// </summary>
    internal void ReadFeaturesAndLabels(int chunk, Span<float> features, Span<int> labels, Dictionary<string, int> classes)
    {
        int rows = _rowCounts[chunk];
        lock (_lock)
        {
            using ParquetRowGroupReader rowGroup = _reader.OpenRowGroupReader(_rowGroups[chunk]);
            ReadFeatures(rowGroup, rows, features);
            string[] text = ReadLabels(rowGroup, rows);
            for (int row = 0; row < rows; row++)
            {
                if (!classes.TryGetValue(text[row], out int index))
                {
                    index = classes.Count;
                    classes.Add(text[row], index);
                }

                labels[row] = index;
            }
        }
    }

    /// <summary>Whether the file has a label column whose classes were not found when it was opened.</summary>
    internal bool HasUnreadClasses => _label is not null && ClassNames is null;

    /// <summary>Closes the file.</summary>
    public void Dispose() => _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private void ReadFeatures(ParquetRowGroupReader rowGroup, int rows, Span<float> features)
    {
        for (int j = 0; j < _features.Length; j++)
        {
            ReadNumbers(rowGroup, _features[j], rows, features, j, FeatureCount);
        }
    }

    /// <summary>Parquet.Net gives text columns as strings or, from files, as <c>ReadOnlyMemory&lt;char&gt;</c>.</summary>
    private static bool IsText(Type type) => type == typeof(string) || type == typeof(ReadOnlyMemory<char>);

    private static string Describe(Type type) => IsText(type) ? "text" : type.Name;

    private static bool IsInteger(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte)
        || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort);

    private DataField Find(DataField[] fields, string name)
    {
        DataField? found = Array.Find(fields, f => f.Name == name);
        if (found is null)
        {
            string available = string.Join(", ", fields.Select(f => $"'{f.Name}'"));
            throw Error($"there is no column '{name}'; the columns are {available}.");
        }

        return found;
    }

    private void CheckRequired(DataField field)
    {
        if (field.IsNullable)
        {
            throw Error($"column '{field.Name}' is nullable (optional), so it may hold missing values, which have no float; fill or drop them and write the column as required.");
        }
    }

    private void CheckNumeric(DataField field)
    {
        CheckRequired(field);
        if (field.ClrType != typeof(float) && field.ClrType != typeof(double) && !IsInteger(field.ClrType))
        {
            throw Error($"column '{field.Name}' holds {Describe(field.ClrType)}, not numbers.");
        }
    }

    /// <summary>Reads a numeric column into every <paramref name="stride"/>-th float of <paramref name="destination"/> from <paramref name="offset"/>, checking each value is a finite float.</summary>
    private void ReadNumbers(ParquetRowGroupReader rowGroup, DataField field, int rows, Span<float> destination, int offset, int stride)
    {
        if (field.ClrType == typeof(float))
        {
            float[] values = new float[rows];
            rowGroup.ReadAsync(field, values.AsMemory()).GetAwaiter().GetResult();
            for (int row = 0; row < rows; row++)
            {
                destination[(row * stride) + offset] = Finite(values[row], field, row);
            }

            return;
        }

        if (_column.Length < rows)
        {
            _column = new double[rows];
        }

        Span<double> column = _column.AsSpan(0, rows);
        if (field.ClrType == typeof(double))
        {
            rowGroup.ReadAsync(field, _column.AsMemory(0, rows)).GetAwaiter().GetResult();
        }
        else
        {
            ReadIntegers(rowGroup, field, column);
        }

        for (int row = 0; row < rows; row++)
        {
            destination[(row * stride) + offset] = Finite((float)column[row], field, row);
        }
    }

    private static void ReadIntegers(ParquetRowGroupReader rowGroup, DataField field, Span<double> column)
    {
        int rows = column.Length;
        switch (Type.GetTypeCode(field.ClrType))
        {
            case TypeCode.Int32: Convert(Read<int>(rowGroup, field, rows), column); break;
            case TypeCode.Int64: Convert(Read<long>(rowGroup, field, rows), column); break;
            case TypeCode.Int16: Convert(Read<short>(rowGroup, field, rows), column); break;
            case TypeCode.Byte: Convert(Read<byte>(rowGroup, field, rows), column); break;
            case TypeCode.SByte: Convert(Read<sbyte>(rowGroup, field, rows), column); break;
            case TypeCode.UInt32: Convert(Read<uint>(rowGroup, field, rows), column); break;
            case TypeCode.UInt64: Convert(Read<ulong>(rowGroup, field, rows), column); break;
            default: Convert(Read<ushort>(rowGroup, field, rows), column); break;
        }
    }

    private static T[] Read<T>(ParquetRowGroupReader rowGroup, DataField field, int rows)
        where T : struct
    {
        var values = new T[rows];
        rowGroup.ReadAsync(field, values.AsMemory()).GetAwaiter().GetResult();
        return values;
    }

    private static void Convert<T>(T[] values, Span<double> destination)
        where T : struct, IConvertible
    {
        for (int i = 0; i < values.Length; i++)
        {
            destination[i] = values[i].ToDouble(CultureInfo.InvariantCulture);
        }
    }

    private float Finite(float value, DataField field, int row)
    {
        if (!float.IsFinite(value))
        {
            throw Error($"column '{field.Name}', row {row} of its row group: {value.ToString(CultureInfo.InvariantCulture)} is not a finite float.");
        }

        return value;
    }

    private string[] ReadLabels(ParquetRowGroupReader rowGroup, int rows)
    {
        DataField label = _label!;
        if (IsText(label.ClrType))
        {
            var text = new string?[rows];
            rowGroup.ReadAsync(label, text.AsMemory()).GetAwaiter().GetResult();
            var trimmed = new string[rows];
            for (int row = 0; row < rows; row++)
            {
                trimmed[row] = text[row]?.Trim() ?? "";
            }

            return trimmed;
        }

        var numbers = new double[rows];
        ReadIntegers(rowGroup, label, numbers);
        return [.. numbers.Select(n => n.ToString(CultureInfo.InvariantCulture))];
    }

    private IEnumerable<string> ReadAllLabels()
    {
        for (int chunk = 0; chunk < _rowCounts.Length; chunk++)
        {
            using ParquetRowGroupReader rowGroup = _reader.OpenRowGroupReader(_rowGroups[chunk]);
            foreach (string label in ReadLabels(rowGroup, _rowCounts[chunk]))
            {
                yield return label;
            }
        }
    }

    private DataFormatException Error(string what) => new($"{_path}: {what}", _path);
}
