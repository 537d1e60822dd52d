using Microsoft.CodeAnalysis;
using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// What the generator adds for five reference topologies: a file of bounded length, and in the user's class the public
/// API and the instance's own state only (every helper lives in the file-local kernel class).
/// </summary>
public sealed class GeneratedShapeTests(Xunit.Abstractions.ITestOutputHelper log)
{
    // The limits include the input derivatives (InputGradient, Jacobian, LossInputGradient): nine public members and five
    // topology-specific passes (the forward pass keeping z_l and a_l, the output Jacobian, BP1, the backward and the forward
    // sweep), about 90 lines for two layers and 15 more per layer; their entry points live in the runtime. The training pass
    // that hands out its outputs (for the trainer's running metric) adds about 10 lines. The Trainer's optimizer step fused
    // with the weight-gradient products (OptimizerStepBatch: the training pass, then the runtime's ParameterUpdate.Layer
    // for each layer, which walks the tiles) adds about 45 lines.
    public static TheoryData<string, string, int> Topologies => new()
    {
        { "Xor", "[Network(Inputs = 2, Loss = Loss.CrossEntropy)] [Dense(4, Activation.Tanh)] [Dense(1, Activation.Sigmoid)]", 720 },
        { "Iris", "[Network(Inputs = 4, Loss = Loss.CrossEntropy)] [Dense(16, Activation.Tanh)] [Dense(3, Activation.Softmax)]", 720 },
        { "Mnist", "[Network(Inputs = 784, Loss = Loss.CrossEntropy)] [Dense(128, Activation.ReLU)] [Dense(10, Activation.Softmax)]", 720 },
        { "Deep", "[Network(Inputs = 784, Loss = Loss.CrossEntropy)] [Dense(256, Activation.ReLU)] [Dense(256, Activation.ReLU)] [Dense(10, Activation.Softmax)]", 960 },
        { "Funnel", "[Network(Inputs = 13)] [Dense(7, Activation.Tanh)] [Dense(5, Activation.ReLU)] [Dense(3, Activation.Sigmoid)] [Dense(1)]", 960 },
    };

    [Theory]
    [MemberData(nameof(Topologies))]
    public void TheGeneratedFileStaysWithinItsLength(string name, string attributes, int maximumLines)
    {
        string generated = Generate(name, attributes);

        int lines = generated.Count(c => c == '\n');
        log.WriteLine($"{name}: {lines} generated lines (at most {maximumLines})");
        Assert.True(lines <= maximumLines, $"{name}: {lines} generated lines, more than {maximumLines}.");
    }

