using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using NetCompiler.Generator.Emit;
using NetCompiler.Generator.Model;
using NetCompiler.Generator.Parsing;

namespace NetCompiler.Generator;

/// <summary>
/// The incremental pipeline: find classes with <c>[Network]</c>, parse each into a plain-value
/// <see cref="NetworkSpec"/> (diagnostics travel beside it), emit source from the spec alone.
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

        var diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, ReportDiagnostics);

        var specs = parsed
            .Select(static (result, _) => result.Spec)
            .Where(static spec => spec is not null)
            .WithTrackingName(TrackingNames.Spec);
        context.RegisterSourceOutput(specs, static (output, spec) =>
            output.AddSource(spec!.HintName, SourceText.From(NetworkEmitter.Emit(spec), System.Text.Encoding.UTF8)));

        var denseOnly = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                NetworkParser.DenseAttributeName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                NetworkParser.ParseDenseOnly)
            .WithTrackingName(TrackingNames.DenseWithoutNetwork);
        context.RegisterSourceOutput(denseOnly, ReportDiagnostics);
    }

    private static void ReportDiagnostics(SourceProductionContext output, EquatableArray<DiagnosticInfo> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            output.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }
}
