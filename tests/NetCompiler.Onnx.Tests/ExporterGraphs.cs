using System.Buffers.Binary;
using NetCompiler.Onnx;

namespace NetCompiler.Onnx.Tests;

/// <summary>
/// The weights of an MLP classifier whose samples have the shape <see cref="SampleShape"/> (e.g. 1 × 28 × 28), with
/// ReLU hidden layers of <see cref="Sizes"/> and a logits output: per layer W <c>[out, in]</c> (as <c>nn.Linear</c>
/// keeps it) and b, filled from a seeded generator.
/// </summary>
internal sealed record MlpWeights(int[] SampleShape, int[] Sizes, float[][] Weights, float[][] Biases)
{
    public int Features => SampleShape.Aggregate(1, (product, d) => product * d);

    public int Outputs => Sizes[^1];

    public static MlpWeights Random(int[] sampleShape, int[] sizes, int seed)
    {
        var random = new Random(seed);
        int inputs = sampleShape.Aggregate(1, (product, d) => product * d);
        var weights = new float[sizes.Length][];
        var biases = new float[sizes.Length][];
        for (int l = 0; l < sizes.Length; l++)
        {
            int fanIn = l == 0 ? inputs : sizes[l - 1];
            float scale = 2f / MathF.Sqrt(fanIn);
            weights[l] = [.. Enumerable.Range(0, sizes[l] * fanIn).Select(_ => (float)((random.NextDouble() * 2) - 1) * scale)];
            biases[l] = [.. Enumerable.Range(0, sizes[l]).Select(_ => (float)((random.NextDouble() * 2) - 1) * 0.5f)];
        }

        return new MlpWeights(sampleShape, sizes, weights, biases);
    }

    /// <summary>The number of inputs of layer <paramref name="layer"/>.</summary>
    public int InputsOf(int layer) => layer == 0 ? Features : Sizes[layer - 1];

    /// <summary>The parameters NetCompiler should hold: per layer W <c>[out, in]</c>, then b.</summary>
    public float[] Parameters() => [.. Weights.Zip(Biases, (w, b) => w.Concat(b)).SelectMany(p => p)];

    /// <summary>W of <paramref name="layer"/> transposed to <c>[in, out]</c>, as a Keras Dense kernel.</summary>
    public float[] KernelInOut(int layer)
    {
        int inputs = InputsOf(layer), outputs = Sizes[layer];
        var kernel = new float[inputs * outputs];
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < inputs; i++)
            {
                kernel[(i * outputs) + o] = Weights[layer][(o * inputs) + i];
            }
        }

        return kernel;
    }
}

/// <summary>
/// ONNX graphs of an MLP classifier written node for node as each exporter writes them (node names, value names,
/// attributes, constants and where the weights are stored), from the ONNX operator specifications and the
/// exporters' documented output: <c>torch.onnx.export</c>'s TorchScript exporter (opsets 9 to 17), its dynamo
/// exporter (<c>dynamo=True</c>, opset 18, external data), and tf2onnx converting a Keras <c>Sequential</c>.
/// </summary>
internal static class ExporterGraphs
{
    /// <summary>
    /// TorchScript, <c>x = x.view(-1, 784)</c> in <c>forward</c>, then <c>F.relu(self.fc1(x))</c>, ...: the target shape is a
    /// <c>Constant</c> node, the layers <c>Gemm(transB = 1)</c> named <c>/fc1/Gemm</c>, the activations <c>/Relu</c>,
    /// <c>/Relu_1</c>; the last Gemm writes the graph output (logits) directly. Opset 17, input <c>[batch_size, 1, 28, 28]</c>.
    /// </summary>
    public static byte[] TorchScriptViewMinusOne(MlpWeights mlp)
    {
        var graph = new Graph("main_graph");
        graph.Input("input", ["batch_size", .. mlp.SampleShape.Select(d => (OnnxDimension)d)]);
        string shape = graph.ConstantNode("/Constant", "/Constant_output_0", Int64s([-1, mlp.Features], vector: true));
        string h = graph.Node("Reshape", "/Reshape", ["input", shape], "/Reshape_output_0", OnnxAttribute.Int("allowzero", 0));
        h = TorchScriptLayers(graph, mlp, h, dropout: null);
        graph.Output(h, "batch_size", mlp.Outputs);
        return graph.Build(opset: 17, irVersion: 8, "pytorch", "2.1.0");
    }

