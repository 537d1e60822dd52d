using System.Collections.Generic;
using System.Linq;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

// The derivatives with respect to the input: the public InputGradient, Jacobian and LossInputGradient (and their batched
// forms), and their kernels. Every kernel runs the forward pass keeping z_l and a_l, then sweeps blocks of rows through
// the layers with the runtime's InputGradientKernels: backward (reverse mode, BP2 carried through W_1ᵀ, one row per
// output gradient) or forward (the T matrices of the Anonymous notes, §2.3, one row per input).
internal static partial class NetworkEmitter
{
    /// <summary>The element type of the emitted derivative code; every scalar and span type below is written through it.</summary>
    private const string DerivativeScalar = "float";

    private const string DerivativeReadOnlySpan = "global::System.ReadOnlySpan<" + DerivativeScalar + ">";
    private const string DerivativeSpan = "global::System.Span<" + DerivativeScalar + ">";
    private const string DerivativeKernels = Kernels + ".InputGradientKernels";
    private const string JacobianModeType = Runtime + ".JacobianMode";
    private const string MatrixKernels = Kernels + ".MatrixKernels";

    private static void WriteInputDerivativeInstanceApi(CodeWriter writer)
    {
        writer.Summary("The input gradient <c>(∂a_L/∂x)ᵀ outputGradient</c> with this network's parameters (see the static form). Allocation-free; thread-safe.");
        writer.Line($"public void InputGradient({DerivativeReadOnlySpan} input, {DerivativeReadOnlySpan} outputGradient, {DerivativeSpan} inputGradient) => InputGradient(_parameters, input, outputGradient, inputGradient);");
        writer.Summary("The Jacobian <c>∂a_L/∂x</c>, row-major <c>[OutputSize, InputSize]</c>, with this network's parameters (see the static form). Allocation-free; thread-safe.");
        writer.Line($"public void Jacobian({DerivativeReadOnlySpan} input, {DerivativeSpan} jacobian) => Jacobian(_parameters, input, jacobian);");
        writer.Summary("The gradient of the sample's loss with respect to its input, <c>∂J_x/∂x</c>, with this network's parameters; returns <c>J_x</c>. Allocation-free; thread-safe.");
        writer.Line($"public {DerivativeScalar} LossInputGradient({DerivativeReadOnlySpan} input, {DerivativeReadOnlySpan} target, {DerivativeSpan} inputGradient) => LossInputGradient(_parameters, input, target, inputGradient);");
    }

