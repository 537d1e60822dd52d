using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using NetCompiler.Generator.Diagnostics;
using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// One test per diagnostic ID: the ID, the severity, the exact span (marked <c>[|...|]</c> in the source),
/// the exact message (which says what to do) and the description (no help link, which would have to be an absolute address); plus what is generated next to a diagnostic.
/// </summary>
public sealed class DiagnosticTests
{
    [Fact]
    public void NC0001_NetworkClassNotPartial() => AssertReports(
        """
        using NetCompiler;
        [Network(Inputs = 4)]
        [Dense(3, Activation.Tanh)]
        public sealed class [|Net|];
        """,
        "NC0001",
        DiagnosticSeverity.Error,
        "The network class 'Net' must be declared partial so NetCompiler can add the generated members; add the 'partial' modifier");

    public static TheoryData<string, string, string> UnsupportedTypes() => new()
    {
        {
            "generic class",
            """
            using NetCompiler;
            [Network(Inputs = 4)]
            [Dense(3, Activation.Tanh)]
            public partial class [|Net|]<T>;
            """,
            "a network class cannot be generic; declare one non-generic class per topology"
        },
        {
            "static class",
            """
            using NetCompiler;
            [Network(Inputs = 4)]
            [Dense(3, Activation.Tanh)]
            public static partial class [|Net|];
            """,
            "a network class cannot be static, because networks are instances holding their parameters; remove 'static'"
        },
        {
            "nested in a generic type",
            """
            using NetCompiler;
            public partial class Outer<T>
            {
                [Network(Inputs = 4)]
                [Dense(3, Activation.Tanh)]
                public partial class [|Net|];
            }
            """,
            "it is nested in the generic type 'Outer<T>'; move the network out of the generic type"
        },
        {
            "nested in a non-partial type",
            """
            using NetCompiler;
            public partial class Outer
            {
                public class Middle
                {
                    [Network(Inputs = 4)]
                    [Dense(3, Activation.Tanh)]
                    public partial class [|Net|];
                }
            }
            """,
            "it is nested in 'Middle', which is not partial; add the 'partial' modifier to 'Middle'"
        },
        {
            "abstract class",
            """
            using NetCompiler;
            [Network(Inputs = 4)]
            [Dense(3, Activation.Tanh)]
            public abstract partial class [|Net|];
            """,
            "a network class cannot be abstract, because the generated Create(seed) constructs it; remove 'abstract'"
        },
        {
            "file-local class",
            """
            using NetCompiler;
            [Network(Inputs = 4)]
            [Dense(3, Activation.Tanh)]
            file partial class [|Net|];
            """,
            "a network class cannot be file-local, because the generated members are added from another file; remove 'file'"
        },
        {
            "nested in a file-local type",
            """
            using NetCompiler;
            file partial class Outer
            {
                [Network(Inputs = 4)]
                [Dense(3, Activation.Tanh)]
                public partial class [|Net|];
            }
            """,
            "it is nested in the file-local type 'Outer', and the generated members are added from another file; remove 'file' from 'Outer'"
        },
        {
            "primary constructor",
            """
            using NetCompiler;
            [Network(Inputs = 4)]
            [Dense(3, Activation.Tanh)]
            public partial class [|Net|](int scale)
            {
                public int Scale => scale;
            }
            """,
            "a network class cannot have a primary constructor, because the generated constructors set up its parameters; remove the parameter list after the class name"
        },
        {
            "record",
            """
            using NetCompiler;
            [Network(Inputs = 4)]
            [Dense(3, Activation.Tanh)]
            public partial record [|Net|];
            """,
            "a network class cannot be a record (records add value equality and printing over the parameters); declare it as a 'partial class'"
        },
    };

    [Theory]
    [MemberData(nameof(UnsupportedTypes))]
    public void NC0002_UnsupportedNetworkType(string variant, string markup, string reason)
    {
        Assert.NotEmpty(variant); // names the case in the test list
        AssertReports(markup, "NC0002", DiagnosticSeverity.Error, $"NetCompiler cannot generate the network 'Net': {reason}");
    }

