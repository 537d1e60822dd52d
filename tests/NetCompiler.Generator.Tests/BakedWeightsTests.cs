using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using NetCompiler.Generator.Parsing;
using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// <c>[Network(Weights = "...")]</c>: a model file or ONNX model written by the runtime library is baked into the
/// assembly bit for bit; a missing, ambiguous, unreadable or mismatched file is a diagnostic on the argument
/// (NC0013 to NC0017), never a crash; and the file is read again only when it changes.
/// </summary>
public sealed class BakedWeightsTests
{
    /// <summary>The consumer's network, the same topology as <c>Donors.Classifier</c>; WEIGHTS is replaced by the argument.</summary>
    private const string ClassifierTemplate = """
        using NetCompiler;
        namespace App;
        [Network(Inputs = 3, Loss = Loss.CrossEntropy, WEIGHTS)]
        [Dense(5, Activation.Tanh)]
        [Dense(2, Activation.Softmax)]
        public partial class Classifier;
        """;

    /// <summary>User code that reads the baked-in parameters through the static span.</summary>
    private const string Probe = """
        namespace App;
        public static class Probe
        {
            public static float[] Baked() => Classifier.PretrainedParameters.ToArray();

            public static long BytesAllocatedReadingTheBakedParameters()
            {
                long before = System.GC.GetAllocatedBytesForCurrentThread();
                int sign = 0;
                foreach (float value in Classifier.PretrainedParameters)
                {
                    sign += value < 0 ? 1 : 0;
                }

                long allocated = System.GC.GetAllocatedBytesForCurrentThread() - before;
                return sign >= 0 ? allocated : -1;
            }
        }
        """;

    private const int ClassifierParameterCount = (5 * 3) + 5 + (2 * 5) + 2;

    [Fact]
    public void AModelFileIsBakedInBitForBit()
    {
        using var directory = new TemporaryDirectory();
        var donor = Donors.TrainedClassifier();
        string path = directory.File("Models/classifier.ncnet");
        LoadedNetworks.Save(donor, path);

        var assembly = WeightsHarness.CompileAndLoad([path], Classifier("Weights = \"Models/classifier.ncnet\""), Probe);

        uint[] expected = LoadedNetworks.Bits(LoadedNetworks.Parameters(donor));
        Assert.Equal(ClassifierParameterCount, expected.Length);
        Assert.Equal([0x8000_0000u, 0x0000_0001u], expected[..2]);
        Assert.Equal(0xD800_DC00u, expected[3]);
        Assert.Equal(expected, LoadedNetworks.Bits(LoadedNetworks.Parameters(CreatePretrained(assembly))));
        Assert.Equal(expected, LoadedNetworks.Bits((float[])ProbeMethod(assembly, "Baked").Invoke(null, null)!));

        // What a big-endian machine uses instead of the view: the same parameters, decoded by value.
        var kernels = assembly.GetTypes().Single(t => t.Name.EndsWith("ClassifierKernels", StringComparison.Ordinal));
        string data = (string)kernels.GetField("PretrainedParameterData", BindingFlags.NonPublic | BindingFlags.Static)!.GetRawConstantValue()!;
        Assert.Equal(expected, LoadedNetworks.Bits(NetCompiler.Kernels.BakedParameters.Decode(data)));
    }

    [Fact]
    public void AnOnnxExportIsBakedInBitForBit()
    {
        using var directory = new TemporaryDirectory();
        var donor = Donors.TrainedClassifier();
        string path = directory.File("classifier.onnx");
        LoadedNetworks.ExportOnnx(donor, path);

        var assembly = WeightsHarness.CompileAndLoad([path], Classifier("Weights = \"classifier.onnx\""), Probe);

        Assert.Equal(
            LoadedNetworks.Bits(LoadedNetworks.Parameters(donor)),
            LoadedNetworks.Bits(LoadedNetworks.Parameters(CreatePretrained(assembly))));
    }