    private static void WriteInputDerivativeStaticApi(CodeWriter writer, NetworkPlan plan)
    {
        string kernels = KernelClass(plan.Spec);
        string batch = $"{Kernels}.InputGradientBatch<{plan.Spec.FullyQualifiedName}>";
        string dropout = plan.HasDropout ? " Inference semantics: the [Dropout] layers are the identity, as in Forward." : string.Empty;
        string mode = plan.JacobianInForwardMode ? "Forward" : "Reverse";
        writer.Summary($"The vector–Jacobian product <c>inputGradient = (∂a_L/∂x)ᵀ outputGradient</c> at <paramref name=\"input\"/>, in reverse mode: BP2 carried one layer further, through <c>W_1ᵀ</c>. With a one-hot <paramref name=\"outputGradient\"/> it is a saliency map of that output.{dropout} Allocation-free and thread-safe.");
        writer.Line($"public static void InputGradient({DerivativeReadOnlySpan} parameters, {DerivativeReadOnlySpan} input, {DerivativeReadOnlySpan} outputGradient, {DerivativeSpan} inputGradient) => {kernels}.InputGradient(parameters, input, outputGradient, inputGradient);");
        writer.Summary($"<see cref=\"InputGradient({ParameterCref(4)})\"/> for each row of a row-major batch: <c>inputs</c> and <c>inputGradients</c> are <c>[count, InputSize]</c>, <c>outputGradients</c> <c>[count, OutputSize]</c>. Allocation-free; thread-safe.");
        writer.Line($"public static void InputGradientBatch({DerivativeReadOnlySpan} parameters, {DerivativeReadOnlySpan} inputs, {DerivativeReadOnlySpan} outputGradients, {DerivativeSpan} inputGradients) => {batch}.InputGradient(parameters, inputs, outputGradients, inputGradients);");
        writer.Summary($"The Jacobian <c>∂a_L/∂x</c> at <paramref name=\"input\"/> into <paramref name=\"jacobian\"/>, row-major <c>[OutputSize, InputSize]</c> (row k is the input gradient of output k), in {mode.ToLowerInvariant()} mode: this network has {plan.InputSize} inputs and {plan.Output.Size} outputs.{dropout} Allocation-free once the array pool is warm; thread-safe.");
        writer.Line($"public static void Jacobian({DerivativeReadOnlySpan} parameters, {DerivativeReadOnlySpan} input, {DerivativeSpan} jacobian) => {kernels}.Jacobian(parameters, input, jacobian, {JacobianModeType}.{mode});");
        writer.Summary($"The Jacobian <c>∂a_L/∂x</c> in the given <paramref name=\"mode\"/>: forward propagates the sensitivities <c>T_l = ∂z_l/∂x</c> from the input, one column per input; reverse sweeps BP2 back from the output, one row per output. Equal within float rounding.{dropout}");
        writer.Line($"public static void Jacobian({DerivativeReadOnlySpan} parameters, {DerivativeReadOnlySpan} input, {DerivativeSpan} jacobian, {JacobianModeType} mode) => {kernels}.Jacobian(parameters, input, jacobian, mode);");
        writer.Summary($"The gradient of the sample's loss with respect to its input, <c>∂J_x/∂x = W_1ᵀ δ_1</c> (BP1, then BP2 down to layer 1, then through <c>W_1ᵀ</c>), into <paramref name=\"inputGradient\"/>; returns <c>J_x</c>. What saliency maps and adversarial examples use.{dropout} Allocation-free and thread-safe.");
        writer.Line($"public static {DerivativeScalar} LossInputGradient({DerivativeReadOnlySpan} parameters, {DerivativeReadOnlySpan} input, {DerivativeReadOnlySpan} target, {DerivativeSpan} inputGradient) => {kernels}.LossInputGradient(parameters, input, target, inputGradient);");
        writer.Summary($"<see cref=\"LossInputGradient({ParameterCref(4)})\"/> for each row of a row-major batch: row s of <c>inputGradients</c> is <c>∂J_x/∂x</c> of sample s (not divided by the batch size). Returns the sum of the samples' losses. Allocation-free; thread-safe.");
        writer.Line($"public static {DerivativeScalar} LossInputGradientBatch({DerivativeReadOnlySpan} parameters, {DerivativeReadOnlySpan} inputs, {DerivativeReadOnlySpan} targets, {DerivativeSpan} inputGradients) => {batch}.LossInputGradient(parameters, inputs, targets, inputGradients);");
    }

    /// <summary>The cref parameter list of a method with <paramref name="count"/> spans, the last one writable.</summary>
    private static string ParameterCref(int count) =>
        string.Join(", ", Enumerable.Repeat($"global::System.ReadOnlySpan{{{DerivativeScalar}}}", count - 1).Append($"global::System.Span{{{DerivativeScalar}}}"));

