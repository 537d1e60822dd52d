namespace NetCompiler.Onnx.Tests;

/// <summary>What the exporter writes, read back with the decoder: header, inputs and outputs, weights and the nodes of each activation.</summary>
public class ExportedGraphTests
{
    [Fact]
    public void HeaderIsIrVersion8WithOpset17()
    {
        var model = Decode(new LogisticNet(seed: 1));

        Assert.Equal(8, model.IrVersion);
        Assert.Equal("NetCompiler", model.ProducerName);
        Assert.Equal("0.1.0", model.ProducerVersion);
        var opset = Assert.Single(model.OperatorSets);
        Assert.Equal(new OnnxOperatorSet(string.Empty, 17), opset);
        Assert.Equal("LogisticNet", model.Graph!.Name);
    }

    [Fact]
    public void InputAndOutputAreFloatBatchByFeatures()
    {
        var graph = Decode(new SigmoidTanhReluNet(seed: 1)).Graph!;

        var input = Assert.Single(graph.Inputs);
        Assert.Equal(("input", 1), (input.Name, input.ElementType));
        Assert.Equal([new OnnxDimension(null, "batch"), new OnnxDimension(5, null)], input.Shape);
        var output = Assert.Single(graph.Outputs);
        Assert.Equal(("output", 1), (output.Name, output.ElementType));
        Assert.Equal([new OnnxDimension(null, "batch"), new OnnxDimension(3, null)], output.Shape);
    }

    [Fact]
    public void WeightsAreOutByInInitializersFedToGemmWithTransB()
    {
        var net = TestData.RandomNetwork<SigmoidTanhReluNet>(seed: 2);
        var graph = Decode(net).Graph!;

        var weights = graph.Initializers.Single(t => t.Name == "dense2.weight");
        Assert.Equal([6L, 7L], weights.Dims);
        OnnxAssert.BitwiseEqual(net.Parameters.Slice(SigmoidTanhReluNet.Layer2WeightOffset, SigmoidTanhReluNet.Layer2WeightCount), weights.ToFloats());
        var bias = graph.Initializers.Single(t => t.Name == "dense2.bias");
        Assert.Equal([6L], bias.Dims);
        OnnxAssert.BitwiseEqual(net.Parameters.Slice(SigmoidTanhReluNet.Layer2BiasOffset, SigmoidTanhReluNet.Layer2Size), bias.ToFloats());

        var gemm = graph.Nodes.Single(n => n.Name == "dense2/Gemm");
        Assert.Equal(["dense1.a", "dense2.weight", "dense2.bias"], gemm.Inputs);
        Assert.Equal(1, gemm.GetInt("transB", 0));
    }

    [Fact]
    public void SigmoidTanhReluIdentityNodesInOrderIdentityOutputHasNoNode()
    {
        var graph = Decode(new SigmoidTanhReluNet(seed: 1)).Graph!;

        Assert.Equal(["Gemm", "Sigmoid", "Gemm", "Tanh", "Gemm", "Relu", "Gemm"], graph.Nodes.Select(n => n.OpType));
        Assert.Equal(["output"], graph.Nodes[^1].Outputs);
    }

    [Fact]
    public void LeakyReluAndEluCarryTheirAlphas()
    {
        var graph = Decode(new LeakyEluSoftplusNet(seed: 1)).Graph!;

        Assert.Equal(["Gemm", "LeakyRelu", "Gemm", "Elu", "Gemm", "Softplus"], graph.Nodes.Select(n => n.OpType));
        Assert.Equal(0.01f, graph.Nodes[1].GetFloat("alpha", float.NaN));
        Assert.Equal(1f, graph.Nodes[3].GetFloat("alpha", float.NaN));
    }

    [Fact]
    public void SiluGeluAreBuiltFromPrimitivesSoftmaxOverTheLastAxis()
    {
        var graph = Decode(new SiluGeluSoftmaxNet(seed: 1)).Graph!;

        Assert.Equal(
            ["Gemm", "Sigmoid", "Mul", "Gemm", "Mul", "Mul", "Mul", "Add", "Mul", "Tanh", "Add", "Mul", "Mul", "Gemm", "Softmax"],
            graph.Nodes.Select(n => n.OpType));
        Assert.Equal(-1, graph.Nodes[^1].GetInt("axis", 0));
        Assert.Equal(["gelu.half", "gelu.one", "gelu.cubic", "gelu.scale"], graph.Initializers.Where(t => t.Name.StartsWith("gelu.", StringComparison.Ordinal)).Select(t => t.Name));
        Assert.Equal(0.044715f, graph.Initializers.Single(t => t.Name == "gelu.cubic").ToFloats().Single());
        Assert.Equal(0.7978845608028654f, graph.Initializers.Single(t => t.Name == "gelu.scale").ToFloats().Single());
    }

    private static OnnxModel Decode<TNet>(TNet net)
        where TNet : class, INeuralNetwork<TNet> => OnnxSerializer.Decode(OnnxAssert.Export(net));
}
