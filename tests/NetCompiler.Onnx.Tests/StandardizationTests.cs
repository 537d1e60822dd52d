using NetCompiler.Data;

namespace NetCompiler.Onnx.Tests;

/// <summary>
/// A <see cref="Standardizer"/> exported with the network as <c>Sub</c>/<c>Div</c> before the first <c>Gemm</c>: ONNX Runtime
/// on raw inputs computes Forward of the standardised inputs, the importer gives the same standardiser back, reads the
/// <c>Mul</c>-by-reciprocals form and a flattened input, and refuses every other arithmetic on the input with a message
/// that names it.
/// </summary>
public class StandardizationTests
{
    /// <summary>Means far from 0 and standard deviations far from 1, so a dropped or misapplied standardisation shows.</summary>
    private static Standardizer IrisLike() => new([5.84f, 3.05f, 3.76f, 1.2f], [0.83f, 0.43f, 1.76f, 0.76f]);

    [Fact]
    public void OnnxRuntimeOnRawInputsEqualsForwardOnStandardizedInputs()
    {
        var net = TestData.RandomNetwork<IrisShapedNet>(seed: 31);
        var standardizer = IrisLike();
        var raw = TestData.Inputs(50, IrisShapedNet.InputSize, seed: 131);
        for (int i = 0; i < raw.Length; i++)
        {
            raw[i] = standardizer.Mean[i % 4] + (2f * raw[i]);
        }

        var actual = OnnxRuntimeRunner.Run(Export(net, standardizer), raw, IrisShapedNet.InputSize);

        var standardized = new float[raw.Length];
        standardizer.Transform(raw, standardized);
        var expected = TestData.ForwardBatch<IrisShapedNet>(net.Parameters, standardized);
        var unstandardized = TestData.ForwardBatch<IrisShapedNet>(net.Parameters, raw);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(MathF.Abs(actual[i] - expected[i]) <= OnnxAssert.Tolerance * MathF.Max(1f, MathF.Abs(expected[i])), $"output {i}: ONNX Runtime {actual[i]:R}, Forward(standardized) {expected[i]:R}");
        }

