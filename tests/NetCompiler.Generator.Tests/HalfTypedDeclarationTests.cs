using Microsoft.CodeAnalysis;
using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// What a user's editor holds while they type: broken or half-written declarations. The generator must never throw,
/// must generate nothing for the broken class, must keep generating the valid network beside it, and must not add a
/// diagnostic of its own where the compiler already reports the error.
/// </summary>
public sealed class HalfTypedDeclarationTests
{
    /// <summary>A valid network written before the broken code, with qualified names so it needs no using directive.</summary>
    private const string Sibling = """
        [NetCompiler.Network(Inputs = 2, Loss = NetCompiler.Loss.CrossEntropy)]
        [NetCompiler.Dense(3, NetCompiler.Activation.Tanh)]
        [NetCompiler.Dense(1, NetCompiler.Activation.Sigmoid)]
        public partial class Sibling;

        """;

    private const string SiblingTopology = "// Topology:   2 inputs → Dense(3, Tanh) → Dense(1, Sigmoid)";

    /// <summary>A label (what is being typed), the declaration (its leading using directives go first), and the NetCompiler IDs expected.</summary>
    public static TheoryData<string, string, string[]> BrokenDeclarations() => new()
    {
        // [Network] being typed
        { "Inputs = )", "using NetCompiler;\n[Network(Inputs = )]\n[Dense(3, Activation.Tanh)]\npublic partial class Broken;", [] },
        { "Loss = )", "using NetCompiler;\n[Network(Inputs = 4, Loss = )]\n[Dense(3, Activation.Tanh)]\npublic partial class Broken;", [] },
        { "Loss = Loss.", "using NetCompiler;\n[Network(Inputs = 4, Loss = Loss.)]\n[Dense(3, Activation.Tanh)]\npublic partial class Broken;", [] },
        { "unclosed [Network(", "using NetCompiler;\n[Network(Inputs = 4\n[Dense(3, Activation.Tanh)]\npublic partial class Broken;", [] },
        { "Inputs = 4.5", "using NetCompiler;\n[Network(Inputs = 4.5)]\n[Dense(3, Activation.Tanh)]\npublic partial class Broken;", [] },
        { "Inputs = \"4\"", "using NetCompiler;\n[Network(Inputs = \"4\")]\n[Dense(3, Activation.Tanh)]\npublic partial class Broken;", [] },
        { "Inputs twice", "using NetCompiler;\n[Network(Inputs = 4, Inputs = 5)]\n[Dense(3, Activation.Tanh)]\npublic partial class Broken;", [] },
        { "misspelled Input", "using NetCompiler;\n[Network(Input = 4)]\n[Dense(3, Activation.Tanh)]\npublic partial class Broken;", [] },
        { "positional Network(4)", "using NetCompiler;\n[Network(4)]\n[Dense(3, Activation.Tanh)]\npublic partial class Broken;", [] },
        { "Loss = an Activation", "using NetCompiler;\n[Network(Inputs = 4, Loss = Activation.Tanh)]\n[Dense(3, Activation.Tanh)]\npublic partial class Broken;", [] },
        { "Inputs overflows", "using NetCompiler;\n[Network(Inputs = checked(int.MaxValue + 1))]\n[Dense(3, Activation.Tanh)]\npublic partial class Broken;", [] },
        { "misspelled [Netwrk] before [Dense]", "using NetCompiler;\n[Netwrk(Inputs = 4)]\n[Dense(3, Activation.Tanh)]\npublic partial class Broken;", [] },

        // [Dense] being typed
        { "Dense(", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(]\npublic partial class Broken;", [] },
        { "Dense without size", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense]\npublic partial class Broken;", [] },
        { "Activation.", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(16, Activation.)]\npublic partial class Broken;", [] },
        { "misspelled Activation.Tan", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(16, Activation.Tan)]\npublic partial class Broken;", [] },
        { "Dense missing ]", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(16, Activation.Tanh)\npublic partial class Broken;", [] },
        { "Dense(\"x\")", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(\"x\")]\npublic partial class Broken;", [] },
        { "Dense(3L)", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(3L, Activation.Tanh)]\npublic partial class Broken;", [] },
        { "Dense(3, 2)", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(3, 2)]\npublic partial class Broken;", [] },
        { "Dense(3, a Loss)", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(3, Loss.CrossEntropy)]\npublic partial class Broken;", [] },
        { "Dense with 3 arguments", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(3, Activation.Tanh, 5)]\npublic partial class Broken;", [] },
        { "Dense(activation:) without size", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(activation: Activation.Tanh)]\npublic partial class Broken;", [] },
        { "size: twice", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(size: 3, size: 4)]\npublic partial class Broken;", [] },
        { "size: after a positional size", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(3, activation: Activation.Tanh, size: 4)]\npublic partial class Broken;", [] },
        { "non-constant size", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(3, Activation.Tanh)]\n[Dense(Size(), Activation.Tanh)]\npublic partial class Broken { public static int Size() => 3; }", [] },
        { "non-constant Inputs", "using NetCompiler;\n[Network(Inputs = Broken.N)]\n[Dense(3, Activation.Tanh)]\npublic partial class Broken { public static int N = 4; }", [] },
        { "error in the same attribute list", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(3, Activation.Tanh), System.Obsolete(]\npublic partial class Broken;", [] },
        { "misspelled [Dens]", "using NetCompiler;\n[Network(Inputs = 4, Loss = Loss.CrossEntropy)]\n[Dense(5, Activation.ReLU)]\n[Dens(3, Activation.Softmax)]\npublic partial class Broken;", [] },

        // The class being typed
        { "class without name", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(16, Activation.Tanh)] public partial class", [] },
        { "class without body", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(16, Activation.Tanh)] public partial class Broken", [] },
        { "class Broken(", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(16, Activation.Tanh)]\npublic partial class Broken(", [] },
        { "class Broken<", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(16, Activation.Tanh)]\npublic partial class Broken<", [] },
        { "empty base list", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(16, Activation.Tanh)]\npublic partial class Broken : ;", [] },
        { "[Dense] on a class without name", "using NetCompiler;\n[Dense(16, Activation.Tanh)] public partial class", [] },
        { "struct", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(16, Activation.Tanh)]\npublic partial struct Broken;", [] },
        { "interface", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(16, Activation.Tanh)]\npublic partial interface IBroken;", [] },
        { "[Network] on two partial declarations", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(16, Activation.Tanh)]\npublic partial class Broken;\n[Network(Inputs = 4)]\npublic partial class Broken;", [] },
        { "[Network] twice", "using NetCompiler;\n[Network(Inputs = 4)]\n[Network(Inputs = 4)]\n[Dense(16, Activation.Tanh)]\npublic partial class Broken;", [] },

        // No using directive: nothing binds to NetCompiler's attributes
        { "no using NetCompiler", "[Network(Inputs = 4)]\n[Dense(16, Activation.Tanh)]\npublic partial class Broken;", [] },

        // Valid C# that only NetCompiler can reject: its diagnostic is the only one
        { "no [Dense]", "using NetCompiler;\n[Network(Inputs = 4)]\npublic partial class Broken;", ["NC0003"] },
        { "(Activation)42", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(16, (Activation)42)]\npublic partial class Broken;", ["NC0009"] },
        { "(Loss)42", "using NetCompiler;\n[Network(Inputs = 4, Loss = (Loss)42)]\n[Dense(16, Activation.Tanh)]\npublic partial class Broken;", ["NC0010"] },
        { "generic class", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(16, Activation.Tanh)]\npublic partial class Broken<T>;", ["NC0002"] },

        // Half-typed attributes silence the problems read from attribute values, not the class-level ones
        { "not partial and half-typed Dense", "using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(16, Activation.)]\npublic class Broken;", ["NC0001"] },
        { "(Loss)42 and Dense(", "using NetCompiler;\n[Network(Inputs = 4, Loss = (Loss)42)]\n[Dense(]\npublic partial class Broken;", [] },
    };

    [Theory]
    [MemberData(nameof(BrokenDeclarations))]
    public void BrokenDeclarationGeneratesNothingAndTheSiblingStillGenerates(string typing, string declaration, string[] expectedIds)
    {
        Assert.NotEmpty(typing); // names the case in the test list
        var output = GeneratorHarness.Run(WithSibling(declaration));

        DiagnosticAssert.GeneratorDidNotThrow(output);
        DiagnosticAssert.GeneratedExactly(output, "Sibling.g.cs");
        DiagnosticAssert.GeneratedFileCompilesCleanly(output, "Sibling.g.cs");
        Assert.Contains(SiblingTopology, output.Sources["Sibling.g.cs"], StringComparison.Ordinal);

        var ids = DiagnosticAssert.NetCompilerDiagnostics(output).Select(d => d.Id).ToList();
        Assert.Equal(expectedIds, ids);

        // The user is always told something: by the compiler, or by NetCompiler when the compiler has nothing to say.
        var compilerErrors = DiagnosticAssert.UserSourceProblems(output, DiagnosticSeverity.Error);
        Assert.True(compilerErrors.Count > 0 || ids.Count > 0, "Neither the compiler nor NetCompiler reports the broken declaration.");
    }

    /// <summary>Errors outside the network's attributes and header (a member being typed) do not stop generation.</summary>
    [Theory]
    [InlineData("public partial class Broken\n{\n    public void Train() { int x = ; }\n}")]
    [InlineData("public partial class Broken\n{\n    public Missing Field;\n}")]
    [InlineData("public partial class Broken : System.IDisposable;")]
    [InlineData("public partial class Broken\n{\n    public void Train() {")]
    public void ErrorsInTheClassBodyStillGenerate(string classDeclaration)
    {
        var output = GeneratorHarness.Run(WithSibling("using NetCompiler;\n[Network(Inputs = 4)]\n[Dense(16, Activation.Tanh)]\n" + classDeclaration));

        DiagnosticAssert.GeneratorDidNotThrow(output);
        Assert.Empty(DiagnosticAssert.NetCompilerDiagnostics(output));
        DiagnosticAssert.GeneratedExactly(output, "Sibling.g.cs", "Broken.g.cs");
        DiagnosticAssert.GeneratedFileCompilesCleanly(output, "Sibling.g.cs");
        Assert.Contains("// Topology:   4 inputs → Dense(16, Tanh)", output.Sources["Broken.g.cs"], StringComparison.Ordinal);
        Assert.NotEmpty(DiagnosticAssert.UserSourceProblems(output, DiagnosticSeverity.Error));
    }

    /// <summary>Spellings that are unusual but valid C# generate exactly the declared topology.</summary>
    [Theory]
    [InlineData("[Network(Inputs = 4)]\n[Dense(size: 5, activation: Activation.ReLU)]\n[Dense(activation: Activation.Tanh, size: 2)]", "4 inputs → Dense(5, ReLU) → Dense(2, Tanh)")]
    [InlineData("[Network(Inputs = 4)]\n[Dense(size: 5, Activation.ReLU)]\n[Dense(2, activation: Activation.Tanh)]", "4 inputs → Dense(5, ReLU) → Dense(2, Tanh)")]
    [InlineData("[Network(Inputs = 4)]\n[Dense(5)]", "4 inputs → Dense(5, Identity)")]
    [InlineData("[Network(Inputs = 4), Dense(5, Activation.ReLU), Dense(2, Activation.Tanh)]", "4 inputs → Dense(5, ReLU) → Dense(2, Tanh)")]
    [InlineData("[NetworkAttribute(Inputs = 4, Loss = 0)]\n[DenseAttribute(5, Activation.ReLU)]\n[NetCompiler.Dense(2, NetCompiler.Activation.Tanh)]", "4 inputs → Dense(5, ReLU) → Dense(2, Tanh)")]
    [InlineData("[Network(Loss = Loss.CrossEntropy, Inputs = Sizes.In)]\n[Dense(Sizes.In * 2, Activation.ReLU)]\n[Dense(Sizes.Out, Activation.Softmax)]", "3 inputs → Dense(6, ReLU) → Dense(2, Softmax)")]
    [InlineData("[Network(Inputs = 4)]\n[Dense(5, Activation.ReLU)]\n[global::NetCompiler.Dense(2, (Activation)2)]", "4 inputs → Dense(5, ReLU) → Dense(2, Tanh)")]
    [InlineData("[Network(Inputs = 4)]\npublic partial class Net;\n[Dense(5, Activation.ReLU)]", "4 inputs → Dense(5, ReLU)")]
    public void UnusualButValidSpellingsGenerateTheDeclaredTopology(string attributes, string topology)
    {
        var output = GeneratorHarness.Run(
            "using NetCompiler;\nstatic class Sizes { public const int In = 3, Out = 2; }\n" + attributes + "\npublic partial class Net;");

        DiagnosticAssert.GeneratorDidNotThrow(output);
        Assert.Empty(DiagnosticAssert.NetCompilerDiagnostics(output));
        Assert.Empty(DiagnosticAssert.UserSourceProblems(output, DiagnosticSeverity.Warning));
        DiagnosticAssert.GeneratedExactly(output, "Net.g.cs");
        DiagnosticAssert.GeneratedFileCompilesCleanly(output, "Net.g.cs");
        Assert.Contains("// Topology:   " + topology + "\n", output.Sources["Net.g.cs"].ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    /// <summary>The declaration's leading using directives, then the sibling network, then the rest of the declaration.</summary>
    private static string WithSibling(string declaration)
    {
        var lines = declaration.Split('\n');
        var usings = lines.TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal)).ToList();
        return string.Join("\n", usings) + "\n" + Sibling + string.Join("\n", lines.Skip(usings.Count)) + "\n";
    }
}