    [Fact]
    public void NC0003_NoLayers() => AssertReports(
        """
        using NetCompiler;
        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        public partial class [|Net|];
        """,
        "NC0003",
        DiagnosticSeverity.Error,
        "The network 'Net' has no layers; add at least one [Dense(size, activation)] attribute (the last one is the output layer)");

    [Theory]
    [InlineData("[Network([|Inputs = 0|])]", "0")]
    [InlineData("[Network(Loss = Loss.MeanSquaredError, [|Inputs = -3|])]", "-3")]
    [InlineData("[[|Network(Loss = Loss.MeanSquaredError)|]]", "0 (Inputs is not set)")]
    [InlineData("[[|Network|]]", "0 (Inputs is not set)")]
    public void NC0004_InvalidInputSize(string networkAttribute, string shownInputs) => AssertReports(
        $"""
        using NetCompiler;
        {networkAttribute}
        [Dense(3, Activation.Tanh)]
        public partial class Net;
        """,
        "NC0004",
        DiagnosticSeverity.Error,
        $"The network 'Net' has Inputs = {shownInputs}; set Inputs to the number of features of one sample (a positive number)");

    [Theory]
    [InlineData("[Dense([|-2|], Activation.Tanh)]", "-2")]
    [InlineData("[Dense(activation: Activation.Tanh, [|size: 0|])]", "0")]
    [InlineData("[Dense([|size: 0|], Activation.Tanh)]", "0")]
    [InlineData("[Dense([|0|])]", "0")]
    public void NC0005_InvalidLayerSize(string secondLayer, string shownSize) => AssertReports(
        $"""
        using NetCompiler;
        [Network(Inputs = 4)]
        [Dense(5, Activation.ReLU)]
        {secondLayer}
        public partial class Net;
        """,
        "NC0005",
        DiagnosticSeverity.Error,
        $"Layer 2 of the network 'Net' has size {shownSize}; a dense layer needs a positive number of neurons");

    [Theory]
    [InlineData("[Dense(5, [|Activation.Softmax|])]")]
    [InlineData("[Dense(size: 5, [|Activation.Softmax|])]")]
    [InlineData("[Dense([|activation: Activation.Softmax|], size: 5)]")]
    public void NC0006_SoftmaxOnHiddenLayer(string hiddenLayer) => AssertReports(
        $"""
        using NetCompiler;
        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        {hiddenLayer}
        [Dense(3, Activation.Softmax)]
        public partial class Net;
        """,
        "NC0006",
        DiagnosticSeverity.Error,
        "Layer 1 of the network 'Net' uses Softmax but is a hidden layer; use Softmax only on the last [Dense] and pick another activation here (for example ReLU or Tanh)");

    [Theory]
    [InlineData("[Dense(3, [|Activation.Tanh|])]", "Tanh")]
    [InlineData("[[|Dense(3)|]]", "Identity")]
    [InlineData("[Dense(size: 3, [|activation: Activation.ReLU|])]", "ReLU")]
    public void NC0007_CrossEntropyNeedsSoftmaxOrSigmoid(string outputLayer, string shownActivation) => AssertReports(
        $"""
        using NetCompiler;
        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        [Dense(5, Activation.ReLU)]
        {outputLayer}
        public partial class Net;
        """,
        "NC0007",
        DiagnosticSeverity.Error,
        $"The network 'Net' uses Loss.CrossEntropy but its output layer uses {shownActivation}; use Activation.Softmax (one class per sample) or Activation.Sigmoid (independent yes/no outputs), or choose Loss.MeanSquaredError");

    private const string MeanSquaredErrorOverSoftmax = """
        using NetCompiler;
        [Network(Inputs = 4)]
        [Dense(5, Activation.ReLU)]
        [Dense(3, [|Activation.Softmax|])]
        public partial class Net;
        """;

