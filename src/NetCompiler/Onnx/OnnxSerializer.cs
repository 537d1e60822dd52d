namespace NetCompiler.Onnx;

/// <summary>
/// Encodes and decodes <see cref="OnnxModel"/> in the ONNX protobuf format. Field numbers are those of
/// onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto,
/// TypeProto, TensorShapeProto, OperatorSetIdProto). Fields are written in field-number order;
/// fields NetCompiler does not use are skipped when reading.
/// </summary>
internal static class OnnxSerializer
{
    /// <summary>The largest model, in bytes, the importer reads (1 GiB; protobuf itself stops at 2 GiB).</summary>
    public const int MaxModelBytes = 1 << 30;

    /// <summary>The most nodes a graph may have (131 072): a dense layer takes one to a dozen, so this allows thousands of layers.</summary>
    public const int MaxNodeCount = 1 << 17;

    /// <summary>
    /// The most entries a model may hold (1 048 576): its messages (graph, nodes, attributes, tensors, inputs, outputs,
    /// dimensions, operator sets), the input and output names of its nodes and its repeated integers. Each costs the
    /// decoder tens of bytes of memory for the one or two bytes it takes in the file; tensor values (raw_data and
    /// float_data) are not entries, so the bound does not limit the size of weights.
    /// </summary>
    public const int MaxEntryCount = 1 << 20;

    public static byte[] Encode(OnnxModel model)
    {
        var writer = new ProtoWriter();
        writer.WriteInt64(1, model.IrVersion);                    // ModelProto.ir_version
        writer.WriteString(2, model.ProducerName);                // ModelProto.producer_name
        writer.WriteString(3, model.ProducerVersion);             // ModelProto.producer_version
        if (model.Graph is not null)
        {
            writer.WriteMessage(7, EncodeGraph(model.Graph));     // ModelProto.graph
        }

        foreach (var opset in model.OperatorSets)
        {
            var set = new ProtoWriter();
            if (opset.Domain.Length > 0)
            {
                set.WriteString(1, opset.Domain);                 // OperatorSetIdProto.domain
            }

            set.WriteInt64(2, opset.Version);                     // OperatorSetIdProto.version
            writer.WriteMessage(8, set);                          // ModelProto.opset_import
        }

        return writer.ToArray();
    }