    [Fact]
    public void AnOnnxModelEndingInLogitsBakesIntoASoftmaxNetworkWhenAccepted()
    {
        // As OnnxImporter accepts it with AcceptLogits: PyTorch classifiers trained with CrossEntropyLoss export their logits.
        using var directory = new TemporaryDirectory();
        var donor = Donors.Create("Logits", seed: 5);
        string path = directory.File("logits.onnx");
        LoadedNetworks.ExportOnnx(donor, path);

        var assembly = WeightsHarness.CompileAndLoad([path], Classifier("Weights = \"logits.onnx\", AcceptLogits = true"));

        Assert.Equal(
            LoadedNetworks.Bits(LoadedNetworks.Parameters(donor)),
            LoadedNetworks.Bits(LoadedNetworks.Parameters(CreatePretrained(assembly))));
    }

    [Fact]
    public void A78412810ModelBakesInBitForBitAsAShallowExpression()
    {
        const string Mnist = """
            using NetCompiler;
            namespace App;
            [Network(Inputs = 784, Loss = Loss.CrossEntropy, WEIGHTS)]
            [Dense(128, Activation.ReLU)]
            [Dense(10, Activation.Softmax)]
            public partial class MnistNet;
            """;
        using var directory = new TemporaryDirectory();
        string path = directory.File("mnist.ncnet");
        var donorType = GeneratorHarness.CompileAndLoad(Mnist.Replace(", WEIGHTS", string.Empty, StringComparison.Ordinal)).GetType("App.MnistNet", throwOnError: true)!;
        var donor = LoadedNetworks.Create(donorType, seed: 1);
        LoadedNetworks.Save(donor, path);
        Assert.Equal(40 + 16 + 8 + (4 * 101_770), new FileInfo(path).Length);

        var output = WeightsHarness.Run([path], Mnist.Replace("WEIGHTS", "Weights = \"mnist.ncnet\"", StringComparison.Ordinal));

        Assert.Empty(output.Diagnostics);
        var pretrained = WeightsHarness.Load(output).GetType("App.MnistNet", throwOnError: true)!.GetMethod("CreatePretrained")!.Invoke(null, null)!;
        Assert.Equal(LoadedNetworks.Bits(LoadedNetworks.Parameters(donor)), LoadedNetworks.Bits(LoadedNetworks.Parameters(pretrained)));

        // 101,770 parameters, 32 a literal: 3,136 literals for W1, 4 for b1, 40 for W2, 1 for b2. Parenthesised 64 at a
        // time they make 49 + 1 + 1 + 1 operands of the outer '+' chain, so the deepest nesting is 51 outer '+' and 63
        // inside W1's first block, not 3,180 (analyzers that recurse over the expression stay fast).
        var data = output.OutputCompilation.SyntaxTrees.Single(t => t.FilePath.EndsWith("App.MnistNet.g.cs", StringComparison.Ordinal))
            .GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax>()
            .Single(v => v.Identifier.ValueText == "PretrainedParameterData").Initializer!.Value;
        Assert.Equal(3_181, data.DescendantNodesAndSelf().Count(n => n.IsKind(SyntaxKind.StringLiteralExpression)));
        Assert.Equal(51 + 63, Depth(data));
    }

    [Fact]
    public void ReadingTheBakedParametersAllocatesNothing()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("classifier.ncnet");
        LoadedNetworks.Save(Donors.TrainedClassifier(), path);
        var assembly = WeightsHarness.CompileAndLoad([path], Classifier("Weights = \"classifier.ncnet\""), Probe);
        var measure = ProbeMethod(assembly, "BytesAllocatedReadingTheBakedParameters");

