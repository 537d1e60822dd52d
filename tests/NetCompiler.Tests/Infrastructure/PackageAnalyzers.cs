using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace NetCompiler.Tests.Infrastructure;

/// <summary>
/// The analyzers, generator and code fixes of a restored package, hosted as an IDE hosts them: the assemblies loaded
/// from the package's analyzers/dotnet/cs folder, diagnostics from the analyzers, fixes from the exported code fix
/// providers applied through a Roslyn workspace.
/// </summary>
internal sealed class PackageAnalyzers
{
    private readonly ImmutableArray<DiagnosticAnalyzer> _analyzers;
    private readonly ImmutableArray<CodeFixProvider> _fixes;
    private readonly ImmutableArray<MetadataReference> _references;

    public PackageAnalyzers(string analyzerFolder, string libraryPath)
    {
        var loader = new LoadFromLoader();
        var references = Directory.GetFiles(analyzerFolder, "*.dll").Order(StringComparer.Ordinal)
            .Select(path => new AnalyzerFileReference(path, loader))
            .ToList();
        _analyzers = [.. references.SelectMany(r => r.GetAnalyzers(LanguageNames.CSharp))];
        Generators = [.. references.SelectMany(r => r.GetGenerators(LanguageNames.CSharp))];
        _fixes = [.. references
            .SelectMany(r => loader.LoadFromPath(r.FullPath).GetTypes())
            .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetCustomAttribute<ExportCodeFixProviderAttribute>() is not null)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)];
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        _references = [.. trusted.Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var n && (n.StartsWith("System.", StringComparison.Ordinal) || n is "netstandard.dll" or "mscorlib.dll"))
            .Select(p => MetadataReference.CreateFromFile(p)), MetadataReference.CreateFromFile(libraryPath)];
    }

    public ImmutableArray<ISourceGenerator> Generators { get; }

    /// <summary>The IDs the package's code fixes repair.</summary>
    public IReadOnlySet<string> FixableIds => _fixes.SelectMany(f => f.FixableDiagnosticIds).ToHashSet(StringComparer.Ordinal);

    /// <summary>What the package's analyzers report on <paramref name="source"/>.</summary>
    public async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Document document)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        return await compilation.WithAnalyzers(_analyzers).GetAnalyzerDiagnosticsAsync();
    }

    /// <summary>A one-file project holding <paramref name="source"/>, referencing the framework and the package's library.</summary>
    public Document CreateDocument(string source)
    {
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Default, "Consumer", "Consumer", LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: _references));
        return workspace.AddDocument(project.Id, "Program.cs", Microsoft.CodeAnalysis.Text.SourceText.From(source));
    }

    /// <summary>
    /// Applies the first action the package's code fixes offer for the first fixable diagnostic, again and again until
    /// none is left (at most <paramref name="maximumFixes"/>), and returns the source and the titles of the actions applied.
    /// </summary>
    public async Task<(string Source, List<string> Applied)> FixAllAsync(string source, int maximumFixes = 10)
    {
        var document = CreateDocument(source);
        var applied = new List<string>();
        for (int i = 0; i < maximumFixes; i++)
        {
            var diagnostic = (await AnalyzeAsync(document)).FirstOrDefault(d => FixableIds.Contains(d.Id));
            if (diagnostic is null)
            {
                break;
            }

            var actions = new List<CodeAction>();
            foreach (var fix in _fixes.Where(f => f.FixableDiagnosticIds.Contains(diagnostic.Id)))
            {
                await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
            }

            var action = Assert.Single(actions.Take(1));
            var operation = (await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single();
            document = operation.ChangedSolution.GetDocument(document.Id)!;
            applied.Add($"{diagnostic.Id}: {action.Title}");
        }

        return ((await document.GetTextAsync()).ToString(), applied);
    }

    private sealed class LoadFromLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
