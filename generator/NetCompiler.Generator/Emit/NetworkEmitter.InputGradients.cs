using System.Collections.Generic;
using System.Linq;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

// The derivatives with respect to the input: the public InputGradient, Jacobian and LossInputGradient (and their batched
// forms), which call the runtime's InputDerivativeLoop, and the network's passes it runs (IInputDerivativeKernels): the
// forward pass keeping z_l and a_l, then sweeps of blocks of rows through the layers, backward (reverse mode, BP2 carried
// through W_1ᵀ, one row per output gradient) or forward (the T matrices of the Anonymous notes, §2.3, one row per input).
internal static partial class NetworkEmitter
{
    private const string DerivativeKernels = Kernels + ".InputGradientKernels";

    /// <summary>The runtime contract the kernel struct implements for these passes, in the network's element type.</summary>
    private static string DerivativeContract(NetworkPlan plan) => $"{Kernels}.IInputDerivativeKernels<{plan.Element}>";
    private const string JacobianModeType = Runtime + ".JacobianMode";
    private const string MatrixKernels = Kernels + ".MatrixKernels";

    private static void WriteInputDerivativeInstanceApi(CodeWriter writer, NetworkPlan plan)
    {
        writer.Summary("The input gradient <c>(∂a_L/∂x)ᵀ outputGradient</c> with this network's parameters (see the static form). Allocation-free; thread-safe.");
        writer.Line($"public void InputGradient({plan.ReadOnlySpan} input, {plan.ReadOnlySpan} outputGradient, {plan.Span} inputGradient) => InputGradient(_parameters, input, outputGradient, inputGradient);");
        writer.Summary("The Jacobian <c>∂a_L/∂x</c>, row-major <c>[OutputSize, InputSize]</c>, with this network's parameters (see the static form). Allocation-free; thread-safe.");
        writer.Line($"public void Jacobian({plan.ReadOnlySpan} input, {plan.Span} jacobian) => Jacobian(_parameters, input, jacobian);");
        writer.Summary("The gradient of the sample's loss with respect to its input, <c>∂J_x/∂x</c>, with this network's parameters; returns <c>J_x</c>. Allocation-free; thread-safe.");
        writer.Line($"public {plan.Element} LossInputGradient({plan.ReadOnlySpan} input, {plan.ReadOnlySpan} target, {plan.Span} inputGradient) => LossInputGradient(_parameters, input, target, inputGradient);");
    }

    private static void WriteInputDerivativeStaticApi(CodeWriter writer, NetworkPlan plan)
    {
        string loop = $"{Kernels}.InputDerivativeLoop<{KernelClass(plan.Spec)}, {plan.Element}>";
        string dropout = plan.HasDropout ? " Inference semantics: the [Dropout] layers are the identity, as in Forward." : string.Empty;
        string mode = plan.JacobianInForwardMode ? "Forward" : "Reverse";
        writer.Summary($"The vector–Jacobian product <c>inputGradient = (∂a_L/∂x)ᵀ outputGradient</c> at <paramref name=\"input\"/>, in reverse mode: BP2 carried one layer further, through <c>W_1ᵀ</c>. With a one-hot <paramref name=\"outputGradient\"/> it is a saliency map of that output.{dropout} Allocation-free and thread-safe.");
        writer.Line($"public static void InputGradient({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} input, {plan.ReadOnlySpan} outputGradient, {plan.Span} inputGradient) => {loop}.InputGradient(parameters, input, outputGradient, inputGradient);");
        writer.Summary($"<see cref=\"InputGradient({ParameterCref(plan, 4)})\"/> for each row of a row-major batch: <c>inputs</c> and <c>inputGradients</c> are <c>[count, InputSize]</c>, <c>outputGradients</c> <c>[count, OutputSize]</c>. Allocation-free; thread-safe.");
        writer.Line($"public static void InputGradientBatch({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} outputGradients, {plan.Span} inputGradients) => {loop}.InputGradientBatch(parameters, inputs, outputGradients, inputGradients);");
        writer.Summary($"The Jacobian <c>∂a_L/∂x</c> at <paramref name=\"input\"/> into <paramref name=\"jacobian\"/>, row-major <c>[OutputSize, InputSize]</c> (row k is the input gradient of output k), in {mode.ToLowerInvariant()} mode: this network has {plan.InputSize} inputs and {plan.Output.Size} outputs.{dropout} Allocation-free once the array pool is warm; thread-safe.");
        writer.Line($"public static void Jacobian({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} input, {plan.Span} jacobian) => {loop}.Jacobian(parameters, input, jacobian, {JacobianModeType}.{mode});");
        writer.Summary($"The Jacobian <c>∂a_L/∂x</c> in the given <paramref name=\"mode\"/>: forward propagates the sensitivities <c>T_l = ∂z_l/∂x</c> from the input, one column per input; reverse sweeps BP2 back from the output, one row per output. Equal within float rounding.{dropout}");
        writer.Line($"public static void Jacobian({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} input, {plan.Span} jacobian, {JacobianModeType} mode) => {loop}.Jacobian(parameters, input, jacobian, mode);");
        writer.Summary($"The gradient of the sample's loss with respect to its input, <c>∂J_x/∂x = W_1ᵀ δ_1</c> (BP1, then BP2 down to layer 1, then through <c>W_1ᵀ</c>), into <paramref name=\"inputGradient\"/>; returns <c>J_x</c>. What saliency maps and adversarial examples use.{dropout} Allocation-free and thread-safe.");
        writer.Line($"public static {plan.Element} LossInputGradient({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} input, {plan.ReadOnlySpan} target, {plan.Span} inputGradient) => {loop}.LossInputGradient(parameters, input, target, inputGradient);");
        writer.Summary($"<see cref=\"LossInputGradient({ParameterCref(plan, 4)})\"/> for each row of a row-major batch: row s of <c>inputGradients</c> is <c>∂J_x/∂x</c> of sample s (not divided by the batch size). Returns the sum of the samples' losses. Allocation-free; thread-safe.");
        writer.Line($"public static {plan.Element} LossInputGradientBatch({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets, {plan.Span} inputGradients) => {loop}.LossInputGradientBatch(parameters, inputs, targets, inputGradients);");
    }