    /// <summary>
    /// TorchScript, <c>x = x.view(x.size(0), -1)</c> then Linear, ReLU, <c>Dropout(0.2)</c> per hidden layer, exported in
    /// eval mode without constant folding: <c>Shape → Gather(axis 0) → Unsqueeze → Concat(·, [-1]) → Reshape</c> with
    /// <c>Constant</c> nodes. From opset 13 Unsqueeze takes its axes as an input and Dropout takes ratio and
    /// training_mode (false) as inputs; before, axes and ratio are attributes.
    /// </summary>
    public static byte[] TorchScriptViewBatch(MlpWeights mlp, long opset)
    {
        var graph = new Graph("main_graph");
        graph.Input("input", ["batch_size", .. mlp.SampleShape.Select(d => (OnnxDimension)d)]);
        string shape = graph.Node("Shape", "/Shape", ["input"], "/Shape_output_0");
        string zero = graph.ConstantNode("/Constant", "/Constant_output_0", Int64s([0], vector: false));
        string batch = graph.Node("Gather", "/Gather", [shape, zero], "/Gather_output_0", OnnxAttribute.Int("axis", 0));
        string unsqueezed = opset >= 13
            ? graph.Node("Unsqueeze", "/Unsqueeze", [batch, graph.ConstantNode("/Constant_1", "/Constant_1_output_0", Int64s([0], vector: true))], "/Unsqueeze_output_0")
            : graph.Node("Unsqueeze", "/Unsqueeze", [batch], "/Unsqueeze_output_0", Ints("axes", 0));
        string minusOne = graph.ConstantNode("/Constant_2", "/Constant_2_output_0", Int64s([-1], vector: true));
        string target = graph.Node("Concat", "/Concat", [unsqueezed, minusOne], "/Concat_output_0", OnnxAttribute.Int("axis", 0));
        var reshapeAttributes = opset >= 14 ? new[] { OnnxAttribute.Int("allowzero", 0) } : [];
        string h = graph.Node("Reshape", "/Reshape", ["input", target], "/Reshape_output_0", reshapeAttributes);
        h = TorchScriptLayers(graph, mlp, h, dropout: opset);
        graph.Output(h, "batch_size", mlp.Outputs);
        return graph.Build(opset, irVersion: opset >= 13 ? 7 : 6, "pytorch", opset >= 13 ? "1.13.1" : "1.8.0");
    }

    /// <summary>
    /// TorchScript with a fixed batch of 1 (no dynamic_axes): <c>nn.Flatten()</c> exports as <c>Flatten(axis = 1)</c> on an
    /// input <c>[1, 1, 28, 28]</c>, and the output is <c>[1, 10]</c>. Opset 9, as old tutorials export.
    /// </summary>
    public static byte[] TorchScriptFlattenBatchOfOne(MlpWeights mlp)
    {
        var graph = new Graph("torch_jit");
        graph.Input("input", [1, .. mlp.SampleShape.Select(d => (OnnxDimension)d)]);
        string h = graph.Node("Flatten", "/layers/layers.0/Flatten", ["input"], "/layers/layers.0/Flatten_output_0", OnnxAttribute.Int("axis", 1));
        h = TorchScriptLayers(graph, mlp, h, dropout: null, sequential: true);
        graph.Output(h, 1, mlp.Outputs);
        return graph.Build(opset: 9, irVersion: 4, "pytorch", "1.4");
    }

