using System.Buffers.Binary;
using System.Globalization;

namespace NetCompiler.Onnx;

// The subset of onnx.proto NetCompiler reads and writes, as plain objects. Field numbers are in
// OnnxSerializer; every other field of the real messages is skipped when reading.

/// <summary>ModelProto: the file's top-level message.</summary>
internal sealed class OnnxModel
{
    public long IrVersion { get; set; }

    public string ProducerName { get; set; } = string.Empty;

    public string ProducerVersion { get; set; } = string.Empty;

    public OnnxGraph? Graph { get; set; }

    public List<OnnxOperatorSet> OperatorSets { get; } = [];
}

/// <summary>OperatorSetIdProto: an operator set the graph's nodes bind to ("" is the default ONNX domain).</summary>
internal sealed record OnnxOperatorSet(string Domain, long Version);

/// <summary>GraphProto: nodes in topological order, constant tensors, and the graph's inputs and outputs.</summary>
internal sealed class OnnxGraph
{
    public string Name { get; set; } = string.Empty;

    public List<OnnxNode> Nodes { get; } = [];

    public List<OnnxTensor> Initializers { get; } = [];

    public List<OnnxValueInfo> Inputs { get; } = [];

    public List<OnnxValueInfo> Outputs { get; } = [];
}

/// <summary>NodeProto: one operator application.</summary>
internal sealed class OnnxNode
{
    public OnnxNode()
    {
    }

    public OnnxNode(string opType, string name, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
    {
        OpType = opType;
        Name = name;
        Inputs.AddRange(inputs);
        Outputs.AddRange(outputs);
        Attributes.AddRange(attributes);
    }

    public List<string> Inputs { get; } = [];

    public List<string> Outputs { get; } = [];

    public string Name { get; set; } = string.Empty;

    public string OpType { get; set; } = string.Empty;

    public string Domain { get; set; } = string.Empty;

    public List<OnnxAttribute> Attributes { get; } = [];

    /// <summary>True for the default ONNX operator set (<c>""</c> or <c>ai.onnx</c>).</summary>
    public bool IsDefaultDomain => Domain is "" or "ai.onnx";

    /// <summary>The node's position in its graph's node list (0-based), or -1 for a node not read from a file.</summary>
    public int Index { get; set; } = -1;

    /// <summary>
    /// How error messages name the node: <c>'name' (OpType)</c>; a node without a name by its first output,
    /// <c>OpType producing 'output'</c>, and one with neither by its position, <c>OpType (node 3 of the graph)</c>.
    /// </summary>
    public string Display =>
        Name.Length > 0 ? $"'{Name}' ({OpType})"
        : Outputs.Count > 0 && Outputs[0].Length > 0 ? $"{OpType} producing '{Outputs[0]}'"
        : Index >= 0 ? $"{OpType} (node {Index + 1} of the graph)"
        : $"{OpType} without a name or an output";

    public OnnxAttribute? FindAttribute(string name) => Attributes.LastOrDefault(a => a.Name == name);

    public long GetInt(string name, long defaultValue) => FindAttribute(name) is { } a ? a.I : defaultValue;

    public float GetFloat(string name, float defaultValue) => FindAttribute(name) is { } a ? a.F : defaultValue;

    public string GetString(string name, string defaultValue) =>
        FindAttribute(name) is { } a ? System.Text.Encoding.UTF8.GetString(a.S) : defaultValue;
}

/// <summary>AttributeProto.AttributeType.</summary>
internal enum OnnxAttributeType
{
    Undefined = 0,
    Float = 1,
    Int = 2,
    String = 3,
    Tensor = 4,
    Graph = 5,
    Floats = 6,
    Ints = 7,
}

/// <summary>AttributeProto: a named attribute of a node; <see cref="Type"/> says which value field is used.</summary>
internal sealed class OnnxAttribute
{
    public string Name { get; set; } = string.Empty;

    public OnnxAttributeType Type { get; set; }

    public float F { get; set; }

    public long I { get; set; }

    public byte[] S { get; set; } = [];

    public OnnxTensor? T { get; set; }

    public List<float> Floats { get; } = [];

    public List<long> Ints { get; } = [];

    public static OnnxAttribute Float(string name, float value) => new() { Name = name, Type = OnnxAttributeType.Float, F = value };

    public static OnnxAttribute Int(string name, long value) => new() { Name = name, Type = OnnxAttributeType.Int, I = value };

    public static OnnxAttribute String(string name, string value) =>
        new() { Name = name, Type = OnnxAttributeType.String, S = System.Text.Encoding.UTF8.GetBytes(value) };

    public static OnnxAttribute Tensor(string name, OnnxTensor value) => new() { Name = name, Type = OnnxAttributeType.Tensor, T = value };

