using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using NetCompiler.Generator.Diagnostics;

namespace NetCompiler.CodeFixes;

/// <summary>NC0006: replaces <c>Softmax</c> on a hidden layer with <c>ReLU</c> or <c>Tanh</c> (one action each).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HiddenSoftmaxCodeFix)), Shared]
public sealed class HiddenSoftmaxCodeFix : CodeFixProvider
{
    private static readonly string[] Replacements = ["ReLU", "Tanh"];

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = [DiagnosticDescriptors.SoftmaxOnHiddenLayer.Id];

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            foreach (string activation in Replacements)
            {
                context.RegisterCodeFix(
                    CodeAction.Create(
                        $"Use Activation.{activation} on this hidden layer",
                        cancellationToken => AttributeEdits.SetActivationAsync(context.Document, diagnostic.Location.SourceSpan, activation, cancellationToken),
                        equivalenceKey: nameof(HiddenSoftmaxCodeFix) + activation),
                    diagnostic);
            }
        }

        return Task.CompletedTask;
    }
}
