namespace NetCompiler.Onnx.Tests;

/// <summary>
/// Data that is not a readable ONNX model throws <see cref="InvalidDataException"/> with a message
/// that says what is wrong (and where, for malformed protobuf), and the network keeps its parameters.
/// </summary>
public class MalformedModelTests
{
    [Fact]
    public void EveryTruncationIsRejectedAndParametersStayUntouched()
    {
        var model = OnnxAssert.Export(TestData.RandomNetwork<LogisticNet>(seed: 1));
        var net = new LogisticNet(seed: 2);
        var before = TestData.Snapshot(net);

        for (int length = 0; length < model.Length; length++)
        {
            var truncated = model.AsSpan(0, length).ToArray();
            var exception = Record.Exception(() => OnnxAssert.Load(net, truncated));
            Assert.True(exception is InvalidDataException, $"truncated to {length} of {model.Length} bytes: {exception?.GetType().Name ?? "no exception"}");
        }

        OnnxAssert.BitwiseEqual(before, net.Parameters);
    }

    [Fact]
    public void TruncatedInsideTheWeightsNamesTheOffsetOfTheCutLength()
    {
        var model = OnnxAssert.Export(TestData.RandomNetwork<LogisticNet>(seed: 1));

        var exception = Assert.Throws<InvalidDataException>(() => OnnxAssert.Load(new LogisticNet(), model[..(model.Length / 2)]));

        // The graph (ModelProto field 7, tag byte 0x3A) is cut: its length varint, right after the tag, is the offset reported.
        int graphTag = Array.IndexOf(model, (byte)0x3A);
        Assert.StartsWith($"Malformed ONNX data at byte {graphTag + 1}: field 7 of ModelProto declares a length of ", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("08", "at byte 1: a varint in ModelProto is truncated: the data ends after 0 of its bytes.")]
    [InlineData("0896", "at byte 1: a varint in ModelProto is truncated: the data ends after 1 of its bytes.")]
    [InlineData("08FFFFFFFFFFFFFFFFFF7F", "at byte 1: a varint in ModelProto is longer than 64 bits.")]
    [InlineData("00", "at byte 0: ModelProto has a field tag with the invalid field number 0.")]
    [InlineData("0F", "at byte 0: field 1 of ModelProto has the invalid wire type 7.")]
    [InlineData("0B", "at byte 0: field 1 of ModelProto uses the group wire type 3, which ONNX does not use.")]
    [InlineData("3D00000000", "at byte 0: field 7 (graph) of ModelProto has wire type 5 (Fixed32) but must have 2 (LengthDelimited).")]
    [InlineData("3AFFFFFFFF0F", "at byte 1: field 7 of ModelProto declares a length of 4294967295 bytes but only 0 are left.")]
    [InlineData("3A020A05", "at byte 3: field 1 of GraphProto declares a length of 5 bytes but only 0 are left.")]
    [InlineData("3A040A022203", "at byte 5: field 4 of NodeProto declares a length of 3 bytes but only 0 are left.")]
    [InlineData("4D0000", "at byte 1: a 32-bit value of field 9 in ModelProto is truncated: only 2 bytes are left.")]
    [InlineData("1201FF", "at byte 2: field 2 of ModelProto is a string that is not valid UTF-8.")]
    [InlineData("3A072A05220300803F", "at byte 6: field 4 (float_data) of TensorProto holds packed floats in 3 bytes, which is not a multiple of 4.")]
    public void MalformedProtobufNamesTheProblemAndItsOffset(string hex, string expected)
    {
        var exception = Assert.Throws<InvalidDataException>(() => OnnxAssert.Load(new LogisticNet(), Convert.FromHexString(hex)));

        Assert.Equal($"Malformed ONNX data {expected}", exception.Message);
    }

    [Fact]
    public void EmptyDataIsNotAModel()
    {
        var exception = Assert.Throws<InvalidDataException>(() => OnnxAssert.Load(new LogisticNet(), []));

        Assert.Equal(
            "Cannot read the ONNX model as a NetCompiler network: The data holds no ONNX graph (ModelProto.graph is missing); it is not an ONNX model, or it is cut short.",
            exception.Message);
    }

    [Fact]
    public void RawDataOfTheWrongSizeNamesTheTensor()
    {
        var author = new ModelAuthor("input", "batch", 3);
        string w = author.Initializer(new OnnxTensor { Name = "fc.weight", DataType = 1, RawData = new byte[20], Dims = { 2, 3 } });
        var model = author.Build(author.Node("Sigmoid", [author.Node("Gemm", [author.InputName, w], OnnxAttribute.Int("transB", 1))]), 2);

        AssertInvalid(model, "Tensor 'fc.weight' has the dimensions [2, 3] (6 floats, 24 bytes) but its raw_data holds 20 bytes.");
    }

    [Fact]
    public void DoubleWeightsAreNotRead()
    {
        var author = new ModelAuthor("input", "batch", 3);
        string w = author.Initializer(new OnnxTensor { Name = "fc.weight", DataType = 11, RawData = new byte[48], Dims = { 2, 3 } });
        var model = author.Build(author.Node("Gemm", [author.InputName, w], OnnxAttribute.Int("transB", 1)), 2);

        AssertInvalid(model, "The weight tensor 'fc.weight' has data type DOUBLE (11), but the graph input is FLOAT (1); a model's weights have the element type of its input.");
    }

    [Fact]
    public void ExternalWeightsWithoutALocationAreRefused()
    {
        var author = new ModelAuthor("input", "batch", 3);
        string w = author.Initializer(new OnnxTensor { Name = "fc.weight", DataType = 1, DataLocation = 1, Dims = { 2, 3 } });
        var model = author.Build(author.Node("Gemm", [author.InputName, w], OnnxAttribute.Int("transB", 1)), 2);

        AssertInvalid(model, "The tensor 'fc.weight' is stored externally but names no location (the external_data entry 'location' is missing).");
    }

    [Fact]
    public void WeightsThatAreNotStoredAreNamed()
    {
        var author = new ModelAuthor("input", "batch", 3);
        var model = author.Build(author.Node("Gemm", [author.InputName, "fc.weight"], OnnxAttribute.Int("transB", 1)), 2);

        AssertInvalid(model, "Layer 1 (node '/Gemm_0' (Gemm)): its weights 'fc.weight' are not an initializer or a Constant; NetCompiler reads weights stored in the model.");
    }

    [Fact]
    public void WeightsFedAsASecondGraphInputAreRejected()
    {
        var author = new ModelAuthor("input", "batch", 3);
        author.Graph.Inputs.Add(OnnxValueInfo.Tensor("fc.bias", OnnxDataType.Float, 2));
        string w = author.Initializer(OnnxTensor.FromFloatsRaw("fc.weight", new float[6], 2, 3));
        var model = author.Build(author.Node("Gemm", [author.InputName, w, "fc.bias"], OnnxAttribute.Int("transB", 1)), 2);

        AssertInvalid(model, "The graph has 2 inputs ('input', 'fc.bias'); a NetCompiler network has one, [batch, features].");
    }

    [Fact]
    public void BiasThatIsNotStoredIsNamed()
    {
        var author = new ModelAuthor("input", "batch", 3);
        string w = author.Initializer(OnnxTensor.FromFloatsRaw("fc.weight", new float[6], 2, 3));
        var model = author.Build(author.Node("Gemm", [author.InputName, w, "fc.bias"], OnnxAttribute.Int("transB", 1)), 2);

        AssertInvalid(model, "Layer 1 (node '/Gemm_0' (Gemm)): its bias 'fc.bias' is not an initializer or a Constant; NetCompiler reads weights stored in the model.");
    }

    [Fact]
    public void UnsupportedOperatorIsNamed()
    {
        var author = new ModelAuthor("input", "batch", 3);
        string h = author.TorchLinear(author.InputName, AuthoredLayer.Random(3, 2, 1), "fc");
        var model = author.Build(author.Node("LogSoftmax", [h], OnnxAttribute.Int("axis", 1)), 2);

        AssertInvalid(model, "Node '/LogSoftmax_1' (LogSoftmax) reads '/Gemm_0_output_0' after layer 1, where a dense layer (Gemm, or MatMul then Add) was expected; LogSoftmax is not supported.");
    }

    [Fact]
    public void ResidualBranchIsRejected()
    {
        var author = new ModelAuthor("input", "batch", 3);
        string h = author.Node("Relu", [author.TorchLinear(author.InputName, AuthoredLayer.Random(3, 3, 1), "fc1")]);
        string sum = author.Node("Add", [h, author.TorchLinear(h, AuthoredLayer.Random(3, 3, 2), "fc2")]);
        var model = author.Build(sum, 3);

        AssertInvalid(model, "The graph branches after layer 1: '/Relu_1_output_0' is used by node '/Gemm_2' (Gemm), node '/Add_3' (Add); NetCompiler reads a single chain of dense layers.");
    }

    [Fact]
    public void CycleIsRejectedInsteadOfLoopingForever()
    {
        // Gemm(input, W) → Relu, whose result is written back into the graph input's name.
        var author = new ModelAuthor("input", "batch", 2);
        string w = author.Initializer(OnnxTensor.FromFloatsRaw("W", new float[4], 2, 2));
        author.Graph.Nodes.Add(new OnnxNode("Gemm", "gemm", [author.InputName, w], ["z"], OnnxAttribute.Int("transB", 1)));
        author.Graph.Nodes.Add(new OnnxNode("Relu", "relu", ["z"], [author.InputName]));
        var model = author.Build("unused", 2);

        AssertInvalid(model, "The graph has a cycle: node 'gemm' (Gemm) is reached again after layer 1; an ONNX graph is acyclic.");
    }

    [Fact]
    public void InputPreprocessingIsRejected()
    {
        var author = new ModelAuthor("input", "batch", 3);
        string centred = author.Node("Sub", [author.InputName, author.ConstantNode(0.5f)]);
        var model = author.Build(author.TorchLinear(centred, AuthoredLayer.Random(3, 2, 1), "fc"), 2);

        AssertInvalid(model, "The graph transforms its input (Sub) before the first dense layer; a NetCompiler network starts with a dense layer.");
    }

    [Fact]
    public void ScaledGemmIsRejected()
    {
        var layer = AuthoredLayer.Random(3, 2, 1);
        var author = new ModelAuthor("input", "batch", 3);
        string w = author.Initializer(OnnxTensor.FromFloatsRaw("W", layer.WeightsOutIn, 2, 3));
        var model = author.Build(author.Node("Gemm", [author.InputName, w], OnnxAttribute.Float("alpha", 2f), OnnxAttribute.Int("transB", 1)), 2);

        AssertInvalid(model, "Layer 1 (node '/Gemm_0' (Gemm)) has alpha = 2, beta = 1; NetCompiler reads Gemm with alpha = beta = 1.");
    }

    [Fact]
    public void InconsistentLayerSizesAreRejected()
    {
        var author = new ModelAuthor("input", "batch", 3);
        string h = author.TorchLinear(author.InputName, AuthoredLayer.Random(3, 4, 1), "fc1");
        var model = author.Build(author.TorchLinear(h, AuthoredLayer.Random(5, 2, 2), "fc2"), 2);

        AssertInvalid(model, "Layer 2 (node '/Gemm_1' (Gemm)): the weights 'fc2.weight' take 5 inputs but layer 1 has 4 units; the model is inconsistent.");
    }

    [Fact]
    public void NotOnnxAtAllIsRejected()
    {
        var text = System.Text.Encoding.UTF8.GetBytes("{ \"weights\": [1, 2, 3] }");

        var exception = Assert.Throws<InvalidDataException>(() => OnnxAssert.Load(new LogisticNet(), text));

        Assert.StartsWith("Malformed ONNX data at byte ", exception.Message, StringComparison.Ordinal);
    }

    /// <summary>Asserts loading throws <see cref="InvalidDataException"/> with <paramref name="problem"/> and changes no parameter.</summary>
    private static void AssertInvalid(byte[] model, string problem)
    {
        var net = TestData.RandomNetwork<LogisticNet>(seed: 5);
        var before = TestData.Snapshot(net);

        var exception = Assert.Throws<InvalidDataException>(() => OnnxAssert.Load(net, model));

        string message = problem.StartsWith("Tensor ", StringComparison.Ordinal) ? problem : $"Cannot read the ONNX model as a NetCompiler network: {problem}";
        Assert.Equal(message, exception.Message);
        OnnxAssert.BitwiseEqual(before, net.Parameters);
    }
}