    /// <summary>The cref parameter list of a method with <paramref name="count"/> spans, the last one writable.</summary>
    private static string ParameterCref(NetworkPlan plan, int count) =>
        string.Join(", ", Enumerable.Repeat($"global::System.ReadOnlySpan{{{plan.Element}}}", count - 1).Append($"global::System.Span{{{plan.Element}}}"));

    private static void WriteInputDerivativeKernels(CodeWriter writer, NetworkPlan plan)
    {
        var output = plan.Output;
        writer.Line("// ---- Derivatives with respect to the input x; InputDerivativeLoop runs these passes. After the forward pass, rows0 and");
        writer.Line("// rows1 hold blocks of rows over a layer's neurons, each row one derivative: an adjoint ∂(·)/∂z_l in reverse mode (BP2,");
        writer.Line("// one row per output gradient) or a tangent ∂z_l/∂x_r in forward mode (row r of T_l = ∂z_l/∂x, one row per input). ----");
        if (plan.HasDropout)
        {
            writer.Line("// Inference semantics: the [Dropout] layers are the identity here, as in Forward.");
        }

        writer.Line(plan.JacobianInForwardMode
            ? $"// Jacobian: forward mode by default, since InputSize {plan.InputSize} ≤ OutputSize {output.Size}: {plan.InputSize} tangent rows cost no more than {output.Size} adjoint rows."
            : $"// Jacobian: reverse mode by default, since OutputSize {output.Size} < InputSize {plan.InputSize}: {output.Size} adjoint rows cost less than {plan.InputSize} tangent rows.");
        writer.Line($"static int {DerivativeContract(plan)}.ActivationsLength => {plan.InputDerivativeActivationsLength}; // z and a of every layer; rows0 follows");
        writer.Line($"static int {DerivativeContract(plan)}.WidestLayer => {plan.WidestLayer}; // the width of a row of rows0 and rows1");
        writer.Line();
        WriteForwardKeepingActivations(writer, plan);
        writer.Line();
        WriteMultiplyByOutputJacobian(writer, plan);
        writer.Line();
        WriteOutputDelta(writer, plan);
        writer.Line();
        WriteBackwardToInput(writer, plan);
        writer.Line();
        WriteForwardJacobian(writer, plan);
    }

    private static void WriteForwardKeepingActivations(CodeWriter writer, NetworkPlan plan)
    {
        writer.Summary("The forward pass <c>a_l = f_l(W_l a_(l-1) + b_l)</c>, keeping z_l and a_l of every layer at the start of scratch for the sweeps.");
        using (writer.Block($"public static void ForwardKeepingActivations({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} input, {plan.Span} scratch)"))
        {
            WriteDerivativeSlices(writer, plan, [.. plan.Layers.SelectMany(l => new[] { l.Z, l.A })]);
            WriteForwardCalls(writer, plan);
        }
    }

