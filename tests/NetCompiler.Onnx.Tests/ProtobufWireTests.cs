namespace NetCompiler.Onnx.Tests;

/// <summary>The protobuf wire encoding, byte for byte, against values worked out by hand from the protobuf encoding rules.</summary>
public class ProtobufWireTests
{
    [Fact]
    public void Varint150IsTheSpecExample()
    {
        // Field 1, wire type 0: tag 0x08; 150 = 0b1_0010110 → 0x96 0x01.
        var writer = new ProtoWriter();
        writer.WriteInt64(1, 150);

        Assert.Equal(Convert.FromHexString("089601"), writer.ToArray());
    }

    [Fact]
    public void NegativeInt64TakesTenBytes()
    {
        // -1 as a 64-bit two's complement varint: nine 0xFF then 0x01.
        var writer = new ProtoWriter();
        writer.WriteInt64(2, -1);

        Assert.Equal(Convert.FromHexString("10FFFFFFFFFFFFFFFFFF01"), writer.ToArray());
    }

    [Fact]
    public void FloatIsFixed32LittleEndian()
    {
        // Field 2, wire type 5: tag 0x15; 1.0f = 0x3F800000.
        var writer = new ProtoWriter();
        writer.WriteFloat(2, 1f);

        Assert.Equal(Convert.FromHexString("150000803F"), writer.ToArray());
    }

    [Fact]
    public void StringIsLengthDelimitedUtf8()
    {
        var writer = new ProtoWriter();
        writer.WriteString(2, "testing");

        Assert.Equal(Convert.FromHexString("120774657374696E67"), writer.ToArray());
    }

    [Fact]
    public void PackedFloatsAreOneLengthDelimitedRun()
    {
        // Field 4, wire type 2: tag 0x22, length 8, then 1.0f and -2.0f little-endian.
        var writer = new ProtoWriter();
        writer.WritePackedFloats(4, [1f, -2f]);

        Assert.Equal(Convert.FromHexString("22080000803F000000C0"), writer.ToArray());
    }

    [Fact]
    public void LongFieldNeedsATwoByteTag()
    {
        // AttributeProto.type is field 20: (20 << 3) | 0 = 160 → 0xA0 0x01.
        var writer = new ProtoWriter();
        writer.WriteInt64(20, 2);

        Assert.Equal(Convert.FromHexString("A00102"), writer.ToArray());
    }

    [Fact]
    public void ReaderReadsWhatTheWriterWrote()
    {
        var writer = new ProtoWriter();
        writer.WriteInt64(1, long.MinValue);
        writer.WriteFloat(2, -0.375f);
        writer.WriteString(3, "Gemm");
        writer.WritePackedFloats(4, [1.5f, float.NaN]);

        var reader = new ProtoReader(writer.WrittenSpan, 0, "Test");
        Assert.True(reader.TryReadTag(out int field, out var wireType));
        Assert.Equal((1, WireType.Varint), (field, wireType));
        Assert.Equal(long.MinValue, reader.ReadInt64());
        Assert.True(reader.TryReadTag(out field, out wireType));
        Assert.Equal((2, WireType.Fixed32), (field, wireType));
        Assert.Equal(-0.375f, reader.ReadFloat());
        Assert.True(reader.TryReadTag(out field, out _));
        Assert.Equal("Gemm", reader.ReadString());
        Assert.True(reader.TryReadTag(out field, out _));
        var floats = new List<float>();
        reader.ReadRepeatedFloat(floats, "floats");
        Assert.Equal([1.5f, float.NaN], floats);
        Assert.False(reader.TryReadTag(out _, out _));
    }

    [Fact]
    public void RepeatedScalarsAreReadPackedOrNot()
    {
        // TensorProto: dims 2 and 3 unpacked (0x08 0x02, 0x08 0x03), then dims 4, 5 packed (0x0A 0x02 0x04 0x05);
        // float_data 1.0 unpacked (0x25 ...), then 2.0 packed (0x22 0x04 ...); data_type FLOAT (0x10 0x01).
        var bytes = Convert.FromHexString("08020803" + "0A020405" + "250000803F" + "220400000040" + "1001");
        var model = OnnxSerializer.Decode(WrapTensorInModel(bytes));

        var tensor = Assert.Single(model.Graph!.Initializers);
        Assert.Equal([2L, 3L, 4L, 5L], tensor.Dims);
        Assert.Equal([1f, 2f], tensor.FloatData);
        Assert.Equal(1, tensor.DataType);
    }

    [Fact]
    public void UnknownFieldsAreSkipped()
    {
        // ModelProto: doc_string (field 6, "hi"), model_version (field 5, 7), a fixed64 field 99, then ir_version 8.
        var bytes = Convert.FromHexString("32026869" + "2807" + "99060102030405060708" + "0808");

        var model = OnnxSerializer.Decode(bytes);

        Assert.Equal(8, model.IrVersion);
    }

    private static byte[] WrapTensorInModel(byte[] tensor)
    {
        var graph = new ProtoWriter();
        graph.WriteBytes(5, tensor);
        var model = new ProtoWriter();
        model.WriteMessage(7, graph);
        return model.ToArray();
    }
}
