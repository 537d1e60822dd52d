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
        using var reader = OpenText(path);
        return Read(reader, options, path, reader.BaseStream.Length);
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

    private static Dataset Read(TextReader reader, CsvOptions options, string source, long textLength = 0)
    {
        var rows = CsvRowReader.Open(reader, options, source);
        int featureCount = rows.FeatureCount;
        int targetCount = rows.TargetColumnCount;
        int expectedRows = rows.EstimateRows(textLength);
        var features = new GrowingArray(featureCount, expectedRows);
        var targets = rows.Labels is null ? new GrowingArray(targetCount, expectedRows) : null;
        while (rows.MoveNext())
        {
            rows.ReadFeatures(features.AddRow());
            if (targets is null)
            {
                rows.ReadLabel();
            }
            else
            {
                rows.ReadTargets(targets.AddRow());
            }
        }

        if (rows.Labels is { } labels)
        {
            var (oneHot, classNames) = labels.Encode();
            return new Dataset(features.ToArray(), featureCount, oneHot, classNames.Length, classNames, rows.FeatureNames);
        }

        return new Dataset(features.ToArray(), featureCount, targets!.ToArray(), targetCount, classNames: null, rows.FeatureNames);
    }

    /// <summary>Opens a CSV file as text: UTF-8 unless a byte-order mark says otherwise, read in 64 KB blocks front to back.</summary>
    internal static StreamReader OpenText(string path) =>
        new(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 64 * 1024, Options = FileOptions.SequentialScan });

    internal static void Validate(CsvOptions options)
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
}
