using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// The input-derivative code of one network, checked against a reviewed snapshot: its public members (InputGradient,
/// Jacobian, LossInputGradient and the batched forms) and the passes of its kernel struct that InputDerivativeLoop runs.
/// The network has more outputs than inputs (forward-mode Jacobian by default), a dropout (the identity here), an identity
/// hidden layer and an element-wise output under MSE, so every kind of step appears.
/// </summary>
public sealed class InputGradientSnapshotTests
{
    [Fact]
    public void ForwardModeNetworkWithDropout()
    {
        const string source = """
            using NetCompiler;

            namespace Samples.Saliency;

            [Network(Inputs = 3, Loss = Loss.MeanSquaredError)]
            [Dense(6, Activation.Tanh)]
            [Dropout(0.25)]
            [Dense(4, Activation.Identity)]
            [Dense(5, Activation.Sigmoid)]
            public partial class SaliencyNet;
            """;
        var output = GeneratorHarness.Run(source);
        Assert.Empty(output.Diagnostics);
        string[] lines = Assert.Single(output.Sources, s => s.Key == "Samples.Saliency.SaliencyNet.g.cs").Value.Split('\n');

        // The public members (each with its summary line), then the kernel struct's section up to the batched kernels.
        string[] members = ["InputGradient(", "InputGradientBatch(", "Jacobian(", "LossInputGradient(", "LossInputGradientBatch("];
        var excerpt = new List<string>();
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("public", StringComparison.Ordinal) && members.Any(m => lines[i].Contains(" " + m, StringComparison.Ordinal)))
            {
                excerpt.Add(lines[i - 1]);
                excerpt.Add(lines[i]);
            }
        }

        int start = Array.FindIndex(lines, l => l.Contains("// ---- Derivatives with respect to the input x", StringComparison.Ordinal));
        int end = Array.FindIndex(lines, l => l.Contains("// ---- Batches in matrix form", StringComparison.Ordinal));
        Assert.True(start > 0 && end > start, "the input-derivative section is not where it was");
        excerpt.Add(string.Empty);
        excerpt.AddRange(lines[start..end]);

        Snapshot.Verify(string.Join('\n', excerpt), nameof(InputGradientSnapshotTests), "Samples.Saliency.SaliencyNet.InputDerivatives");
        GeneratorHarness.CompileAndLoad(source);
    }
}