    private static void WriteInputDerivativeKernels(CodeWriter writer, NetworkPlan plan)
    {
        var output = plan.Output;
        writer.Line("// ---- Derivatives with respect to the input x: the Jacobian ∂a_L/∂x, (∂a_L/∂x)ᵀ g and ∂J_x/∂x. ----");
        writer.Line("// After the forward pass, rows0 and rows1 hold blocks of rows over a layer's neurons, each row one derivative: an");
        writer.Line("// adjoint ∂(·)/∂z_l in reverse mode (BP2, one row per output gradient), or a tangent ∂z_l/∂x_r in forward mode (row r");
        writer.Line("// of T_lᵀ, the sensitivities of the Anonymous notes §2.3, one row per input). The sweep alternates between the two.");
        if (plan.HasDropout)
        {
            writer.Line("// Inference semantics: the [Dropout] layers are the identity here, as in Forward.");
        }

        writer.Line(plan.JacobianInForwardMode
            ? $"// Jacobian: forward mode by default, since InputSize {plan.InputSize} ≤ OutputSize {output.Size}: {plan.InputSize} tangent rows cost no more than {output.Size} adjoint rows."
            : $"// Jacobian: reverse mode by default, since OutputSize {output.Size} < InputSize {plan.InputSize}: {output.Size} adjoint rows cost less than {plan.InputSize} tangent rows.");
        writer.Line($"private const int InputGradientScratchLength = {plan.InputDerivativeScratchLength(1)}, ReverseJacobianScratchLength = {plan.InputDerivativeScratchLength(output.Size)}, ForwardJacobianScratchLength = {plan.InputDerivativeScratchLength(plan.InputSize)};");
        writer.Line();
        WriteInputGradientKernel(writer, plan);
        writer.Line();
        WriteLossInputGradientKernel(writer, plan);
        writer.Line();
        WriteJacobianKernels(writer, plan);
        writer.Line();
        WriteForwardKeepingActivations(writer, plan);
        writer.Line();
        WriteBackwardToInput(writer, plan);
    }

