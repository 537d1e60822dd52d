using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Rename;
using NetCompiler.Generator.Diagnostics;

namespace NetCompiler.CodeFixes;

/// <summary>
/// Renames what collides with a generated member, with every reference to it: a member of the network class (NC0019)
/// becomes <c>Custom{Name}</c>, a class named like a generated member (NC0020) becomes <c>{Name}Net</c>; a number is
/// appended while the name is taken. A constructor (NC0019 on a constructor) cannot be renamed and gets no fix.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RenameClashCodeFix)), Shared]
public sealed class RenameClashCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        [DiagnosticDescriptors.MemberClashesWithGenerated.Id, DiagnosticDescriptors.ClassNameClashesWithGenerated.Id];

    /// <summary>Renames change other files and each name is chosen on its own: no fix-all.</summary>
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var symbol = root!.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf()
                .Select(node => model!.GetDeclaredSymbol(node, context.CancellationToken))
                .FirstOrDefault(s => s is not null);
            if (symbol is null or IMethodSymbol { MethodKind: MethodKind.Constructor })
            {
                continue;
            }

            string newName = diagnostic.Id == DiagnosticDescriptors.ClassNameClashesWithGenerated.Id
                ? FreeName(symbol, symbol.Name + "Net")
                : FreeName(symbol, "Custom" + symbol.Name);
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Rename '{symbol.Name}' to '{newName}'",
                    cancellationToken => RenameAsync(context.Document.Project.Solution, symbol, newName, cancellationToken),
                    equivalenceKey: nameof(RenameClashCodeFix)),
                diagnostic);
        }
    }

    private static Task<Solution> RenameAsync(Solution solution, ISymbol symbol, string newName, CancellationToken cancellationToken) =>
        Renamer.RenameSymbolAsync(solution, symbol, new SymbolRenameOptions(), newName, cancellationToken);

    /// <summary><paramref name="wanted"/>, or with 2, 3, ... appended, whichever is not yet a name in the symbol's scope.</summary>
    private static string FreeName(ISymbol symbol, string wanted)
    {
        INamespaceOrTypeSymbol? scope = symbol.ContainingType ?? (INamespaceOrTypeSymbol?)symbol.ContainingNamespace;
        string name = wanted;
        for (int suffix = 2; scope is not null && !scope.GetMembers(name).IsEmpty; suffix++)
        {
            name = wanted + suffix.ToString(CultureInfo.InvariantCulture);
        }

        return name;
    }
}
