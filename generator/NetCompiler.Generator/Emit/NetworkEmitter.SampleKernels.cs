using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

// The per-sample kernels of the kernel class: Forward, ComputeLoss, AccumulateGradient and TrainStep, each checking
// its arguments and calling the layer passes in order: the forward pass and BP1–BP4 of Wocjan 2019, and the gradient-descent
// step of Huang 2018, §3 (docs/papers.md).
internal static partial class NetworkEmitter
{
    private static void WriteSampleKernels(CodeWriter writer, NetworkPlan plan)
    {
        writer.Line("// ---- One sample at a time: a_l = f_l(W_l a_(l-1) + b_l), then BP1–BP4 from the output layer back. ----");
        writer.Line();
        using (writer.Block($"internal static void Forward({ReadOnlySpan} parameters, {ReadOnlySpan} input, {Span} output)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            WriteLengthCheck(writer, "input", "InputSize");
            WriteLengthCheck(writer, "output", "OutputSize");
            if (plan.ForwardInRegisters)
            {
                using (writer.Block($"if ({Avx512}.IsSupported)"))
                {
                    writer.Line("// Every layer has at most 16 neurons: z_l and a_l stay in one Vector512 register each.");
                    writer.Line("ForwardInRegisters(parameters, input, output);");
                    writer.Line("return;");
                }

                writer.Line();
            }

            WriteScratch(writer, "ForwardScratchLength", plan.ForwardScratchLength);
            WriteScratchSlices(writer, plan.ForwardScratch, "scratch", "1");
            writer.Line($"{Span} {plan.Output.A} = output;");
            WriteForwardCalls(writer, plan);
        }

        writer.Line();
        using (writer.Block($"internal static float ComputeLoss({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, {ReadOnlySpan} targets)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            writer.Line($"int count = {Kernels}.Guard.BatchCount(inputs, targets, InputSize, OutputSize, NetworkName);");
            WriteScratch(writer, "ForwardScratchLength", plan.ForwardScratchLength);
            WriteScratchSlices(writer, plan.LossScratch, "scratch", "1");
            writer.Line("double totalLoss = 0;");
            using (writer.Block("for (int sample = 0; sample < count; sample++)"))
            {
                writer.Line($"{ReadOnlySpan} input = inputs.Slice(sample * InputSize, InputSize);");
                writer.Line($"{ReadOnlySpan} target = targets.Slice(sample * OutputSize, OutputSize);");
                WriteForwardCalls(writer, plan);
                WriteOutputLoss(writer, plan, "totalLoss +=", withDelta: false);
            }

            writer.Line("return (float)(totalLoss / count);");
        }

        writer.Line();
        using (writer.Block($"internal static float AccumulateGradient({ReadOnlySpan} parameters, {ReadOnlySpan} input, {ReadOnlySpan} target, {Span} gradient)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            WriteLengthCheck(writer, "input", "InputSize");
            WriteLengthCheck(writer, "target", "OutputSize");
            WriteLengthCheck(writer, "gradient", "ParameterCount");
            WriteScratch(writer, "BackpropagationScratchLength", plan.BackpropagationScratchLength);
            writer.Line("return BackpropagateSample(parameters, input, target, gradient, scratch);");
        }

        writer.Line();
        writer.Line("// θ ← θ - (η/N) Σ_x ∂J_x/∂θ: gradient descent over a batch (the whole set, one sample, or a mini-batch of M).");
        using (writer.Block($"internal static float TrainStep({Span} parameters, {Span} gradient, {ReadOnlySpan} inputs, {ReadOnlySpan} targets, float learningRate)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            WriteLengthCheck(writer, "gradient", "ParameterCount");
            writer.Line($"int count = {Kernels}.Guard.TrainingBatch(inputs, targets, InputSize, OutputSize, learningRate, NetworkName);");
            WriteScratch(writer, "BackpropagationScratchLength", plan.BackpropagationScratchLength);
            writer.Line();
            writer.Line("// Σ_x ∂J_x/∂θ over the batch.");
            writer.Line("gradient.Clear();");
            WriteGradientSumLoop(writer, "totalLoss", "BackpropagateSample(parameters, input, target, gradient, scratch)");

            writer.Line();
            writer.Line("// The mean gradient, applied only if every component is finite.");
            writer.Line($"{Kernels}.GradientDescent.Apply(parameters, gradient, learningRate / count, NetworkName);");
            writer.Line("return (float)(totalLoss / count);");
        }

        writer.Line();
        WriteBackpropagateSample(writer, plan);
    }

    /// <summary>The forward pass keeping every z_l and a_l, then BP1–BP4 from the output layer back to the first.</summary>
    private static void WriteBackpropagateSample(CodeWriter writer, NetworkPlan plan)
    {
        writer.Line("// The forward pass keeping every z_l and a_l, then BP1–BP4 from the output layer back to the first. Arguments are already checked.");
        using (writer.Block($"private static float BackpropagateSample({ReadOnlySpan} parameters, {ReadOnlySpan} input, {ReadOnlySpan} target, {Span} gradient, {Span} scratch)"))
        {
            WriteScratchSlices(writer, plan.BackpropagationScratch, "scratch", "1");
            writer.Line();
            writer.Line("// Forward pass, keeping z_l and a_l of every layer for the backward pass.");
            WriteForwardCalls(writer, plan);
            writer.Line();
            WriteOutputLoss(writer, plan, "float loss =", withDelta: true);
            for (int i = plan.Layers.Count - 1; i >= 0; i--)
            {
                var layer = plan.Layers[i];
                string n = layer.N;
                writer.Line();
                if (i == 0)
                {
                    writer.Line($"// BP3, BP4 for layer 1: ∂J/∂b1 += δ1, ∂J/∂W1 += δ1 inputᵀ.");
                    writer.Line($"BackwardLayer1(input, {layer.Delta}, gradient);");
                    continue;
                }

                var previous = plan.Layers[i - 1];
                writer.Line($"// BP3, BP4 for layer {n}: ∂J/∂b{n} += δ{n}, ∂J/∂W{n} += δ{n} {previous.A}ᵀ; then {previous.Delta} = W{n}ᵀ δ{n}.");
                writer.Line($"BackwardLayer{n}(parameters, {previous.A}, {layer.Delta}, gradient, {previous.Delta});");
                writer.Line($"// BP2: δ{previous.N} = (W{n}ᵀ δ{n}) ⊙ f{previous.N}'(z{previous.N}).");
                WriteMultiplyByDerivative(writer, previous);
            }

            writer.Line();
            writer.Line("return loss;");
        }
    }

    /// <summary>Calls ForwardLayer1 … ForwardLayerL, feeding each layer's activation to the next.</summary>
    private static void WriteForwardCalls(CodeWriter writer, NetworkPlan plan)
    {
        string previous = "input";
        foreach (var layer in plan.Layers)
        {
            writer.Line($"ForwardLayer{layer.N}(parameters, {previous}, {layer.Z}, {layer.A});");
            previous = layer.A;
        }
    }

    /// <summary>
    /// Writes <c>double {sum} = 0;</c> and the loop that adds each sample's gradient with <paramref name="call"/> (which
    /// sees <c>input</c> and <c>target</c>) and its loss to <paramref name="sum"/>, refusing a non-finite loss.
    /// </summary>
    private static void WriteGradientSumLoop(CodeWriter writer, string sum, string call)
    {
        writer.Line($"double {sum} = 0;");
        using (writer.Block("for (int sample = 0; sample < count; sample++)"))
        {
            writer.Line($"{ReadOnlySpan} input = inputs.Slice(sample * InputSize, InputSize);");
            writer.Line($"{ReadOnlySpan} target = targets.Slice(sample * OutputSize, OutputSize);");
            writer.Line($"float loss = {call};");
            using (writer.Block("if (!float.IsFinite(loss))"))
            {
                writer.Line($"{Kernels}.Guard.ThrowNonFiniteLoss(NetworkName, sample, loss, input, target);");
            }

            writer.Line($"{sum} += loss;");
        }
    }
}