    private static void WriteInputGradientKernel(CodeWriter writer, NetworkPlan plan)
    {
        var output = plan.Output;
        using (writer.Block($"internal static void InputGradient({DerivativeReadOnlySpan} parameters, {DerivativeReadOnlySpan} input, {DerivativeReadOnlySpan} outputGradient, {DerivativeSpan} inputGradient)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            WriteLengthCheck(writer, "input", "InputSize");
            WriteLengthCheck(writer, "outputGradient", "OutputSize");
            WriteLengthCheck(writer, "inputGradient", "InputSize");
            WriteScratch(writer, "InputGradientScratchLength", plan.InputDerivativeScratchLength(1));
            WriteDerivativeSlices(writer, plan, 1, [.. OutputJacobianNames(plan), NetworkPlan.DerivativeBuffers[0]]);
            writer.Line("ForwardKeepingActivations(parameters, input, scratch);");
            writer.Line($"// rows0 = δ_L = J_f{output.N}({output.Z})ᵀ g: the output activation's Jacobian applied to the output gradient g.");
            writer.Line("outputGradient.CopyTo(rows0);");
            WriteOutputJacobianRows(writer, plan, NetworkPlan.DerivativeBuffers[0], "1");
            writer.Line("// inputGradient = W_1ᵀ δ_1 after BP2 through every layer.");
            writer.Line("BackwardToInput(parameters, scratch, 1, inputGradient);");
        }
    }

    private static void WriteLossInputGradientKernel(CodeWriter writer, NetworkPlan plan)
    {
        var output = plan.Output;
        using (writer.Block($"internal static {DerivativeScalar} LossInputGradient({DerivativeReadOnlySpan} parameters, {DerivativeReadOnlySpan} input, {DerivativeReadOnlySpan} target, {DerivativeSpan} inputGradient)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            WriteLengthCheck(writer, "input", "InputSize");
            WriteLengthCheck(writer, "target", "OutputSize");
            WriteLengthCheck(writer, "inputGradient", "InputSize");
            WriteScratch(writer, "InputGradientScratchLength", plan.InputDerivativeScratchLength(1));
            WriteDerivativeSlices(writer, plan, 1, output.Z, output.A, NetworkPlan.DerivativeBuffers[0]);
            writer.Line("ForwardKeepingActivations(parameters, input, scratch);");
            writer.Line($"// BP1: rows0 = δ_L = ∂J_x/∂{output.Z} = {OutputDeltaEquation(plan, output.A, output.Z)}.");
            writer.Line($"{DerivativeSpan} outputDelta = rows0.Slice(0, OutputSize);");
            WriteOutputLossOn(writer, plan, $"{DerivativeScalar} loss =", output.Z, output.A, "outputDelta");
            writer.Line("// ∂J_x/∂x = W_1ᵀ δ_1 after BP2 through every layer.");
            writer.Line("BackwardToInput(parameters, scratch, 1, inputGradient);");
            writer.Line("return loss;");
        }
    }

    private static void WriteJacobianKernels(CodeWriter writer, NetworkPlan plan)
    {
        var output = plan.Output;
        string rows0 = NetworkPlan.DerivativeBuffers[0];
        using (writer.Block($"internal static void Jacobian({DerivativeReadOnlySpan} parameters, {DerivativeReadOnlySpan} input, {DerivativeSpan} jacobian, {JacobianModeType} mode)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            WriteLengthCheck(writer, "input", "InputSize");
            writer.Line($"{Kernels}.Guard.Length(jacobian, OutputSize * InputSize, NetworkName, \"OutputSize × InputSize\", nameof(jacobian));");
            using (writer.Block($"if ({DerivativeKernels}.IsForward(mode, NetworkName))"))
            {
                writer.Line("ForwardJacobian(parameters, input, jacobian);");
            }

            using (writer.Block("else"))
            {
                writer.Line("ReverseJacobian(parameters, input, jacobian);");
            }
        }

        writer.Line();
        writer.Summary($"Reverse mode: rows0 = J_f{output.N}({output.Z}) (row k = ∂a_L,k/∂z_L), then BP2 for all {output.Size} rows at once down to the input; row k of the result is the input gradient of output k.");
        using (writer.Block($"private static void ReverseJacobian({DerivativeReadOnlySpan} parameters, {DerivativeReadOnlySpan} input, {DerivativeSpan} jacobian)"))
        {
            WriteScratch(writer, "ReverseJacobianScratchLength", plan.InputDerivativeScratchLength(output.Size));
            WriteDerivativeSlices(writer, plan, output.Size, [.. OutputJacobianNames(plan), rows0]);
            writer.Line("ForwardKeepingActivations(parameters, input, scratch);");
            writer.Line($"{DerivativeKernels}.Identity(rows0, OutputSize);");
            WriteOutputJacobianRows(writer, plan, rows0, "OutputSize");
            writer.Line("BackwardToInput(parameters, scratch, OutputSize, jacobian);");
        }

        writer.Line();
        writer.Summary("Forward mode: row r of the buffers is ∂z_l/∂x_r (column r of T_l = ∂z_l/∂x), from T_1 = W_1 through T_l = W_l diag(f_(l-1)'(z_(l-1))) T_(l-1) to ∂a_L/∂x = J_f(z_L) T_L, transposed into the result.");
        using (writer.Block($"private static void ForwardJacobian({DerivativeReadOnlySpan} parameters, {DerivativeReadOnlySpan} input, {DerivativeSpan} jacobian)"))
        {
            WriteScratch(writer, "ForwardJacobianScratchLength", plan.InputDerivativeScratchLength(plan.InputSize));
            var names = new List<string>(NetworkPlan.DerivativeBuffers);
            names.AddRange(plan.Layers.Take(plan.Layers.Count - 1).Where(l => l.Activation != ActivationKind.Identity).SelectMany(l => new[] { l.Z, l.A }));
            names.AddRange(OutputJacobianNames(plan));
            WriteDerivativeSlices(writer, plan, plan.InputSize, [.. names]);
            writer.Line("ForwardKeepingActivations(parameters, input, scratch);");
            writer.Line("// T1 = ∂z1/∂x = W1: row r of rows0 is column r of W1.");
            writer.Line($"{MatrixKernels}.Transpose(parameters.Slice(Layer1WeightOffset, Layer1WeightCount), Layer1Size, InputSize, rows0.Slice(0, Layer1WeightCount));");
            foreach (var layer in plan.Layers.Skip(1))
            {
                var previous = plan.Layers[layer.Number - 2];
                string current = NetworkPlan.DerivativeBuffer(previous.Number, 1);
                string next = NetworkPlan.DerivativeBuffer(layer.Number, 1);
                writer.Line($"// T{layer.N} = W{layer.N} diag(f{previous.N}'({previous.Z})) T{previous.N}: each row ⊙= f{previous.N}'({previous.Z}), then {next} = {current} W{layer.N}ᵀ.");
                WriteRowDerivative(writer, previous, current, "InputSize");
                writer.Line($"{DerivativeKernels}.MultiplyRowsByTransposed({current}, InputSize, parameters.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant}), {layer.SizeConstant}, {layer.InputSizeConstant}, {next});");
            }

            string last = NetworkPlan.DerivativeBuffer(output.Number, 1);
            writer.Line($"// ∂a_L/∂x = J_f{output.N}({output.Z}) T{output.N}, each row through the output activation's Jacobian, then transposed to [OutputSize, InputSize].");
            WriteOutputJacobianRows(writer, plan, last, "InputSize");
            writer.Line($"{MatrixKernels}.Transpose({last}.Slice(0, InputSize * OutputSize), InputSize, OutputSize, jacobian);");
        }
    }

    private static void WriteForwardKeepingActivations(CodeWriter writer, NetworkPlan plan)
    {
        writer.Summary("The forward pass, keeping z_l and a_l of every layer at the start of scratch for the derivative sweeps.");
        using (writer.Block($"private static void ForwardKeepingActivations({DerivativeReadOnlySpan} parameters, {DerivativeReadOnlySpan} input, {DerivativeSpan} scratch)"))
        {
            WriteDerivativeSlices(writer, plan, 1, [.. plan.Layers.SelectMany(l => new[] { l.Z, l.A })]);
            WriteForwardCalls(writer, plan);
        }
    }

    private static void WriteBackwardToInput(CodeWriter writer, NetworkPlan plan)
    {
        var output = plan.Output;
        writer.Summary($"BP2 for <c>rows</c> rows at once, from rows0 (each row a δ_L = ∂(·)/∂z_L) down to layer 1, then through W_1ᵀ into <c>result</c> (<c>[rows, InputSize]</c>): <c>δ_(l-1) = (W_lᵀ δ_l) ⊙ f_(l-1)'(z_(l-1))</c>, row by row.");
        using (writer.Block($"private static void BackwardToInput({DerivativeReadOnlySpan} parameters, {DerivativeSpan} scratch, int rows, {DerivativeSpan} result)"))
        {
            var names = new List<string>();
            if (plan.Layers.Count > 1)
            {
                names.AddRange(NetworkPlan.DerivativeBuffers);
                names.AddRange(plan.Layers.Take(plan.Layers.Count - 1).Where(l => l.Activation != ActivationKind.Identity).SelectMany(l => new[] { l.Z, l.A }));
            }
            else
            {
                names.Add(NetworkPlan.DerivativeBuffers[0]);
            }

            WriteDerivativeSlices(writer, plan, null, [.. names]);
            for (int i = plan.Layers.Count - 1; i >= 1; i--)
            {
                var layer = plan.Layers[i];
                var previous = plan.Layers[i - 1];
                string current = NetworkPlan.DerivativeBuffer(layer.Number, output.Number);
                string next = NetworkPlan.DerivativeBuffer(previous.Number, output.Number);
                writer.Line($"// BP2: δ{previous.N} = (W{layer.N}ᵀ δ{layer.N}) ⊙ f{previous.N}'({previous.Z}) for every row ({next} = {current} W{layer.N}, then ⊙ f{previous.N}').");
                writer.Line($"{DerivativeKernels}.MultiplyRows({current}, rows, parameters.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant}), {layer.SizeConstant}, {layer.InputSizeConstant}, {next});");
                WriteRowDerivative(writer, previous, next, "rows");
            }

            string first = NetworkPlan.DerivativeBuffer(1, output.Number);
            writer.Line($"// ∂/∂x = W1ᵀ δ1 for every row: BP2 carried one layer further, into result = {first} W1.");
            writer.Line($"{DerivativeKernels}.MultiplyRows({first}, rows, parameters.Slice(Layer1WeightOffset, Layer1WeightCount), Layer1Size, InputSize, result);");
        }
    }

    /// <summary>The output layer's z and a, which its Jacobian needs unless it is the identity.</summary>
    private static string[] OutputJacobianNames(NetworkPlan plan) =>
        plan.Output.Activation == ActivationKind.Identity ? [] : [plan.Output.Z, plan.Output.A];

    /// <summary>Multiplies each of <paramref name="rows"/> rows of <paramref name="buffer"/> by the output activation's Jacobian <c>J_f(z_L)</c> (symmetric for every activation).</summary>
    private static void WriteOutputJacobianRows(CodeWriter writer, NetworkPlan plan, string buffer, string rows)
    {
        var output = plan.Output;
        if (output.Activation == ActivationKind.Softmax)
        {
            writer.Line($"// Softmax: J = diag({output.A}) − {output.A} {output.A}ᵀ, the full Jacobian, so each row v becomes {output.A} ⊙ (v − {output.A}·v).");
            writer.Line($"{DerivativeKernels}.MultiplyBySoftmaxJacobian({output.A}, {buffer}, {rows});");
            return;
        }

        WriteRowDerivative(writer, output, buffer, rows);
    }

    /// <summary>Writes <c>row ⊙= f'(z)</c> for each of <paramref name="rows"/> rows of <paramref name="buffer"/> (an element-wise activation's Jacobian is <c>diag(f'(z))</c>).</summary>
    private static void WriteRowDerivative(CodeWriter writer, LayerPlan layer, string buffer, string rows)
    {
        if (layer.Activation == ActivationKind.Identity)
        {
            writer.Line($"// f{layer.N} is the identity: its Jacobian is I, so the rows stay as they are.");
            return;
        }

        string kernel = $"{Kernels}.ActivationKernels.{ActivationCatalog.Of(layer.Activation).DerivativeKernel}({layer.Z}, {layer.A}, ";
        if (rows == "1")
        {
            writer.Line($"{kernel}{buffer}.Slice(0, {layer.SizeConstant})); // ⊙= f{layer.N}'({layer.Z})");
            return;
        }

        using (writer.Block($"for (int row = 0; row < {rows}; row++)"))
        {
            writer.Line($"{kernel}{buffer}.Slice(row * {layer.SizeConstant}, {layer.SizeConstant})); // ⊙= f{layer.N}'({layer.Z})");
        }
    }

    /// <summary>Declares the named slices of <see cref="NetworkPlan.InputDerivativeScratch"/>: for a known number of rows with constant bounds, else in terms of <c>rows</c>.</summary>
    private static void WriteDerivativeSlices(CodeWriter writer, NetworkPlan plan, int? rows, params string[] names)
    {
        if (rows is null)
        {
            WriteScratchSlices(writer, plan.InputDerivativeScratch, "scratch", "rows", names);
            return;
        }

        foreach (var slice in plan.InputDerivativeScratch.Where(s => names.Contains(s.Name)))
        {
            int start = (slice.OffsetPerSample * rows.Value) + slice.OffsetFixed;
            int length = (slice.PerSample * rows.Value) + slice.Fixed;
            writer.Line($"{DerivativeSpan} {slice.Name} = scratch.Slice({Number(start)}, {Number(length)});");
        }
    }

}
