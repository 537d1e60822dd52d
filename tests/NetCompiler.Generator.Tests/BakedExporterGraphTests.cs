using Microsoft.CodeAnalysis;
using NetCompiler.Generator.Tests.Infrastructure;
using NetCompiler.Onnx.Tests;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// The graphs PyTorch's TorchScript and dynamo exporters and tf2onnx write for an MLP (<see cref="ExporterGraphs"/>, the
/// same graphs the ONNX tests run through ONNX Runtime) bake in bit for bit, the dynamo export's side file being an
/// AdditionalFiles item too; logits need <c>AcceptLogits = true</c> (NC0016 says so), a side file that is not an item
/// is NC0021, an <c>AcceptLogits</c> that can change nothing is NC0022, and a graph that standardises its input (which
/// baked parameters cannot carry) is NC0029.
/// </summary>
public sealed class BakedExporterGraphTests
{
    /// <summary>16 inputs (a 1 × 4 × 4 image) → 8 ReLU → 6 ReLU → 3 Softmax; ARGUMENTS is replaced by the Weights arguments.</summary>
    private const string Template = """
        using NetCompiler;
        namespace App;
        [Network(Inputs = 16, Loss = Loss.CrossEntropy, ARGUMENTS)]
        [Dense(8, Activation.ReLU)]
        [Dense(6, Activation.ReLU)]
        [Dense(3, Activation.Softmax)]
        public partial class ImageNet;
        """;

    private static readonly int[] Sizes = [8, 6, 3];

    public static TheoryData<string> Exporters() => ["TorchScriptViewMinusOne", "TorchScriptViewBatch11", "TorchScriptViewBatch17", "TorchScriptFlattenBatchOfOne", "Tf2OnnxKeras"];

    [Theory]
    [MemberData(nameof(Exporters))]
    public void AnExportersGraphBakesInBitForBit(string exporter)
    {
        var mlp = MlpWeights.Random(exporter == "Tf2OnnxKeras" ? [4, 4] : [1, 4, 4], Sizes, seed: exporter.Length);
        byte[] model = exporter switch
        {
            "TorchScriptViewMinusOne" => ExporterGraphs.TorchScriptViewMinusOne(mlp),
            "TorchScriptViewBatch11" => ExporterGraphs.TorchScriptViewBatch(mlp, opset: 11),
            "TorchScriptViewBatch17" => ExporterGraphs.TorchScriptViewBatch(mlp, opset: 17),
            "TorchScriptFlattenBatchOfOne" => ExporterGraphs.TorchScriptFlattenBatchOfOne(mlp),
            _ => ExporterGraphs.Tf2OnnxKeras(mlp),
        };
        using var directory = new TemporaryDirectory();
        string path = directory.File("Models/mlp.onnx");
        File.WriteAllBytes(path, model);
        string acceptLogits = exporter == "Tf2OnnxKeras" ? string.Empty : ", AcceptLogits = true";

        var assembly = WeightsHarness.CompileAndLoad([path], Network($"Weights = \"Models/mlp.onnx\"{acceptLogits}"));

        Assert.Equal(LoadedNetworks.Bits(mlp.Parameters()), LoadedNetworks.Bits(Pretrained(assembly)));
    }

    [Fact]
    public void ADynamoExportBakesInWithItsSideFileAsAnAdditionalFilesItem()
    {
        var mlp = MlpWeights.Random([1, 4, 4], Sizes, seed: 3);
        using var directory = new TemporaryDirectory();
        var (model, data) = ExporterGraphs.Dynamo(mlp, "mlp.onnx.data", dynamicBatch: true);
        string path = directory.File("Models/mlp.onnx");
        File.WriteAllBytes(path, model);
        string side = directory.File("Models/mlp.onnx.data");
        File.WriteAllBytes(side, data);

        var assembly = WeightsHarness.CompileAndLoad([path, side], Network("Weights = \"mlp.onnx\", AcceptLogits = true"));

        Assert.Equal(LoadedNetworks.Bits(mlp.Parameters()), LoadedNetworks.Bits(Pretrained(assembly)));
    }

    [Fact]
    public void ChangingTheSideFileRebakesTheNewWeights()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("mlp.onnx");
        string side = directory.File("mlp.onnx.data");
        var (model, data) = ExporterGraphs.Dynamo(MlpWeights.Random([1, 4, 4], Sizes, seed: 4), "mlp.onnx.data", dynamicBatch: false);
        File.WriteAllBytes(path, model);
        File.WriteAllBytes(side, data);
        var compilation = GeneratorHarness.CreateCompilation(Network("Weights = \"mlp.onnx\", AcceptLogits = true"));
        var sideItem = new WeightsFileItem(side);
        var driver = WeightsHarness.CreateDriver([new WeightsFileItem(path), sideItem]).RunGenerators(compilation);

