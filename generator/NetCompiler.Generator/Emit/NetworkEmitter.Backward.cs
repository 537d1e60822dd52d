using System.Linq;
using System.Text;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

// Backpropagation (seed 000's BP1–BP4): AccumulateGradient, the per-sample core shared with
// TrainStep, and one BackwardLayer method per layer.
internal static partial class NetworkEmitter
{
    private static void WriteBackwardKernels(CodeWriter writer, NetworkLayout layout)
    {
        writer.Summary("Backpropagation of one sample: adds <c>∂J_x/∂θ</c> to <paramref name=\"gradient\"/> (same layout as the parameters) and returns the sample's loss <c>J_x</c>. Allocation-free and thread-safe.");
        using (writer.Block($"public static float AccumulateGradient({ReadOnlySpan} parameters, {ReadOnlySpan} input, {ReadOnlySpan} target, {Span} gradient)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            WriteLengthCheck(writer, "input", "InputSize");
            WriteLengthCheck(writer, "target", "OutputSize");
            WriteLengthCheck(writer, "gradient", "ParameterCount");
            WriteScratch(writer, "BackpropagationScratchLength", layout.BackpropagationScratchLength);
            writer.Line("return BackpropagateSample(parameters, input, target, gradient, scratch);");
        }

        writer.Line();
        writer.Summary("The forward pass keeping every z_l and a_l, then BP1–BP4 from the output layer back to the first. Arguments are already checked.");
        using (writer.Block($"private static float BackpropagateSample({ReadOnlySpan} parameters, {ReadOnlySpan} input, {ReadOnlySpan} target, {Span} gradient, {Span} scratch)"))
        {
            WriteScratchSlices(writer, layout, lastActivationIsOutput: false, deltas: true);
            writer.Line();
            writer.Line("// Forward pass, keeping z_l and a_l of every layer for the backward pass.");
            WriteForwardCalls(writer, layout);
            writer.Line();
            WriteOutputLoss(writer, layout, "float loss =", withDelta: true);
            for (int i = layout.Layers.Count - 1; i >= 0; i--)
            {
                var layer = layout.Layers[i];
                string n = Number(layer.Number);
                writer.Line();
                if (i == 0)
                {
                    writer.Line($"// BP3, BP4 for layer 1: ∂J/∂b1 += δ1, ∂J/∂W1 += δ1 inputᵀ.");
                    writer.Line($"BackwardLayer1(input, {layer.Delta}, gradient);");
                    continue;
                }

                var previous = layout.Layers[i - 1];
                writer.Line($"// BP3, BP4 for layer {n}: ∂J/∂b{n} += δ{n}, ∂J/∂W{n} += δ{n} {previous.A}ᵀ; then {previous.Delta} = W{n}ᵀ δ{n}.");
                writer.Line($"BackwardLayer{n}(parameters, {previous.A}, {layer.Delta}, gradient, {previous.Delta});");
                writer.Line($"// BP2: δ{previous.Number} = (W{n}ᵀ δ{n}) ⊙ f{previous.Number}'(z{previous.Number}).");
                WriteMultiplyByDerivative(writer, previous);
            }

            writer.Line();
            writer.Line("return loss;");
        }
    }

    private static void WriteBackwardLayer(CodeWriter writer, LayerLayout layer)
    {
        string n = Number(layer.Number);
        bool propagates = layer.Number > 1;
        string previous = layer.Number == 1 ? "input" : $"a{layer.Number - 1}";
        string signature = propagates
            ? $"private static void BackwardLayer{n}({ReadOnlySpan} parameters, {ReadOnlySpan} layerInput, {ReadOnlySpan} delta, {Span} gradient, {Span} propagatedDelta)"
            : $"private static void BackwardLayer{n}({ReadOnlySpan} layerInput, {ReadOnlySpan} delta, {Span} gradient)";
        writer.Summary($"Layer {n} backward: <c>∂J/∂b{n} += δ{n}</c> (BP3), <c>∂J/∂W{n} += δ{n} {previous}ᵀ</c> (BP4)"
            + (propagates ? $", and <c>propagatedDelta = W{n}ᵀ δ{n}</c> (BP2 before the derivative)." : "."));
        using (writer.Block(signature))
        {
            if (propagates)
            {
                writer.Line($"var weights = parameters.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant});");
            }

            writer.Line($"var weightGradient = gradient.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant});");
            writer.Line($"var biasGradient = gradient.Slice({layer.BiasOffsetConstant}, {layer.SizeConstant});");
            if (layer.Unrolled)
            {
                WriteUnrolledBackward(writer, layer, propagates);
            }
            else
            {
                WriteLoopedBackward(writer, layer, propagates);
            }
        }
    }

    private static void WriteUnrolledBackward(CodeWriter writer, LayerLayout layer, bool propagates)
    {
        writer.Line($"// Written out ({layer.WeightCount} weights ≤ {LayerLayout.UnrollThreshold}).");
        writer.Line("// BP3: ∂J/∂b[j] += δ[j].");
        for (int j = 0; j < layer.Size; j++)
        {
            writer.Line($"biasGradient[{j}] += delta[{j}];");
        }

        writer.Line("// BP4: ∂J/∂W[j, k] += δ[j] layerInput[k].");
        for (int j = 0; j < layer.Size; j++)
        {
            for (int k = 0; k < layer.InputSize; k++)
            {
                writer.Line($"weightGradient[{(j * layer.InputSize) + k}] += delta[{j}] * layerInput[{k}];");
            }
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

    private static void WriteLoopedBackward(CodeWriter writer, LayerLayout layer, bool propagates)
    {
        if (propagates)
        {
            writer.Line("propagatedDelta.Clear();");
        }

        using (writer.Block($"for (int j = 0; j < {layer.SizeConstant}; j++)"))
        {
            writer.Line("float deltaJ = delta[j];");
            writer.Line("// BP3: ∂J/∂b[j] += δ[j].");
            writer.Line("biasGradient[j] += deltaJ;");
            writer.Line("// BP4: ∂J/∂W[j, :] += δ[j] layerInput.");
            writer.Line($"{Kernels}.DenseKernels.AddScaled(deltaJ, layerInput, weightGradient.Slice(j * {layer.InputSizeConstant}, {layer.InputSizeConstant}));");
            if (propagates)
            {
                writer.Line("// BP2 (first half), one row at a time: propagatedDelta += δ[j] W[j, :], so after all rows it is Wᵀ δ.");
                writer.Line($"{Kernels}.DenseKernels.AddScaled(deltaJ, weights.Slice(j * {layer.InputSizeConstant}, {layer.InputSizeConstant}), propagatedDelta);");
            }
        }
    }

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
