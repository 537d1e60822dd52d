using System.Buffers.Binary;
using System.Text;

namespace NetCompiler.Onnx;

/// <summary>The protobuf wire types (the low three bits of a field's tag).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// A minimal protobuf encoder: each field is a tag <c>(field &lt;&lt; 3) | wire type</c> as a varint,
/// then the value (a varint, four little-endian bytes, or a varint length and that many bytes).
/// A nested message is written to its own writer and then embedded as a length-delimited field.
/// </summary>
internal sealed class ProtoWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => WrittenSpan.ToArray();

    public void WriteTag(int field, WireType wireType) => WriteVarint(((ulong)(uint)field << 3) | (uint)wireType);

    /// <summary>Seven bits per byte, least significant group first; the high bit marks "more bytes follow".</summary>
    public void WriteVarint(ulong value)
    {
        Span<byte> destination = Reserve(10);
        int count = 0;
        while (value >= 0x80)
        {
            destination[count++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[count++] = (byte)value;
        _length += count;
    }

    /// <summary>An int32/int64/enum field. Negative values take ten bytes (two's complement as a 64-bit varint).</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireType.Varint);
        WriteVarint((ulong)value);
    }

    public void WriteFloat(int field, float value)
    {
        WriteTag(field, WireType.Fixed32);
        BinaryPrimitives.WriteSingleLittleEndian(Reserve(4), value);
        _length += 4;
    }

    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        value.CopyTo(Reserve(value.Length));
        _length += value.Length;
    }

    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    public void WriteMessage(int field, ProtoWriter message) => WriteBytes(field, message.WrittenSpan);

    /// <summary>A packed repeated float: one length-delimited field holding four little-endian bytes per value.</summary>
    public void WritePackedFloats(int field, ReadOnlySpan<float> values)
    {
        WriteTag(field, WireType.LengthDelimited);
        WriteVarint((ulong)values.Length * 4);
        WriteLittleEndianFloats(values, Reserve(values.Length * 4));
        _length += values.Length * 4;
    }

    /// <summary>Writes <paramref name="values"/> as little-endian IEEE 754 singles (bit patterns kept, NaN payloads included).</summary>
    public static void WriteLittleEndianFloats(ReadOnlySpan<float> values, Span<byte> destination)
    {
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(destination.Slice(i * 4, 4), values[i]);
        }
    }

    private Span<byte> Reserve(int count)
    {
        int required = checked(_length + count);
        if (required > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(required, checked(_buffer.Length * 2)));
        }

        return _buffer.AsSpan(_length, count);
    }
}
