namespace NetCompiler.Onnx.Tests;

/// <summary>Random weights of one dense layer, in NetCompiler's layout: W <c>[out, in]</c> row-major, then b.</summary>
internal sealed record AuthoredLayer(int InputSize, int Size, float[] WeightsOutIn, float[] Bias)
{
    public static AuthoredLayer Random(int inputSize, int size, int seed)
    {
        var weights = new float[size * inputSize];
        var bias = new float[size];
        TestData.Fill(weights, seed, 1f);
        TestData.Fill(bias, seed + 1, 1f);
        return new AuthoredLayer(inputSize, size, weights, bias);
    }

    /// <summary>W transposed to <c>[in, out]</c>, as Keras stores a Dense kernel.</summary>
    public float[] WeightsInOut()
    {
        var transposed = new float[WeightsOutIn.Length];
        for (int o = 0; o < Size; o++)
        {
            for (int i = 0; i < InputSize; i++)
            {
                transposed[(i * Size) + o] = WeightsOutIn[(o * InputSize) + i];
            }
        }

        return transposed;
    }

    /// <summary>The parameters NetCompiler should hold for these layers: per layer W <c>[out, in]</c>, then b.</summary>
    public static float[] Parameters(params AuthoredLayer[] layers) =>
        [.. layers.SelectMany(l => l.WeightsOutIn.Concat(l.Bias))];
}

/// <summary>
/// Writes ONNX graphs by hand with NetCompiler's own protobuf writer, in the shapes other exporters
/// produce: PyTorch (<c>torch.onnx.export</c>: <c>Gemm</c> with <c>transB = 1</c>, raw_data weights
/// <c>[out, in]</c>, node names like <c>/fc1/Gemm</c>) and Keras through tf2onnx (<c>MatMul</c> with a
/// <c>[in, out]</c> kernel then <c>Add</c>, names like <c>sequential/dense/MatMul:0</c>).
/// </summary>
internal sealed class ModelAuthor
{
    private readonly OnnxGraph _graph;
    private int _counter;

    public ModelAuthor(string inputName, OnnxDimension batch, int features, string graphName = "main_graph")
    {
        _graph = new OnnxGraph { Name = graphName };
        _graph.Inputs.Add(OnnxValueInfo.Tensor(inputName, OnnxDataType.Float, batch, features));
        InputName = inputName;
    }

    public string InputName { get; }

    public OnnxGraph Graph => _graph;

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string opType, string[] inputs, params OnnxAttribute[] attributes)
    {
        int n = _counter++;
        string output = $"/{opType}_{n}_output_0";
        _graph.Nodes.Add(new OnnxNode(opType, $"/{opType}_{n}", inputs, [output], attributes));
        return output;
    }

    public string Initializer(OnnxTensor tensor)
    {
        _graph.Initializers.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A one-element constant as a <c>Constant</c> node, as PyTorch writes the numbers of a formula.</summary>
    public string ConstantNode(float value) =>
        Node("Constant", [], OnnxAttribute.Tensor("value", OnnxTensor.FromFloatsRaw(string.Empty, [value])));

    /// <summary><c>nn.Linear</c> as PyTorch exports it: <c>Gemm(x, W[out, in], b)</c> with alpha = beta = 1, transB = 1.</summary>
    public string TorchLinear(string x, AuthoredLayer layer, string module)
    {
        string weight = Initializer(OnnxTensor.FromFloatsRaw($"{module}.weight", layer.WeightsOutIn, layer.Size, layer.InputSize));
        string bias = Initializer(OnnxTensor.FromFloatsRaw($"{module}.bias", layer.Bias, layer.Size));
        return Node("Gemm", [x, weight, bias], OnnxAttribute.Float("alpha", 1f), OnnxAttribute.Float("beta", 1f), OnnxAttribute.Int("transB", 1));
    }

    /// <summary>A Keras <c>Dense</c> as tf2onnx exports it: <c>MatMul(x, kernel[in, out])</c> then <c>Add(·, bias)</c>, float_data.</summary>
    public string KerasDense(string x, AuthoredLayer layer, string scope)
    {
        string kernel = Initializer(OnnxTensor.FromFloatsPacked($"sequential/{scope}/MatMul/ReadVariableOp:0", layer.WeightsInOut(), layer.InputSize, layer.Size));
        string bias = Initializer(OnnxTensor.FromFloatsPacked($"sequential/{scope}/BiasAdd/ReadVariableOp:0", layer.Bias, layer.Size));
        string product = Node("MatMul", [x, kernel]);
        return Node("Add", [product, bias]);
    }

    /// <summary>Names <paramref name="tensor"/> as the graph's output by appending an <c>Identity</c>, as exporters do for a named output.</summary>
    public byte[] Build(string tensor, int outputs, string outputName = "output", long opset = 17, long irVersion = 8, string producer = "pytorch")
    {
        _graph.Nodes.Add(new OnnxNode("Identity", "/output/Identity", [tensor], [outputName]));
        _graph.Outputs.Add(OnnxValueInfo.Tensor(outputName, OnnxDataType.Float, "batch", outputs));
        var model = new OnnxModel { IrVersion = irVersion, ProducerName = producer, ProducerVersion = "1.0", Graph = _graph };
        model.OperatorSets.Add(new OnnxOperatorSet(string.Empty, opset));
        return OnnxSerializer.Encode(model);
    }
}