        // The standardisation matters on these inputs: without it Forward is far from ONNX Runtime.
        Assert.True(expected.Zip(unstandardized).Max(p => MathF.Abs(p.First - p.Second)) > 0.05f);
    }

    [Fact]
    public void AConstantFeatureIsCentredOnlyInOnnxRuntimeAsInTransform()
    {
        var net = TestData.RandomNetwork<IrisShapedNet>(seed: 32);
        var standardizer = new Standardizer([1f, 2f, 3f, 4f], [0.5f, 0f, 2f, 1f]);
        var raw = TestData.Inputs(50, IrisShapedNet.InputSize, seed: 132);

        var actual = OnnxRuntimeRunner.Run(Export(net, standardizer), raw, IrisShapedNet.InputSize);

        var standardized = new float[raw.Length];
        standardizer.Transform(raw, standardized);
        var expected = TestData.ForwardBatch<IrisShapedNet>(net.Parameters, standardized);
        Assert.All(expected.Zip(actual), p => Assert.True(MathF.Abs(p.First - p.Second) <= OnnxAssert.Tolerance * MathF.Max(1f, MathF.Abs(p.First))));
    }

    [Fact]
    public void ExportThenImportGivesTheSameStandardizerAndParametersBitForBit()
    {
        var net = TestData.RandomNetwork<IrisShapedNet>(seed: 33);
        var standardizer = Standardizer.Fit(TestData.Inputs(40, 4, seed: 133), 4);
        var loaded = new IrisShapedNet(seed: 1);

        using var stream = new MemoryStream(Export(net, standardizer));
        OnnxImporter.Load(loaded, stream, out Standardizer? read);

        Assert.NotNull(read);
        OnnxAssert.BitwiseEqual([.. standardizer.Mean], [.. read.Mean]);
        OnnxAssert.BitwiseEqual([.. standardizer.StdDev], [.. read.StdDev]);
        OnnxAssert.BitwiseEqual(net.Parameters, loaded.Parameters);
    }

    [Fact]
    public void ExportToAFileThenImportFromItGivesTheStandardizerBack()
    {
        var net = TestData.RandomNetwork<IrisShapedNet>(seed: 34);
        var standardizer = IrisLike();
        string path = Path.Combine(Path.GetTempPath(), $"netcompiler-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Export(net, path, standardizer);
            var loaded = new IrisShapedNet(seed: 1);
            OnnxImporter.Load(loaded, path, out Standardizer? read);

            Assert.NotNull(read);
            OnnxAssert.BitwiseEqual([.. standardizer.Mean], [.. read.Mean]);
            OnnxAssert.BitwiseEqual([.. standardizer.StdDev], [.. read.StdDev]);
            OnnxAssert.BitwiseEqual(net.Parameters, loaded.Parameters);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AConstantFeatureComesBackWithTheDivisorOneItWasExportedWith()
    {
        // ONNX holds what Transform divides by; a standard deviation of 0 is divided by 1, so it reads back as 1, which
        // standardises every input exactly as before.
        var standardizer = new Standardizer([1f, 2f, 3f, 4f], [0.5f, 0f, 2f, 1f]);
        var read = RoundTrip(standardizer);

        Assert.Equal([0.5f, 1f, 2f, 1f], read.StdDev);
        float[] input = [3f, -7f, 0.25f, 9f], before = new float[4], after = new float[4];
        standardizer.Transform(input, before);
        read.Transform(input, after);
        OnnxAssert.BitwiseEqual(before, after);
    }

    [Fact]
    public void WithoutAStandardizerTheExportIsTheOneOfBeforeAndImportGivesNull()
    {
        var net = TestData.RandomNetwork<IrisShapedNet>(seed: 35);
        using var withNull = new MemoryStream();
        OnnxExporter.Export(net, withNull, standardizer: null);

        Assert.Equal(OnnxAssert.Export(net), withNull.ToArray());
        using var stream = new MemoryStream(withNull.ToArray());
        OnnxImporter.Load(new IrisShapedNet(seed: 1), stream, out Standardizer? read);
        Assert.Null(read);
    }

    [Fact]
    public void TheGraphStandardizesBeforeTheFirstGemmWithTheStatisticsAsInitializers()
    {
        var model = OnnxSerializer.Decode(Export(TestData.RandomNetwork<IrisShapedNet>(seed: 36), IrisLike()));
        var graph = model.Graph!;

        Assert.Equal(["Sub", "Div", "Gemm"], graph.Nodes.Take(3).Select(n => n.OpType));
        Assert.Equal(["input", "preprocess.mean"], graph.Nodes[0].Inputs);
        Assert.Equal(["preprocess.centred", "preprocess.std"], graph.Nodes[1].Inputs);
        Assert.Equal("preprocess.standardized", graph.Nodes[2].Inputs[0]);
        Assert.Equal([5.84f, 3.05f, 3.76f, 1.2f], graph.Initializers.Single(t => t.Name == "preprocess.mean").ToFloats());
        Assert.Equal([0.83f, 0.43f, 1.76f, 0.76f], graph.Initializers.Single(t => t.Name == "preprocess.std").ToFloats());
    }

    [Fact]
    public void ExportRefusesAStandardizerOfAnotherFeatureCount()
    {
        var net = new IrisShapedNet(seed: 1);
        var exception = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(net, new MemoryStream(), new Standardizer([0f, 0f, 0f], [1f, 1f, 1f])));

        Assert.StartsWith("IrisShapedNet: the standardizer has 3 features but the network takes 4 inputs (InputSize).", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImportWithoutAskingForTheStandardizerRefusesRatherThanDropIt()
    {
        var net = TestData.RandomNetwork<IrisShapedNet>(seed: 37);
        var target = TestData.RandomNetwork<IrisShapedNet>(seed: 38);
        var before = TestData.Snapshot(target);

        var exception = Assert.Throws<InvalidDataException>(() => OnnxAssert.Load(target, Export(net, IrisLike())));

        Assert.Equal(
            "The ONNX model standardises its 4 input features (Sub, then Div) before the first dense layer, and IrisShapedNet would compute something else on the same inputs without it; load it with OnnxImporter.Load(net, path, out Standardizer? standardizer, options) and apply standardizer.Transform to the inputs before Forward.",
            exception.Message);
        OnnxAssert.BitwiseEqual(before, target.Parameters);
    }

    [Fact]
    public void MulByTheReciprocalsIsReadAsDivByTheStandardDeviations()
    {
        var model = Decoded(IrisLike());
        var div = model.Graph!.Nodes[1];
        div.OpType = "Mul";
        Replace(model, "preprocess.std", [1f / 0.5f, 1f / 0.25f, 1f / 2f, 1f / 4f]);

        var read = Import(model);

        Assert.Equal([5.84f, 3.05f, 3.76f, 1.2f], read.Mean);
        Assert.Equal([0.5f, 0.25f, 2f, 4f], read.StdDev);
    }

    [Fact]
    public void StatisticsShapedOneByFeaturesAreRead()
    {
        // [1, F], as an exporter that keeps the batch axis of a broadcast writes them.
        var model = Decoded(IrisLike());
        Replace(model, "preprocess.mean", [1f, 2f, 3f, 4f], 1, 4);
        Replace(model, "preprocess.std", [0.5f, 1.5f, 2.5f, 3.5f], 1, 4);

        var read = Import(model);

        Assert.Equal([1f, 2f, 3f, 4f], read.Mean);
        Assert.Equal([0.5f, 1.5f, 2.5f, 3.5f], read.StdDev);
    }

    [Fact]
    public void AStandardizationAfterAFlattenOfTheInputIsRead()
    {
        // [N, 1, 2, 2] flattened to [N, 4], then standardised, as a model of 2 × 2 images would do.
        var model = Decoded(IrisLike());
        var graph = model.Graph!;
        graph.Inputs[0] = OnnxValueInfo.Tensor("image", OnnxDataType.Float, "batch", 1, 2, 2);
        graph.Nodes.Insert(0, new OnnxNode("Flatten", "flatten", ["image"], ["input"], OnnxAttribute.Int("axis", 1)));

        var read = Import(model);

        Assert.Equal([5.84f, 3.05f, 3.76f, 1.2f], read.Mean);
        Assert.Equal([0.83f, 0.43f, 1.76f, 0.76f], read.StdDev);
    }

    /// <summary>Each way the input's arithmetic can differ from a standardisation, applied to an exported model.</summary>
    private static readonly Dictionary<string, Action<OnnxModel>> Mutations = new()
    {
        ["a Sub without the division"] = model => Node(model, "Div").OpType = "Add",
        ["the input subtracted from the mean"] = model => Node(model, "Sub").Inputs.Reverse(),
        ["a division without the Sub"] = model =>
        {
            model.Graph!.Nodes.Remove(Node(model, "Sub"));
            Node(model, "Div").Inputs[0] = "input";
        },
        ["a mean of the wrong length"] = model => Replace(model, "preprocess.mean", [1f, 2f, 3f]),
        ["a standard deviation of the wrong length"] = model => Replace(model, "preprocess.std", [1f, 2f]),
        ["a standard deviation of 0"] = model => Replace(model, "preprocess.std", [1f, 0f, 1f, 1f]),
        ["a negative standard deviation"] = model => Replace(model, "preprocess.std", [1f, 1f, -2f, 1f]),
        ["a mean that is not finite"] = model => Replace(model, "preprocess.mean", [1f, float.NaN, 1f, 1f]),
        ["a mean that is a matrix"] = model => Replace(model, "preprocess.mean", [1f, 2f, 3f, 4f], 2, 2),
    };

    public static TheoryData<string, string> Refusals() => new()
    {
        {
            "a Sub without the division",
            "Node 'preprocess/Sub' (Sub) subtracts the per-feature constant 'preprocess.mean' from the input, and its result goes to node 'preprocess/Div' (Add) instead of a Div (or Mul) by a per-feature constant"
        },
        {
            "the input subtracted from the mean",
            "Node 'preprocess/Sub' (Sub) combines the input with the per-feature constant 'preprocess.mean' before the first dense layer (Sub with the input as operand 2)"
        },
        {
            "a division without the Sub",
            "Node 'preprocess/Div' (Div) combines the input with the per-feature constant 'preprocess.std' before the first dense layer (Div with the input as operand 1)"
        },
        {
            "a mean of the wrong length",
            "Node 'preprocess/Sub' (Sub) combines the input, which has 4 features, with the constant 'preprocess.mean' of the shape [3] before the first dense layer"
        },
        {
            "a standard deviation of the wrong length",
            "Node 'preprocess/Div' (Div) scales the centred input by 'preprocess.std', which has the shape [2], but the mean 'preprocess.mean' has 4 values"
        },
        {
            "a standard deviation of 0",
            "Node 'preprocess/Div' (Div) divides feature 1 by 0; a standardisation divides each feature by a positive, finite standard deviation."
        },
        {
            "a negative standard deviation",
            "Node 'preprocess/Div' (Div) divides feature 2 by -2; a standardisation divides each feature by a positive, finite standard deviation."
        },
        {
            "a mean that is not finite",
            "Node 'preprocess/Sub' (Sub): the mean 'preprocess.mean' holds NaN for feature 1; a standardisation's statistics are finite."
        },
        {
            "a mean that is a matrix",
            "Node 'preprocess/Sub' (Sub): the mean 'preprocess.mean' has the shape [2, 2]; a per-feature standardisation holds one value per feature, [4] or [1, 4]."
        },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void AnythingButAPerFeatureStandardizationOfTheRightLengthIsRefused(string what, string message)
    {
        var model = Decoded(IrisLike());
        Mutations[what](model);
        var target = TestData.RandomNetwork<IrisShapedNet>(seed: 39);
        var before = TestData.Snapshot(target);

        using var stream = new MemoryStream(OnnxSerializer.Encode(model));
        var exception = Assert.Throws<InvalidDataException>(() => OnnxImporter.Load(target, stream, out Standardizer? _));

        Assert.Contains(message, exception.Message, StringComparison.Ordinal);
        Assert.StartsWith("Cannot read the ONNX model as a NetCompiler network: ", exception.Message, StringComparison.Ordinal);
        OnnxAssert.BitwiseEqual(before, target.Parameters);
    }

    private static byte[] Export<TNet>(TNet net, Standardizer standardizer)
        where TNet : class, INeuralNetwork<TNet>
    {
        using var stream = new MemoryStream();
        OnnxExporter.Export(net, stream, standardizer);
        return stream.ToArray();
    }

    private static OnnxModel Decoded(Standardizer standardizer) =>
        OnnxSerializer.Decode(Export(TestData.RandomNetwork<IrisShapedNet>(seed: 40), standardizer));

    private static Standardizer RoundTrip(Standardizer standardizer) => Import(Decoded(standardizer));

    private static Standardizer Import(OnnxModel model)
    {
        using var stream = new MemoryStream(OnnxSerializer.Encode(model));
        OnnxImporter.Load(new IrisShapedNet(seed: 1), stream, out Standardizer? read);
        Assert.NotNull(read);
        return read;
    }

    private static OnnxNode Node(OnnxModel model, string opType) => model.Graph!.Nodes.First(n => n.OpType == opType);

    private static void Replace(OnnxModel model, string name, float[] values, params long[] dims)
    {
        var initializers = model.Graph!.Initializers;
        initializers[initializers.FindIndex(t => t.Name == name)] = OnnxTensor.FromFloatsRaw(name, values, dims.Length > 0 ? dims : [values.Length]);
    }
}
