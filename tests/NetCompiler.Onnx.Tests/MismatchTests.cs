namespace NetCompiler.Onnx.Tests;

/// <summary>
/// A readable model whose layers differ from the network throws <see cref="OnnxModelMismatchException"/>
/// listing every difference, and the network keeps its parameters.
/// </summary>
public class MismatchTests
{
    [Fact]
    public void DifferentTopologyListsEveryDifference()
    {
        var model = OnnxAssert.Export(new SigmoidTanhReluNet(seed: 1));
        var net = new LeakyEluSoftplusNet(seed: 2);

        var exception = AssertRejected(net, model);

        Assert.Equal(
            [
                "input: ONNX has 5 features, network has 6",
                "ONNX has 4 dense layers, network has 3",
                "layer 1: ONNX has 7 units, network has 9",
                "layer 1 activation: ONNX Sigmoid, network LeakyReLU",
                "layer 2: ONNX has 6 units, network has 5",
                "layer 2 activation: ONNX Tanh, network ELU",
                "layer 3: ONNX has 4 units, network has 2",
                "layer 3 activation: ONNX Relu, network Softplus",
            ],
            exception.Differences);
        Assert.Equal(
            "The ONNX model does not match LeakyEluSoftplusNet (6 → 9 LeakyReLU → 5 ELU → 2 Softplus, MeanSquaredError, 125 parameters): "
            + "input: ONNX has 5 features, network has 6; ONNX has 4 dense layers, network has 3; "
            + "layer 1: ONNX has 7 units, network has 9; layer 1 activation: ONNX Sigmoid, network LeakyReLU; "
            + "layer 2: ONNX has 6 units, network has 5; layer 2 activation: ONNX Tanh, network ELU; "
            + "layer 3: ONNX has 4 units, network has 2; layer 3 activation: ONNX Relu, network Softplus. "
            + "The network's parameters were not changed.",
            exception.Message);
    }

    [Fact]
    public void HiddenLayerOfOtherWidthAndActivationIsNamedByLayer()
    {
        // A PyTorch model 10 → 16 ReLU → 12 Tanh → 4 loaded into 10 → 16 ReLU → 8 ReLU → 4 Softmax.
        var author = new ModelAuthor("x", "batch", 10);
        string h = author.Node("Relu", [author.TorchLinear(author.InputName, AuthoredLayer.Random(10, 16, 1), "fc1")]);
        h = author.Node("Tanh", [author.TorchLinear(h, AuthoredLayer.Random(16, 12, 2), "fc2")]);
        var model = author.Build(author.TorchLinear(h, AuthoredLayer.Random(12, 4, 3), "fc3"), 4);

        var exception = AssertRejected(new ReluClassifierNet(seed: 3), model);

        Assert.Equal(
            [
                "layer 2: ONNX has 12 units, network has 8",
                "layer 2 activation: ONNX Tanh, network ReLU",
                "layer 3 activation: ONNX none (identity), network Softmax: the graph outputs logits (PyTorch classifiers leave the Softmax to the loss); "
                    + "to load them into a Softmax output layer, import with new OnnxImportOptions { AcceptLogits = true }",
            ],
            exception.Differences);
    }

    [Fact]
    public void LeakyReluWithAnotherSlopeIsNotLeakyReLU()
    {
        var author = KerasLeakyEluSoftplus(leakyAlpha: 0.02f);

        var exception = AssertRejected(new LeakyEluSoftplusNet(seed: 3), author);

        Assert.Equal(["layer 1 activation: ONNX LeakyRelu(alpha=0.02), network LeakyReLU"], exception.Differences);
    }

    [Fact]
    public void ErfGeluIsNotTheTanhGelu()
    {
        // nn.GELU() (exact) as PyTorch exports it: x * 0.5 * (1 + erf(x / √2)), spelled Div, Erf, Add, Mul, Mul.
        var author = new ModelAuthor("input", "batch", 4);
        string z1 = author.TorchLinear(author.InputName, AuthoredLayer.Random(4, 8, 1), "fc1");
        string h = author.Node("Mul", [z1, author.Node("Sigmoid", [z1])]);
        string z2 = author.TorchLinear(h, AuthoredLayer.Random(8, 7, 2), "fc2");
        string erf = author.Node("Erf", [author.Node("Div", [z2, author.ConstantNode(1.4142135f)])]);
        string gelu = author.Node("Mul", [author.Node("Mul", [z2, author.Node("Add", [erf, author.ConstantNode(1f)])]), author.ConstantNode(0.5f)]);
        h = author.Node("Softmax", [author.TorchLinear(gelu, AuthoredLayer.Random(7, 3, 3), "fc3")], OnnxAttribute.Int("axis", 1));

        var exception = AssertRejected(new SiluGeluSoftmaxNet(seed: 3), author.Build(h, 3));

        Assert.Equal(
            ["layer 2 activation: ONNX Div, Erf, Add, Mul, Mul (the erf form of GELU; NetCompiler's GELU is the tanh form), network GELU"],
            exception.Differences);
    }

