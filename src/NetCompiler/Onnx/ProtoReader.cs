using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace NetCompiler.Onnx;

/// <summary>
/// A minimal protobuf decoder over one message's bytes. Every read is bounds-checked: a truncated
/// value, an invalid wire type or a length that runs past the end of the message throws
/// <see cref="InvalidDataException"/> naming the absolute byte offset, before anything is allocated.
/// </summary>
internal ref struct ProtoReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private readonly long _origin;
    private readonly string _message;
    private int _position;
    private long _tagOffset;
    private int _field;
    private WireType _wireType;

    /// <param name="data">The message's bytes.</param>
    /// <param name="origin">The offset of <paramref name="data"/>[0] in the whole file, for error messages.</param>
    /// <param name="message">The message type, for error messages (e.g. <c>TensorProto</c>).</param>
    public ProtoReader(ReadOnlySpan<byte> data, long origin, string message)
    {
        _data = data;
        _origin = origin;
        _message = message;
    }

    private readonly long Offset => _origin + _position;

    /// <summary>Reads the next field's tag; false at the end of the message.</summary>
    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (_position >= _data.Length)
        {
            field = 0;
            wireType = default;
            return false;
        }

        _tagOffset = Offset;
        ulong tag = ReadVarint();
        if (tag >> 3 is 0 or > int.MaxValue)
        {
            Fail(_tagOffset, $"{_message} has a field tag with the invalid field number {tag >> 3}");
        }

        field = (int)(tag >> 3);
        int type = (int)(tag & 7);
        switch (type)
        {
            case (int)WireType.Varint or (int)WireType.Fixed64 or (int)WireType.LengthDelimited or (int)WireType.Fixed32:
                break;
            case (int)WireType.StartGroup or (int)WireType.EndGroup:
                Fail(_tagOffset, $"field {field} of {_message} uses the group wire type {type}, which ONNX does not use");
                break;
            default:
                Fail(_tagOffset, $"field {field} of {_message} has the invalid wire type {type}");
                break;
        }

        _field = field;
        _wireType = wireType = (WireType)type;
        return true;
    }

    /// <summary>Throws unless the current field has the wire type its definition requires.</summary>
    public readonly void Expect(WireType expected, string fieldName)
    {
        if (_wireType != expected)
        {
            Fail(_tagOffset, $"field {_field} ({fieldName}) of {_message} has wire type {(int)_wireType} ({_wireType}) but must have {(int)expected} ({expected})");
        }
    }

    public ulong ReadVarint()
    {
        long start = Offset;
        ulong result = 0;
        for (int index = 0; ; index++)
        {
            if (_position >= _data.Length)
            {
                Fail(start, $"a varint in {_message} is truncated: the data ends after {index} of its bytes");
            }

            byte b = _data[_position++];
            if (index == 9 && b > 1)
            {
                Fail(start, $"a varint in {_message} is longer than 64 bits");
            }

            result |= (ulong)(b & 0x7F) << (7 * index);
            if (b < 0x80)
            {
                return result;
            }
        }
    }

    public long ReadInt64() => (long)ReadVarint();

    public int ReadInt32(string fieldName)
    {
        long start = Offset;
        long value = ReadInt64();
        if (value is < int.MinValue or > int.MaxValue)
        {
            Fail(start, $"field {_field} ({fieldName}) of {_message} holds {value}, which is not an int32");
        }

        return (int)value;
    }

    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(ReadFixed(4));

    /// <summary>Reads a length-delimited value: a varint length, checked against the bytes left before it is used.</summary>
    public ReadOnlySpan<byte> ReadLengthDelimited(out long valueOffset)
    {
        long start = Offset;
        ulong length = ReadVarint();
        int remaining = _data.Length - _position;
        if (length > (ulong)remaining)
        {
            Fail(start, $"field {_field} of {_message} declares a length of {length} bytes but only {remaining} are left");
        }

        valueOffset = Offset;
        var value = _data.Slice(_position, (int)length);
        _position += (int)length;
        return value;
    }

    /// <summary>Reads an embedded message as a reader of its own.</summary>
    public ProtoReader ReadMessage(string message)
    {
        var bytes = ReadLengthDelimited(out long offset);
        return new ProtoReader(bytes, offset, message);
    }

    public string ReadString()
    {
        var bytes = ReadLengthDelimited(out long offset);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            Fail(offset, $"field {_field} of {_message} is a string that is not valid UTF-8");
            return string.Empty;
        }
    }

    public byte[] ReadBytes() => ReadLengthDelimited(out _).ToArray();

    /// <summary>Appends a repeated float field, packed (one length-delimited run) or not (one fixed32 per value).</summary>
    public void ReadRepeatedFloat(List<float> values, string fieldName)
    {
        if (_wireType == WireType.Fixed32)
        {
            values.Add(ReadFloat());
            return;
        }

        Expect(WireType.LengthDelimited, fieldName);
        var packed = ReadLengthDelimited(out long offset);
        if (packed.Length % 4 != 0)
        {
            Fail(offset, $"field {_field} ({fieldName}) of {_message} holds packed floats in {packed.Length} bytes, which is not a multiple of 4");
        }

        values.EnsureCapacity(values.Count + (packed.Length / 4));
        for (int i = 0; i < packed.Length; i += 4)
        {
            values.Add(BinaryPrimitives.ReadSingleLittleEndian(packed.Slice(i, 4)));
        }
    }

    /// <summary>
    /// Appends a repeated int64 field, packed (one length-delimited run of varints) or not. Stops after appending
    /// <paramref name="maxValues"/> values, leaving the rest of a packed run unread, so a caller that bounds the values it
    /// accepts never has more than one over its bound appended.
    /// </summary>
    public void ReadRepeatedInt64(List<long> values, string fieldName, int maxValues = int.MaxValue)
    {
        if (_wireType == WireType.Varint)
        {
            values.Add(ReadInt64());
            return;
        }

        Expect(WireType.LengthDelimited, fieldName);
        var packed = ReadMessage(_message);
        for (int added = 0; added < maxValues && packed._position < packed._data.Length; added++)
        {
            values.Add(packed.ReadInt64());
        }
    }

    /// <summary>Skips the current field's value (fields this reader does not need).</summary>
    public void Skip()
    {
        switch (_wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                ReadFixed(8);
                break;
            case WireType.Fixed32:
                ReadFixed(4);
                break;
            default:
                ReadLengthDelimited(out _);
                break;
        }
    }

    private ReadOnlySpan<byte> ReadFixed(int size)
    {
        if (_data.Length - _position < size)
        {
            Fail(Offset, $"a {size * 8}-bit value of field {_field} in {_message} is truncated: only {_data.Length - _position} bytes are left");
        }

        var value = _data.Slice(_position, size);
        _position += size;
        return value;
    }

    [DoesNotReturn]
    private static void Fail(long offset, string message) => throw new InvalidDataException($"Malformed ONNX data at byte {offset}: {message}.");
}
