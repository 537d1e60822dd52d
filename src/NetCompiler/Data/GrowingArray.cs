namespace NetCompiler.Data;

/// <summary>
/// Floats appended a row at a time into one array that doubles as it fills, for loaders that do not know the row
/// count in advance; <see cref="ToArray"/> trims it to the rows written.
/// </summary>
internal sealed class GrowingArray
{
    private readonly int _rowLength;
    private float[] _values;
    private long _count;

    public GrowingArray(int rowLength, int initialRows = 1024)
    {
        _rowLength = rowLength;
        _values = new float[(long)rowLength * initialRows];
    }

    /// <summary>The next row, to be written by the caller.</summary>
    /// <exception cref="InvalidOperationException">The rows no longer fit one array.</exception>
    public Span<float> AddRow()
    {
        long end = _count + _rowLength;
        if (end > _values.Length)
        {
            long capacity = Math.Min(Math.Max(end, 2L * _values.Length), Array.MaxLength);
            if (end > capacity)
            {
                throw new InvalidOperationException($"The data holds more than {Array.MaxLength} floats, more than one array can hold; convert it to a sample file and train streamed.");
            }

            Array.Resize(ref _values, (int)capacity);
        }

        var row = _values.AsSpan((int)_count, _rowLength);
        _count = end;
        return row;
    }

    /// <summary>The rows written, in an array of exactly their length.</summary>
    public float[] ToArray()
    {
        if (_count != _values.Length)
        {
            Array.Resize(ref _values, (int)_count);
        }

        return _values;
    }
}