    private static void WriteMultiplyByOutputJacobian(CodeWriter writer, NetworkPlan plan)
    {
        var output = plan.Output;
        writer.Summary($"Each of <c>rows</c> rows v of rows0 (width OutputSize) becomes <c>J_f{output.N}({output.Z}) v</c>: the step through the output activation.");
        using (writer.Block($"public static void MultiplyByOutputJacobian({plan.Span} scratch, int rows)"))
        {
            WriteDerivativeSlices(writer, plan, [.. OutputJacobianNames(plan), NetworkPlan.DerivativeBuffers[0]]);
            WriteRowsByJacobian(writer, plan, output, NetworkPlan.DerivativeBuffers[0], "rows");
        }
    }

    private static void WriteOutputDelta(CodeWriter writer, NetworkPlan plan)
    {
        var output = plan.Output;
        writer.Summary("BP1 into row 0 of rows0, as in training; returns the sample's loss J_x.");
        using (writer.Block($"public static {plan.Element} OutputDelta({plan.ReadOnlySpan} target, {plan.Span} scratch)"))
        {
            WriteDerivativeSlices(writer, plan, output.Z, output.A);
            writer.Line($"{plan.Span} outputDelta = scratch.Slice({plan.InputDerivativeActivationsLength}, OutputSize); // row 0 of rows0");
            writer.Line($"// BP1: δ_L = ∂J_x/∂{output.Z} = {OutputDeltaEquation(plan, output.A, output.Z)}.");
            WriteOutputLossOn(writer, plan, $"{plan.Element} loss =", output.Z, output.A, "outputDelta");
            writer.Line("return loss;");
        }
    }

    private static void WriteBackwardToInput(CodeWriter writer, NetworkPlan plan)
    {
        var output = plan.Output;
        writer.Summary("BP2 for <c>rows</c> rows at once, from rows0 (each row a δ_L = ∂(·)/∂z_L) down to layer 1, then through W_1ᵀ into <c>result</c> (<c>[rows, InputSize]</c>): <c>δ_(l-1) = (W_lᵀ δ_l) ⊙ f_(l-1)'(z_(l-1))</c>, row by row.");
        using (writer.Block($"public static void BackwardToInput({plan.ReadOnlySpan} parameters, {plan.Span} scratch, int rows, {plan.Span} result)"))
        {
            var names = new List<string> { NetworkPlan.DerivativeBuffers[0] };
            if (plan.Layers.Count > 1)
            {
                names.Add(NetworkPlan.DerivativeBuffers[1]);
                names.AddRange(HiddenJacobianNames(plan));
            }

            WriteDerivativeSlices(writer, plan, [.. names]);
            for (int i = plan.Layers.Count - 1; i >= 1; i--)
            {
                var layer = plan.Layers[i];
                var previous = plan.Layers[i - 1];
                string current = NetworkPlan.DerivativeBuffer(layer.Number, output.Number);
                string next = NetworkPlan.DerivativeBuffer(previous.Number, output.Number);
                writer.Line($"// BP2: δ{previous.N} = (W{layer.N}ᵀ δ{layer.N}) ⊙ f{previous.N}'({previous.Z}) for every row: {next} = {current} W{layer.N}, then ⊙ f{previous.N}'.");
                writer.Line($"{DerivativeKernels}.MultiplyRows<{plan.Element}>({current}, rows, parameters.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant}), {layer.SizeConstant}, {layer.InputSizeConstant}, {next});");
                WriteRowsByJacobian(writer, plan, previous, next, "rows");
            }

            string first = NetworkPlan.DerivativeBuffer(1, output.Number);
            writer.Line($"// ∂/∂x = W1ᵀ δ1 for every row: BP2 carried one layer further, result = {first} W1.");
            writer.Line($"{DerivativeKernels}.MultiplyRows<{plan.Element}>({first}, rows, parameters.Slice(Layer1WeightOffset, Layer1WeightCount), Layer1Size, InputSize, result);");
        }
    }

