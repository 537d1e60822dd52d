namespace NetCompiler.Onnx.Tests;

/// <summary>
/// Models written the way PyTorch and Keras (tf2onnx) export an MLP load into the matching network:
/// the parameters land bit-exact in NetCompiler's layout (transposed where the exporter stores
/// <c>[in, out]</c>), and the loaded network then agrees with ONNX Runtime running the same file.
/// </summary>
public class ForeignModelTests
{
    [Fact]
    public void PyTorchLogitsGemmTransBLoadIntoSoftmaxNetworkWhenAccepted()
    {
        // nn.Sequential(Flatten, Linear(10, 16), ReLU, Linear(16, 8), ReLU, Linear(8, 4)); CrossEntropyLoss holds the softmax.
        var (l1, l2, l3) = (AuthoredLayer.Random(10, 16, 1), AuthoredLayer.Random(16, 8, 3), AuthoredLayer.Random(8, 4, 5));
        var author = new ModelAuthor("x", "batch_size", 10);
        string h = author.Node("Flatten", [author.InputName], OnnxAttribute.Int("axis", 1));
        h = author.Node("Relu", [author.TorchLinear(h, l1, "fc1")]);
        h = author.Node("Relu", [author.TorchLinear(h, l2, "fc2")]);
        var model = author.Build(author.TorchLinear(h, l3, "fc3"), 4, outputName: "logits");
        var net = new ReluClassifierNet(seed: 7);

        OnnxAssert.Load(net, model, new OnnxImportOptions { AcceptLogits = true });

        OnnxAssert.BitwiseEqual(AuthoredLayer.Parameters(l1, l2, l3), net.Parameters);
        OnnxAssert.MatchesOnnxRuntime(net, model, seed: 201, inputName: "x", outputName: "logits", onnxOutput: OnnxAssert.Softmax);
    }

    [Fact]
    public void PyTorchOpset11TrailingSoftmaxWithDefaultAxisLoads()
    {
        // Opset 11's Softmax defaults to axis 1, which is the feature axis of [batch, features].
        var (l1, l2, l3) = (AuthoredLayer.Random(10, 16, 11), AuthoredLayer.Random(16, 8, 13), AuthoredLayer.Random(8, 4, 15));
        var author = new ModelAuthor("input", "N", 10);
        string h = author.Node("Relu", [author.TorchLinear(author.InputName, l1, "layers.0")]);
        h = author.Node("Dropout", [h]);
        h = author.Node("Relu", [author.TorchLinear(h, l2, "layers.3")]);
        string probabilities = author.Node("Softmax", [author.TorchLinear(h, l3, "layers.5")]);
        var model = author.Build(probabilities, 4, opset: 11, irVersion: 6);
        var net = new ReluClassifierNet(seed: 7);

        OnnxAssert.Load(net, model);

        OnnxAssert.BitwiseEqual(AuthoredLayer.Parameters(l1, l2, l3), net.Parameters);
        OnnxAssert.MatchesOnnxRuntime(net, model, seed: 202);
    }

    [Fact]
    public void KerasMatMulAddInOutKernelsInFloatDataAreTransposed()
    {
        // Dense(9, leaky_relu alpha 0.01), Dense(5, elu), Dense(2, softplus) through tf2onnx, opset 13.
        var (l1, l2, l3) = (AuthoredLayer.Random(6, 9, 21), AuthoredLayer.Random(9, 5, 23), AuthoredLayer.Random(5, 2, 25));
        var author = new ModelAuthor("dense_input", new OnnxDimension(null, "unk__12"), 6, graphName: "tf2onnx");
        string h = author.Node("LeakyRelu", [author.KerasDense(author.InputName, l1, "dense")], OnnxAttribute.Float("alpha", 0.01f));
        h = author.Node("Elu", [author.KerasDense(h, l2, "dense_1")], OnnxAttribute.Float("alpha", 1f));
        h = author.Node("Softplus", [author.KerasDense(h, l3, "dense_2")]);
        var model = author.Build(h, 2, outputName: "dense_2", opset: 13, producer: "tf2onnx");
        var net = new LeakyEluSoftplusNet(seed: 7);

        OnnxAssert.Load(net, model);

        OnnxAssert.BitwiseEqual(AuthoredLayer.Parameters(l1, l2, l3), net.Parameters);
        // Spot-check the transposition by hand: W1[o = 2, i = 4] of NetCompiler is kernel[i = 4, o = 2] of Keras.
        Assert.Equal(l1.WeightsInOut()[(4 * 9) + 2], net.Parameters[(2 * 6) + 4]);
        OnnxAssert.MatchesOnnxRuntime(net, model, seed: 203, inputName: "dense_input", outputName: "dense_2");
    }