    /// <summary>
    /// Decodes a model, refusing with <see cref="InvalidDataException"/> data longer than <see cref="MaxModelBytes"/>, a graph
    /// of more than <see cref="MaxNodeCount"/> nodes, or more than <see cref="MaxEntryCount"/> entries in all, before it
    /// allocates for them: what a file can make the decoder allocate is bounded by a small multiple of its length.
    /// </summary>
    public static OnnxModel Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxModelBytes)
        {
            throw TooLarge($"The ONNX model is {data.Length} bytes long; NetCompiler reads models of at most {MaxModelBytes} bytes (OnnxImporter.MaxModelBytes).");
        }

        var model = new OnnxModel();
        var budget = new Budget();
        var reader = new ProtoReader(data, 0, "ModelProto");
        while (reader.TryReadTag(out int field, out _))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(WireType.Varint, "ir_version");
                    model.IrVersion = reader.ReadInt64();
                    break;
                case 2:
                    reader.Expect(WireType.LengthDelimited, "producer_name");
                    model.ProducerName = reader.ReadString();
                    break;
                case 3:
                    reader.Expect(WireType.LengthDelimited, "producer_version");
                    model.ProducerVersion = reader.ReadString();
                    break;
                case 7:
                    reader.Expect(WireType.LengthDelimited, "graph");
                    budget.Take(1);
                    model.Graph = DecodeGraph(reader.ReadMessage("GraphProto"), budget);
                    break;
                case 8:
                    reader.Expect(WireType.LengthDelimited, "opset_import");
                    budget.Take(1);
                    model.OperatorSets.Add(DecodeOperatorSet(reader.ReadMessage("OperatorSetIdProto")));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return model;
    }

    private static ProtoWriter EncodeGraph(OnnxGraph graph)
    {
        var writer = new ProtoWriter();
        foreach (var node in graph.Nodes)
        {
            writer.WriteMessage(1, EncodeNode(node));             // GraphProto.node
        }

        writer.WriteString(2, graph.Name);                        // GraphProto.name
        foreach (var tensor in graph.Initializers)
        {
            writer.WriteMessage(5, EncodeTensor(tensor));         // GraphProto.initializer
        }

        foreach (var input in graph.Inputs)
        {
            writer.WriteMessage(11, EncodeValueInfo(input));      // GraphProto.input
        }

        foreach (var output in graph.Outputs)
        {
            writer.WriteMessage(12, EncodeValueInfo(output));     // GraphProto.output
        }

        return writer;
    }

    private static OnnxGraph DecodeGraph(ProtoReader reader, Budget budget)
    {
        var graph = new OnnxGraph();
        while (reader.TryReadTag(out int field, out _))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(WireType.LengthDelimited, "node");
                    if (graph.Nodes.Count == MaxNodeCount)
                    {
                        throw TooLarge($"The ONNX graph has more than {MaxNodeCount} nodes; NetCompiler reads graphs of at most {MaxNodeCount} nodes (OnnxImporter.MaxNodeCount).");
                    }

                    budget.Take(1);
                    var node = DecodeNode(reader.ReadMessage("NodeProto"), budget);
                    node.Index = graph.Nodes.Count;
                    graph.Nodes.Add(node);
                    break;
                case 2:
                    reader.Expect(WireType.LengthDelimited, "name");
                    graph.Name = reader.ReadString();
                    break;
                case 5:
                    reader.Expect(WireType.LengthDelimited, "initializer");
                    budget.Take(1);
                    graph.Initializers.Add(DecodeTensor(reader.ReadMessage("TensorProto"), budget));
                    break;
                case 11:
                    reader.Expect(WireType.LengthDelimited, "input");
                    budget.Take(1);
                    graph.Inputs.Add(DecodeValueInfo(reader.ReadMessage("ValueInfoProto"), budget));
                    break;
                case 12:
                    reader.Expect(WireType.LengthDelimited, "output");
                    budget.Take(1);
                    graph.Outputs.Add(DecodeValueInfo(reader.ReadMessage("ValueInfoProto"), budget));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return graph;
    }

    private static OnnxOperatorSet DecodeOperatorSet(ProtoReader reader)
    {
        string domain = string.Empty;
        long version = 0;
        while (reader.TryReadTag(out int field, out _))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(WireType.LengthDelimited, "domain");
                    domain = reader.ReadString();
                    break;
                case 2:
                    reader.Expect(WireType.Varint, "version");
                    version = reader.ReadInt64();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new OnnxOperatorSet(domain, version);
    }

    private static ProtoWriter EncodeNode(OnnxNode node)
    {
        var writer = new ProtoWriter();
        foreach (string input in node.Inputs)
        {
            writer.WriteString(1, input);                         // NodeProto.input
        }

        foreach (string output in node.Outputs)
        {
            writer.WriteString(2, output);                        // NodeProto.output
        }

        if (node.Name.Length > 0)
        {
            writer.WriteString(3, node.Name);                     // NodeProto.name
        }

        writer.WriteString(4, node.OpType);                       // NodeProto.op_type
        foreach (var attribute in node.Attributes)
        {
            writer.WriteMessage(5, EncodeAttribute(attribute));   // NodeProto.attribute
        }

        if (node.Domain.Length > 0)
        {
            writer.WriteString(7, node.Domain);                   // NodeProto.domain
        }

        return writer;
    }

    private static OnnxNode DecodeNode(ProtoReader reader, Budget budget)
    {
        var node = new OnnxNode();
        while (reader.TryReadTag(out int field, out _))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(WireType.LengthDelimited, "input");
                    budget.Take(1);
                    node.Inputs.Add(reader.ReadString());
                    break;
                case 2:
                    reader.Expect(WireType.LengthDelimited, "output");
                    budget.Take(1);
                    node.Outputs.Add(reader.ReadString());
                    break;
                case 3:
                    reader.Expect(WireType.LengthDelimited, "name");
                    node.Name = reader.ReadString();
                    break;
                case 4:
                    reader.Expect(WireType.LengthDelimited, "op_type");
                    node.OpType = reader.ReadString();
                    break;
                case 5:
                    reader.Expect(WireType.LengthDelimited, "attribute");
                    budget.Take(1);
                    node.Attributes.Add(DecodeAttribute(reader.ReadMessage("AttributeProto"), budget));
                    break;
                case 7:
                    reader.Expect(WireType.LengthDelimited, "domain");
                    node.Domain = reader.ReadString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return node;
    }

    private static ProtoWriter EncodeAttribute(OnnxAttribute attribute)
    {
        var writer = new ProtoWriter();
        writer.WriteString(1, attribute.Name);                    // AttributeProto.name
        switch (attribute.Type)
        {
            case OnnxAttributeType.Float:
                writer.WriteFloat(2, attribute.F);                // AttributeProto.f
                break;
            case OnnxAttributeType.Int:
                writer.WriteInt64(3, attribute.I);                // AttributeProto.i
                break;
            case OnnxAttributeType.String:
                writer.WriteBytes(4, attribute.S);                // AttributeProto.s
                break;
            case OnnxAttributeType.Tensor when attribute.T is not null:
                writer.WriteMessage(5, EncodeTensor(attribute.T)); // AttributeProto.t
                break;
            case OnnxAttributeType.Floats:
                foreach (float value in attribute.Floats)
                {
                    writer.WriteFloat(7, value);                  // AttributeProto.floats
                }

                break;
            case OnnxAttributeType.Ints:
                foreach (long value in attribute.Ints)
                {
                    writer.WriteInt64(8, value);                  // AttributeProto.ints
                }

                break;
            default:
                throw new InvalidOperationException($"Attribute '{attribute.Name}' has type {attribute.Type}, which NetCompiler does not write.");
        }

        writer.WriteInt64(20, (long)attribute.Type);              // AttributeProto.type
        return writer;
    }

    private static OnnxAttribute DecodeAttribute(ProtoReader reader, Budget budget)
    {
        var attribute = new OnnxAttribute();
        while (reader.TryReadTag(out int field, out _))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(WireType.LengthDelimited, "name");
                    attribute.Name = reader.ReadString();
                    break;
                case 2:
                    reader.Expect(WireType.Fixed32, "f");
                    attribute.F = reader.ReadFloat();
                    break;
                case 3:
                    reader.Expect(WireType.Varint, "i");
                    attribute.I = reader.ReadInt64();
                    break;
                case 4:
                    reader.Expect(WireType.LengthDelimited, "s");
                    attribute.S = reader.ReadBytes();
                    break;
                case 5:
                    reader.Expect(WireType.LengthDelimited, "t");
                    budget.Take(1);
                    attribute.T = DecodeTensor(reader.ReadMessage("TensorProto"), budget);
                    break;
                case 7:
                    reader.ReadRepeatedFloat(attribute.Floats, "floats");
                    break;
                case 8:
                    budget.TakeAppended(attribute.Ints, ref reader, "ints");
                    break;
                case 20:
                    reader.Expect(WireType.Varint, "type");
                    attribute.Type = (OnnxAttributeType)reader.ReadInt32("type");
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return attribute;
    }

    private static ProtoWriter EncodeTensor(OnnxTensor tensor)
    {
        var writer = new ProtoWriter();
        foreach (long dim in tensor.Dims)
        {
            writer.WriteInt64(1, dim);                            // TensorProto.dims
        }

        writer.WriteInt64(2, tensor.DataType);                    // TensorProto.data_type
        if (tensor.FloatData.Count > 0)
        {
            writer.WritePackedFloats(4, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tensor.FloatData)); // TensorProto.float_data
        }

        int integerField = tensor.DataType == (int)OnnxDataType.Int64 ? 7 : 5;
        foreach (long value in tensor.IntegerData)
        {
            writer.WriteInt64(integerField, value);               // TensorProto.int64_data or int32_data
        }

        writer.WriteString(8, tensor.Name);                       // TensorProto.name
        if (tensor.RawData is not null)
        {
            writer.WriteBytes(9, tensor.RawData);                 // TensorProto.raw_data
        }

        foreach (var entry in tensor.ExternalData)
        {
            var pair = new ProtoWriter();
            pair.WriteString(1, entry.Key);                       // StringStringEntryProto.key
            pair.WriteString(2, entry.Value);                     // StringStringEntryProto.value
            writer.WriteMessage(13, pair);                        // TensorProto.external_data
        }

        if (tensor.DataLocation != 0)
        {
            writer.WriteInt64(14, tensor.DataLocation);           // TensorProto.data_location
        }

        return writer;
    }

    private static KeyValuePair<string, string> DecodeStringEntry(ProtoReader reader)
    {
        string key = string.Empty, value = string.Empty;
        while (reader.TryReadTag(out int field, out _))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(WireType.LengthDelimited, "key");
                    key = reader.ReadString();
                    break;
                case 2:
                    reader.Expect(WireType.LengthDelimited, "value");
                    value = reader.ReadString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new KeyValuePair<string, string>(key, value);
    }

    private static OnnxTensor DecodeTensor(ProtoReader reader, Budget budget)
    {
        var tensor = new OnnxTensor();
        while (reader.TryReadTag(out int field, out _))
        {
            switch (field)
            {
                case 1:
                    budget.TakeAppended(tensor.Dims, ref reader, "dims");
                    break;
                case 2:
                    reader.Expect(WireType.Varint, "data_type");
                    tensor.DataType = reader.ReadInt32("data_type");
                    break;
                case 4:
                    reader.ReadRepeatedFloat(tensor.FloatData, "float_data");
                    break;
                case 5:
                    budget.TakeAppended(tensor.IntegerData, ref reader, "int32_data");
                    break;
                case 7:
                    budget.TakeAppended(tensor.IntegerData, ref reader, "int64_data");
                    break;
                case 8:
                    reader.Expect(WireType.LengthDelimited, "name");
                    tensor.Name = reader.ReadString();
                    break;
                case 9:
                    reader.Expect(WireType.LengthDelimited, "raw_data");
                    tensor.RawData = reader.ReadBytes();
                    break;
                case 13:
                    reader.Expect(WireType.LengthDelimited, "external_data");
                    budget.Take(1);
                    tensor.ExternalData.Add(DecodeStringEntry(reader.ReadMessage("StringStringEntryProto")));
                    break;
                case 14:
                    reader.Expect(WireType.Varint, "data_location");
                    tensor.DataLocation = reader.ReadInt32("data_location");
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return tensor;
    }

    private static ProtoWriter EncodeValueInfo(OnnxValueInfo info)
    {
        var tensorType = new ProtoWriter();
        tensorType.WriteInt64(1, info.ElementType);               // TypeProto.Tensor.elem_type
        if (info.Shape is not null)
        {
            var shape = new ProtoWriter();
            foreach (var dimension in info.Shape)
            {
                var dim = new ProtoWriter();
                if (dimension.Value is long value)
                {
                    dim.WriteInt64(1, value);                     // Dimension.dim_value
                }
                else if (dimension.Parameter is string parameter)
                {
                    dim.WriteString(2, parameter);                // Dimension.dim_param
                }

                shape.WriteMessage(1, dim);                       // TensorShapeProto.dim
            }

            tensorType.WriteMessage(2, shape);                    // TypeProto.Tensor.shape
        }

        var type = new ProtoWriter();
        type.WriteMessage(1, tensorType);                         // TypeProto.tensor_type
        var writer = new ProtoWriter();
        writer.WriteString(1, info.Name);                         // ValueInfoProto.name
        writer.WriteMessage(2, type);                             // ValueInfoProto.type
        return writer;
    }

    private static OnnxValueInfo DecodeValueInfo(ProtoReader reader, Budget budget)
    {
        var info = new OnnxValueInfo();
        while (reader.TryReadTag(out int field, out _))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(WireType.LengthDelimited, "name");
                    info.Name = reader.ReadString();
                    break;
                case 2:
                    reader.Expect(WireType.LengthDelimited, "type");
                    budget.Take(1);
                    DecodeType(reader.ReadMessage("TypeProto"), info, budget);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return info;
    }

    private static void DecodeType(ProtoReader reader, OnnxValueInfo info, Budget budget)
    {
        while (reader.TryReadTag(out int field, out _))
        {
            if (field != 1)
            {
                reader.Skip();
                continue;
            }

            reader.Expect(WireType.LengthDelimited, "tensor_type");
            budget.Take(1);
            var tensorType = reader.ReadMessage("TypeProto.Tensor");
            while (tensorType.TryReadTag(out int tensorField, out _))
            {
                switch (tensorField)
                {
                    case 1:
                        tensorType.Expect(WireType.Varint, "elem_type");
                        info.ElementType = tensorType.ReadInt32("elem_type");
                        break;
                    case 2:
                        tensorType.Expect(WireType.LengthDelimited, "shape");
                        budget.Take(1);
                        info.Shape = DecodeShape(tensorType.ReadMessage("TensorShapeProto"), budget);
                        break;
                    default:
                        tensorType.Skip();
                        break;
                }
            }
        }
    }

    private static List<OnnxDimension> DecodeShape(ProtoReader reader, Budget budget)
    {
        var dimensions = new List<OnnxDimension>();
        while (reader.TryReadTag(out int field, out _))
        {
            if (field != 1)
            {
                reader.Skip();
                continue;
            }

            reader.Expect(WireType.LengthDelimited, "dim");
            budget.Take(1);
            var dim = reader.ReadMessage("TensorShapeProto.Dimension");
            long? value = null;
            string? parameter = null;
            while (dim.TryReadTag(out int dimField, out _))
            {
                switch (dimField)
                {
                    case 1:
                        dim.Expect(WireType.Varint, "dim_value");
                        value = dim.ReadInt64();
                        parameter = null;
                        break;
                    case 2:
                        dim.Expect(WireType.LengthDelimited, "dim_param");
                        parameter = dim.ReadString();
                        value = null;
                        break;
                    default:
                        dim.Skip();
                        break;
                }
            }

            dimensions.Add(new OnnxDimension(value, parameter));
        }

        return dimensions;
    }

    private static InvalidDataException TooLarge(string message) => new($"Cannot read the ONNX model as a NetCompiler network: {message}");

    /// <summary>Counts the entries decoded so far against <see cref="MaxEntryCount"/>.</summary>
    private sealed class Budget
    {
        private int _entries;

        public void Take(int count)
        {
            _entries += count;
            if (_entries > MaxEntryCount)
            {
                throw TooLarge($"The ONNX model holds more than {MaxEntryCount} entries (nodes, their inputs, outputs and attributes, tensors, dimensions and repeated integers); NetCompiler reads at most {MaxEntryCount} (OnnxImporter.MaxEntryCount).");
            }
        }

        /// <summary>Appends a repeated int64 field to <paramref name="values"/> and counts what it added.</summary>
        public void TakeAppended(List<long> values, ref ProtoReader reader, string fieldName)
        {
            int before = values.Count;
            reader.ReadRepeatedInt64(values, fieldName, maxValues: MaxEntryCount - _entries + 1);
            Take(values.Count - before);
        }
    }
}
