namespace NetCompiler.Data;

/// <summary>
/// A column of a CSV file, by header name or by 0-based index. Converts implicitly from both, so
/// options read <c>LabelColumn = "species"</c> or <c>LabelColumn = 4</c>.
/// </summary>
public readonly record struct CsvColumn
{
    private CsvColumn(string? name, int index)
    {
        Name = name;
        Index = index;
    }

    /// <summary>The header name, or null when the column is given by index.</summary>
    public string? Name { get; }

    /// <summary>The 0-based index, or -1 when the column is given by name.</summary>
    public int Index { get; }

    /// <summary>The column whose header is <paramref name="name"/> (compared exactly, after trimming surrounding whitespace).</summary>
    public static CsvColumn ByName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new CsvColumn(name.Trim(), -1);
    }

    /// <summary>The column at 0-based <paramref name="index"/>.</summary>
    public static CsvColumn ByIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new CsvColumn(null, index);
    }

    /// <summary>Same as <see cref="ByName"/>.</summary>
    public static implicit operator CsvColumn(string name) => ByName(name);

    /// <summary>Same as <see cref="ByIndex"/>.</summary>
    public static implicit operator CsvColumn(int index) => ByIndex(index);

    /// <summary><c>'name'</c> or <c>index 3</c>, as messages write it.</summary>
    public override string ToString() => Name is null ? $"index {Index}" : $"'{Name}'";
}
