using System.Buffers;

namespace NetCompiler.Data;

/// <summary>
/// Splits CSV text into records and fields (RFC 4180 basics): a field may be enclosed in double quotes,
/// inside which the delimiter and line breaks are plain text and a quote is written twice (<c>""</c>).
/// Line breaks are <c>\n</c>, <c>\r\n</c> or <c>\r</c>. Whitespace before an opening quote or after a
/// closing quote is ignored; a quote inside an unquoted field is kept as text. Blank lines are skipped.
/// The fields of the current record are spans into one reused buffer, so reading allocates nothing per cell.
/// </summary>
internal sealed class CsvTokenizer
{
    private readonly TextReader _reader;
    private readonly char _delimiter;
    private readonly string _source;
    private readonly SearchValues<char> _specials;
    private readonly char[] _buffer = new char[16 * 1024];
    private int _position;
    private int _length;
    private int _line = 1;
    private char[] _chars = new char[256];
    private int _charCount;
    private int[] _fieldStarts = new int[16];
    private int[] _fieldEnds = new int[16];

    public CsvTokenizer(TextReader reader, char delimiter, string source)
    {
        _reader = reader;
        _delimiter = delimiter;
        _source = source;
        _specials = SearchValues.Create([delimiter, '\n', '\r', '"']);
    }

    /// <summary>The column names, once known, used to name columns in messages.</summary>
    public string[]? Header { get; set; }

    /// <summary>The 1-based line the current record starts on.</summary>
    public int RecordLine { get; private set; }

    /// <summary>The number of fields of the current record.</summary>
    public int FieldCount { get; private set; }

    /// <summary>The text of field <paramref name="index"/> of the current record (quotes removed).</summary>
    public ReadOnlySpan<char> this[int index] => _chars.AsSpan(_fieldStarts[index], _fieldEnds[index] - _fieldStarts[index]);

    /// <summary>How messages name column <paramref name="index"/>: <c>'name'</c> with a header, <c>index 3</c> without.</summary>
    public static string DescribeColumn(string[]? header, int index) =>
        header is not null && index < header.Length ? $"'{header[index]}'" : $"index {index}";

    /// <summary>Reads the next non-blank record; false at the end of the text.</summary>
    public bool ReadRecord()
    {
        while (Peek() >= 0)
        {
            RecordLine = _line;
            bool quoted = ReadFields();
            if (FieldCount > 1 || quoted || !this[0].IsWhiteSpace())
            {
                return true;
            }
        }

        FieldCount = 0;
        return false;
    }

    private bool ReadFields()
    {
        _charCount = 0;
        FieldCount = 0;
        bool quoted = false;
        int fieldStart = 0;
        while (true)
        {
            // Copy plain text up to the next delimiter, line break or quote in one go.
            if (_position == _length && !Fill())
            {
                EndField(fieldStart);
                return quoted;
            }

            ReadOnlySpan<char> pending = _buffer.AsSpan(_position, _length - _position);
            int special = pending.IndexOfAny(_specials);
            int plain = special < 0 ? pending.Length : special;
            Append(pending[..plain]);
            _position += plain;
            if (special < 0)
            {
                continue;
            }

            char c = _buffer[_position++];
            if (c == '\n' || c == '\r')
            {
                EndLine(c);
                EndField(fieldStart);
                return quoted;
            }

            if (c == _delimiter)
            {
                EndField(fieldStart);
                fieldStart = _charCount;
            }
            else if (_chars.AsSpan(fieldStart, _charCount - fieldStart).IsWhiteSpace())
            {
                // An opening quote (whitespace before it is dropped).
                _charCount = fieldStart;
                quoted = true;
                ReadQuoted();
            }
            else
            {
                // A quote inside an unquoted field is plain text.
                Append(c);
            }
        }
    }

    /// <summary>Reads a quoted field after its opening quote, through the closing quote and any whitespace after it.</summary>
    private void ReadQuoted()
    {
        while (true)
        {
            int c = Read();
            if (c < 0)
            {
                throw Error($"the quoted field is not closed: the data ends inside it (a quote inside a quoted field is written twice: \"\").");
            }

            if (c == '"')
            {
                if (Peek() != '"')
                {
                    break;
                }

                Read();
            }
            else if (c == '\n' || (c == '\r' && Peek() != '\n'))
            {
                _line++;
            }

            Append((char)c);
        }

        int next;
        while ((next = Peek()) >= 0 && next != _delimiter && next != '\n' && next != '\r' && char.IsWhiteSpace((char)next))
        {
            Read();
        }

        if (next >= 0 && next != _delimiter && next != '\n' && next != '\r')
        {
            throw Error($"unexpected '{(char)next}' after the closing quote (a quote inside a quoted field is written twice: \"\").");
        }
    }

    private DataFormatException Error(string what)
    {
        string column = DescribeColumn(Header, FieldCount);
        return new DataFormatException($"{_source}: line {RecordLine}, column {column}: {what}", _source, RecordLine, column);
    }

    private void EndLine(int c)
    {
        if (c == '\r' && Peek() == '\n')
        {
            Read();
        }

        _line++;
    }

    private void EndField(int start)
    {
        if (FieldCount == _fieldStarts.Length)
        {
            Array.Resize(ref _fieldStarts, FieldCount * 2);
            Array.Resize(ref _fieldEnds, FieldCount * 2);
        }

        _fieldStarts[FieldCount] = start;
        _fieldEnds[FieldCount] = _charCount;
        FieldCount++;
    }

    private void Append(ReadOnlySpan<char> text)
    {
        if (_charCount + text.Length > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charCount + text.Length));
        }

        text.CopyTo(_chars.AsSpan(_charCount));
        _charCount += text.Length;
    }

    private void Append(char c)
    {
        if (_charCount == _chars.Length)
        {
            Array.Resize(ref _chars, _chars.Length * 2);
        }

        _chars[_charCount++] = c;
    }

    private int Peek() => _position < _length || Fill() ? _buffer[_position] : -1;

    private int Read() => _position < _length || Fill() ? _buffer[_position++] : -1;

    private bool Fill()
    {
        _length = _reader.Read(_buffer, 0, _buffer.Length);
        _position = 0;
        return _length > 0;
    }
}
