using System.Linq;
using System.Text;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

// The per-layer passes of the kernel class, one forward and one backward method per layer: written out term by term
// with constant indices for small layers, loops over the runtime's vector kernels for larger ones.
internal static partial class NetworkEmitter
{
    private static void WriteLayerPasses(CodeWriter writer, NetworkPlan plan)
    {
        foreach (var layer in plan.Layers)
        {
            writer.Line($"// ---- Layer {layer.N}: Dense({layer.Size}, {layer.Activation}), W{layer.N} [{layer.Size}, {layer.InputSize}] at {layer.WeightOffset}, b{layer.N} at {layer.BiasOffset}. ----");
            writer.Line();
            WriteForwardLayer(writer, plan, layer);
            writer.Line();
            WriteBackwardLayer(writer, plan, layer);
            if (layer != plan.Output)
            {
                writer.Line();
            }
        }
    }

    private static void WriteForwardLayer(CodeWriter writer, NetworkPlan plan, LayerPlan layer)
    {
        string n = layer.N;
        string previous = layer.Number == 1 ? "input" : $"a{layer.Number - 1}";
        writer.Summary($"Layer {n} forward: <c>z{n} = W{n} {previous} + b{n}</c>, then <c>{ActivationEquation(layer.Activation, "a" + n, "z" + n)}</c>.");
        using (writer.Block($"private static void ForwardLayer{n}({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} layerInput, {plan.Span} z, {plan.Span} a)"))
        {
            writer.Line($"{plan.ReadOnlySpan} weights = parameters.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant});");
            writer.Line($"{plan.ReadOnlySpan} bias = parameters.Slice({layer.BiasOffsetConstant}, {layer.SizeConstant});");
            if (layer.Form == SampleForm.Unrolled)
            {
                writer.Line($"// z{n} = W{n} {previous} + b{n}, written out ({layer.WeightCount} weights ≤ {LayerPlan.UnrollThreshold}): z[j] = b[j] + Σ_k W[j, k] layerInput[k].");
                for (int j = 0; j < layer.Size; j++)
                {
                    var line = new StringBuilder($"z[{j}] = bias[{j}]");
                    for (int k = 0; k < layer.InputSize; k++)
                    {
                        line.Append($" + (weights[{(j * layer.InputSize) + k}] * layerInput[{k}])");
                    }

                    writer.Line(line.Append(';').ToString());
                }
            }
            else
            {
                writer.Line($"// z{n} = W{n} {previous} + b{n}: z[j] = b[j] + (row j of W{n}) · layerInput, in one sequential pass through W{n}.");
                writer.Line($"{Kernels}.DenseKernels.MatrixVector<{plan.Element}>(weights, layerInput, bias, z);");
            }

            writer.Line();
            writer.Line($"// {ActivationEquation(layer.Activation, "a" + n, "z" + n)}, vectorised.");
            writer.Line($"{Kernels}.ActivationKernels.{ActivationCatalog.Of(layer.Activation).Kernel}<{plan.Element}>(z, a);");
        }
    }

    private static void WriteBackwardLayer(CodeWriter writer, NetworkPlan plan, LayerPlan layer)
    {
        string n = layer.N;
        bool propagates = layer.Number > 1;
        string previous = layer.Number == 1 ? "input" : $"a{layer.Number - 1}";
        string signature = propagates
            ? $"private static void BackwardLayer{n}({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} layerInput, {plan.ReadOnlySpan} delta, {plan.Span} gradient, {plan.Span} propagatedDelta)"
            : $"private static void BackwardLayer{n}({plan.ReadOnlySpan} layerInput, {plan.ReadOnlySpan} delta, {plan.Span} gradient)";
        writer.Summary($"Layer {n} backward: <c>∂J/∂b{n} += δ{n}</c> (BP3), <c>∂J/∂W{n} += δ{n} {previous}ᵀ</c> (BP4)"
            + (propagates ? $", and <c>propagatedDelta = W{n}ᵀ δ{n}</c> (BP2 before the derivative)." : "."));
        using (writer.Block(signature))
        {
            if (propagates)
            {
                writer.Line($"{plan.ReadOnlySpan} weights = parameters.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant});");
            }

            writer.Line($"{plan.Span} weightGradient = gradient.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant});");
            writer.Line($"{plan.Span} biasGradient = gradient.Slice({layer.BiasOffsetConstant}, {layer.SizeConstant});");
            if (layer.Form == SampleForm.Unrolled)
            {
                WriteUnrolledBackward(writer, plan, layer, propagates);
            }
            else
            {
                WriteLoopedBackward(writer, plan, layer, propagates);
            }
        }
    }

    private static void WriteUnrolledBackward(CodeWriter writer, NetworkPlan plan, LayerPlan layer, bool propagates)
    {
        writer.Line($"// Written out ({layer.WeightCount} weights ≤ {LayerPlan.UnrollThreshold}), one line per neuron j: ∂J/∂b[j] += δ[j] (BP3), ∂J/∂W[j, k] += δ[j] layerInput[k] (BP4).");
        for (int j = 0; j < layer.Size; j++)
        {
            var line = new StringBuilder($"biasGradient[{j}] += delta[{j}];");
            for (int k = 0; k < layer.InputSize; k++)
            {
                line.Append($" weightGradient[{(j * layer.InputSize) + k}] += delta[{j}] * layerInput[{k}];");
            }

            writer.Line(line.ToString());
        }

        if (propagates)
        {
            writer.Line("// BP2 (first half): propagatedDelta[k] = Σ_j W[j, k] δ[j].");
            for (int k = 0; k < layer.InputSize; k++)
            {
                var line = new StringBuilder($"propagatedDelta[{k}] = ");
                line.Append(string.Join(" + ", Enumerable.Range(0, layer.Size).Select(j => $"(weights[{(j * layer.InputSize) + k}] * delta[{j}])")));
                writer.Line(line.Append(';').ToString());
            }
        }
    }

    private static void WriteLoopedBackward(CodeWriter writer, NetworkPlan plan, LayerPlan layer, bool propagates)
    {
        if (propagates)
        {
            writer.Line("propagatedDelta.Clear();");
        }

        using (writer.Block($"for (int j = 0; j < {layer.SizeConstant}; j++)"))
        {
            writer.Line($"{plan.Element} deltaJ = delta[j];");
            writer.Line("// BP3: ∂J/∂b[j] += δ[j].");
            writer.Line("biasGradient[j] += deltaJ;");
            writer.Line("// BP4: ∂J/∂W[j, :] += δ[j] layerInput.");
            writer.Line($"{Kernels}.DenseKernels.AddScaled<{plan.Element}>(deltaJ, layerInput, weightGradient.Slice(j * {layer.InputSizeConstant}, {layer.InputSizeConstant}));");
            if (propagates)
            {
                writer.Line("// BP2 (first half), one row at a time: propagatedDelta += δ[j] W[j, :], so after all rows it is Wᵀ δ.");
                writer.Line($"{Kernels}.DenseKernels.AddScaled<{plan.Element}>(deltaJ, weights.Slice(j * {layer.InputSizeConstant}, {layer.InputSizeConstant}), propagatedDelta);");
            }
        }
    }
}
