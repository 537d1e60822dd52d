using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

// How each activation and each (loss, output activation) pair is written: calls into the runtime's
// NetCompiler.Kernels, and the equation each one implements for the comments.
internal static partial class NetworkEmitter
{
    private static string ActivationEquation(ActivationKind activation, string a, string z) =>
        ActivationCatalog.Find(activation)?.EquationFor(a, z) ?? $"{a} = f({z})";

    private static string LossSummary(NetworkPlan layout) => (layout.Spec.Loss, layout.Output.Activation) switch
    {
        (LossKind.CrossEntropy, ActivationKind.Softmax) =>
            "CrossEntropy with softmax, J = -1/N Σ_x Σ_k t_k ln a_k; fused output delta δ = a - t",
        (LossKind.CrossEntropy, _) =>
            "binary CrossEntropy per sigmoid output, J = -1/N Σ_x Σ_k [t_k ln a_k + (1 - t_k) ln(1 - a_k)]; fused output delta δ = a - t",
        (_, ActivationKind.Softmax) =>
            "MeanSquaredError through softmax, J = 1/(2N) Σ_x ‖a - t‖²; δ = softmax Jacobian · (a - t)",
        (_, ActivationKind.Identity) =>
            "MeanSquaredError, J = 1/(2N) Σ_x ‖a - t‖²; output delta δ = a - t",
        _ =>
            $"MeanSquaredError, J = 1/(2N) Σ_x ‖a - t‖²; output delta δ = (a - t) ⊙ f'(z)",
    };

    /// <summary>
    /// Writes <c>{result} = loss of one sample</c> and, when <paramref name="withDelta"/>, BP1: the
    /// output delta <c>δ_L = ∂J_x/∂z_L</c> into <c>deltaL</c>.
    /// </summary>
    private static void WriteOutputLoss(CodeWriter writer, NetworkPlan layout, string result, bool withDelta)
    {
        var output = layout.Output;
        if (withDelta)
        {
            writer.Line($"// BP1: {output.Delta} = ∂J_x/∂{output.Z} = {OutputDeltaEquation(layout, output.A, output.Z)}.");
        }

        WriteOutputLossOn(writer, layout, result, output.Z, output.A, withDelta ? output.Delta : null);
    }

    private static string OutputDeltaEquation(NetworkPlan layout, string a, string z) => (layout.Spec.Loss, layout.Output.Activation) switch
    {
        (LossKind.CrossEntropy, ActivationKind.Softmax) => $"{a} - t (fused with softmax; J_x = -Σ_k t_k ln {a}_k, from the logits)",
        (LossKind.CrossEntropy, _) => $"{a} - t (fused with sigmoid; J_x = binary cross-entropy, from the logits)",
        (_, ActivationKind.Softmax) => $"softmax Jacobian · ({a} - t), i.e. {a}_i (g_i - Σ_j g_j {a}_j) with g = {a} - t; J_x = ½ ‖{a} - t‖²",
        (_, ActivationKind.Identity) => $"{a} - t; J_x = ½ ‖{a} - t‖²",
        _ => $"({a} - t) ⊙ f'({z}); J_x = ½ ‖{a} - t‖²",
    };

    /// <summary>
    /// Writes <c>{result} = loss of one sample</c> from the output spans named <paramref name="z"/> and
    /// <paramref name="a"/>; when <paramref name="delta"/> is not null, also the output delta into it.
    /// </summary>
    private static void WriteOutputLossOn(CodeWriter writer, NetworkPlan layout, string result, string z, string a, string? delta)
    {
        var output = layout.Output;
        string deltaArgument = delta ?? "default";
        switch ((layout.Spec.Loss, output.Activation))
        {
            case (LossKind.CrossEntropy, ActivationKind.Softmax):
                writer.Line($"{result} {Kernels}.OutputLayer.SoftmaxCrossEntropy<{layout.Element}>({z}, {a}, target, {deltaArgument});");
                break;
            case (LossKind.CrossEntropy, _):
                writer.Line($"{result} {Kernels}.OutputLayer.SigmoidCrossEntropy<{layout.Element}>({z}, {a}, target, {deltaArgument});");
                break;
            case (_, ActivationKind.Softmax):
                writer.Line($"{result} {Kernels}.OutputLayer.MeanSquaredErrorThroughSoftmax<{layout.Element}>({a}, target, {deltaArgument});");
                break;
            default:
                writer.Line($"{result} {Kernels}.OutputLayer.MeanSquaredError<{layout.Element}>({a}, target, {deltaArgument});");
                if (delta is not null && output.Activation != ActivationKind.Identity)
                {
                    WriteMultiplyByDerivative(writer, layout, output.Activation, delta, z, a);
                }

                break;
        }
    }

    /// <summary>Writes <c>δ_l ⊙= f_l'(z_l)</c> (nothing for the identity, whose derivative is 1).</summary>
    private static void WriteMultiplyByDerivative(CodeWriter writer, NetworkPlan plan, LayerPlan layer)
    {
        if (layer.Activation == ActivationKind.Identity)
        {
            writer.Line($"// f{layer.Number} is the identity, so f{layer.Number}'({layer.Z}) = 1 and {layer.Delta} is unchanged.");
            return;
        }

        WriteMultiplyByDerivative(writer, plan, layer.Activation, layer.Delta, layer.Z, layer.A);
    }

    /// <summary>Writes <c>δ ⊙= f'(z)</c> as one call of the vectorised derivative kernel.</summary>
    private static void WriteMultiplyByDerivative(CodeWriter writer, NetworkPlan plan, ActivationKind activation, string delta, string z, string a)
    {
        writer.Line($"{Kernels}.ActivationKernels.{ActivationCatalog.Of(activation).DerivativeKernel}<{plan.Element}>({z}, {a}, {delta});");
    }
}
