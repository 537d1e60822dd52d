using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;
using NetCompiler.Generator.Parsing;

namespace NetCompiler.CodeFixes;

/// <summary>The edits the code fixes make to <c>[Network]</c> and <c>[Dense]</c> attributes.</summary>
internal static class AttributeEdits
{
    /// <summary>
    /// <c>Activation.ReLU</c>, <c>Loss.CrossEntropy</c>, ...: written fully qualified and marked for the simplifier, which
    /// shortens it as far as the file's usings allow (to <c>Activation.ReLU</c> under <c>using NetCompiler;</c>).
    /// </summary>
    public static ExpressionSyntax EnumMember(string enumName, string member) =>
        SyntaxFactory.ParseExpression($"global::NetCompiler.{enumName}.{member}").WithAdditionalAnnotations(Simplifier.Annotation);

    /// <summary>
    /// Sets the activation a diagnostic points at: the diagnostic's node is the activation argument of a <c>[Dense]</c>,
    /// or the whole <c>[Dense(size)]</c> when its activation is left at the default, which gets the argument added.
    /// </summary>
    public static async Task<Document> SetActivationAsync(Document document, Microsoft.CodeAnalysis.Text.TextSpan span, string activation, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var node = root!.FindNode(span);
        var value = EnumMember("Activation", activation);
        SyntaxNode replaced = node.FirstAncestorOrSelf<AttributeArgumentSyntax>() is { } argument
            ? root.ReplaceNode(argument.Expression, value.WithTriviaFrom(argument.Expression))
            : node.FirstAncestorOrSelf<AttributeSyntax>() is { } attribute
                ? root.ReplaceNode(attribute, AddArgument(attribute, SyntaxFactory.AttributeArgument(value)))
                : root;
        return document.WithSyntaxRoot(replaced);
    }

    /// <summary>
    /// Sets <c>Loss</c> in the <c>[Network]</c> of the class whose declaration holds <paramref name="span"/> (it may be
    /// written on another part of a partial class, in another file): replaces the argument, or adds it.
    /// </summary>
    public static async Task<Solution> SetLossAsync(Document document, Microsoft.CodeAnalysis.Text.TextSpan span, string loss, CancellationToken cancellationToken)
    {
        var solution = document.Project.Solution;
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root!.FindNode(span).FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration
            || model!.GetDeclaredSymbol(declaration, cancellationToken) is not { } type
            || type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == NetworkParser.NetworkAttributeName) is not { } network
            || network.ApplicationSyntaxReference is not { } reference
            || solution.GetDocument(reference.SyntaxTree) is not { } networkDocument)
        {
            return solution;
        }

        var networkRoot = await reference.SyntaxTree.GetRootAsync(cancellationToken).ConfigureAwait(false);
        if (networkRoot.FindNode(reference.Span).FirstAncestorOrSelf<AttributeSyntax>() is not { } attribute)
        {
            return solution;
        }

        var value = EnumMember("Loss", loss);
        var existing = attribute.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Loss");
        var edited = existing is not null
            ? networkRoot.ReplaceNode(existing.Expression, value.WithTriviaFrom(existing.Expression))
            : networkRoot.ReplaceNode(attribute, AddArgument(attribute, SyntaxFactory.AttributeArgument(SyntaxFactory.NameEquals("Loss"), null, value)));
        return solution.WithDocumentSyntaxRoot(networkDocument.Id, edited);
    }

    private static AttributeSyntax AddArgument(AttributeSyntax attribute, AttributeArgumentSyntax argument) =>
        attribute.WithArgumentList((attribute.ArgumentList ?? SyntaxFactory.AttributeArgumentList()).AddArguments(argument));
}