        measure.Invoke(null, null); // compiles the method
        Assert.Equal(0L, (long)measure.Invoke(null, null)!);
    }

    [Fact]
    public void CreatePretrainedReturnsANewNetworkEachTimeAndTheConstructorsStillInitialiseFromASeed()
    {
        using var directory = new TemporaryDirectory();
        var donor = Donors.TrainedClassifier();
        string path = directory.File("classifier.ncnet");
        LoadedNetworks.Save(donor, path);
        var assembly = WeightsHarness.CompileAndLoad([path], Classifier("Weights = \"classifier.ncnet\""));

        var first = CreatePretrained(assembly);
        Assert.NotSame(first, CreatePretrained(assembly));
        var type = assembly.GetType("App.Classifier", throwOnError: true)!;
        Assert.Equal(
            LoadedNetworks.Bits(LoadedNetworks.Parameters(Donors.Create("Classifier", seed: 0))),
            LoadedNetworks.Bits(LoadedNetworks.Parameters(LoadedNetworks.Create(type, seed: 0))));
    }

    [Fact]
    public void NC0017_NonFiniteParametersAreBakedBitForBitWithAWarning()
    {
        using var directory = new TemporaryDirectory();
        var donor = Donors.TrainedClassifier();
        float[] parameters = LoadedNetworks.Parameters(donor);
        parameters[5] = BitConverter.UInt32BitsToSingle(0x7FC0_1234); // a NaN with a payload
        parameters[30] = float.NegativeInfinity;                       // b2[0]
        LoadedNetworks.SetParameters(donor, parameters);
        LoadedNetworks.Save(donor, directory.File("classifier.ncnet"));

        var output = AssertReports(
            Classifier("[|Weights = \"classifier.ncnet\"|]"),
            [directory.File("classifier.ncnet")],
            "NC0017",
            DiagnosticSeverity.Warning,
            "The weights file 'classifier.ncnet' of the network 'Classifier' holds 2 NaN or infinite parameters (the first is parameter 5, in layer 1), so the baked-in network computes NaN; was it saved after training diverged?");

        var baked = LoadedNetworks.Parameters(CreatePretrained(WeightsHarness.Load(output)));
        Assert.Equal(LoadedNetworks.Bits(parameters), LoadedNetworks.Bits(baked));
    }

    [Fact]
    public void NC0023_AModelFileSavedWithAStandardizerIsBakedWithoutItAndWarned()
    {
        using var directory = new TemporaryDirectory();
        var donor = Donors.TrainedClassifier();
        float[] parameters = LoadedNetworks.Parameters(donor);
        int inputs = (int)donor.GetType().GetField("InputSize")!.GetRawConstantValue()!;
        LoadedNetworks.SaveWithStandardizer(
            donor, directory.File("classifier.ncnet"), [.. Enumerable.Range(0, inputs).Select(i => 0.5f * i)], [.. Enumerable.Range(0, inputs).Select(i => 1f + i)]);

        var output = AssertReports(
            Classifier("[|Weights = \"classifier.ncnet\"|]"),
            [directory.File("classifier.ncnet")],
            "NC0023",
            DiagnosticSeverity.Warning,
            $"The weights file 'classifier.ncnet' of the network 'Classifier' was saved with a standardizer of its {inputs} input features, which is not baked in: PretrainedParameters expect standardised inputs, so apply the standardizer yourself (read it once with ModelFile.ReadStandardizer, or save the model without it to silence this)");

        // The parameters are baked in all the same, bit for bit.
        var baked = LoadedNetworks.Parameters(CreatePretrained(WeightsHarness.Load(output)));
        Assert.Equal(LoadedNetworks.Bits(parameters), LoadedNetworks.Bits(baked));
    }

    [Fact]
    public void NC0018_WeightsTooLarge()
    {
        // 2048 × 1024 + 1024 = 2,098,176 parameters, just over the 2,097,152 (8 MiB) a network bakes in.
        const string Large = """
            using NetCompiler;
            namespace App;
            [Network(Inputs = 2048, WEIGHTS)]
            [Dense(1024)]
            public partial class Large;
            """;
        using var directory = new TemporaryDirectory();
        string path = directory.File("large.ncnet");
        var donor = GeneratorHarness.CompileAndLoad(Large.Replace(", WEIGHTS", string.Empty, StringComparison.Ordinal)).GetType("App.Large", throwOnError: true)!;
        LoadedNetworks.Save(LoadedNetworks.Create(donor, seed: 0), path);
        var (source, span) = SpanMarkup.ParseSingle(Large.Replace("WEIGHTS", "[|Weights = \"large.ncnet\"|]", StringComparison.Ordinal));

        var output = WeightsHarness.Run([path], source);

        DiagnosticAssert.GeneratorDidNotThrow(output);
        var diagnostic = Assert.Single(DiagnosticAssert.NetCompilerDiagnostics(output));
        Assert.Equal(("NC0018", DiagnosticSeverity.Error, span), (diagnostic.Id, diagnostic.Severity, diagnostic.Location.SourceSpan));
        Assert.Equal(
            "The weights file 'large.ncnet' of the network 'Large' holds 2098176 parameters, more than NetCompiler bakes into an assembly (2097152); load it at run time with ModelFile.Load or OnnxImporter.Load instead",
            DiagnosticAssert.Message(diagnostic));
        Assert.DoesNotContain("Pretrained", Assert.Single(output.Sources).Value, StringComparison.Ordinal);
    }

    [Fact]
    public void NC0013_WeightsFileNotFound()
    {
        using var directory = new TemporaryDirectory();
        string unrelated = directory.File("Models/other.ncnet"); // never created: a file nobody names is never opened

        AssertReports(
            Classifier("[|Weights = \"Models/classifier.ncnet\"|]"),
            [unrelated],
            "NC0013",
            DiagnosticSeverity.Error,
            "The network 'Classifier' bakes in the weights file 'Models/classifier.ncnet', but no AdditionalFiles item has that name; add <AdditionalFiles Include=\"Models/classifier.ncnet\" /> to the project file (Weights names the end of the item's path, for example its file name)");
    }

    [Fact]
    public void NC0014_WeightsFileAmbiguous()
    {
        using var directory = new TemporaryDirectory();
        string first = directory.File("a/classifier.ncnet");
        string second = directory.File("b/classifier.ncnet");
        LoadedNetworks.Save(Donors.TrainedClassifier(), first);
        LoadedNetworks.Save(Donors.TrainedClassifier(), second);

        AssertReports(
            Classifier("[|Weights = \"classifier.ncnet\"|]"),
            [second, first],
            "NC0014",
            DiagnosticSeverity.Error,
            $"The weights file 'classifier.ncnet' of the network 'Classifier' matches 2 AdditionalFiles items ({first}, {second}); write more of the path in Weights so that exactly one matches");

        // More of the path picks one.
        WeightsHarness.CompileAndLoad([first, second], Classifier("Weights = \"b/classifier.ncnet\""));
    }

    public static TheoryData<string, string, string> UnreadableFiles() => new()
    {
        {
            "truncated",
            "classifier.ncnet",
            // 40 + 8L + N + 4P bytes with L = 2, N = 10 ("Classifier"), P = 32: the parameters start at 36 + 16 + 10 = 62.
            "'classifier.ncnet' is truncated: expected the parameters and their checksum at bytes 62-193 (132 bytes), but the data ends at byte 100."
        },
        {
            "trailing byte",
            "classifier.ncnet",
            "'classifier.ncnet' is corrupted: the model ends at byte 194, but 1 more bytes follow; a model file holds exactly one model."
        },
        {
            "text",
            "classifier.ncnet",
            "'classifier.ncnet' is not a NetCompiler model file: it starts with 68 65 6C 6C 6F 2C 20 77 (\"hello, w\"), not the signature 4E 43 4E 45 54 0D 0A 1A (\"NCNET\")."
        },
        {
            "malformed protobuf",
            "classifier.onnx",
            "'classifier.onnx': Malformed ONNX data at byte 1: a varint in ModelProto is truncated: the data ends after 0 of its bytes."
        },
    };

    [Theory]
    [MemberData(nameof(UnreadableFiles))]
    public void NC0015_WeightsFileUnreadable(string damage, string fileName, string readerMessage)
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File(fileName);
        LoadedNetworks.Save(Donors.TrainedClassifier(), path);
        byte[] saved = File.ReadAllBytes(path);
        byte[] written = damage switch
        {
            "truncated" => saved[..100],
            "trailing byte" => [.. saved, 0],
            "text" => "hello, world"u8.ToArray(),
            "malformed protobuf" => [0x08], // field 1 (ir_version), then a varint that never comes
            _ => throw new ArgumentOutOfRangeException(nameof(damage), damage, null),
        };
        File.WriteAllBytes(path, written);

        AssertReports(
            Classifier($"[|Weights = \"{fileName}\"|]"),
            [path],
            "NC0015",
            DiagnosticSeverity.Error,
            $"The weights file '{fileName}' of the network 'Classifier' cannot be baked in: {readerMessage}");
    }

    [Fact]
    public void NC0015_AnItemWhoseFileIsMissingOnDiskIsReportedNotThrown()
    {
        using var directory = new TemporaryDirectory();
        var (source, span) = SpanMarkup.ParseSingle(Classifier("[|Weights = \"gone.ncnet\"|]"));
        var output = WeightsHarness.Run([directory.File("gone.ncnet")], source);

        DiagnosticAssert.GeneratorDidNotThrow(output);
        var diagnostic = Assert.Single(DiagnosticAssert.NetCompilerDiagnostics(output));
        Assert.Equal("NC0015", diagnostic.Id);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.StartsWith(
            "The weights file 'gone.ncnet' of the network 'Classifier' cannot be baked in: 'gone.ncnet' cannot be opened: ",
            DiagnosticAssert.Message(diagnostic),
            StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> MismatchedFiles() => new()
    {
        {
            "Narrow",
            "other.ncnet",
            "layer 1 size: file 4, network 5; layer 2 activation: file Sigmoid, network Softmax; loss: file MeanSquaredError, network CrossEntropy"
        },
        {
            "Relu",
            "other.onnx",
            "layer 1 activation: ONNX Relu, network Tanh"
        },
        {
            "TinyNet",
            "other.onnx",
            "input: ONNX has 2 features, network has 3; layer 1: ONNX has 2 units, network has 5; layer 2: ONNX has 1 units, network has 2; layer 2 activation: ONNX Sigmoid, network Softmax"
        },
    };

    [Theory]
    [MemberData(nameof(MismatchedFiles))]
    public void NC0016_WeightsTopologyMismatch(string donor, string fileName, string differences)
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File(fileName);
        if (fileName.EndsWith(".onnx", StringComparison.Ordinal))
        {
            LoadedNetworks.ExportOnnx(Donors.Create(donor), path);
        }
        else
        {
            LoadedNetworks.Save(Donors.Create(donor), path);
        }

        AssertReports(
            Classifier($"[|Weights = \"{fileName}\"|]"),
            [path],
            "NC0016",
            DiagnosticSeverity.Error,
            $"The weights file '{fileName}' does not fit the network 'Classifier': {differences}; bake a file saved from a network with this topology, or change the attributes to match the file");
    }

    [Theory]
    [InlineData("/src/App/Models/iris.ncnet", "iris.ncnet", true)]
    [InlineData("/src/App/Models/iris.ncnet", "Models/iris.ncnet", true)]
    [InlineData("/src/App/Models/iris.ncnet", "./Models/iris.ncnet", true)]
    [InlineData("C:\\src\\App\\Models\\iris.ncnet", "models/IRIS.ncnet", true)]
    [InlineData("/src/App/Models/iris.ncnet", "Models\\iris.ncnet", true)]
    [InlineData("/src/App/Models/iris.ncnet", "/src/App/Models/iris.ncnet", true)]
    [InlineData("/src/App/Models/iris.ncnet", "ris.ncnet", false)]
    [InlineData("/src/App/Models/iris.ncnet", "Other/iris.ncnet", false)]
    [InlineData("/src/App/Models/iris.ncnet", "iris", false)]
    [InlineData("/src/App/Models/iris.ncnet", "", false)]
    public void WeightsNameTheEndOfAnItemsPathAtAFolderBoundary(string path, string name, bool matches) =>
        Assert.Equal(matches, WeightsFileReader.Matches(path, name));

    [Theory]
    [InlineData("Weights = )")]
    [InlineData("Weights = 5")]
    [InlineData("Weights = \"a.ncnet\", Weights = \"b.ncnet\"")]
    public void AWeightsArgumentTheCompilerRejectsIsLeftToTheCompiler(string argument)
    {
        var output = WeightsHarness.Run([], Classifier(argument));

        DiagnosticAssert.GeneratorDidNotThrow(output);
        Assert.NotEmpty(DiagnosticAssert.UserSourceProblems(output, DiagnosticSeverity.Error));
        Assert.Empty(DiagnosticAssert.NetCompilerDiagnostics(output));
        DiagnosticAssert.GeneratedExactly(output);
    }

    [Fact]
    public void ANetworkWithoutWeightsIsGeneratedExactlyAsBefore()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("classifier.ncnet");
        LoadedNetworks.Save(Donors.TrainedClassifier(), path);
        string before = GeneratorHarness.Run(Classifier(null)).Sources.Single().Value;

        var withUnusedItem = WeightsHarness.Run([path], Classifier(null));
        var withNull = WeightsHarness.Run([path], Classifier("Weights = null"));

        Assert.DoesNotContain("Pretrained", before, StringComparison.Ordinal);
        Assert.Equal(before, withUnusedItem.Sources.Single().Value);
        Assert.Equal(before, withNull.Sources.Single().Value);
        Assert.Empty(withNull.Diagnostics);
    }

    [Fact]
    public void EditingAnotherFileNeitherRereadsNorReemits()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("classifier.ncnet");
        LoadedNetworks.Save(Donors.TrainedClassifier(), path);
        var compilation = GeneratorHarness.CreateCompilation(Classifier("Weights = \"classifier.ncnet\""), "namespace App; public class Other { }");
        var driver = WeightsHarness.CreateDriver([new WeightsFileItem(path)]).RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace App; public class Other { public int Added; }", GeneratorHarness.ParseOptions, path: "Source1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertNotRerun(result, TrackingNames.ReadWeights);
        AssertNotRerun(result, TrackingNames.BindWeights);
        AssertNotRerun(result, TrackingNames.Spec);
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => AssertCachedOrUnchanged(o.Reason));
    }

    [Fact]
    public void EditingTheNetworksOwnFileDoesNotRereadTheWeightsOrReemit()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("classifier.ncnet");
        LoadedNetworks.Save(Donors.TrainedClassifier(), path);
        string source = Classifier("Weights = \"classifier.ncnet\"");
        var compilation = GeneratorHarness.CreateCompilation(source);
        var driver = WeightsHarness.CreateDriver([new WeightsFileItem(path)]).RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText("// A comment moves the declaration down.\n" + source, GeneratorHarness.ParseOptions, path: "Source0.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertNotRerun(result, TrackingNames.ReadWeights);
        AssertNotRerun(result, TrackingNames.Spec);
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => AssertCachedOrUnchanged(o.Reason));
    }

    [Fact]
    public void ChangingTheWeightsFileReemitsTheNetworkWithTheNewParameters()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("classifier.ncnet");
        LoadedNetworks.Save(Donors.TrainedClassifier(), path);
        var compilation = GeneratorHarness.CreateCompilation(Classifier("Weights = \"classifier.ncnet\""));
        var item = new WeightsFileItem(path);
        var driver = WeightsHarness.CreateDriver([item]).RunGenerators(compilation);
        string before = driver.GetRunResult().GeneratedTrees.Single().ToString();

        // The IDE, like the compiler, hands over a new item when the file changes.
        var retrained = Donors.Create("Classifier", seed: 11);
        LoadedNetworks.Save(retrained, path);
        var result = driver.ReplaceAdditionalText(item, new WeightsFileItem(path)).RunGenerators(compilation).GetRunResult().Results.Single();

        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(result.TrackedSteps[TrackingNames.ReadWeights].SelectMany(s => s.Outputs)).Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(result.TrackedSteps[TrackingNames.Spec].SelectMany(s => s.Outputs)).Reason);
        string after = result.GeneratedSources.Single().SourceText.ToString();
        Assert.NotEqual(before, after);
        uint firstWeight = BitConverter.SingleToUInt32Bits(LoadedNetworks.Parameters(retrained)[0]);
        Assert.Contains($"// W1: [5, 3] at 0\n            \"\\u{firstWeight & 0xFFFF:X4}\\u{firstWeight >> 16:X4}", after, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyTheFilesSomeNetworkNamesAreRead()
    {
        using var directory = new TemporaryDirectory();
        string named = directory.File("classifier.ncnet");
        LoadedNetworks.Save(Donors.TrainedClassifier(), named);
        string unnamed = directory.File("unnamed.ncnet"); // does not exist: reading it would be an NC0015

        var output = WeightsHarness.Run([unnamed, named], Classifier("Weights = \"classifier.ncnet\""));

        Assert.Empty(output.Diagnostics);
        var read = Assert.Single(output.Result.Results.Single().TrackedSteps[TrackingNames.ReadWeights].SelectMany(s => s.Outputs));
        Assert.Equal(named, ((Model.WeightsFile)read.Value).Path);
    }

    [Fact]
    public void TwoNetworksNamingOneFileShareOneRead()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("Models/classifier.ncnet");
        var donor = Donors.TrainedClassifier();
        LoadedNetworks.Save(donor, path);
        string second = Classifier("Weights = \"Models/classifier.ncnet\"").Replace("class Classifier", "class Second", StringComparison.Ordinal);

        var output = WeightsHarness.Run([path], Classifier("Weights = \"classifier.ncnet\""), second);

        Assert.Single(output.Result.Results.Single().TrackedSteps[TrackingNames.ReadWeights].SelectMany(s => s.Outputs));
        var assembly = WeightsHarness.Load(output);
        uint[] expected = LoadedNetworks.Bits(LoadedNetworks.Parameters(donor));
        Assert.Equal(expected, LoadedNetworks.Bits(LoadedNetworks.Parameters(CreatePretrained(assembly))));
        var other = assembly.GetType("App.Second", throwOnError: true)!.GetMethod("CreatePretrained")!.Invoke(null, null)!;
        Assert.Equal(expected, LoadedNetworks.Bits(LoadedNetworks.Parameters(other)));
    }

    /// <summary>The consumer's network with <paramref name="weightsArgument"/> as the last <c>[Network]</c> argument, or without one.</summary>
    [Fact]
    public async Task AnOnnxFileWithAHundredThousandPassThroughNodesIsBakedInQuickly()
    {
        // The generator reads a weights file with the runtime's ONNX reader: its walk over the graph is linear, so a
        // chain of 100,000 Identity nodes before the first layer costs the build a moment (the quadratic walk took over
        // 30 s here inside the generator). The guard keeps a regression from stalling the run; the assertion is on the result.
        using var directory = new TemporaryDirectory();
        var donor = Donors.TrainedClassifier();
        string exported = directory.File("classifier.onnx");
        LoadedNetworks.ExportOnnx(donor, exported);
        var model = NetCompiler.Onnx.OnnxSerializer.Decode(File.ReadAllBytes(exported));
        var graph = model.Graph!;
        string input = graph.Inputs[0].Name;
        var first = graph.Nodes.First(n => n.Inputs.Contains(input));
        string previous = input;
        var chain = new List<NetCompiler.Onnx.OnnxNode>();
        for (int i = 0; i < 100_000; i++)
        {
            string next = "identity" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            chain.Add(new NetCompiler.Onnx.OnnxNode("Identity", next, [previous], [next]));
            previous = next;
        }

        first.Inputs[first.Inputs.IndexOf(input)] = previous;
        graph.Nodes.InsertRange(0, chain);
        string path = directory.File("chained.onnx");
        File.WriteAllBytes(path, NetCompiler.Onnx.OnnxSerializer.Encode(model));

        var output = await Task.Run(() => WeightsHarness.Run([path], Classifier("Weights = \"chained.onnx\""))).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(output.Diagnostics);
        var pretrained = WeightsHarness.Load(output).GetType("App.Classifier", throwOnError: true)!.GetMethod("CreatePretrained")!.Invoke(null, null)!;
        Assert.Equal(LoadedNetworks.Bits(LoadedNetworks.Parameters(donor)), LoadedNetworks.Bits(LoadedNetworks.Parameters(pretrained)));
    }

    private static string Classifier(string? weightsArgument) =>
        weightsArgument is null
            ? ClassifierTemplate.Replace(", WEIGHTS", string.Empty, StringComparison.Ordinal)
            : ClassifierTemplate.Replace("WEIGHTS", weightsArgument, StringComparison.Ordinal);

    /// <summary>How deeply binary expressions nest in <paramref name="node"/>.</summary>
    private static int Depth(SyntaxNode node) =>
        (node is Microsoft.CodeAnalysis.CSharp.Syntax.BinaryExpressionSyntax ? 1 : 0)
        + node.ChildNodes().Select(Depth).DefaultIfEmpty(0).Max();

    private static object CreatePretrained(Assembly assembly) =>
        assembly.GetType("App.Classifier", throwOnError: true)!.GetMethod("CreatePretrained")!.Invoke(null, null)!;

    private static MethodInfo ProbeMethod(Assembly assembly, string name) =>
        assembly.GetType("App.Probe", throwOnError: true)!.GetMethod(name)!;

    private static void AssertNotRerun(GeneratorRunResult result, string step) =>
        Assert.All(result.TrackedSteps[step].SelectMany(s => s.Outputs), o => AssertCachedOrUnchanged(o.Reason));

    private static void AssertCachedOrUnchanged(IncrementalStepRunReason reason) =>
        Assert.Contains(reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged });

    /// <summary>
    /// Runs the generator over <paramref name="markup"/> with the weights files <paramref name="files"/> and checks it
    /// reports exactly one NetCompiler diagnostic: <paramref name="id"/>, with <paramref name="severity"/>, exactly
    /// over the marked <c>Weights</c> argument, with exactly <paramref name="message"/> and the help link. The network
    /// is generated either way and compiles cleanly; after an error it has no baked-in parameters.
    /// </summary>
    private static GeneratorOutput AssertReports(string markup, IReadOnlyList<string> files, string id, DiagnosticSeverity severity, string message)
    {
        var (source, span) = SpanMarkup.ParseSingle(markup);
        var output = WeightsHarness.Run(files, source);
        DiagnosticAssert.SingleDiagnostic(output, source, span, id, severity, message);

        DiagnosticAssert.GeneratedExactly(output, "App.Classifier.g.cs");
        DiagnosticAssert.GeneratedFileCompilesCleanly(output, "App.Classifier.g.cs");
        Assert.Equal(severity == DiagnosticSeverity.Warning, output.Sources["App.Classifier.g.cs"].Contains("CreatePretrained", StringComparison.Ordinal));
        return output;
    }
}