    /// <summary>
    /// The dynamo exporter (<c>torch.onnx.export(..., dynamo=True, external_data=True)</c>, opset 18), for <c>nn.Flatten</c>,
    /// Linear, ReLU, ...: with a dynamic batch the flatten is <c>aten.view(x, [s0, 784])</c>, written as
    /// <c>Shape(start = 0, end = 1) → Squeeze → Reshape(·, [-1]) → Concat(·, [784]) → Reshape(allowzero = 1)</c>; with a
    /// fixed batch a constant target <c>[1, 784]</c>. The first Linear is <c>MatMul(view, Transpose(W))</c> then <c>Add</c>,
    /// the others <c>Gemm(transB = 1)</c>; values are named <c>view</c>, <c>linear</c>, <c>relu</c>, <c>linear_1</c>,
    /// <c>relu_1</c>, ...; every weight and bias is in the side file <paramref name="dataFile"/>.
    /// </summary>
    public static (byte[] Model, byte[] Data) Dynamo(MlpWeights mlp, string dataFile, bool dynamicBatch)
    {
        var graph = new Graph("main_graph");
        OnnxDimension batch = dynamicBatch ? "batch" : 1;
        graph.Input("x", [batch, .. mlp.SampleShape.Select(d => (OnnxDimension)d)]);
        string target;
        if (dynamicBatch)
        {
            string shape = graph.Node("Shape", "node_Shape_0", ["x"], "val_0", OnnxAttribute.Int("end", 1), OnnxAttribute.Int("start", 0));
            string size = graph.Node("Squeeze", "node_sym_size_int", [shape], "sym_size_int");
            string minusOne = graph.Initializer(Int64s([-1], vector: true, "val_1"));
            string asVector = graph.Node("Reshape", "node_Reshape_2", [size, minusOne], "val_2", OnnxAttribute.Int("allowzero", 0));
            string features = graph.ConstantNode("node_Constant_3", "val_3", null, OnnxAttribute.IntList("value_ints", [mlp.Features]));
            target = graph.Node("Concat", "node_Concat_4", [asVector, features], "val_4", OnnxAttribute.Int("axis", 0));
        }
        else
        {
            target = graph.Initializer(Int64s([1, mlp.Features], vector: true, "val_0"));
        }

        string h = graph.Node("Reshape", "node_view", ["x", target], "view", OnnxAttribute.Int("allowzero", 1));
        var data = new MemoryStream();
        for (int l = 0; l < mlp.Sizes.Length; l++)
        {
            string suffix = l == 0 ? string.Empty : $"_{l}";
            string weight = graph.Initializer(External($"fc{l + 1}.weight", mlp.Weights[l], [mlp.Sizes[l], mlp.InputsOf(l)], dataFile, data));
            string bias = graph.Initializer(External($"fc{l + 1}.bias", mlp.Biases[l], [mlp.Sizes[l]], dataFile, data));
            if (l == 0)
            {
                string transposed = graph.Node("Transpose", "node_Transpose_5", [weight], "val_5", OnnxAttribute.IntList("perm", [1, 0]));
                string product = graph.Node("MatMul", "node_MatMul_6", [h, transposed], "val_6");
                h = graph.Node("Add", "node_linear", [product, bias], "linear");
            }
            else
            {
                h = graph.Node("Gemm", $"node_linear{suffix}", [h, weight, bias], $"linear{suffix}", OnnxAttribute.Int("transB", 1));
            }

            if (l < mlp.Sizes.Length - 1)
            {
                h = graph.Node("Relu", $"node_relu{suffix}", [h], $"relu{suffix}");
            }
        }

        graph.Output(h, batch, mlp.Outputs);
        return (graph.Build(opset: 18, irVersion: 10, "pytorch", "2.9.0"), data.ToArray());
    }

