namespace NetCompiler.Onnx.Tests;

/// <summary>784 → 64 ReLU → 32 ReLU → 10 Softmax: the MNIST classifier of PyTorch and Keras tutorials (with narrower hidden layers).</summary>
[Network(Inputs = 784, Loss = Loss.CrossEntropy)]
[Dense(64, Activation.ReLU)]
[Dense(32, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class MnistMlpNet;

/// <summary>
/// The graphs PyTorch's two exporters and tf2onnx write for an MLP (<see cref="ExporterGraphs"/>), with images
/// <c>[N, 1, 28, 28]</c> flattened in the graph, load into <see cref="MnistMlpNet"/> bit for bit, and the network then
/// computes what ONNX Runtime computes from the same file (within 1e-5); graphs whose meaning NetCompiler cannot
/// keep are refused with a message that says why.
/// </summary>
public sealed class ExporterGraphTests
{
    private static readonly int[] Image = [1, 28, 28];
    private static readonly int[] Sizes = [64, 32, 10];
    private static readonly OnnxImportOptions Logits = new() { AcceptLogits = true };

    [Fact]
    public void TorchScriptViewMinusOneLoadsWhenLogitsAreAccepted()
    {
        var mlp = MlpWeights.Random(Image, Sizes, seed: 1);
        var model = ExporterGraphs.TorchScriptViewMinusOne(mlp);
        var net = new MnistMlpNet(seed: 9);

        OnnxAssert.Load(net, model, Logits);

        OnnxAssert.BitwiseEqual(mlp.Parameters(), net.Parameters);
        AssertMatchesOnnxRuntime(net, model, mlp, "input", "output", softmaxOverOnnx: true);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(17)]
    public void TorchScriptViewOfTheBatchSizeWithDropoutLoads(long opset)
    {
        var mlp = MlpWeights.Random(Image, Sizes, seed: 2);
        var model = ExporterGraphs.TorchScriptViewBatch(mlp, opset);
        var net = new MnistMlpNet(seed: 9);

        OnnxAssert.Load(net, model, Logits);

        OnnxAssert.BitwiseEqual(mlp.Parameters(), net.Parameters);
        AssertMatchesOnnxRuntime(net, model, mlp, "input", "output", softmaxOverOnnx: true);
    }

    [Fact]
    public void TorchScriptFlattenWithABatchFixedAtOneLoads()
    {
        var mlp = MlpWeights.Random(Image, Sizes, seed: 3);
        var model = ExporterGraphs.TorchScriptFlattenBatchOfOne(mlp);
        var net = new MnistMlpNet(seed: 9);

        OnnxAssert.Load(net, model, Logits);

        OnnxAssert.BitwiseEqual(mlp.Parameters(), net.Parameters);
        AssertMatchesOnnxRuntime(net, model, mlp, "input", "output", softmaxOverOnnx: true, batchOfOne: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DynamoExportWithExternalDataLoadsFromItsFile(bool dynamicBatch)
    {
        var mlp = MlpWeights.Random(Image, Sizes, seed: 4);
        using var folder = new TemporaryFolder();
        var (model, data) = ExporterGraphs.Dynamo(mlp, "mlp.onnx.data", dynamicBatch);
        string path = folder.Write("mlp.onnx", model);
        folder.Write("mlp.onnx.data", data);
        var net = new MnistMlpNet(seed: 9);

        OnnxImporter.Load(net, path, Logits);

        OnnxAssert.BitwiseEqual(mlp.Parameters(), net.Parameters);
        AssertMatchesOnnxRuntime(net, path, mlp, "x", "linear_2", softmaxOverOnnx: true, batchOfOne: !dynamicBatch);
    }

    [Fact]
    public void KerasSequentialThroughTf2OnnxLoads()
    {
        int[] image = [28, 28];
        var mlp = MlpWeights.Random(image, Sizes, seed: 5);
        var model = ExporterGraphs.Tf2OnnxKeras(mlp);
        var net = new MnistMlpNet(seed: 9);

        OnnxAssert.Load(net, model);

        OnnxAssert.BitwiseEqual(mlp.Parameters(), net.Parameters);
        AssertMatchesOnnxRuntime(net, model, mlp, "flatten_input", "dense_2", softmaxOverOnnx: false);
    }

    [Fact]
    public void LogitsForASoftmaxNetworkAreRefusedWithHowToAcceptThem()
    {
        var model = ExporterGraphs.TorchScriptViewMinusOne(MlpWeights.Random(Image, Sizes, seed: 6));
        var net = new MnistMlpNet(seed: 9);
        var before = TestData.Snapshot(net);

        var exception = Assert.Throws<OnnxModelMismatchException>(() => OnnxAssert.Load(net, model));

        Assert.Equal(
            ["layer 3 activation: ONNX none (identity), network Softmax: the graph outputs logits (PyTorch classifiers leave the Softmax to the loss); "
                + "to load them into a Softmax output layer, import with new OnnxImportOptions { AcceptLogits = true }"],
            exception.Differences);
        OnnxAssert.BitwiseEqual(before, net.Parameters);
    }

    [Fact]
    public void LogitsLoadIntoASigmoidNetworkWhenAccepted()
    {
        // nn.Linear(3, 2) trained with BCEWithLogitsLoss: the graph ends at the Gemm.
        var layer = AuthoredLayer.Random(3, 2, 7);
        var author = new ModelAuthor("input", "batch", 3);
        var model = author.Build(author.TorchLinear(author.InputName, layer, "fc"), 2);
        var net = new LogisticNet(seed: 9);

        Assert.Throws<OnnxModelMismatchException>(() => OnnxAssert.Load(net, model));
        OnnxAssert.Load(net, model, Logits);

        OnnxAssert.BitwiseEqual(AuthoredLayer.Parameters(layer), net.Parameters);
        OnnxAssert.MatchesOnnxRuntime(net, model, seed: 11, onnxOutput: row =>
        {
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = 1f / (1f + MathF.Exp(-row[i]));
            }
        });
    }

    [Fact]
    public void CastsToFloatIdentityAndInferenceDropoutBetweenLayersAreNoOps()
    {
        var (l1, l2, l3) = (AuthoredLayer.Random(10, 16, 21), AuthoredLayer.Random(16, 8, 23), AuthoredLayer.Random(8, 4, 25));
        var author = new ModelAuthor("input", "batch", 10);
        string h = author.Node("Cast", [author.InputName], OnnxAttribute.Int("to", 1));
        h = author.Node("Relu", [author.TorchLinear(h, l1, "fc1")]);
        h = author.Node("Dropout", [h, author.ConstantNode(0.5f)]);
        h = author.Node("Identity", [author.Node("Cast", [h], OnnxAttribute.Int("to", 1))]);
        h = author.Node("Relu", [author.TorchLinear(h, l2, "fc2")]);
        h = author.Node("Softmax", [author.TorchLinear(h, l3, "fc3")], OnnxAttribute.Int("axis", -1));
        var model = author.Build(h, 4);
        var net = new ReluClassifierNet(seed: 9);

        OnnxAssert.Load(net, model);

        OnnxAssert.BitwiseEqual(AuthoredLayer.Parameters(l1, l2, l3), net.Parameters);
        OnnxAssert.MatchesOnnxRuntime(net, model, seed: 12);
    }

    [Fact]
    public void ATransposeBeforeTheFirstLayerIsRefusedAsReorderingFeatures()
    {
        var model = ImageGraph([28, 28], (author, input) =>
        {
            string transposed = author.Node("Transpose", [input], OnnxAttribute.IntList("perm", 0, 2, 1));
            return author.Node("Reshape", [transposed, author.Initializer(Int64Vector("shape", -1, 784))]);
        });

        AssertInvalid(model, "Node '/Transpose_0' (Transpose) transposes the input (Transpose(perm=[0, 2, 1])) before the first dense layer; that reorders the features of each sample, and NetCompiler's first layer reads them in the input's row-major order, so the graph cannot be imported as it is (transpose the data before it reaches the network instead).");
    }

    [Theory]
    [InlineData(new long[] { -1, 392 }, "[-1, 392]")]
    [InlineData(new long[] { 784, -1 }, "[784, -1]")]
    [InlineData(new long[] { -1, 28, 28 }, "[-1, 28, 28]")]
    public void AReshapeThatIsNotARowPerSampleIsRefused(long[] target, string shown)
    {
        var model = ImageGraph([1, 28, 28], (author, input) => author.Node("Reshape", [input, author.Initializer(Int64Vector("shape", target))]));

        AssertInvalid(model, $"Node '/Reshape_0' (Reshape) reshapes the input [batch, 1, 28, 28] to {shown}, which is not [batch, features] with each sample's 784 features in one row; NetCompiler accepts only reshapes that flatten each sample in row-major order (to [-1, features], [batch, features], [0, -1] or x.view(x.size(0), -1)), not ones that split samples, merge them or reorder features.");
    }

    [Fact]
    public void AReshapeTargetDoubledByThirtyConcatsIsRefusedWithoutEvaluatingBillionsOfTerms()
    {
        // Each Concat reads the previous one twice: followed naively, the target would have 2^30 terms.
        var model = ImageGraph([1, 28, 28], (author, input) =>
        {
            string target = author.Node("Shape", [input]);
            for (int i = 0; i < 30; i++)
            {
                target = author.Node("Concat", [target, target], OnnxAttribute.Int("axis", 0));
            }

            return author.Node("Reshape", [input, target]);
        });

        AssertInvalid(model, "Node '/Reshape_31' (Reshape) reshapes the input to a shape computed by nodes NetCompiler cannot follow ('/Concat_30_output_0'); it reads reshapes to [batch, features] from a constant shape or from Shape, Gather, Unsqueeze, Concat and Constant nodes.");
    }

    [Fact]
    public void AnImageInputThatIsNeverFlattenedIsRefused()
    {
        var model = ImageGraph([1, 28, 28], (_, input) => input);

        AssertInvalid(model, "The graph input 'input' has the shape [batch, 1, 28, 28] and reaches the first dense layer as [batch, 1, 28, 28]; NetCompiler networks take [batch, features], so a graph whose input has more dimensions must flatten it first (Flatten, or a Reshape to [batch, features] such as x.view(x.size(0), -1)).");
    }

    [Fact]
    public void DropoutInTrainingModeIsRefused()
    {
        var author = new ModelAuthor("input", "batch", 3);
        var training = new OnnxTensor { Name = "training_mode", DataType = (int)OnnxDataType.Bool, RawData = [1] };
        string h = author.Node("Dropout", [author.InputName, author.ConstantNode(0.5f), author.Initializer(training)]);
        var model = author.Build(author.TorchLinear(h, AuthoredLayer.Random(3, 2, 1), "fc"), 2);

        AssertInvalid(model, "Node '/Dropout_1' (Dropout) reads 'input' after the input, where a dense layer (Gemm, or MatMul then Add) was expected; this Dropout is in training mode (or its mask is used), so it is not the identity.");
    }

    [Theory]
    [InlineData("../mlp.onnx.data", "The tensor 'fc1.weight' is stored in '../mlp.onnx.data', which leaves the model's folder; external data must be a path inside the model's folder, so a model cannot make the importer read anywhere else.")]
    [InlineData("data/../../mlp.onnx.data", "The tensor 'fc1.weight' is stored in 'data/../../mlp.onnx.data', which leaves the model's folder; external data must be a path inside the model's folder, so a model cannot make the importer read anywhere else.")]
    [InlineData("/etc/mlp.onnx.data", "The tensor 'fc1.weight' is stored in '/etc/mlp.onnx.data', an absolute location; external data must be a path relative to the model's folder, so a model cannot make the importer read anywhere else.")]
    [InlineData("C:\\models\\mlp.onnx.data", "The tensor 'fc1.weight' is stored in 'C:\\models\\mlp.onnx.data', an absolute location; external data must be a path relative to the model's folder, so a model cannot make the importer read anywhere else.")]
    public void ExternalDataOutsideTheModelsFolderIsRefused(string location, string message)
    {
        var mlp = MlpWeights.Random(Image, Sizes, seed: 8);
        using var folder = new TemporaryFolder();
        var (model, data) = ExporterGraphs.Dynamo(mlp, location, dynamicBatch: true);
        string path = folder.Write("models/mlp.onnx", model);
        folder.Write("mlp.onnx.data", data);
        folder.Write("models/mlp.onnx.data", data);

        AssertInvalid(path, message);
    }

    [Fact]
    public void ASideFileReachedThroughASymbolicLinkIsRefused()
    {
        using var folder = new TemporaryFolder();
        var (model, data) = ExporterGraphs.Dynamo(MlpWeights.Random(Image, Sizes, seed: 12), "linked/mlp.onnx.data", dynamicBatch: true);
        string path = folder.Write("models/mlp.onnx", model);
        string elsewhere = Path.GetDirectoryName(folder.Write("elsewhere/mlp.onnx.data", data))!;
        Directory.CreateSymbolicLink(Path.Combine(Path.GetDirectoryName(path)!, "linked"), elsewhere);

        AssertInvalid(path, "The side file 'linked/mlp.onnx.data' is not a file in the model's folder (it is a link, or resolves outside the folder); NetCompiler reads external data only from the model's folder.");
    }

    [Fact]
    public void ATruncatedSideFileIsRefused()
    {
        var mlp = MlpWeights.Random(Image, Sizes, seed: 9);
        using var folder = new TemporaryFolder();
        var (model, data) = ExporterGraphs.Dynamo(mlp, "mlp.onnx.data", dynamicBatch: true);
        string path = folder.Write("mlp.onnx", model);
        folder.Write("mlp.onnx.data", data[..^4]);

        AssertInvalid(path, $"The tensor 'fc3.bias' is stored at bytes {data.Length - 40} to {data.Length} of the side file 'mlp.onnx.data', which has {data.Length - 4} bytes; the range lies outside the side file (is it truncated, or from another export?).");
    }

    [Fact]
    public void AMissingSideFileIsNamed()
    {
        using var folder = new TemporaryFolder();
        var (model, _) = ExporterGraphs.Dynamo(MlpWeights.Random(Image, Sizes, seed: 10), "weights/mlp.onnx.data", dynamicBatch: true);
        string path = folder.Write("mlp.onnx", model);

        AssertInvalid(path, "The model keeps its weights in the side file 'weights/mlp.onnx.data', which is not in the model's folder; copy it next to the model (its location is relative to the model file).");
    }

    [Fact]
    public void ExternalDataReadFromAStreamIsRefusedWithWhatToDo()
    {
        var (model, _) = ExporterGraphs.Dynamo(MlpWeights.Random(Image, Sizes, seed: 11), "mlp.onnx.data", dynamicBatch: true);
        var net = new MnistMlpNet(seed: 9);

        var exception = Assert.Throws<InvalidDataException>(() => OnnxAssert.Load(net, model, Logits));

        Assert.Equal("Cannot read the ONNX model as a NetCompiler network: The tensor 'fc1.weight' keeps its values in the side file 'mlp.onnx.data', and a model read from a stream has no folder to find it in; load the model from its file with OnnxImporter.Load(net, path).", exception.Message);
    }

    /// <summary>A graph whose input is <c>[batch, ..<paramref name="sample"/>]</c>, transformed by <paramref name="flatten"/>, then one Gemm 784 → 10.</summary>
    private static byte[] ImageGraph(int[] sample, Func<ModelAuthor, string, string> flatten)
    {
        var author = new ModelAuthor("input", "batch", 1);
        author.Graph.Inputs.Clear();
        author.Graph.Inputs.Add(OnnxValueInfo.Tensor("input", OnnxDataType.Float, ["batch", .. sample.Select(d => (OnnxDimension)d)]));
        string h = flatten(author, author.InputName);
        return author.Build(author.TorchLinear(h, AuthoredLayer.Random(784, 10, 3), "fc"), 10);
    }

    private static OnnxTensor Int64Vector(string name, params long[] values)
    {
        var tensor = new OnnxTensor { Name = name, DataType = (int)OnnxDataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.IntegerData.AddRange(values);
        return tensor;
    }

    /// <summary>Runs the graph in ONNX Runtime on 50 random images and asserts Forward agrees within 1e-5 (after a softmax of ONNX Runtime's logits).</summary>
    private static void AssertMatchesOnnxRuntime(MnistMlpNet net, byte[] model, MlpWeights mlp, string input, string output, bool softmaxOverOnnx, bool batchOfOne = false)
    {
        using var folder = new TemporaryFolder();
        AssertMatchesOnnxRuntime(net, folder.Write("model.onnx", model), mlp, input, output, softmaxOverOnnx, batchOfOne);
    }

    private static void AssertMatchesOnnxRuntime(MnistMlpNet net, string path, MlpWeights mlp, string input, string output, bool softmaxOverOnnx, bool batchOfOne)
    {
        const int Samples = 50;
        var images = TestData.Inputs(Samples, MnistMlpNet.InputSize, seed: 77);
        var expected = TestData.ForwardBatch<MnistMlpNet>(net.Parameters, images);
        var actual = OnnxRuntimeRunner.RunFile(path, images, [.. mlp.SampleShape.Select(d => (long)d)], input, output, batchOfOne);
        Assert.Equal(expected.Length, actual.Length);
        for (int sample = 0; sample < Samples; sample++)
        {
            var row = actual.AsSpan(sample * 10, 10);
            if (softmaxOverOnnx)
            {
                OnnxAssert.Softmax(row);
            }

            for (int k = 0; k < 10; k++)
            {
                float e = expected[(sample * 10) + k];
                Assert.True(MathF.Abs(row[k] - e) <= OnnxAssert.Tolerance * MathF.Max(1f, MathF.Abs(e)), $"sample {sample}, output {k}: ONNX Runtime {row[k]:R}, Forward {e:R}");
            }
        }
    }

    private static void AssertInvalid(byte[] model, string problem)
    {
        var net = new MnistMlpNet(seed: 9);
        var before = TestData.Snapshot(net);
        var exception = Assert.Throws<InvalidDataException>(() => OnnxAssert.Load(net, model, Logits));
        Assert.Equal($"Cannot read the ONNX model as a NetCompiler network: {problem}", exception.Message);
        OnnxAssert.BitwiseEqual(before, net.Parameters);
    }

    private static void AssertInvalid(string path, string problem)
    {
        var net = new MnistMlpNet(seed: 9);
        var before = TestData.Snapshot(net);
        var exception = Assert.Throws<InvalidDataException>(() => OnnxImporter.Load(net, path, Logits));
        Assert.Equal($"Cannot read the ONNX model as a NetCompiler network: {problem}", exception.Message);
        OnnxAssert.BitwiseEqual(before, net.Parameters);
    }
}

/// <summary>A fresh folder under the system's temporary folder, deleted with its files on dispose.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("netcompiler-onnx-").FullName;

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="relativePath"/> in the folder (creating its folders) and returns the full path.</summary>
    public string Write(string relativePath, byte[] bytes)
    {
        string path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
