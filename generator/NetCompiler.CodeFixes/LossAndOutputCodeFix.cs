using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using NetCompiler.Generator.Diagnostics;

namespace NetCompiler.CodeFixes;

/// <summary>
/// Makes the loss and the output layer agree. NC0007 (cross-entropy over an output that gives no probabilities): make
/// the output <c>Softmax</c> or <c>Sigmoid</c>, or the loss <c>MeanSquaredError</c>. NC0008 (mean squared error over a
/// Softmax output): make the loss <c>CrossEntropy</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LossAndOutputCodeFix)), Shared]
public sealed class LossAndOutputCodeFix : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        [DiagnosticDescriptors.CrossEntropyNeedsSoftmaxOrSigmoid.Id, DiagnosticDescriptors.MeanSquaredErrorOverSoftmax.Id];

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var document = context.Document;
        foreach (var diagnostic in context.Diagnostics)
        {
            var span = diagnostic.Location.SourceSpan;
            if (diagnostic.Id == DiagnosticDescriptors.CrossEntropyNeedsSoftmaxOrSigmoid.Id)
            {
                foreach (string activation in new[] { "Softmax", "Sigmoid" })
                {
                    context.RegisterCodeFix(
                        CodeAction.Create(
                            $"Use Activation.{activation} on the output layer",
                            cancellationToken => AttributeEdits.SetActivationAsync(document, span, activation, cancellationToken),
                            equivalenceKey: nameof(LossAndOutputCodeFix) + activation),
                        diagnostic);
                }

                RegisterLoss(context, diagnostic, "MeanSquaredError");
            }
            else
            {
                RegisterLoss(context, diagnostic, "CrossEntropy");
            }
        }

        return Task.CompletedTask;
    }

    private static void RegisterLoss(CodeFixContext context, Diagnostic diagnostic, string loss) =>
        context.RegisterCodeFix(
            CodeAction.Create(
                $"Use Loss.{loss}",
                cancellationToken => AttributeEdits.SetLossAsync(context.Document, diagnostic.Location.SourceSpan, loss, cancellationToken),
                equivalenceKey: nameof(LossAndOutputCodeFix) + loss),
            diagnostic);
}