    /// <summary>
    /// tf2onnx converting a Keras <c>Sequential([Flatten(input_shape=(28, 28)), Dense(128, "relu"), Dropout(0.2), ...,
    /// Dense(10, "softmax")])</c>, opset 15: Flatten as <c>Reshape</c> to a constant <c>[-1, 784]</c>, each Dense as
    /// <c>MatMul</c> with the <c>[in, out]</c> kernel then <c>Add</c> (BiasAdd), Dropout as <c>Identity</c>, every value
    /// named as in TensorFlow (<c>sequential/dense/MatMul:0</c>), and an <c>Identity</c> naming the output after the Keras layer.
    /// </summary>
    public static byte[] Tf2OnnxKeras(MlpWeights mlp)
    {
        var graph = new Graph("tf2onnx");
        graph.Input("flatten_input", ["unk__8", .. mlp.SampleShape.Select(d => (OnnxDimension)d)]);
        string shape = graph.Initializer(Int64s([-1, mlp.Features], vector: true, "const_fold_opt__12"));
        string h = graph.Node("Reshape", "sequential/flatten/Reshape", ["flatten_input", shape], "sequential/flatten/Reshape:0");
        for (int l = 0; l < mlp.Sizes.Length; l++)
        {
            string scope = l == 0 ? "sequential/dense" : $"sequential/dense_{l}";
            var kernel = OnnxTensor.FromFloatsRaw($"{scope}/MatMul/ReadVariableOp:0", mlp.KernelInOut(l), mlp.InputsOf(l), mlp.Sizes[l]);
            string product = graph.Node("MatMul", $"{scope}/MatMul", [h, graph.Initializer(kernel)], $"{scope}/MatMul:0");
            string bias = graph.Initializer(OnnxTensor.FromFloatsRaw($"{scope}/BiasAdd/ReadVariableOp:0", mlp.Biases[l], mlp.Sizes[l]));
            h = graph.Node("Add", $"{scope}/BiasAdd", [product, bias], $"{scope}/BiasAdd:0");
            if (l < mlp.Sizes.Length - 1)
            {
                h = graph.Node("Relu", $"{scope}/Relu", [h], $"{scope}/Relu:0");
                string dropout = l == 0 ? "sequential/dropout" : $"sequential/dropout_{l}";
                h = graph.Node("Identity", $"{dropout}/Identity", [h], $"{dropout}/Identity:0");
            }
            else
            {
                h = graph.Node("Softmax", $"{scope}/Softmax", [h], $"{scope}/Softmax:0", OnnxAttribute.Int("axis", -1));
            }
        }

        string output = mlp.Sizes.Length == 1 ? "dense" : $"dense_{mlp.Sizes.Length - 1}";
        h = graph.Node("Identity", $"Identity", [h], output);
        graph.Output(h, "unk__9", mlp.Outputs);
        return graph.Build(opset: 15, irVersion: 8, "tf2onnx", "1.16.1 15c810");
    }

    /// <summary>
    /// Linear (Gemm, transB = 1) and ReLU per layer as TorchScript names them: modules <c>fc1</c>, <c>fc2</c> with
    /// <c>F.relu</c>, or the children of <c>self.layers = nn.Sequential(nn.Flatten(), nn.Linear, nn.ReLU, ...)</c>;
    /// Dropout after hidden ReLUs when <paramref name="dropout"/> gives the opset.
    /// </summary>
    private static string TorchScriptLayers(Graph graph, MlpWeights mlp, string h, long? dropout, bool sequential = false)
    {
        for (int l = 0; l < mlp.Sizes.Length; l++)
        {
            string module = sequential ? $"layers.{1 + (2 * l)}" : $"fc{l + 1}";
            string path = sequential ? $"/layers/layers.{1 + (2 * l)}" : $"/fc{l + 1}";
            bool last = l == mlp.Sizes.Length - 1;
            string weight = graph.Initializer(OnnxTensor.FromFloatsRaw($"{module}.weight", mlp.Weights[l], mlp.Sizes[l], mlp.InputsOf(l)));
            string bias = graph.Initializer(OnnxTensor.FromFloatsRaw($"{module}.bias", mlp.Biases[l], mlp.Sizes[l]));
            h = graph.Node("Gemm", $"{path}/Gemm", [h, weight, bias], last ? "output" : $"{path}/Gemm_output_0", OnnxAttribute.Float("alpha", 1f), OnnxAttribute.Float("beta", 1f), OnnxAttribute.Int("transB", 1));
            if (last)
            {
                break;
            }

            string relu = sequential ? $"/layers/layers.{2 + (2 * l)}/Relu" : l == 0 ? "/Relu" : $"/Relu_{l}";
            h = graph.Node("Relu", relu, [h], $"{relu}_output_0");
            if (dropout is long opset)
            {
                string name = l == 0 ? "/dropout/Dropout" : $"/dropout_{l}/Dropout";
                h = opset >= 12
                    ? graph.Node(
                        "Dropout",
                        name,
                        [h, graph.ConstantNode($"{name}_ratio", $"{name}_ratio_output_0", Float(0.2f)), graph.ConstantNode($"{name}_mode", $"{name}_mode_output_0", Bool(false))],
                        $"{name}_output_0")
                    : graph.Node("Dropout", name, [h], $"{name}_output_0", OnnxAttribute.Float("ratio", 0.2f));
            }
        }

        return h;
    }

