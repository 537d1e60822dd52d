using Microsoft.CodeAnalysis;
using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// Declarations that once broke the generator or its output: names that differ only in case, sizes whose generated
/// constants would not fit an int, and class names that are keywords or names the generated code uses.
/// </summary>
public sealed class GeneratorRobustnessTests
{
    [Fact]
    public void NetworksWhoseFullNamesDifferOnlyInCaseAllGenerate()
    {
        var output = GeneratorHarness.Run(
            "using NetCompiler; namespace App; [Network(Inputs = 2)] [Dense(1)] public partial class Net;",
            "using NetCompiler; namespace App; [Network(Inputs = 3)] [Dense(1)] public partial class NET;",
            "using NetCompiler; namespace models; [Network(Inputs = 4)] [Dense(1)] public partial class Net;",
            "using NetCompiler; namespace Models; [Network(Inputs = 5)] [Dense(1)] public partial class Net;",
            "using NetCompiler; namespace Other; [Network(Inputs = 6)] [Dense(1)] public partial class Net;");

        DiagnosticAssert.GeneratorDidNotThrow(output);
        Assert.Equal(
            ["App.NET.17.g.cs", "App.Net.11.g.cs", "Models.Net.180.g.cs", "Other.Net.g.cs", "models.Net.080.g.cs"],
            output.Sources.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(5, output.Sources.Keys.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Empty(output.OutputCompilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        foreach (var (type, inputs) in new[] { ("App.Net", 2), ("App.NET", 3), ("models.Net", 4), ("Models.Net", 5), ("Other.Net", 6) })
        {
            var field = output.OutputCompilation.GetTypeByMetadataName(type)!.GetMembers("InputSize").OfType<IFieldSymbol>().Single();
            Assert.Equal(inputs, field.ConstantValue);
        }
    }

    [Theory]
    [InlineData("[Network(Inputs = 33_554_431)] [Dense(1)]", "2147483648")]
    [InlineData("[Network(Inputs = 1)] [Dense(16_777_216)] [Dense(16_777_216)]", "281475027042304")]
    [InlineData("[Network(Inputs = 2_147_483_647)] [Dense(2_147_483_647)]", "4611686016279904256")]
    public void SizesWhoseGeneratedConstantsWouldOverflowAreNC0011(string attributes, string largest)
    {
        var output = GeneratorHarness.Run($"using NetCompiler; namespace App; {attributes} public partial class Big;");

        var diagnostic = Assert.Single(DiagnosticAssert.NetCompilerDiagnostics(output));
        Assert.Equal("NC0011", diagnostic.Id);
        Assert.Contains($"has {largest} parameters (or scratch values)", DiagnosticAssert.Message(diagnostic), StringComparison.Ordinal);
        Assert.Empty(output.Sources);
        Assert.DoesNotContain(output.OutputCompilation.GetDiagnostics(), d => d.Id == "CS0220");
    }

    [Fact]
    public void TheLargestInputThatFitsGeneratesCodeThatCompiles()
    {
        // (inputs + 1 neuron) × 64 samples of a forward tile = 2,147,481,664 ≤ int.MaxValue.
        var output = GeneratorHarness.Run("using NetCompiler; namespace App; [Network(Inputs = 33_554_400)] [Dense(1)] public partial class Big;");

        Assert.Empty(DiagnosticAssert.NetCompilerDiagnostics(output));
        DiagnosticAssert.GeneratedFileCompilesCleanly(output, "App.Big.g.cs");
    }

    [Theory]
    [InlineData("var")]
    [InlineData("System")]
    [InlineData("Tile1")]
    [InlineData("NetworkName")]
    [InlineData("Kernels")]
    [InlineData("ForwardInRegisters")]
    [InlineData("BackpropagateBatch")]
    [InlineData("global")]
    public void ClassNamedLikeAKeywordOrAnInternalNameStillCompiles(string name)
    {
        var output = GeneratorHarness.Run(
            $"using NetCompiler; namespace App; [Network(Inputs = 4, Loss = Loss.CrossEntropy)] [Dense(16, Activation.Tanh)] [Dense(3, Activation.Softmax)] public partial class {name};");

        Assert.Empty(DiagnosticAssert.NetCompilerDiagnostics(output));
        DiagnosticAssert.GeneratedFileCompilesCleanly(output, $"App.{name}.g.cs");
    }
}
