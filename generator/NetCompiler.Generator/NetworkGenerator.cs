using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using NetCompiler.Generator.Emit;
using NetCompiler.Generator.Model;
using NetCompiler.Generator.Parsing;

namespace NetCompiler.Generator;

/// <summary>
/// The incremental pipeline: find classes with <c>[Network]</c>, parse each into a plain-value
/// <see cref="NetworkSpec"/>, bind the weights file it names, emit source from the spec alone. The declaration's
/// diagnostics are reported by <see cref="NetworkDeclarationAnalyzer"/>; this reports those of the weights files.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkParser.NetworkAttributeName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                NetworkParser.Parse)
            .WithTrackingName(TrackingNames.Parse);

        // Weights baked in at build time: read only the AdditionalFiles items some [Network(Weights = "...")] names,
        // each in a step of its own that runs again only when that item changes, then check each against its network.
        var requestedWeights = parsed
            .Select(static (result, _) => result.Weights?.FileName ?? string.Empty)
            .Where(static name => name.Length > 0)
            .Collect()
            .Select(static (names, _) => new EquatableArray<string>(names.Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal)))
            .WithTrackingName(TrackingNames.WeightsRequests);
        var readWeights = context.AdditionalTextsProvider
            .Combine(requestedWeights)
            .Where(static pair => WeightsFileReader.MatchesAny(pair.Left.Path, pair.Right))
            .Select(static (pair, _) => pair.Left)
            .Select(WeightsFileReader.Read)
            .WithTrackingName(TrackingNames.ReadWeights);

        // An ONNX model whose weights are in side files (external data): the side files are AdditionalFiles items too,
        // each read in a step of its own, and the model is read once they are.
        var requestedSideFiles = readWeights
            .Select(static (file, _) => new EquatableArray<string>(WeightsFileReader.SideFilePaths(file)))
            .Collect()
            .Select(static (paths, _) => new EquatableArray<string>(paths.SelectMany(p => p).Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal)))
            .WithTrackingName(TrackingNames.SideFileRequests);
        var sideFiles = context.AdditionalTextsProvider
            .Combine(requestedSideFiles)
            .Where(static pair => WeightsFileReader.IsAnyOf(pair.Left.Path, pair.Right))
            .Select(static (pair, _) => pair.Left)
            .Select(WeightsFileReader.ReadSideFile)
            .WithTrackingName(TrackingNames.ReadSideFiles)
            .Collect();
        var weightsFiles = readWeights
            .Combine(sideFiles)
            .Select(static (pair, cancellationToken) => WeightsFileReader.Complete(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(TrackingNames.CompleteWeights)
            .Collect();
        var resolved = parsed
            .Combine(weightsFiles)
            .Select(static (pair, cancellationToken) => WeightsBinder.Bind(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(TrackingNames.BindWeights);

        // Only the weights file's diagnostics: NetworkDeclarationAnalyzer reports the declaration's (from the same
        // parse), so the editor shows them as the user types and offers the code fixes, and a build reports each once.
        var diagnostics = resolved
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, ReportDiagnostics);

        var specs = resolved
            .Select(static (result, _) => result.Spec)
            .Where(static spec => spec is not null)
            .WithTrackingName(TrackingNames.Spec);
        // Hint names must differ ignoring case ("Net" and "NET" may not both be "….g.cs"): the names of all networks, a
        // small list that changes only when a network is added or renamed, tell each file whether its name needs the
        // suffix that tells such names apart.
        var hintNames = specs
            .Select(static (spec, _) => spec!.HintName)
            .Collect()
            .Select(static (names, _) => new EquatableArray<string>(names.OrderBy(n => n, StringComparer.Ordinal)))
            .WithTrackingName(TrackingNames.HintNames);
        context.RegisterSourceOutput(specs.Combine(hintNames), static (output, pair) =>
            output.AddSource(HintNames.Unique(pair.Left!.HintName, pair.Right), SourceText.From(NetworkEmitter.Emit(pair.Left), System.Text.Encoding.UTF8)));
    }

    private static void ReportDiagnostics(SourceProductionContext output, EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            output.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }
}