    [Fact]
    public void MissingSigmoidIsAMismatchThatSaysHowToAcceptLogits()
    {
        var author = new ModelAuthor("input", "batch", 3);
        var model = author.Build(author.TorchLinear(author.InputName, AuthoredLayer.Random(3, 2, 1), "fc"), 2);

        var exception = AssertRejected(new LogisticNet(seed: 3), model);

        Assert.Equal(
            ["layer 1 activation: ONNX none (identity), network Sigmoid: the graph outputs logits (PyTorch classifiers leave the Sigmoid to the loss); "
                + "to load them into a Sigmoid output layer, import with new OnnxImportOptions { AcceptLogits = true }"],
            exception.Differences);
    }

    [Fact]
    public void SoftmaxOnALinearOutputIsAMismatch()
    {
        var net = TestData.RandomNetwork<SigmoidTanhReluNet>(seed: 1);
        var author = new ModelAuthor("input", "batch", 5);
        string h = author.Node("Sigmoid", [author.TorchLinear(author.InputName, AuthoredLayer.Random(5, 7, 1), "fc1")]);
        h = author.Node("Tanh", [author.TorchLinear(h, AuthoredLayer.Random(7, 6, 2), "fc2")]);
        h = author.Node("Relu", [author.TorchLinear(h, AuthoredLayer.Random(6, 4, 3), "fc3")]);
        h = author.Node("Softmax", [author.TorchLinear(h, AuthoredLayer.Random(4, 3, 4), "fc4")], OnnxAttribute.Int("axis", -1));

        var exception = AssertRejected(net, author.Build(h, 3));

        Assert.Equal(["layer 4 activation: ONNX Softmax, network Identity"], exception.Differences);
    }

    [Fact]
    public void ActivationBeforeSoftmaxIsDescribedInOrder()
    {
        var author = new ModelAuthor("x", "batch", 10);
        string h = author.Node("Relu", [author.TorchLinear(author.InputName, AuthoredLayer.Random(10, 16, 1), "fc1")]);
        h = author.Node("Relu", [author.TorchLinear(h, AuthoredLayer.Random(16, 8, 2), "fc2")]);
        h = author.Node("Softmax", [author.Node("Tanh", [author.TorchLinear(h, AuthoredLayer.Random(8, 4, 3), "fc3")])], OnnxAttribute.Int("axis", -1));

        var exception = AssertRejected(new ReluClassifierNet(seed: 3), author.Build(h, 4));

        Assert.Equal(["layer 3 activation: ONNX Tanh, then Softmax(axis=-1), network Softmax"], exception.Differences);
    }

    private static byte[] KerasLeakyEluSoftplus(float leakyAlpha)
    {
        var author = new ModelAuthor("dense_input", "unk__1", 6);
        string h = author.Node("LeakyRelu", [author.KerasDense(author.InputName, AuthoredLayer.Random(6, 9, 1), "dense")], OnnxAttribute.Float("alpha", leakyAlpha));
        h = author.Node("Elu", [author.KerasDense(h, AuthoredLayer.Random(9, 5, 2), "dense_1")], OnnxAttribute.Float("alpha", 1f));
        h = author.Node("Softplus", [author.KerasDense(h, AuthoredLayer.Random(5, 2, 3), "dense_2")]);
        return author.Build(h, 2, opset: 13);
    }

    /// <summary>Asserts loading throws a mismatch and leaves every parameter bit as it was.</summary>
    private static OnnxModelMismatchException AssertRejected<TNet>(TNet net, byte[] model)
        where TNet : class, INeuralNetwork<TNet>
    {
        var before = TestData.Snapshot(net);
        var exception = Assert.Throws<OnnxModelMismatchException>(() => OnnxAssert.Load(net, model));
        OnnxAssert.BitwiseEqual(before, net.Parameters);
        Assert.EndsWith("The network's parameters were not changed.", exception.Message, StringComparison.Ordinal);
        return exception;
    }
}
