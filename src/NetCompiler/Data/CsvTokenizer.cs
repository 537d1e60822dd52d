using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Data;

/// <summary>
/// Splits CSV text into records and fields (RFC 4180 basics): a field may be enclosed in double quotes,
/// inside which the delimiter and line breaks are plain text and a quote is written twice (<c>""</c>).
/// Line breaks are <c>\n</c>, <c>\r\n</c> or <c>\r</c>. Whitespace before an opening quote or after a
/// closing quote is ignored; a quote inside an unquoted field is kept as text. Blank lines are skipped.
/// </summary>
/// <remarks>
/// The text is read in large blocks into one buffer and a record's fields are spans of that buffer (no copy).
/// The buffer is scanned 32 characters at a time into a bit mask of the delimiters, line breaks and quotes among
/// them (four vector comparisons), and each field end is the mask's next set bit, as in Sep: a field costs a bit
/// scan, not a search. A quoted field is unescaped in place (its text only gets shorter). When a record runs past the
/// end of the buffer, the record is moved to the front and the rest read after it; a record longer than the
/// buffer doubles it. Field positions are kept relative to the record's start, so moving it changes nothing.
/// The spans are valid until the next <see cref="ReadRecord"/>.
/// </remarks>
internal sealed class CsvTokenizer
{
    private const int InitialBufferSize = 64 * 1024;

    private readonly TextReader _reader;
    private readonly char _delimiter;
    private readonly string _source;
    private readonly SearchValues<char> _specials;
    private char[] _buffer = new char[InitialBufferSize];
    private int _recordStart;
    private int _position;
    private int _length;
    private int _line = 1;

    // The scan mask: bit k set when the character at _scanEnd - ScanWidth + k is special and not yet consumed.
    private const int ScanWidth = 32;
    private int _scanEnd;
    private uint _scanMask;
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

    /// <summary>The number of characters of the current record, its line break included.</summary>
    public int RecordLength => _position - _recordStart;

    /// <summary>The number of fields of the current record.</summary>
    public int FieldCount { get; private set; }

    /// <summary>The text of field <paramref name="index"/> of the current record (quotes removed).</summary>
    public ReadOnlySpan<char> this[int index] =>
        _buffer.AsSpan(_recordStart + _fieldStarts[index], _fieldEnds[index] - _fieldStarts[index]);

    /// <summary>How messages name column <paramref name="index"/>: <c>'name'</c> with a header, <c>index 3</c> without.</summary>
    public static string DescribeColumn(string[]? header, int index) =>
        header is not null && index < header.Length ? $"'{header[index]}'" : $"index {index}";

    /// <summary>Reads the next non-blank record; false at the end of the text.</summary>
    public bool ReadRecord()
    {
        while (true)
        {
            _recordStart = _position;
            if (_position == _length && !Fill())
            {
                FieldCount = 0;
                return false;
            }

            RecordLine = _line;
            bool quoted = ReadFields();
            if (FieldCount > 1 || quoted || !this[0].IsWhiteSpace())
            {
                return true;
            }
        }
    }

    private bool ReadFields()
    {
        FieldCount = 0;
        bool quoted = false;
        int fieldStart = _position - _recordStart;

        // The end of a quoted field's unescaped text, which ends before the delimiter that ends the field.
        int quotedEnd = -1;
        while (true)
        {
            // Jump to the next delimiter, line break or quote.
            int special = NextSpecial();
            if (special < 0)
            {
                _position = _length;
                if (!Fill())
                {
                    EndField(fieldStart, quotedEnd >= 0 ? quotedEnd : _position - _recordStart);
                    return quoted;
                }

                continue;
            }

            _position = special;
            char c = _buffer[_position++];
            int end = quotedEnd >= 0 ? quotedEnd : _position - 1 - _recordStart;
            if (c == _delimiter)
            {
                EndField(fieldStart, end);
                fieldStart = _position - _recordStart;
                quotedEnd = -1;
            }
            else if (c is '\n' or '\r')
            {
                EndField(fieldStart, end);
                EndLine(c);
                return quoted;
            }
            else if (quotedEnd < 0 && _buffer.AsSpan(_recordStart + fieldStart, end - fieldStart).IsWhiteSpace())
            {
                // An opening quote (whitespace before it is dropped).
                quoted = true;
                quotedEnd = ReadQuoted(fieldStart);
            }

            // Otherwise a quote inside an unquoted field is plain text: the field goes on.
        }
    }