    [Fact]
    public void KerasSwishAndPowGeluAreRecognisedAsSiluAndGelu()
    {
        // tf2onnx spells swish as Mul(Sigmoid(z), z) and gelu(approximate=True) with Pow(x, 3) and Constant nodes.
        var (l1, l2, l3) = (AuthoredLayer.Random(4, 8, 31), AuthoredLayer.Random(8, 7, 33), AuthoredLayer.Random(7, 3, 35));
        var author = new ModelAuthor("dense_input", "unk__3", 4);
        string z1 = author.KerasDense(author.InputName, l1, "dense");
        string h = author.Node("Mul", [author.Node("Sigmoid", [z1]), z1]);
        h = PowGelu(author, author.KerasDense(h, l2, "dense_1"));
        h = author.Node("Softmax", [author.KerasDense(h, l3, "dense_2")], OnnxAttribute.Int("axis", -1));
        var model = author.Build(h, 3, opset: 13, producer: "tf2onnx");
        var net = new SiluGeluSoftmaxNet(seed: 7);

        OnnxAssert.Load(net, model);

        OnnxAssert.BitwiseEqual(AuthoredLayer.Parameters(l1, l2, l3), net.Parameters);
        OnnxAssert.MatchesOnnxRuntime(net, model, seed: 204, inputName: "dense_input");
    }

    [Fact]
    public void Opset20GeluTanhNodeIsRecognisedAsGelu()
    {
        // torch.onnx.export(..., opset_version=20) writes nn.GELU(approximate="tanh") as one Gelu node.
        var (l1, l2, l3) = (AuthoredLayer.Random(4, 8, 41), AuthoredLayer.Random(8, 7, 43), AuthoredLayer.Random(7, 3, 45));
        var author = new ModelAuthor("input", "batch", 4);
        string h = author.TorchLinear(author.InputName, l1, "fc1");
        h = author.Node("Mul", [h, author.Node("Sigmoid", [h])]);
        h = author.Node("Gelu", [author.TorchLinear(h, l2, "fc2")], OnnxAttribute.String("approximate", "tanh"));
        h = author.Node("Softmax", [author.TorchLinear(h, l3, "fc3")], OnnxAttribute.Int("axis", 1));
        var model = author.Build(h, 3, opset: 20, irVersion: 9);
        var net = new SiluGeluSoftmaxNet(seed: 7);

        OnnxAssert.Load(net, model);

        OnnxAssert.BitwiseEqual(AuthoredLayer.Parameters(l1, l2, l3), net.Parameters);
        OnnxAssert.MatchesOnnxRuntime(net, model, seed: 205);
    }

    [Fact]
    public void GemmWithoutTransBTakesInOutWeights()
    {
        var layer = AuthoredLayer.Random(3, 2, 51);
        var author = new ModelAuthor("input", "batch", 3);
        string weights = author.Initializer(OnnxTensor.FromFloatsRaw("W", layer.WeightsInOut(), 3, 2));
        string bias = author.Initializer(OnnxTensor.FromFloatsRaw("b", layer.Bias, 1, 2));
        string h = author.Node("Sigmoid", [author.Node("Gemm", [author.InputName, weights, bias])]);
        var model = author.Build(h, 2);
        var net = new LogisticNet(seed: 7);

        OnnxAssert.Load(net, model);

        OnnxAssert.BitwiseEqual(AuthoredLayer.Parameters(layer), net.Parameters);
        OnnxAssert.MatchesOnnxRuntime(net, model, seed: 206);
    }

    [Fact]
    public void LayersWithoutBiasGetZeroBiases()
    {
        // Linear(5, 7, bias=False) as Gemm without C; Dense(6, use_bias=False) as a bare MatMul.
        var (l1, l2, l3, l4) = (AuthoredLayer.Random(5, 7, 61), AuthoredLayer.Random(7, 6, 63), AuthoredLayer.Random(6, 4, 65), AuthoredLayer.Random(4, 3, 67));
        var author = new ModelAuthor("input", "batch", 5);
        string w1 = author.Initializer(OnnxTensor.FromFloatsRaw("fc1.weight", l1.WeightsOutIn, 7, 5));
        string h = author.Node("Sigmoid", [author.Node("Gemm", [author.InputName, w1], OnnxAttribute.Int("transB", 1))]);
        string w2 = author.Initializer(OnnxTensor.FromFloatsPacked("dense_1/kernel", l2.WeightsInOut(), 7, 6));
        h = author.Node("Tanh", [author.Node("MatMul", [h, w2])]);
        h = author.Node("Relu", [author.TorchLinear(h, l3, "fc3")]);
        var model = author.Build(author.TorchLinear(h, l4, "fc4"), 3);
        var net = new SigmoidTanhReluNet(seed: 7);

        OnnxAssert.Load(net, model);

        var expected = AuthoredLayer.Parameters(l1 with { Bias = new float[7] }, l2 with { Bias = new float[6] }, l3, l4);
        OnnxAssert.BitwiseEqual(expected, net.Parameters);
        OnnxAssert.MatchesOnnxRuntime(net, model, seed: 207);
    }

    /// <summary>0.5 x (1 + tanh(0.7978845608 (x + 0.044715 x³))) with Pow and Constant nodes, in tf2onnx's operand order.</summary>
    private static string PowGelu(ModelAuthor author, string x)
    {
        string cube = author.Node("Pow", [x, author.ConstantNode(3f)]);
        string inner = author.Node("Add", [x, author.Node("Mul", [author.ConstantNode(0.044715f), cube])]);
        string t = author.Node("Tanh", [author.Node("Mul", [inner, author.ConstantNode(0.7978845608f)])]);
        string onePlus = author.Node("Add", [author.ConstantNode(1f), t]);
        return author.Node("Mul", [author.Node("Mul", [x, author.ConstantNode(0.5f)]), onePlus]);
    }
}
