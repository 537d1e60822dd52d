using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>
/// Applies a code fix as an editor does (Microsoft.CodeAnalysis.Testing: the analyzer reports the marked diagnostics,
/// the fix's action is applied, fix-all too, and the result must equal the expected source with no diagnostic and no
/// compiler error left), then builds the result with the generator and checks that it compiles with no NetCompiler
/// diagnostic and no warning.
/// </summary>
internal static class CodeFixHarness
{
    /// <summary>
    /// Checks that the action of <typeparamref name="TCodeFix"/> with <paramref name="equivalenceKey"/> turns
    /// <paramref name="markup"/> (diagnostics marked <c>{|NC0001:text|}</c>) into <paramref name="fixedSource"/>.
    /// </summary>
    public static async Task VerifyAsync<TCodeFix>(string markup, string fixedSource, string equivalenceKey)
        where TCodeFix : CodeFixProvider, new()
    {
        var test = new Test<TCodeFix>
        {
            TestCode = markup,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = equivalenceKey,
            // The framework and the NetCompiler runtime from this test's own runtime (no reference pack to download).
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };
        test.TestState.AdditionalReferences.AddRange(GeneratorHarness.References);
        await test.RunAsync();

        var built = GeneratorHarness.Run(fixedSource);
        Assert.Empty(DiagnosticAssert.NetCompilerDiagnostics(built));
        GeneratorHarness.CompileAndLoad(fixedSource);
    }

    private sealed class Test<TCodeFix> : CSharpCodeFixTest<NetworkDeclarationAnalyzer, TCodeFix, DefaultVerifier>
        where TCodeFix : CodeFixProvider, new();
}
