using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

// The per-sample kernels of the kernel struct: Forward, checking its arguments, and the two passes the runtime's
// per-sample loops (SampleLoop: ComputeLoss, AccumulateGradient, TrainStep) call for each sample, SampleLoss and
// BackpropagateSample: the layer passes in order, the forward pass and BP1–BP4 of Wocjan 2019 (docs/papers.md).
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
        writer.Line("// The forward pass of one sample, then its loss J_x; SampleLoop.ComputeLoss runs it for each sample. Arguments are already checked.");
        using (writer.Block($"public static float SampleLoss({ReadOnlySpan} parameters, {ReadOnlySpan} input, {ReadOnlySpan} target, {Span} scratch)"))
        {
            WriteScratchSlices(writer, plan.LossScratch, "scratch", "1");
            WriteForwardCalls(writer, plan);
            WriteOutputLoss(writer, plan, "return", withDelta: false);
        }
        writer.Line();
        WriteBackpropagateSample(writer, plan);
    }

    /// <summary>The forward pass keeping every z_l and a_l, then BP1–BP4 from the output layer back to the first.</summary>
    private static void WriteBackpropagateSample(CodeWriter writer, NetworkPlan plan)
    {
        writer.Line("// The forward pass keeping every z_l and a_l, then BP1–BP4 from the output layer back to the first; SampleLoop.TrainStep");
        writer.Line("// and SampleLoop.AccumulateGradient run it for each sample. Arguments are already checked.");
        using (writer.Block($"public static float BackpropagateSample({ReadOnlySpan} parameters, {ReadOnlySpan} input, {ReadOnlySpan} target, {Span} gradient, {Span} scratch)"))
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
}