    [Theory]
    [MemberData(nameof(Topologies))]
    public void TheUserClassGainsThePublicApiAndItsStateOnly(string name, string attributes, int maximumLines)
    {
        _ = maximumLines;
        var output = GeneratorHarness.Run(Source(name, attributes));
        var type = output.OutputCompilation.GetTypeByMetadataName("Shapes." + name)!;
        var layers = type.GetMembers().OfType<IFieldSymbol>().Count(f => f.Name.StartsWith("Layer", StringComparison.Ordinal) && f.Name.EndsWith("BiasOffset", StringComparison.Ordinal));
        Assert.True(layers > 0);

        var expected = new HashSet<string>(PublicApi.Names, StringComparer.Ordinal) { "_parameters", "_gradient", ".ctor" };
        expected.ExceptWith(["PretrainedParameters", "CreatePretrained"]);
        for (int layer = 1; layer <= layers; layer++)
        {
            expected.UnionWith(PublicApi.LayerPatterns.Select(p => p.Replace("{n}", layer.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)));
        }

        var declared = type.GetMembers()
            .Where(m => !m.IsImplicitlyDeclared && m.ExplicitInterfaceImplementations().Length == 0 && m.Kind != SymbolKind.Property || m is IPropertySymbol { ExplicitInterfaceImplementations.Length: 0 })
            .Where(m => !m.IsImplicitlyDeclared)
            .Select(m => m.Name)
            .Where(n => !n.StartsWith("get_", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

        Assert.Equal(expected.OrderBy(n => n, StringComparer.Ordinal), declared.OrderBy(n => n, StringComparer.Ordinal));
        int members = type.GetMembers().Count(m => !m.IsImplicitlyDeclared && !(m is IMethodSymbol { AssociatedSymbol: not null }));
        log.WriteLine($"{name}: {members} members in the user's class ({type.GetMembers().Count(m => !m.IsImplicitlyDeclared && m.DeclaredAccessibility == Accessibility.Public && !(m is IMethodSymbol { AssociatedSymbol: not null }))} public)");
        Assert.All(type.GetMembers().Where(m => !m.IsImplicitlyDeclared && m.ExplicitInterfaceImplementations().Length == 0 && !m.Name.StartsWith('_')),
            m => Assert.True(m.DeclaredAccessibility == Accessibility.Public || m.Name.StartsWith("get_", StringComparison.Ordinal), $"{m.Name} is not public"));
    }

    [Theory]
    [InlineData("[Network(Inputs = 4)] [Dense(5, Activation.Tanh)] [Dense(3)]", false)]
    [InlineData("[Network(Inputs = 4)] [Dense(5, Activation.Tanh)] [Dropout(0.5)] [Dense(3)]", true)]
    [InlineData("[Network(Inputs = 4, Precision = Precision.Double)] [Dense(5, Activation.Tanh)] [Dense(3)]", false)]
    [InlineData("[Network(Inputs = 4, Precision = Precision.Double)] [Dense(5, Activation.Tanh)] [Dropout(0.5)] [Dense(3)]", true)]
    public void EveryGeneratedPublicMethodIsListedWithItsParameterTypes(string attributes, bool hasDropout)
    {
        string element = attributes.Contains("Precision.Double", StringComparison.Ordinal) ? "double" : "float";
        var output = GeneratorHarness.Run(Source("Listed", attributes));
        var type = output.OutputCompilation.GetTypeByMetadataName("Shapes.Listed")!;
        var methods = type.GetMembers().OfType<IMethodSymbol>()
            .Where(m => !m.IsImplicitlyDeclared && m.DeclaredAccessibility == Accessibility.Public && m.MethodKind is MethodKind.Ordinary or MethodKind.Constructor)
            .ToList();
        Assert.Equal(hasDropout ? 2 : 0, methods.Count(m => m.Parameters.Any(p => p.Type.Name == "DropoutMask")));

        foreach (var method in methods)
        {
            string name = method.MethodKind == MethodKind.Constructor ? ".ctor" : method.Name;
            string[] parameters = [.. method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat))];
            var listed = NetCompiler.Generator.Model.GeneratedMembers.SignaturesOf(name, hasDropout, element);
            Assert.True(
                listed is not null && listed.Any(signature => signature.SequenceEqual(parameters)),
                $"{name}({string.Join(", ", parameters)}) is generated but not in GeneratedMembers, so NC0019 would miss a user member that clashes with it.");
        }
    }

    [Fact]
    public void TheReadmesReservedNamesAreTheGeneratedPublicMembers()
    {
        string readme = File.ReadAllText(DiagnosticTests.RepositoryFile("README.md")).ReplaceLineEndings("\n");
        int start = readme.IndexOf("<!-- reserved-names -->", StringComparison.Ordinal);
        int end = readme.IndexOf("<!-- /reserved-names -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README.md has no reserved-names section.");
        var listed = System.Text.RegularExpressions.Regex.Matches(readme[start..end], "`([^`]+)`").Select(m => m.Groups[1].Value).ToList();

        Assert.Equal([.. PublicApi.Names, .. PublicApi.LayerPatterns], listed);
    }

    private static string Generate(string name, string attributes)
    {
        var output = GeneratorHarness.Run(Source(name, attributes));
        DiagnosticAssert.GeneratedFileCompilesCleanly(output, $"Shapes.{name}.g.cs");
        return output.Sources[$"Shapes.{name}.g.cs"];
    }

    private static string Source(string name, string attributes) =>
        $"using NetCompiler;\nnamespace Shapes;\n{attributes}\npublic partial class {name};\n";
}

/// <summary>The generator's list of public member names, which the README's reserved-name list must equal.</summary>
internal static class PublicApi
{
    public static IReadOnlyList<string> Names => [.. NetCompiler.Generator.Model.GeneratedMembers.Names, .. NetCompiler.Generator.Model.GeneratedMembers.PretrainedNames];

    public static IReadOnlyList<string> LayerPatterns => NetCompiler.Generator.Model.GeneratedMembers.LayerPatterns;
}

internal static class SymbolExtensions
{
    public static System.Collections.Immutable.ImmutableArray<ISymbol> ExplicitInterfaceImplementations(this ISymbol symbol) => symbol switch
    {
        IMethodSymbol method => [.. method.ExplicitInterfaceImplementations],
        IPropertySymbol property => [.. property.ExplicitInterfaceImplementations],
        _ => [],
    };
}