    private static void WriteForwardJacobian(CodeWriter writer, NetworkPlan plan)
    {
        var output = plan.Output;
        writer.Summary("Forward mode with <c>rows</c> = InputSize rows: row r of the buffers is ∂z_l/∂x_r (column r of T_l = ∂z_l/∂x), from T_1 = W_1 through T_l = W_l diag(f_(l-1)'(z_(l-1))) T_(l-1) to ∂a_L/∂x = J_f(z_L) T_L, transposed into <c>jacobian</c>.");
        using (writer.Block($"public static void ForwardJacobian({plan.ReadOnlySpan} parameters, {plan.Span} scratch, int rows, {plan.Span} jacobian)"))
        {
            var names = new List<string> { NetworkPlan.DerivativeBuffers[0] };
            if (plan.Layers.Count > 1)
            {
                names.Add(NetworkPlan.DerivativeBuffers[1]);
                names.AddRange(HiddenJacobianNames(plan));
            }

            names.AddRange(OutputJacobianNames(plan));
            WriteDerivativeSlices(writer, plan, [.. names]);
            writer.Line("// T1 = ∂z1/∂x = W1: row r of rows0 is column r of W1.");
            writer.Line($"{MatrixKernels}.Transpose<{plan.Element}>(parameters.Slice(Layer1WeightOffset, Layer1WeightCount), Layer1Size, rows, rows0.Slice(0, Layer1WeightCount));");
            foreach (var layer in plan.Layers.Skip(1))
            {
                var previous = plan.Layers[layer.Number - 2];
                string current = NetworkPlan.DerivativeBuffer(previous.Number, 1);
                string next = NetworkPlan.DerivativeBuffer(layer.Number, 1);
                writer.Line($"// T{layer.N} = W{layer.N} diag(f{previous.N}'({previous.Z})) T{previous.N}: each row ⊙= f{previous.N}'({previous.Z}), then {next} = {current} W{layer.N}ᵀ.");
                WriteRowsByJacobian(writer, plan, previous, current, "rows");
                writer.Line($"{DerivativeKernels}.MultiplyRowsByTransposed<{plan.Element}>({current}, rows, parameters.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant}), {layer.SizeConstant}, {layer.InputSizeConstant}, {next});");
            }

            string last = NetworkPlan.DerivativeBuffer(output.Number, 1);
            writer.Line($"// ∂a_L/∂x = J_f{output.N}({output.Z}) T{output.N}: each row through the output activation's Jacobian, then transposed to [OutputSize, InputSize].");
            WriteRowsByJacobian(writer, plan, output, last, "rows");
            writer.Line($"{MatrixKernels}.Transpose<{plan.Element}>({last}.Slice(0, rows * OutputSize), rows, OutputSize, jacobian);");
        }
    }

    /// <summary>z and a of the hidden layers whose Jacobian is not the identity.</summary>
    private static IEnumerable<string> HiddenJacobianNames(NetworkPlan plan) =>
        plan.Layers.Take(plan.Layers.Count - 1).Where(l => l.Activation != ActivationKind.Identity).SelectMany(l => new[] { l.Z, l.A });

    /// <summary>The output layer's z and a, which its Jacobian needs unless it is the identity.</summary>
    private static string[] OutputJacobianNames(NetworkPlan plan) =>
        plan.Output.Activation == ActivationKind.Identity ? [] : [plan.Output.Z, plan.Output.A];

    /// <summary>Writes <c>row ← J_f(z) row</c> for each of <paramref name="rows"/> rows of <paramref name="buffer"/>: <c>⊙ f'(z)</c> for an element-wise activation, the full softmax Jacobian for softmax, nothing for the identity.</summary>
    private static void WriteRowsByJacobian(CodeWriter writer, NetworkPlan plan, LayerPlan layer, string buffer, string rows)
    {
        if (layer.Activation == ActivationKind.Identity)
        {
            writer.Line($"// f{layer.N} is the identity: its Jacobian is I, so the rows stay as they are.");
            return;
        }

        if (layer.Activation == ActivationKind.Softmax)
        {
            writer.Line($"// Softmax: the full Jacobian diag({layer.A}) - {layer.A} {layer.A}ᵀ (not its diagonal): each row v becomes {layer.A} ⊙ (v - {layer.A}·v).");
        }

        writer.Line($"{DerivativeKernels}.MultiplyRowsByJacobian<{plan.Element}>({Runtime}.Activation.{layer.Activation}, {layer.Z}, {layer.A}, {buffer}, {rows});");
    }

    /// <summary>
    /// Declares the named slices of <see cref="NetworkPlan.InputDerivativeScratch"/>, the row buffers in terms of the
    /// method's <c>rows</c> (never a constant product, which could overflow at compile time for a huge layer).
    /// </summary>
    private static void WriteDerivativeSlices(CodeWriter writer, NetworkPlan plan, params string[] names) =>
        WriteScratchSlices(writer, plan, plan.InputDerivativeScratch, "scratch", "rows", names);
}
