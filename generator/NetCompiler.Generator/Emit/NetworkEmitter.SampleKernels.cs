using System.Linq;
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
        using (writer.Block($"internal static void Forward({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} input, {plan.Span} output)"))
        {
            WriteLengthCheck(writer, plan, "parameters", "ParameterCount");
            WriteLengthCheck(writer, plan, "input", "InputSize");
            WriteLengthCheck(writer, plan, "output", "OutputSize");
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

            WriteScratch(writer, plan, "ForwardScratchLength", plan.ForwardScratchLength);
            WriteScratchSlices(writer, plan, plan.ForwardScratch, "scratch", "1");
            writer.Line($"{plan.Span} {plan.Output.A} = output;");
            WriteForwardCalls(writer, plan);
        }

        writer.Line();
        writer.Line("// The forward pass of one sample, then its loss J_x; SampleLoop.ComputeLoss runs it for each sample. Arguments are already checked.");
        using (writer.Block($"public static {plan.Element} SampleLoss({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} input, {plan.ReadOnlySpan} target, {plan.Span} scratch)"))
        {
            WriteScratchSlices(writer, plan, plan.LossScratch, "scratch", "1");
            WriteForwardCalls(writer, plan);
            WriteOutputLoss(writer, plan, "return", withDelta: false);
        }
        writer.Line();
        WriteBackpropagateSample(writer, plan, withDropout: false);
        if (plan.HasDropout)
        {
            writer.Line();
            WriteBackpropagateSample(writer, plan, withDropout: true);
        }
    }

    /// <summary>
    /// The forward pass keeping every z_l and a_l, then BP1–BP4 from the output layer back to the first. With
    /// <paramref name="withDropout"/>, the training pass of a network with <c>[Dropout]</c>: each dropped activation
    /// <c>ã_l = a_l ⊙ m_l / (1 − p_l)</c> feeds the next layer and its weight gradient, and the delta coming back through
    /// it is masked the same way before <c>f_l'</c>.
    /// </summary>
    private static void WriteBackpropagateSample(CodeWriter writer, NetworkPlan plan, bool withDropout)
    {
        if (withDropout)
        {
            writer.Line("// The training pass with dropout (Srivastava et al. 2014): the forward pass keeping every z_l and a_l, each dropout");
            writer.Line("// after layer l feeding ã_l = a_l ⊙ m_l / (1 − p_l) on, then BP1–BP4 through the same masks. DropoutSampleLoop runs it");
            writer.Line("// for each sample; the mask m_l of a unit depends only on (seed, step, layer, sample, unit). Arguments are already checked.");
        }
        else
        {
            writer.Line("// The forward pass keeping every z_l and a_l, then BP1–BP4 from the output layer back to the first; SampleLoop.TrainStep");
            writer.Line("// and SampleLoop.AccumulateGradient run it for each sample. Arguments are already checked.");
        }

        string signature = withDropout
            ? $"public static {plan.Element} BackpropagateSampleWithDropout({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} input, {plan.ReadOnlySpan} target, {plan.Span} gradient, {plan.Span} scratch, {Runtime}.DropoutMask mask, int sample)"
            : $"public static {plan.Element} BackpropagateSample({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} input, {plan.ReadOnlySpan} target, {plan.Span} gradient, {plan.Span} scratch)";
        using (writer.Block(signature))
        {
            WriteScratchSlices(writer, plan, plan.BackpropagationScratch, "scratch", "1");
            if (withDropout)
            {
                foreach (var layer in plan.Layers.Where(l => l.Dropout > 0f))
                {
                    writer.Line($"{plan.Span} {layer.Dropped} = stackalloc {plan.Element}[{layer.SizeConstant}];");
                }
            }

            writer.Line();
            writer.Line(withDropout
                ? "// Forward pass with dropout, keeping z_l and a_l of every layer for the backward pass."
                : "// Forward pass, keeping z_l and a_l of every layer for the backward pass.");
            WriteForwardCalls(writer, plan, withDropout);
            writer.Line();
            WriteOutputLoss(writer, plan, $"{plan.Element} loss =", withDelta: true);
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
                bool dropped = withDropout && previous.Dropout > 0f;
                string previousActivation = dropped ? previous.Dropped : previous.A;
                writer.Line($"// BP3, BP4 for layer {n}: ∂J/∂b{n} += δ{n}, ∂J/∂W{n} += δ{n} {previousActivation}ᵀ; then {previous.Delta} = W{n}ᵀ δ{n}.");
                writer.Line($"BackwardLayer{n}(parameters, {previousActivation}, {layer.Delta}, gradient, {previous.Delta});");
                if (dropped)
                {
                    writer.Line($"// Back through the dropout: {previous.Delta} ⊙= m{previous.N} / (1 − p{previous.N}), the same mask as forward.");
                    writer.Line($"{Kernels}.Dropout.Apply<{plan.Element}>(mask, {previous.N}, sample, {previous.DropoutConstant}, {previous.Delta}, {previous.Delta});");
                }

                writer.Line($"// BP2: δ{previous.N} = (W{n}ᵀ δ{n}) ⊙ f{previous.N}'(z{previous.N}).");
                WriteMultiplyByDerivative(writer, plan, previous);
            }

            writer.Line();
            writer.Line("return loss;");
        }
    }

    /// <summary>Calls ForwardLayer1 … ForwardLayerL, feeding each layer's activation to the next.</summary>
    private static void WriteForwardCalls(CodeWriter writer, NetworkPlan plan, bool withDropout = false)
    {
        string previous = "input";
        foreach (var layer in plan.Layers)
        {
            writer.Line($"ForwardLayer{layer.N}(parameters, {previous}, {layer.Z}, {layer.A});");
            previous = layer.A;
            if (withDropout && layer.Dropout > 0f)
            {
                writer.Line($"// Dropout after layer {layer.N} (p{layer.N} = {FloatText(layer.Dropout)}): {layer.Dropped} = {layer.A} ⊙ m{layer.N} / (1 − p{layer.N}), m{layer.N} drawn for (layer {layer.N}, this sample).");
                writer.Line($"{Kernels}.Dropout.Apply<{plan.Element}>(mask, {layer.N}, sample, {layer.DropoutConstant}, {layer.A}, {layer.Dropped});");
                previous = layer.Dropped;
            }
        }
    }

    /// <summary>A float as C# source text, round-trip and culture-free, without the <c>f</c> suffix: <c>0.2</c>.</summary>
    private static string FloatText(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