    [Fact]
    public void NC0008_MeanSquaredErrorOverSoftmaxIsAWarningAndTheNetworkIsStillGenerated()
    {
        var output = AssertReports(
            MeanSquaredErrorOverSoftmax,
            "NC0008",
            DiagnosticSeverity.Warning,
            "The network 'Net' trains a Softmax output with Loss.MeanSquaredError, whose gradient vanishes when the prediction is confidently wrong; use Loss.CrossEntropy for classification");

        DiagnosticAssert.GeneratedExactly(output, "Net.g.cs");
        DiagnosticAssert.GeneratedFileCompilesCleanly(output, "Net.g.cs");
        Assert.Contains("// Topology:   4 inputs → Dense(5, ReLU) → Dense(3, Softmax)", output.Sources["Net.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void NC0008_IsSuppressedByPragmaWarningDisable()
    {
        var (source, span) = SpanMarkup.ParseSingle("""
            using NetCompiler;
            #pragma warning disable NC0008
            [Network(Inputs = 4)]
            [Dense(3, Activation.Softmax)]
            public partial class Quiet;
            #pragma warning restore NC0008
            [Network(Inputs = 4)]
            [Dense(3, [|Activation.Softmax|])]
            public partial class Loud;
            """);

        var output = GeneratorHarness.Run(source);

        DiagnosticAssert.GeneratorDidNotThrow(output);
        var reported = output.Diagnostics.Where(d => d.Id == "NC0008" && !d.IsSuppressed).ToList();
        var loud = Assert.Single(reported);
        Assert.Equal(span, loud.Location.SourceSpan);
        Assert.Equal(LocationKind.SourceFile, loud.Location.Kind);
        DiagnosticAssert.GeneratedExactly(output, "Quiet.g.cs", "Loud.g.cs");
    }

    [Theory]
    [InlineData(ReportDiagnostic.Suppress, null)]
    [InlineData(ReportDiagnostic.Error, DiagnosticSeverity.Error)]
    [InlineData(ReportDiagnostic.Default, DiagnosticSeverity.Warning)]
    public void NC0008_FollowsTheProjectsWarningSettings(ReportDiagnostic setting, DiagnosticSeverity? expected)
    {
        // <NoWarn>NC0008</NoWarn> and <WarningsAsErrors>NC0008</WarningsAsErrors> reach the compiler as these options.
        var (source, _) = SpanMarkup.ParseSingle(MeanSquaredErrorOverSoftmax);
        var compilation = GeneratorHarness.CreateCompilation(source);
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions([new("NC0008", setting)]));

        var diagnostics = GeneratorHarness.Run(compilation, GeneratorHarness.CreateDriver()).Diagnostics;

        var reported = diagnostics.Where(d => d.Id == "NC0008" && !d.IsSuppressed).Select(d => (DiagnosticSeverity?)d.Severity).ToList();
        Assert.Equal(expected is null ? [] : new[] { expected }, reported);
    }

    [Theory]
    [InlineData("[Dense(3, [|(Activation)42|])]", "42")]
    [InlineData("[Dense(3, [|activation: (Activation)(-1)|])]", "-1")]
    public void NC0009_UnknownActivation(string outputLayer, string shownValue) => AssertReports(
        $"""
        using NetCompiler;
        [Network(Inputs = 4)]
        [Dense(5, Activation.ReLU)]
        {outputLayer}
        public partial class Net;
        """,
        "NC0009",
        DiagnosticSeverity.Error,
        $"Layer 2 of the network 'Net' uses the activation value {shownValue}, which is not a member of NetCompiler.Activation; use one of the named values");

    [Fact]
    public void NC0010_UnknownLoss() => AssertReports(
        """
        using NetCompiler;
        [Network(Inputs = 4, [|Loss = (Loss)7|])]
        [Dense(3, Activation.Sigmoid)]
        public partial class Net;
        """,
        "NC0010",
        DiagnosticSeverity.Error,
        "The network 'Net' uses the loss value 7, which is not a member of NetCompiler.Loss; use Loss.MeanSquaredError or Loss.CrossEntropy");

    [Fact]
    public void NC0030_UnknownPrecision() => AssertReports(
        """
        using NetCompiler;
        [Network(Inputs = 2, [|Precision = (Precision)2|])]
        [Dense(2, Activation.Sigmoid)]
        public partial class Net;
        """,
        "NC0030",
        DiagnosticSeverity.Error,
        "The network 'Net' uses the precision value 2, which is not a member of NetCompiler.Precision; use Precision.Single or Precision.Double");

    [Theory]
    [InlineData(65536, 65536, "4295032832")] // 65536 × 65536 weights + 65536 biases
    [InlineData(1, 800_000_000, "51200000064")] // 1.6e9 parameters fit, but a forward tile of 64 samples needs 64 × (1 + 8e8) scratch floats
    public void NC0011_ParameterCountOverflow(int inputs, int size, string shownCount) => AssertReports(
        $$"""
        using NetCompiler;
        [Network(Inputs = {{inputs}})]
        [Dense({{size}}, Activation.Tanh)]
        public partial class [|Net|];
        """,
        "NC0011",
        DiagnosticSeverity.Error,
        $"The network 'Net' has {shownCount} parameters (or scratch values), more than an int can index (2147483647); make the layers smaller");

    [Fact]
    public void NC0012_DenseWithoutNetwork()
    {
        var output = AssertReports(
            """
            using NetCompiler;
            [[|Dense(5, Activation.ReLU)|]]
            [Dense(3, Activation.Softmax)]
            public partial class Net;
            """,
            "NC0012",
            DiagnosticSeverity.Warning,
            "The class 'Net' has [Dense] layers but no [Network] attribute, so no network is generated; add [Network(Inputs = ...)]");

        DiagnosticAssert.GeneratedExactly(output);
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("1.0", "1")]
    [InlineData("-0.5", "-0.5")]
    [InlineData("double.NaN", "NaN")]
    public void NC0025_InvalidDropoutRate(string rate, string shown)
    {
        AssertReports(
            $$"""
            using NetCompiler;
            [Network(Inputs = 4)]
            [Dense(8, Activation.ReLU)]
            [Dropout([|{{rate}}|])]
            [Dense(3)]
            public partial class Net;
            """,
            "NC0025",
            DiagnosticSeverity.Error,
            $"The network 'Net' has [Dropout({shown})]; the rate is the probability of dropping an activation and must be greater than 0 and less than 1");
    }

    [Fact]
    public void NC0026_DropoutBeforeFirstLayer() => AssertReports(
        """
        using NetCompiler;
        [Network(Inputs = 4)]
        [[|Dropout(0.2)|]]
        [Dense(8, Activation.ReLU)]
        [Dense(3)]
        public partial class Net;
        """,
        "NC0026",
        DiagnosticSeverity.Error,
        "The network 'Net' declares [Dropout] before its first [Dense]; dropout applies to the layer declared just before it, so move it after a hidden [Dense]");

    [Fact]
    public void NC0027_DropoutAfterOutputLayer() => AssertReports(
        """
        using NetCompiler;
        [Network(Inputs = 4)]
        [Dense(8, Activation.ReLU)]
        [Dense(3)]
        [[|Dropout(0.2)|]]
        public partial class Net;
        """,
        "NC0027",
        DiagnosticSeverity.Error,
        "The network 'Net' declares [Dropout] after its last [Dense], the output layer; dropping outputs would corrupt the loss, so move it between two [Dense] attributes");

    [Fact]
    public void NC0028_RepeatedDropout() => AssertReports(
        """
        using NetCompiler;
        [Network(Inputs = 4)]
        [Dense(8, Activation.ReLU)]
        [Dropout(0.2)]
        [[|Dropout(0.3)|]]
        [Dense(3)]
        public partial class Net;
        """,
        "NC0028",
        DiagnosticSeverity.Error,
        "The network 'Net' declares two [Dropout] attributes after layer 1; keep one (two dropouts in a row act as one with a higher rate)");

    public static TheoryData<string, string, string> ClashingMembers() => new()
    {
        {
            "property named like a constant",
            """
            using NetCompiler;
            [Network(Inputs = 4)]
            [Dense(3, Activation.Tanh)]
            public partial class Net
            {
                public int [|InputSize|] => 4;
            }
            """,
            "The network 'Net' cannot declare a property 'InputSize', because NetCompiler generates a public member of that name; rename or remove it (the generated members are listed in the README)"
        },
        {
            "method with the parameters of a generated one",
            """
            using System;
            using NetCompiler;
            [Network(Inputs = 4)]
            [Dense(3, Activation.Tanh)]
            public partial class Net
            {
                public static void [|Forward|](ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output) { }
            }
            """,
            "The network 'Net' cannot declare a method 'Forward', because NetCompiler generates a public member of that name with the same parameter types (System.ReadOnlySpan<float>, System.ReadOnlySpan<float>, System.Span<float>); rename or remove it (the generated members are listed in the README)"
        },
        {
            "method with the parameters of a generated dropout overload",
            """
            using System;
            using NetCompiler;
            [Network(Inputs = 4)]
            [Dense(5, Activation.Tanh)]
            [Dropout(0.5)]
            [Dense(3)]
            public partial class Net
            {
                public static float [|AccumulateGradientBatch|](ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> gradient, DropoutMask dropout) => 0f;
            }
            """,
            "The network 'Net' cannot declare a method 'AccumulateGradientBatch', because NetCompiler generates a public member of that name with the same parameter types (System.ReadOnlySpan<float>, System.ReadOnlySpan<float>, System.ReadOnlySpan<float>, System.Span<float>, NetCompiler.DropoutMask); rename or remove it (the generated members are listed in the README)"
        },
        {
            "method with the parameters of a generated one in a double network",
            """
            using System;
            using NetCompiler;
            [Network(Inputs = 4, Precision = Precision.Double)]
            [Dense(3, Activation.Tanh)]
            public partial class Net
            {
                public void [|Jacobian|](ReadOnlySpan<double> input, Span<double> jacobian) { }
                public void Jacobian(ReadOnlySpan<float> input, Span<float> jacobian) { }
            }
            """,
            "The network 'Net' cannot declare a method 'Jacobian', because NetCompiler generates a public member of that name with the same parameter types (System.ReadOnlySpan<double>, System.Span<double>); rename or remove it (the generated members are listed in the README)"
        },
        {
            "constructor with the parameters of a generated one",
            """
            using NetCompiler;
            [Network(Inputs = 4)]
            [Dense(3, Activation.Tanh)]
            public partial class Net
            {
                public [|Net|](int size) { }
            }
            """,
            "The network 'Net' cannot declare a constructor 'Net', because NetCompiler generates a public member of that name with the same parameter types (int); rename or remove it (the generated members are listed in the README)"
        },
        {
            "field named like a layer constant",
            """
            using NetCompiler;
            [Network(Inputs = 4)]
            [Dense(3, Activation.Tanh)]
            public partial class Net
            {
                private readonly int [|Layer1Size|] = 3;
            }
            """,
            "The network 'Net' cannot declare a field 'Layer1Size', because NetCompiler generates a public member of that name; rename or remove it (the generated members are listed in the README)"
        },
    };

    [Theory]
    [MemberData(nameof(ClashingMembers))]
    public void NC0019_MemberClashesWithGenerated(string what, string markup, string message)
    {
        _ = what;
        AssertReports(markup, "NC0019", DiagnosticSeverity.Error, message);
    }

    [Fact]
    public void AnOverloadWithOtherParametersOrAMemberOfAnotherLayerNumberIsNoClash()
    {
        var assembly = GeneratorHarness.CompileAndLoad(
            """
            using System;
            using NetCompiler;
            namespace App;
            [Network(Inputs = 2)]
            [Dense(1)]
            public partial class Net
            {
                public Net() : this(seed: 7) { }
                public float[] Forward(float[] input) { var output = new float[OutputSize]; Forward(input, output); return output; }
                public const int Layer2Size = -1;
            }
            """);
        var type = assembly.GetType("App.Net", throwOnError: true)!;
        Assert.NotNull(type.GetMethod("Forward", [typeof(float[])]));
        Assert.Equal(-1, (int)type.GetField("Layer2Size")!.GetRawConstantValue()!);
    }

    [Fact]
    public void NC0020_ClassNameClashesWithGenerated() => AssertReports(
        """
        using NetCompiler;
        [Network(Inputs = 4)]
        [Dense(3, Activation.Tanh)]
        public partial class [|Forward|];
        """,
        "NC0020",
        DiagnosticSeverity.Error,
        "The network class cannot be named 'Forward', because NetCompiler generates a member of that name in it and a member cannot have its class's name; rename the class");

    [Fact]
    public void AnInvalidNetworkGeneratesNothingWhileAValidOneInTheSameCompilationStillDoes()
    {
        var output = GeneratorHarness.Run(
            """
            using NetCompiler;
            namespace App;
            [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
            [Dense(5, Activation.Softmax)]
            [Dense(3, Activation.Softmax)]
            public partial class Invalid;
            """,
            """
            using NetCompiler;
            namespace App;
            [Network(Inputs = 2, Loss = Loss.CrossEntropy)]
            [Dense(4, Activation.Tanh)]
            [Dense(1, Activation.Sigmoid)]
            public partial class Valid;
            """);

        DiagnosticAssert.GeneratorDidNotThrow(output);
        Assert.Equal(["NC0006"], DiagnosticAssert.NetCompilerDiagnostics(output).Select(d => d.Id));
        DiagnosticAssert.GeneratedExactly(output, "App.Valid.g.cs");

        using var stream = new MemoryStream();
        var emit = output.OutputCompilation.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        Assert.Empty(emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var valid = Assembly.Load(stream.ToArray()).GetType("App.Valid", throwOnError: true)!;
        Assert.Equal(2 * 4 + 4 + (4 * 1) + 1, valid.GetField("ParameterCount")!.GetRawConstantValue());
    }

    [Fact]
    public void EveryDiagnosticIdHasATestHere()
    {
        var tested = typeof(DiagnosticTests).GetMethods().Concat(typeof(BakedWeightsTests).GetMethods()).Concat(typeof(BakedExporterGraphTests).GetMethods()).Select(m => m.Name.Split('_')[0]).ToHashSet(StringComparer.Ordinal);
        Assert.All(AllDescriptors(), d => Assert.Contains(d.Id, tested));
    }

    [Fact]
    public void EveryDiagnosticIdIsTrackedInTheReleaseNotesWithItsSeverity()
    {
        var rows = File.ReadAllLines(RepositoryFile("generator/NetCompiler.Generator/AnalyzerReleases.Unshipped.md"))
            .Where(line => line.StartsWith("NC", StringComparison.Ordinal))
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
            .ToDictionary(cells => cells[0], cells => (Category: cells[1], Severity: cells[2]));

        var descriptors = AllDescriptors();
        Assert.Equal(descriptors.Select(d => d.Id).Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        Assert.All(descriptors, d => Assert.Equal((d.Category, d.DefaultSeverity.ToString()), rows[d.Id]));
    }

    [Fact]
    public void EveryDiagnosticHasAHelpPageWithItsTitleSeverityAndMessage()
    {
        string index = File.ReadAllText(RepositoryFile("docs/diagnostics/README.md"));
        Assert.All(AllDescriptors(), d =>
        {
            string page = File.ReadAllText(RepositoryFile($"docs/diagnostics/{d.Id}.md"));
            string title = d.Title.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.StartsWith($"# {d.Id}: {title}\n", page.ReplaceLineEndings("\n"), StringComparison.Ordinal);
            Assert.Contains($"**Severity:** {d.DefaultSeverity}", page, StringComparison.Ordinal);
            Assert.Contains(d.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture), page, StringComparison.Ordinal);
            Assert.Contains("## How to fix", page, StringComparison.Ordinal);
            Assert.Contains($"| [{d.Id}]({d.Id}.md) | {d.DefaultSeverity} | {title} |", index, StringComparison.Ordinal);
        });
    }

    /// <summary>
    /// Runs the generator over <paramref name="markup"/> and checks it reports exactly one NetCompiler diagnostic:
    /// <paramref name="id"/>, with <paramref name="severity"/>, exactly over the marked span, with exactly
    /// <paramref name="message"/> and a description; the source has no compiler error, and an error generates nothing.
    /// </summary>
    private static GeneratorOutput AssertReports(string markup, string id, DiagnosticSeverity severity, string message)
    {
        var (source, span) = SpanMarkup.ParseSingle(markup);
        var output = GeneratorHarness.Run(source);
        DiagnosticAssert.SingleDiagnostic(output, source, span, id, severity, message);

        if (severity == DiagnosticSeverity.Error)
        {
            DiagnosticAssert.GeneratedExactly(output);
        }

        return output;
    }

    private static IReadOnlyList<DiagnosticDescriptor> AllDescriptors() =>
        [.. typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Id, StringComparer.Ordinal)];

    internal static string RepositoryFile(string relativePath, [CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", relativePath);
}
