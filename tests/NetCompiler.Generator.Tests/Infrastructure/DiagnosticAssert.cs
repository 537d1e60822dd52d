using System.Globalization;
using Microsoft.CodeAnalysis;

namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>Checks shared by the diagnostic tests: the generator did not crash, what it reported, what it generated.</summary>
internal static class DiagnosticAssert
{
    /// <summary>The generator ran to the end: no exception escaped it and the driver reported no CS8785.</summary>
    public static void GeneratorDidNotThrow(GeneratorOutput output)
    {
        Assert.All(output.Result.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(output.Diagnostics, d => d.Id == "CS8785");
    }

    /// <summary>The diagnostics NetCompiler reported (not the compiler's), in source order.</summary>
    public static IReadOnlyList<Diagnostic> NetCompilerDiagnostics(GeneratorOutput output) =>
        [.. output.Diagnostics.Where(d => d.Id.StartsWith("NC", StringComparison.Ordinal)).OrderBy(d => d.Location.SourceSpan.Start)];

    /// <summary>The diagnostics the compiler reports in the user's source files (not in generated files).</summary>
    public static IReadOnlyList<Diagnostic> UserSourceProblems(GeneratorOutput output, DiagnosticSeverity atLeast) =>
        [.. output.OutputCompilation.SyntaxTrees
            .Where(t => t.FilePath.StartsWith("Source", StringComparison.Ordinal))
            .SelectMany(t => output.OutputCompilation.GetSemanticModel(t).GetDiagnostics())
            .Where(d => d.Severity >= atLeast)];

    /// <summary>Exactly the files named by <paramref name="hintNames"/> were generated.</summary>
    public static void GeneratedExactly(GeneratorOutput output, params string[] hintNames) =>
        Assert.Equal(hintNames.Order(StringComparer.Ordinal), output.Sources.Keys.Order(StringComparer.Ordinal));

    /// <summary>The generated file <paramref name="hintName"/> compiles without any error or warning.</summary>
    public static void GeneratedFileCompilesCleanly(GeneratorOutput output, string hintName)
    {
        var tree = Assert.Single(output.OutputCompilation.SyntaxTrees, t => t.FilePath.EndsWith(hintName, StringComparison.Ordinal));
        var problems = output.OutputCompilation.GetSemanticModel(tree).GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToList();
        Assert.True(problems.Count == 0, $"{hintName} does not compile cleanly:\n" + string.Join("\n", problems));
    }

    /// <summary>The message in the invariant culture (what a build log shows).</summary>
    public static string Message(Diagnostic diagnostic) => diagnostic.GetMessage(CultureInfo.InvariantCulture);

    /// <summary>
    /// Asserts that the generator did not throw, the user's source has no compiler error, and exactly one NetCompiler
    /// diagnostic was reported: <paramref name="id"/> with <paramref name="severity"/>, exactly <paramref name="message"/>,
    /// no help link but a description, and exactly over <paramref name="span"/> of <paramref name="source"/> (file Source0.cs).
    /// </summary>
    public static Diagnostic SingleDiagnostic(GeneratorOutput output, string source, Microsoft.CodeAnalysis.Text.TextSpan span, string id, DiagnosticSeverity severity, string message)
    {
        GeneratorDidNotThrow(output);
        Assert.Empty(UserSourceProblems(output, DiagnosticSeverity.Error));
        var diagnostic = Assert.Single(NetCompilerDiagnostics(output));
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(severity, diagnostic.DefaultSeverity);
        Assert.Equal(message, Message(diagnostic));
        Assert.Equal(string.Empty, diagnostic.Descriptor.HelpLinkUri);  // no public address for the docs pages yet
        Assert.NotEqual(string.Empty, diagnostic.Descriptor.Description.ToString(CultureInfo.InvariantCulture));

        var location = diagnostic.Location.GetLineSpan();
        Assert.Equal("Source0.cs", location.Path);
        Assert.Equal(source.Substring(span.Start, span.Length), source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Equal(Microsoft.CodeAnalysis.Text.SourceText.From(source).Lines.GetLinePositionSpan(span), location.Span);
        return diagnostic;
    }
}