    private static OnnxTensor Int64s(long[] values, bool vector, string name = "")
    {
        var raw = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), values[i]);
        }

        var tensor = new OnnxTensor { Name = name, DataType = (int)OnnxDataType.Int64, RawData = raw };
        if (vector)
        {
            tensor.Dims.Add(values.Length);
        }

        return tensor;
    }

    private static OnnxTensor Float(float value) => OnnxTensor.FromFloatsRaw(string.Empty, [value]);

    private static OnnxTensor Bool(bool value) => new() { DataType = (int)OnnxDataType.Bool, RawData = [value ? (byte)1 : (byte)0] };

    private static OnnxAttribute Ints(string name, params long[] values) => OnnxAttribute.IntList(name, values);

    /// <summary>A float initializer whose values are appended to <paramref name="data"/> (aligned to 64 bytes, as ONNX's external-data writer may) and referenced by location, offset and length.</summary>
    private static OnnxTensor External(string name, float[] values, long[] dims, string location, MemoryStream data)
    {
        data.SetLength((data.Length + 63) / 64 * 64);
        data.Position = data.Length;
        long offset = data.Position;
        var bytes = OnnxTensor.FromFloatsRaw(name, values).RawData!;
        data.Write(bytes);
        var tensor = new OnnxTensor { Name = name, DataType = (int)OnnxDataType.Float, DataLocation = 1 };
        tensor.Dims.AddRange(dims);
        tensor.ExternalData.Add(new("location", location));
        tensor.ExternalData.Add(new("offset", offset.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        tensor.ExternalData.Add(new("length", bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return tensor;
    }

    /// <summary>A graph under construction with the names chosen by the caller, as an exporter writes it.</summary>
    private sealed class Graph(string name)
    {
        private readonly OnnxGraph _graph = new() { Name = name };

        public void Input(string inputName, OnnxDimension[] shape) => _graph.Inputs.Add(OnnxValueInfo.Tensor(inputName, OnnxDataType.Float, shape));

        public void Output(string outputName, OnnxDimension batch, int size) => _graph.Outputs.Add(OnnxValueInfo.Tensor(outputName, OnnxDataType.Float, batch, size));

        public string Node(string opType, string nodeName, string[] inputs, string output, params OnnxAttribute[] attributes)
        {
            _graph.Nodes.Add(new OnnxNode(opType, nodeName, inputs, [output], attributes));
            return output;
        }

        public string ConstantNode(string nodeName, string output, OnnxTensor? value, params OnnxAttribute[] attributes) =>
            Node("Constant", nodeName, [], output, value is null ? attributes : [OnnxAttribute.Tensor("value", value), .. attributes]);

        public string Initializer(OnnxTensor tensor)
        {
            _graph.Initializers.Add(tensor);
            return tensor.Name;
        }

        public byte[] Build(long opset, long irVersion, string producer, string version)
        {
            var model = new OnnxModel { IrVersion = irVersion, ProducerName = producer, ProducerVersion = version, Graph = _graph };
            model.OperatorSets.Add(new OnnxOperatorSet(string.Empty, opset));
            return OnnxSerializer.Encode(model);
        }
    }
}