    /// <summary>
    /// The index of the next delimiter, line break or quote at or after the read position, or -1 when there is none
    /// before the end of the buffered text. Bits below the read position (consumed, or skipped by the quoted-field
    /// reader) are dropped first, so the mask needs no other upkeep than a reset when the buffer moves. The common case,
    /// a set bit left in the current mask, is inlined into the field loop; the rest is <see cref="ScanOn"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int NextSpecial()
    {
        int maskStart = _scanEnd - ScanWidth;
        if (_position < _scanEnd)
        {
            if (_position > maskStart)
            {
                _scanMask &= uint.MaxValue << (_position - maskStart);
            }

            if (_scanMask != 0)
            {
                return maskStart + BitOperations.TrailingZeroCount(_scanMask);
            }
        }

        return ScanOn();
    }

    /// <summary>Scans the following blocks of 32 characters until one holds a special character (or the buffer ends).</summary>
    private int ScanOn()
    {
        if (_position >= _scanEnd)
        {
            _scanEnd = _position;
        }

        while (true)
        {
            if (_scanEnd + ScanWidth > _length || !Vector128.IsHardwareAccelerated)
            {
                // The tail of the buffer (or no vector unit): an ordinary search.
                _scanMask = 0;
                int from = _scanEnd;
                int found = _buffer.AsSpan(from, _length - from).IndexOfAny(_specials);
                return found < 0 ? -1 : from + found;
            }

            _scanMask = SpecialMask(_scanEnd);
            _scanEnd += ScanWidth;
            int maskStart = _scanEnd - ScanWidth;
            if (_position > maskStart)
            {
                _scanMask &= uint.MaxValue << (_position - maskStart);
            }

            if (_scanMask != 0)
            {
                return maskStart + BitOperations.TrailingZeroCount(_scanMask);
            }
        }
    }

    /// <summary>Bit k set when the character at <paramref name="start"/> + k (k &lt; 32) is a delimiter, line break or quote.</summary>
    private uint SpecialMask(int start)
    {
        ref ushort first = ref Unsafe.As<char, ushort>(ref _buffer[start]);
        var delimiter = Vector128.Create((ushort)_delimiter);
        var newline = Vector128.Create((ushort)'\n');
        var carriageReturn = Vector128.Create((ushort)'\r');
        var quote = Vector128.Create((ushort)'"');
        uint mask = 0;
        for (int part = 0; part < ScanWidth / Vector128<ushort>.Count; part++)
        {
            var chars = Vector128.LoadUnsafe(ref first, (nuint)(part * Vector128<ushort>.Count));
            var special = Vector128.Equals(chars, delimiter) | Vector128.Equals(chars, newline)
                | Vector128.Equals(chars, carriageReturn) | Vector128.Equals(chars, quote);
            mask |= special.ExtractMostSignificantBits() << (part * Vector128<ushort>.Count);
        }

        return mask;
    }

    /// <summary>
    /// Reads a quoted field after its opening quote, through the closing quote and any whitespace after it,
    /// writing its unescaped text from <paramref name="fieldStart"/> (relative to the record); returns where the text ends.
    /// </summary>
    private int ReadQuoted(int fieldStart)
    {
        int written = fieldStart;
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

            // The write position trails the read position (the opening quote alone keeps it one behind).
            _buffer[_recordStart + written++] = (char)c;
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

        return written;
    }

    private DataFormatException Error(string what)
    {
        string column = DescribeColumn(Header, FieldCount);
        return new DataFormatException($"{_source}: line {RecordLine}, column {column}: {what}", _source, RecordLine, column);
    }

    private void EndLine(char c)
    {
        if (c == '\r' && Peek() == '\n')
        {
            _position++;
        }

        _line++;
    }

    private void EndField(int start, int end)
    {
        if (FieldCount == _fieldStarts.Length)
        {
            Array.Resize(ref _fieldStarts, FieldCount * 2);
            Array.Resize(ref _fieldEnds, FieldCount * 2);
        }

        _fieldStarts[FieldCount] = start;
        _fieldEnds[FieldCount] = end;
        FieldCount++;
    }

    private int Peek() => _position < _length || Fill() ? _buffer[_position] : -1;

    private int Read() => _position < _length || Fill() ? _buffer[_position++] : -1;

    /// <summary>
    /// Reads more text after the unread part, keeping the current record: moves the record to the front of the
    /// buffer (doubling the buffer when the record fills it). False at the end of the text.
    /// </summary>
    private bool Fill()
    {
        int kept = _length - _recordStart;
        if (_recordStart == 0 && _length == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        else if (_recordStart > 0)
        {
            Array.Copy(_buffer, _recordStart, _buffer, 0, kept);
            _position -= _recordStart;
            _recordStart = 0;
        }

        _scanEnd = _position;
        _scanMask = 0;

        _length = kept;
        int read = _reader.Read(_buffer, _length, _buffer.Length - _length);
        _length += read;
        return read > 0;
    }
}
