namespace NetCompiler.Data;

/// <summary>
/// Maps label text to class indexes while reading; when it keeps the rows' indexes (loading into memory), it turns
/// them into one-hot rows at the end, the classes then sorted ordinally unless a fixed list gives their order.
/// </summary>
internal sealed class CsvLabelEncoder
{
    private readonly Dictionary<string, int> _indexes = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly List<int> _rows = [];
    private readonly bool _fixed;
    private readonly bool _keepRows;

    public CsvLabelEncoder(IReadOnlyList<string>? classNames, bool keepRows)
    {
        _keepRows = keepRows;
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

    /// <summary>The classes so far, in the fixed order or the order they were first seen.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Reads the label of the current record; returns its class index (fixed order, or the order first seen).</summary>
    public int Add(CsvTokenizer records, int column, string[]? header, string source)
    {
        ReadOnlySpan<char> label = records[column].Trim();
        if (label.IsEmpty)
        {
            throw CsvRowReader.CellError(records, column, header, source, "the class label is empty.");
        }

        var lookup = _indexes.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(label, out int index))
        {
            if (_fixed)
            {
                string known = string.Join(", ", _names.Select(n => $"'{n}'"));
                throw CsvRowReader.CellError(records, column, header, source, $"'{label}' is not one of the {_names.Count} classes given in ClassNames ({known}).");
            }

            index = _names.Count;
            string name = label.ToString();
            _indexes.Add(name, index);
            _names.Add(name);
        }

        if (_keepRows)
        {
            _rows.Add(index);
        }

        return index;
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