    public static OnnxAttribute IntList(string name, params long[] values)
    {
        var attribute = new OnnxAttribute { Name = name, Type = OnnxAttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}

/// <summary>TensorProto.DataType values NetCompiler meets.</summary>
internal enum OnnxDataType
{
    Undefined = 0,
    Float = 1,
    Int32 = 6,
    Int64 = 7,
    Bool = 9,
    Double = 11,
}

/// <summary>TensorProto: a constant tensor, its values in <see cref="FloatData"/> or little-endian in <see cref="RawData"/>.</summary>
internal sealed class OnnxTensor
{
    public string Name { get; set; } = string.Empty;

    public List<long> Dims { get; } = [];

    public int DataType { get; set; }

    public List<float> FloatData { get; } = [];

    public byte[]? RawData { get; set; }

    /// <summary>TensorProto.int32_data (also BOOL values) and int64_data, widened to long: the integers of a shape or flag constant.</summary>
    public List<long> IntegerData { get; } = [];

    /// <summary>TensorProto.data_location: 1 (EXTERNAL) means the values are in another file, described by <see cref="ExternalData"/>.</summary>
    public int DataLocation { get; set; }

    /// <summary>TensorProto.external_data: where the values are when <see cref="DataLocation"/> is EXTERNAL (keys <c>location</c>, <c>offset</c>, <c>length</c>).</summary>
    public List<KeyValuePair<string, string>> ExternalData { get; } = [];

    /// <summary>Whether the values are stored in a side file.</summary>
    public bool IsExternal => DataLocation == 1;

    /// <summary>A float tensor whose values are stored in raw_data (as PyTorch writes them).</summary>
    public static OnnxTensor FromFloatsRaw(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var raw = new byte[values.Length * 4];
        ProtoWriter.WriteLittleEndianFloats(values, raw);
        var tensor = new OnnxTensor { Name = name, DataType = (int)OnnxDataType.Float, RawData = raw };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    /// <summary>A DOUBLE tensor whose values are stored little-endian in raw_data.</summary>
    public static OnnxTensor FromDoublesRaw(string name, ReadOnlySpan<double> values, params long[] dims)
    {
        var raw = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(raw.AsSpan(i * 8, 8), values[i]);
        }

        var tensor = new OnnxTensor { Name = name, DataType = (int)OnnxDataType.Double, RawData = raw };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    /// <summary>A float tensor whose values are stored in the packed float_data field.</summary>
    public static OnnxTensor FromFloatsPacked(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = new OnnxTensor { Name = name, DataType = (int)OnnxDataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }

    /// <summary>The number of elements, the product of the dimensions (1 for a scalar).</summary>
    public long ElementCount()
    {
        long count = 1;
        foreach (long dim in Dims)
        {
            if (dim < 0 || (dim > 0 && count > int.MaxValue / dim))
            {
                throw new InvalidDataException($"Tensor '{Name}' has the dimensions {DimensionsText()}, which are negative or hold more than {int.MaxValue} elements.");
            }

            count *= dim;
        }

        return count;
    }

    /// <summary>The values of a FLOAT tensor, checked against its dimensions; bit patterns are kept.</summary>
    public float[] ToFloats()
    {
        if (DataType != (int)OnnxDataType.Float)
        {
            throw new InvalidDataException($"Tensor '{Name}' has data type {DescribeDataType(DataType)}; NetCompiler reads FLOAT (1) weights only.");
        }

        CheckStoredInline();
        int count = (int)ElementCount();
        if (RawData is not null)
        {
            if (RawData.Length != (long)count * 4)
            {
                throw new InvalidDataException($"Tensor '{Name}' has the dimensions {DimensionsText()} ({count} floats, {(long)count * 4} bytes) but its raw_data holds {RawData.Length} bytes.");
            }

            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(RawData.AsSpan(i * 4, 4));
            }

            return values;
        }

        if (FloatData.Count != count)
        {
            throw new InvalidDataException($"Tensor '{Name}' has the dimensions {DimensionsText()} ({count} floats) but its float_data holds {FloatData.Count}.");
        }

        return [.. FloatData];
    }

    /// <summary>
    /// The values of a FLOAT tensor widened (exactly) to double, or of a DOUBLE tensor stored in raw_data, checked against
    /// its dimensions; bit patterns are kept.
    /// </summary>
    public double[] ToDoubles()
    {
        if (DataType != (int)OnnxDataType.Double)
        {
            return DataType == (int)OnnxDataType.Float
                ? [.. ToFloats().Select(value => (double)value)]
                : throw new InvalidDataException($"Tensor '{Name}' has data type {DescribeDataType(DataType)}; NetCompiler reads FLOAT (1) or DOUBLE (11) weights only.");
        }

        CheckStoredInline();
        int count = (int)ElementCount();
        if (RawData is null || RawData.Length != (long)count * 8)
        {
            throw new InvalidDataException($"Tensor '{Name}' has the dimensions {DimensionsText()} ({count} doubles, {(long)count * 8} bytes) but its raw_data holds {RawData?.Length ?? 0} bytes (NetCompiler reads DOUBLE tensors from raw_data).");
        }

        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadDoubleLittleEndian(RawData.AsSpan(i * 8, 8));
        }

        return values;
    }

    /// <summary>The value of a one-element numeric tensor (an operand such as the 3 of <c>Pow(x, 3)</c>), or null.</summary>
    public double? TryGetScalar()
    {
        if (DataLocation != 0 || Dims.Any(dim => dim != 1))
        {
            return null;
        }

        return (OnnxDataType)DataType switch
        {
            OnnxDataType.Float => ToFloats()[0],
            OnnxDataType.Double when RawData is { Length: 8 } => BinaryPrimitives.ReadDoubleLittleEndian(RawData),
            OnnxDataType.Int64 or OnnxDataType.Int32 or OnnxDataType.Bool => TryGetIntegers() is [long value] ? value : null,
            _ => null,
        };
    }

    /// <summary>
    /// The values of a scalar or vector INT64, INT32 or BOOL tensor stored in the model (raw_data, int64_data or
    /// int32_data), as shape and flag constants are; null for another type or rank, external values, a vector of more
    /// than 64 values, or a count that disagrees with the dimensions.
    /// </summary>
    public long[]? TryGetIntegers()
    {
        int width = (OnnxDataType)DataType switch
        {
            OnnxDataType.Int64 => 8,
            OnnxDataType.Int32 => 4,
            OnnxDataType.Bool => 1,
            _ => 0,
        };
        long count = Dims.Count == 0 ? 1 : Dims[0];
        if (width == 0 || DataLocation != 0 || Dims.Count > 1 || count is < 0 or > 64)
        {
            return null;
        }

        if (RawData is not null)
        {
            if (RawData.Length != count * width)
            {
                return null;
            }

            var values = new long[count];
            for (int i = 0; i < values.Length; i++)
            {
                var bytes = RawData.AsSpan(i * width, width);
                values[i] = width switch
                {
                    8 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
                    4 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
                    _ => bytes[0],
                };
            }

            return values;
        }

        return IntegerData.Count == count ? [.. IntegerData] : null;
    }

    /// <summary>The dimensions for messages, e.g. <c>[2, 3]</c>; at most eight, then how many more, so a hostile tensor cannot make a message huge.</summary>
    private string DimensionsText() =>
        Dims.Count <= 8
            ? $"[{string.Join(", ", Dims)}]"
            : $"[{string.Join(", ", Dims.Take(8))} and {Dims.Count - 8} more]";

    private void CheckStoredInline()
    {
        if (DataLocation != 0)
        {
            throw new InvalidDataException($"Tensor '{Name}' keeps its values in an external file that was not read; load the model from its file (OnnxImporter.Load(net, path)) so the side file next to it is read.");
        }
    }

    internal static string DescribeDataType(int dataType) =>
        Enum.IsDefined((OnnxDataType)dataType)
            ? $"{((OnnxDataType)dataType).ToString().ToUpperInvariant()} ({dataType})"
            : dataType.ToString(CultureInfo.InvariantCulture);
}

/// <summary>ValueInfoProto with a tensor type: a graph input's or output's name, element type and (optional) shape.</summary>
internal sealed class OnnxValueInfo
{
    public string Name { get; set; } = string.Empty;

    /// <summary>TypeProto.Tensor.elem_type, or 0 when no tensor type is given.</summary>
    public int ElementType { get; set; }

    /// <summary>The dimensions, or null when the shape is not given.</summary>
    public List<OnnxDimension>? Shape { get; set; }

    public static OnnxValueInfo Tensor(string name, OnnxDataType elementType, params OnnxDimension[] shape) =>
        new() { Name = name, ElementType = (int)elementType, Shape = [.. shape] };
}

/// <summary>TensorShapeProto.Dimension: a fixed size, a symbolic name, or neither (unknown).</summary>
internal readonly record struct OnnxDimension(long? Value, string? Parameter)
{
    public static implicit operator OnnxDimension(long value) => new(value, null);

    public static implicit operator OnnxDimension(string parameter) => new(null, parameter);

    public override string ToString() => Value?.ToString(CultureInfo.InvariantCulture) ?? Parameter ?? "?";
}