        // Retrained: the same graph, new values in the side file; the IDE hands over a new item for it.
        var retrained = MlpWeights.Random([1, 4, 4], Sizes, seed: 5);
        File.WriteAllBytes(side, ExporterGraphs.Dynamo(retrained, "mlp.onnx.data", dynamicBatch: false).Data);
        driver = driver.ReplaceAdditionalText(sideItem, new WeightsFileItem(side)).RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var result = driver.GetRunResult().Results.Single();

        Assert.All(result.TrackedSteps[TrackingNames.ReadWeights].SelectMany(s => s.Outputs), o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(result.TrackedSteps[TrackingNames.ReadSideFiles].SelectMany(s => s.Outputs)).Reason);
        var assembly = WeightsHarness.Load(new GeneratorOutput(driver.GetRunResult(), output, diagnostics));
        Assert.Equal(LoadedNetworks.Bits(retrained.Parameters()), LoadedNetworks.Bits(Pretrained(assembly)));
    }

    [Fact]
    public void LogitsWithoutAcceptLogitsAreAMismatchThatSaysHowToAcceptThem()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("mlp.onnx");
        File.WriteAllBytes(path, ExporterGraphs.TorchScriptViewMinusOne(MlpWeights.Random([1, 4, 4], Sizes, seed: 6)));
        var (source, span) = SpanMarkup.ParseSingle(Network("[|Weights = \"mlp.onnx\"|]"));

        var output = WeightsHarness.Run([path], source);

        DiagnosticAssert.SingleDiagnostic(
            output,
            source,
            span,
            "NC0016",
            DiagnosticSeverity.Error,
            "The weights file 'mlp.onnx' does not fit the network 'ImageNet': layer 3 activation: ONNX none (identity), network Softmax: the graph outputs logits (PyTorch classifiers leave the Softmax to the loss); "
                + "to load them into a Softmax output layer, set AcceptLogits = true in [Network]; bake a file saved from a network with this topology, or change the attributes to match the file");
    }

    [Fact]
    public void NC0021_WeightsSideFileNotFound()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("Models/mlp.onnx");
        File.WriteAllBytes(path, ExporterGraphs.Dynamo(MlpWeights.Random([1, 4, 4], Sizes, seed: 7), "mlp.onnx.data", dynamicBatch: true).Model);
        var (source, span) = SpanMarkup.ParseSingle(Network("[|Weights = \"Models/mlp.onnx\"|], AcceptLogits = true"));

        var output = WeightsHarness.Run([path], source);

        DiagnosticAssert.SingleDiagnostic(
            output,
            source,
            span,
            "NC0021",
            DiagnosticSeverity.Error,
            "The weights file 'Models/mlp.onnx' of the network 'ImageNet' keeps its weights in the side file 'mlp.onnx.data', which is not an AdditionalFiles item; add <AdditionalFiles Include=\"Models/mlp.onnx.data\" /> to the project file next to the model");
        DiagnosticAssert.GeneratedFileCompilesCleanly(output, "App.ImageNet.g.cs");
        Assert.DoesNotContain("CreatePretrained", output.Sources["App.ImageNet.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void NC0029_WeightsFileStandardizesInput()
    {
        // The TorchScript graph with a StandardScaler folded in after the flattening: Sub(x, mean), Div(·, std), then Gemm.
        var model = NetCompiler.Onnx.OnnxSerializer.Decode(ExporterGraphs.TorchScriptViewMinusOne(MlpWeights.Random([1, 4, 4], Sizes, seed: 10)));
        var graph = model.Graph!;
        int gemm = graph.Nodes.FindIndex(n => n.OpType == "Gemm");
        string flattened = graph.Nodes[gemm].Inputs[0];
        graph.Initializers.Add(NetCompiler.Onnx.OnnxTensor.FromFloatsRaw("scaler.mean", [.. Enumerable.Range(0, 16).Select(i => i * 0.5f)], 16));
        graph.Initializers.Add(NetCompiler.Onnx.OnnxTensor.FromFloatsRaw("scaler.scale", [.. Enumerable.Range(0, 16).Select(i => 1f + i)], 16));
        graph.Nodes.InsertRange(gemm, [
            new NetCompiler.Onnx.OnnxNode("Sub", "/scaler/Sub", [flattened, "scaler.mean"], ["/scaler/Sub_output_0"]),
            new NetCompiler.Onnx.OnnxNode("Div", "/scaler/Div", ["/scaler/Sub_output_0", "scaler.scale"], ["/scaler/Div_output_0"]),
        ]);
        graph.Nodes[gemm + 2].Inputs[0] = "/scaler/Div_output_0";
        using var directory = new TemporaryDirectory();
        string path = directory.File("Models/scaled.onnx");
        File.WriteAllBytes(path, NetCompiler.Onnx.OnnxSerializer.Encode(model));
        var (source, span) = SpanMarkup.ParseSingle(Network("[|Weights = \"Models/scaled.onnx\"|], AcceptLogits = true"));

        var output = WeightsHarness.Run([path], source);

        DiagnosticAssert.SingleDiagnostic(
            output,
            source,
            span,
            "NC0029",
            DiagnosticSeverity.Error,
            "The weights file 'Models/scaled.onnx' of the network 'ImageNet' standardises its 16 input features (Sub, then Div) before the first dense layer, which baked-in parameters cannot carry; load it at run time with OnnxImporter.Load(net, path, out Standardizer? standardizer), or export the model without its preprocessing");
        DiagnosticAssert.GeneratedFileCompilesCleanly(output, "App.ImageNet.g.cs");
        Assert.DoesNotContain("CreatePretrained", output.Sources["App.ImageNet.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void AnEscapingSideFileLocationIsRefusedAsUnreadable()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("Models/mlp.onnx");
        var (model, data) = ExporterGraphs.Dynamo(MlpWeights.Random([1, 4, 4], Sizes, seed: 8), "../mlp.onnx.data", dynamicBatch: true);
        File.WriteAllBytes(path, model);
        string side = directory.File("mlp.onnx.data");
        File.WriteAllBytes(side, data);
        var (source, span) = SpanMarkup.ParseSingle(Network("[|Weights = \"mlp.onnx\"|], AcceptLogits = true"));

        var output = WeightsHarness.Run([path, side], source);

        DiagnosticAssert.SingleDiagnostic(
            output,
            source,
            span,
            "NC0015",
            DiagnosticSeverity.Error,
            "The weights file 'mlp.onnx' of the network 'ImageNet' cannot be baked in: 'mlp.onnx': Cannot read the ONNX model as a NetCompiler network: The tensor 'fc1.weight' is stored in '../mlp.onnx.data', which leaves the model's folder; external data must be a path inside the model's folder, so a model cannot make the importer read anywhere else.");
    }

    [Fact]
    public void ATruncatedSideFileIsRefusedAsUnreadable()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("mlp.onnx");
        var (model, data) = ExporterGraphs.Dynamo(MlpWeights.Random([1, 4, 4], Sizes, seed: 9), "mlp.onnx.data", dynamicBatch: true);
        File.WriteAllBytes(path, model);
        string side = directory.File("mlp.onnx.data");
        File.WriteAllBytes(side, data[..^4]);
        var (source, span) = SpanMarkup.ParseSingle(Network("[|Weights = \"mlp.onnx\"|], AcceptLogits = true"));

        var output = WeightsHarness.Run([path, side], source);

        DiagnosticAssert.SingleDiagnostic(
            output,
            source,
            span,
            "NC0015",
            DiagnosticSeverity.Error,
            $"The weights file 'mlp.onnx' of the network 'ImageNet' cannot be baked in: 'mlp.onnx': Cannot read the ONNX model as a NetCompiler network: The tensor 'fc3.bias' is stored at bytes {data.Length - 12} to {data.Length} of the side file 'mlp.onnx.data', which has {data.Length - 4} bytes; the range lies outside the side file (is it truncated, or from another export?).");
    }

    [Theory]
    [InlineData(
        "[|AcceptLogits = true|]",
        "AcceptLogits has no effect on the network 'ImageNet': it bakes in no weights file (to load ONNX logits at run time, pass new OnnxImportOptions { AcceptLogits = true } to OnnxImporter.Load); remove it")]
    [InlineData(
        "Weights = \"mlp.ncnet\", [|AcceptLogits = true|]",
        "AcceptLogits has no effect on the network 'ImageNet': its weights file 'mlp.ncnet' is not an ONNX model, and only ONNX models end in logits; remove it")]
    public void NC0022_AcceptLogitsHasNoEffect(string arguments, string message)
    {
        var (source, span) = SpanMarkup.ParseSingle(Network(arguments));

        var output = WeightsHarness.Run([], source);

        var diagnostic = Assert.Single(DiagnosticAssert.NetCompilerDiagnostics(output), d => d.Id == "NC0022");
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Equal(message, DiagnosticAssert.Message(diagnostic));
    }

    [Fact]
    public void AcceptLogitsOnANetworkWithoutASoftmaxOrSigmoidOutputIsNC0022()
    {
        var (source, span) = SpanMarkup.ParseSingle(Network("Weights = \"mlp.onnx\", [|AcceptLogits = true|]").Replace("Activation.Softmax", "Activation.Tanh", StringComparison.Ordinal).Replace("Loss.CrossEntropy", "Loss.MeanSquaredError", StringComparison.Ordinal));

        var output = WeightsHarness.Run([], source);

        var diagnostic = Assert.Single(DiagnosticAssert.NetCompilerDiagnostics(output), d => d.Id == "NC0022");
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Equal("AcceptLogits has no effect on the network 'ImageNet': its output layer is Tanh, not Softmax or Sigmoid, so there are no logits to turn into probabilities; remove it", DiagnosticAssert.Message(diagnostic));
    }

    private static string Network(string arguments) => Template.Replace("ARGUMENTS", arguments, StringComparison.Ordinal);

    private static float[] Pretrained(System.Reflection.Assembly assembly) =>
        LoadedNetworks.Parameters(assembly.GetType("App.ImageNet", throwOnError: true)!.GetMethod("CreatePretrained")!.Invoke(null, null)!);
}
