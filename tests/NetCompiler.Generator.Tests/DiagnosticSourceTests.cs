using System.Globalization;
using System.Reflection;
using Microsoft.CodeAnalysis;
using NetCompiler.Generator.Diagnostics;
using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// Who reports what: the declaration's diagnostics come from <see cref="NetworkDeclarationAnalyzer"/> (which editors run
/// as the user types and whose diagnostics get code fixes), the weights files' from the generator, and a build reports
/// each diagnostic once. Every descriptor carries its docs page's guidance and no link that opens nothing.
/// </summary>
public sealed class DiagnosticSourceTests
{
    private const string TwoMistakes = """
        using NetCompiler;
        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        [Dense(5, Activation.Softmax)]
        [Dense(3, Activation.Tanh)]
        public class Net;
        """;

    [Fact]
    public void DeclarationDiagnosticsComeFromTheAnalyzerOnce()
    {
        var compilation = GeneratorHarness.CreateCompilation(TwoMistakes);
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out _, out var generatorDiagnostics);

        Assert.Empty(generatorDiagnostics);
        var analyzerIds = GeneratorHarness.AnalyzerDiagnostics(compilation).Select(d => d.Id).Order(StringComparer.Ordinal);
        Assert.Equal(["NC0001", "NC0006", "NC0007"], analyzerIds);
    }

    [Fact]
    public void EachPartialDeclarationIsAnalyzedOnce()
    {
        // [Network] on one part, [Dense] on another: one NC0006, reported by the declaration the generator parses.
        var compilation = GeneratorHarness.CreateCompilation("""
            using NetCompiler;
            [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
            public partial class Net { }
            [Dense(5, Activation.Softmax)]
            [Dense(3, Activation.Softmax)]
            public partial class Net { }
            """);

        var diagnostics = GeneratorHarness.AnalyzerDiagnostics(compilation);

        Assert.Equal(["NC0006"], diagnostics.Select(d => d.Id));
    }

    [Fact]
    public void WeightsFileDiagnosticsComeFromTheGeneratorOnce()
    {
        var compilation = GeneratorHarness.CreateCompilation("""
            using NetCompiler;
            [Network(Inputs = 4, Weights = "missing.ncnet")]
            [Dense(3, Activation.Tanh)]
            public partial class Net;
            """);
        GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out _, out var generatorDiagnostics);

        Assert.Equal(["NC0013"], generatorDiagnostics.Select(d => d.Id));
        Assert.Empty(GeneratorHarness.AnalyzerDiagnostics(compilation));
    }

    [Fact]
    public void EveryDescriptorCarriesGuidanceAndNoRelativeLink()
    {
        var descriptors = AllDescriptors();

        Assert.Equal(29, descriptors.Count);
        foreach (var descriptor in descriptors)
        {
            string description = descriptor.Description.ToString(CultureInfo.InvariantCulture);
            Assert.True(description.Length > 80, $"{descriptor.Id} has no guidance in its description");
            Assert.True(
                descriptor.HelpLinkUri.Length == 0 || Uri.TryCreate(descriptor.HelpLinkUri, UriKind.Absolute, out _),
                $"{descriptor.Id}'s help link '{descriptor.HelpLinkUri}' is relative");
        }
    }

    [Fact]
    public void TheAnalyzerSupportsExactlyTheDeclarationDiagnostics()
    {
        string[] weights = ["NC0013", "NC0014", "NC0015", "NC0016", "NC0017", "NC0018", "NC0021", "NC0023", "NC0029"];

        var supported = new NetworkDeclarationAnalyzer().SupportedDiagnostics.Select(d => d.Id).Order(StringComparer.Ordinal);

        Assert.Equal(AllDescriptors().Select(d => d.Id).Except(weights).Order(StringComparer.Ordinal), supported);
    }

    private static List<DiagnosticDescriptor> AllDescriptors() =>
        [.. typeof(DiagnosticDescriptors)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)];
}
