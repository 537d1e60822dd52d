using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using NetCompiler.Generator;

namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>Runs the generator over source text in memory, as the compiler does in a user's build.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>The framework's assemblies plus the NetCompiler runtime library.</summary>
    public static readonly ImmutableArray<MetadataReference> References = CreateReferences();

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "GeneratedNetworks",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: $"Source{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new NetworkGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>
    /// Runs the generator once over <paramref name="sources"/>, and <see cref="NetworkDeclarationAnalyzer"/> as a build
    /// does (it reports the declaration's diagnostics, the generator those of the weights files).
    /// </summary>
    public static GeneratorOutput Run(params string[] sources) => Run(CreateCompilation(sources), CreateDriver());

    /// <summary>Runs <paramref name="driver"/> and the analyzer over <paramref name="compilation"/>.</summary>
    public static GeneratorOutput Run(Compilation compilation, GeneratorDriver driver)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var analyzerDiagnostics = AnalyzerDiagnostics(compilation);
        return new GeneratorOutput(driver.GetRunResult(), output, [.. generatorDiagnostics, .. analyzerDiagnostics]);
    }

    /// <summary>
    /// What <see cref="NetworkDeclarationAnalyzer"/> reports on <paramref name="compilation"/>, those a <c>#pragma</c>
    /// suppresses included (marked <see cref="Diagnostic.IsSuppressed"/>), so tests can see the suppression work.
    /// </summary>
    public static ImmutableArray<Diagnostic> AnalyzerDiagnostics(Compilation compilation) =>
        compilation
            .WithAnalyzers(
                [new NetworkDeclarationAnalyzer()],
                new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true))
            .GetAnalyzerDiagnosticsAsync()
            .GetAwaiter()
            .GetResult();

    /// <summary>
    /// Runs the generator, checks that the program compiles with no error and no warning, and loads
    /// the assembly so tests can call the generated networks.
    /// </summary>
    public static Assembly CompileAndLoad(params string[] sources)
    {
        var generated = Run(sources);
        Assert.Empty(generated.Diagnostics);
        Assert.All(generated.Result.Results, r => Assert.Null(r.Exception));
        using var stream = new MemoryStream();
        var emit = generated.OutputCompilation.Emit(stream);
        var problems = emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, "The generated code does not compile cleanly:\n" + string.Join("\n", problems));
        return Assembly.Load(stream.ToArray());
    }

    private static ImmutableArray<MetadataReference> CreateReferences()
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var framework = trusted.Split(Path.PathSeparator)
            .Where(path => Path.GetFileName(path) is var name
                && (name.StartsWith("System.", StringComparison.Ordinal) || name is "System.dll" or "netstandard.dll" or "mscorlib.dll"));
        return [.. framework.Select(path => MetadataReference.CreateFromFile(path)),
            MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location)];
    }
}

/// <summary>
/// What one generator run produced; <see cref="Diagnostics"/> holds the generator's and the analyzer's diagnostics,
/// what a build reports before it compiles the generated code.
/// </summary>
internal sealed record GeneratorOutput(GeneratorDriverRunResult Result, Compilation OutputCompilation, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>The generated source files by hint name.</summary>
    public IReadOnlyDictionary<string, string> Sources =>
        Result.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    /// <summary>Every diagnostic of the generator, the analyzer and the compilation that includes the generator's output.</summary>
    public IReadOnlyList<Diagnostic> AllDiagnostics =>
        [.. Diagnostics, .. OutputCompilation.GetDiagnostics()];
}
