using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using NetCompiler.Generator.Diagnostics;
using NetCompiler.Generator.Parsing;

namespace NetCompiler.Generator;

/// <summary>
/// Reports the diagnostics of a network's declaration (NC0001 to NC0012, NC0019, NC0020) from the parse the generator
/// uses. An analyzer, not the generator, reports them: editors run analyzers as the user types and offer code fixes
/// for their diagnostics in every IDE, while they may run generators only on save or build. The generator reports
/// only what needs the weights files (NC0013 to NC0018), so a build reports each diagnostic once.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NetworkDeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => DiagnosticDescriptors.Declaration;

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterSyntaxNodeAction(
            AnalyzeDeclaration,
            SyntaxKind.ClassDeclaration,
            SyntaxKind.RecordDeclaration,
            SyntaxKind.RecordStructDeclaration);
    }

    /// <summary>
    /// One declaration of a class, as the generator sees it: the first <c>[Network]</c> written on this declaration is
    /// parsed into a network, and a declaration with only <c>[Dense]</c> is checked for its missing <c>[Network]</c>.
    /// </summary>
    private static void AnalyzeDeclaration(SyntaxNodeAnalysisContext context)
    {
        var declaration = (TypeDeclarationSyntax)context.Node;
        if (declaration.AttributeLists.Count == 0
            || context.SemanticModel.GetDeclaredSymbol(declaration, context.CancellationToken) is not { } type)
        {
            return;
        }

        AttributeData? network = null;
        AttributeData? dense = null;
        foreach (var attribute in type.GetAttributes())
        {
            if (attribute.ApplicationSyntaxReference is not { } reference
                || reference.SyntaxTree != declaration.SyntaxTree
                || !declaration.AttributeLists.FullSpan.Contains(reference.Span))
            {
                continue;
            }

            string? name = attribute.AttributeClass?.ToDisplayString();
            if (name == NetworkParser.NetworkAttributeName)
            {
                network ??= attribute;
            }
            else if (name == NetworkParser.DenseAttributeName)
            {
                dense ??= attribute;
            }
        }

        var diagnostics = network is not null
            ? NetworkParser.Parse(type, declaration, network, context.SemanticModel, context.CancellationToken).Diagnostics
            : dense is not null
                ? NetworkParser.ParseDenseOnly(type, declaration, dense, context.CancellationToken)
                : default;
        foreach (var diagnostic in diagnostics)
        {
            context.ReportDiagnostic(diagnostic.ToDiagnostic());
        }
    }
}
