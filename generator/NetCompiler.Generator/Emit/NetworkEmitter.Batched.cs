using System.Collections.Generic;
using System.Linq;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

// The batched matrix form (seed 002): Z_l = W_l A_(l-1) + b_l 1ᵀ, H_(l-1) = (W_lᵀ H_l) ⊙ f'(Z_(l-1)),
// W_l ← W_l - (η/N) H_l A_(l-1)ᵀ, b_l ← b_l - (η/N) H_l 1.
// Activations are feature-major ([features, samples], samples contiguous), so every product is a
// block of "broadcast one scalar × a row of vectors" FMAs and needs no transposes; the layer inputs are also
// kept sample-major for the weight-gradient product, which is fused with the SGD update.
internal static partial class NetworkEmitter
{
    /// <summary>
    /// Rows of a 64-column register block: 6 rows × 4 Vector512 = 24 accumulators, enough independent
    /// chains for 2 FMA pipes × 4-cycle latency, with 4 row loads and 6 broadcasts per 24 FMAs.
    /// </summary>
    private const int BlockRows = 6;

    /// <summary>
    /// Rows of a tall tile: two 6-row blocks at 64 columns, or one 12-row block at 32 or 16 columns, where
    /// 12 rows keep 24 (or 12) accumulators busy while each loaded row vector feeds 12 FMAs
    /// (the blocks of each vector width: <see cref="VectorShape"/>).
    /// </summary>
    private const int TallRows = 12;

    /// <summary>Columns of a cache panel (see <see cref="WritePanels"/>), and the widest register block.</summary>
    private const int WideBlock = 64;

    /// <summary>Depth of a cache panel (see <see cref="WritePanels"/>).</summary>
    private const int DepthPanel = 128;
    private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    private const string Memory = "global::System.Runtime.InteropServices.MemoryMarshal";

    private static void WriteBatchedKernels(CodeWriter writer, NetworkLayout layout)
    {
        writer.Line("// ---- Batched matrix form (seed 002). Feature-major activations: row f of a buffer holds feature f of every sample. ----");
        writer.Line();
        writer.Summary("Samples per tile of <see cref=\"ForwardBatch\"/>: 64 samples are 4 Vector512 registers per row of a block.");
        writer.Line($"public const int BatchTileSamples = {WideBlock};");
        writer.Line($"private const int ForwardBatchScratchPerSample = {layout.Spec.InputSize + layout.Layers.Sum(l => l.Size)};");
        writer.Line($"private const int TrainBatchScratchPerSample = {TrainScratchPerSample(layout)};");
        writer.Line("private const int TrainBatchScratchPerBatch = 3 * OutputSize;");
        writer.Line();
        WriteForwardBatch(writer, layout);
        writer.Line();
        WriteTrainStepBatch(writer, layout);
        writer.Line();
        WriteAccumulateGradientBatch(writer, layout);
        writer.Line();
        WriteBackpropagateBatch(writer, layout);
        writer.Line();
        WriteParallelEntryPoints(writer);
        WriteInputPass(writer, layout);
        foreach (var layer in layout.Layers)
        {
            writer.Line();
            WriteBatchForwardLayer(writer, layer);
            WriteRowPasses(writer, layer, isOutput: layer == layout.Output);
            if (layer.Number > 1)
            {
                writer.Line();
                WriteBatchPropagateLayer(writer, layer);
            }

            writer.Line();
            WriteBatchUpdateLayer(writer, layer);
        }

        WriteTilesAndBlocks(writer, RowBlockSizes(layout).ToList());
    }

    private static int TrainScratchPerSample(NetworkLayout layout) =>
        layout.Spec.InputSize + layout.Layers.Sum(l => 3 * l.Size) + layout.Layers.Take(layout.Layers.Count - 1).Sum(l => l.Size)
        + (HasBatchOutputLayer(layout) ? layout.Output.Size + 1 : 0);

    private static void WriteForwardBatch(CodeWriter writer, NetworkLayout layout)
    {
        var output = layout.Output;
        writer.Summary("Forward propagation of a batch: <c>inputs</c> is row-major <c>[count, InputSize]</c>, <c>outputs</c> row-major <c>[count, OutputSize]</c>. Equal to calling <see cref=\"Forward(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, global::System.Span{float})\"/> per sample, within float rounding. Allocation-free once the array pool is warm; thread-safe.");
        using (writer.Block($"public static void ForwardBatch({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, {Span} outputs)"))
        {
            using (writer.Block("if (inputs.Length == InputSize && outputs.Length == OutputSize)"))
            {
                writer.Line("// One sample: the per-sample kernel, which checks the parameters as below and skips the batch's bookkeeping.");
                writer.Line("Forward(parameters, inputs, outputs);");
                writer.Line("return;");
            }

            writer.Line();
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            writer.Line($"int count = {Kernels}.Guard.BatchCount(inputs, outputs, InputSize, OutputSize, NetworkName, nameof(outputs));");
            using (writer.Block($"if (!({MatrixFormAccelerated}))"))
            {
                writer.Line("// Neither 512- nor 256-bit vectors on this machine: the per-sample kernels.");
                using (writer.Block("for (int sample = 0; sample < count; sample++)"))
                {
                    writer.Line("Forward(parameters, inputs.Slice(sample * InputSize, InputSize), outputs.Slice(sample * OutputSize, OutputSize));");
                }

                writer.Line("return;");
            }

            writer.Line();
            writer.Line($"using var scratchLease = {Kernels}.ScratchBuffer.Rent(ForwardBatchScratchPerSample * BatchTileSamples, out {Span} scratch);");
            using (writer.Block("for (int first = 0; first < count; first += BatchTileSamples)"))
            {
                writer.Line("int n = global::System.Math.Min(BatchTileSamples, count - first);");
                writer.Line("var tileOutputs = outputs.Slice(first * OutputSize, n * OutputSize);");
                writer.Line("var a0 = scratch.Slice(0, InputSize * n);");
                writer.Line("// a0 = inputsᵀ: feature-major.");
                writer.Line(TransposeInputs(layout, "inputs.Slice(first * InputSize, n * InputSize)"));
                string offset = "InputSize * n";
                string previous = "a0";
                foreach (var layer in layout.Layers)
                {
                    writer.Line($"var {layer.Z} = scratch.Slice({offset}, {layer.SizeConstant} * n);");
                    writer.Line($"BatchForwardLayer{layer.Number}(parameters, {previous}, {layer.Z}, n);");
                    if (layer == output && layer.Activation == ActivationKind.Softmax)
                    {
                        writer.Line($"// A{Number(layer.Number)} = softmax(Z{Number(layer.Number)}) of every sample (column), 16 samples per vector.");
                        writer.Line($"{Kernels}.BatchOutputLayer.Softmax({layer.Z}, {layer.SizeConstant}, n, {layer.Z});");
                    }
                    else
                    {
                        WriteElementwiseActivation(writer, layer, layer.Z, layer.Z);
                    }

                    offset += $" + {layer.SizeConstant} * n";
                    previous = layer.Z;
                }

                writer.Line("// outputs = a_Lᵀ: back to sample-major.");
                writer.Line($"{Kernels}.MatrixKernels.Transpose({output.Z}, OutputSize, n, tileOutputs);");
            }
        }
    }

    private static void WriteTrainStepBatch(CodeWriter writer, NetworkLayout layout)
    {
        writer.Summary("One gradient-descent step over a batch in matrix form (seed 002): forward for all samples at once, the deltas H_l of every layer, then <c>W_l ← W_l - (η/N) H_l A_(l-1)ᵀ</c> and <c>b_l ← b_l - (η/N) H_l 1</c> fused into one pass per layer. Same result as <see cref=\"TrainStep(global::System.Span{float}, global::System.Span{float}, global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, float)\"/> within float rounding; needs no gradient buffer. If a loss or delta is not finite it throws <see cref=\"global::NetCompiler.TrainingDivergedException\"/> before any parameter changes.");
        using (writer.Block($"public static float TrainStepBatch({Span} parameters, {ReadOnlySpan} inputs, {ReadOnlySpan} targets, float learningRate)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            writer.Line($"int count = {Kernels}.Guard.BatchCount(inputs, targets, InputSize, OutputSize, NetworkName);");
            writer.Line($"{Kernels}.Guard.ThrowIfBatchNotFinite(inputs, targets, InputSize, OutputSize, NetworkName);");
            using (writer.Block($"if (!({MatrixFormAccelerated}))"))
            {
                writer.Line("// Neither 512- nor 256-bit vectors on this machine: the per-sample step.");
                writer.Line($"using var gradientLease = {Kernels}.ScratchBuffer.Rent(ParameterCount, out {Span} gradient);");
                writer.Line("return TrainStep(parameters, gradient, inputs, targets, learningRate);");
            }

            WriteBackpropagationCall(writer, layout);
            writer.Line();
            writer.Line("// W_l ← W_l - (η/N) H_l A_(l-1)ᵀ and b_l ← b_l - (η/N) H_l 1, the gradient product fused with the update.");
            writer.Line("float step = -learningRate / n;");
            WriteBatchUpdates(writer, layout, "parameters", "step");
            writer.Line("return (float)(totalLoss / n);");
        }
    }

    private static void WriteAccumulateGradientBatch(CodeWriter writer, NetworkLayout layout)
    {
        writer.Summary("Backpropagation of a batch in matrix form (seed 002): adds <c>Σ_x ∂J_x/∂θ</c> over the samples to <paramref name=\"gradient\"/> (<c>H_l A_(l-1)ᵀ</c> to the weights, <c>H_l 1</c> to the biases) and returns the sum of the samples' losses, for optimizers that need the gradient itself. Equal to calling <see cref=\"AccumulateGradient(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, global::System.Span{float})\"/> per sample within float rounding. If an input, target, loss or delta is not finite it throws <see cref=\"global::NetCompiler.TrainingDivergedException\"/>; <paramref name=\"gradient\"/> is then unchanged (on machines without 512- or 256-bit vectors, where the samples run one by one, it may hold part of the sum).");
        using (writer.Block($"public static float AccumulateGradientBatch({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, {ReadOnlySpan} targets, {Span} gradient)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            WriteLengthCheck(writer, "gradient", "ParameterCount");
            writer.Line($"int count = {Kernels}.Guard.BatchCount(inputs, targets, InputSize, OutputSize, NetworkName);");
            writer.Line($"{Kernels}.Guard.ThrowIfBatchNotFinite(inputs, targets, InputSize, OutputSize, NetworkName);");
            using (writer.Block($"if (!({MatrixFormAccelerated}))"))
            {
                writer.Line("// No 512- or 256-bit vectors on this machine: one sample at a time.");
                WriteGradientSumLoop(writer, "sum", "AccumulateGradient(parameters, input, target, gradient)");

                writer.Line("return (float)sum;");
            }

            WriteBackpropagationCall(writer, layout);
            writer.Line();
            writer.Line("// ∂J/∂W_l += H_l A_(l-1)ᵀ and ∂J/∂b_l += H_l 1: the same fused kernels, adding into the gradient with scale 1.");
            WriteBatchUpdates(writer, layout, "gradient", "1f");
            writer.Line("return (float)totalLoss;");
        }
    }

    /// <summary>
    /// The scratch buffers of the batched training pass over <c>n</c> samples, in order: their names, offsets and
    /// lengths (expressions of <c>n</c>). <c>TrainBatchScratchPerSample</c> and <c>TrainBatchScratchPerBatch</c> add
    /// them up.
    /// </summary>
    private static IEnumerable<(string Name, string Offset, string Length)> TrainScratchBuffers(NetworkLayout layout)
    {
        var output = layout.Output;
        string offset = "InputSize * n";
        yield return ("a0", "0", offset);
        foreach (var layer in layout.Layers)
        {
            var names = layer == output
                ? new[] { layer.Z, layer.A, "h" + Number(layer.Number) }
                : new[] { layer.Z, layer.A, "h" + Number(layer.Number), layer.A + "SampleMajor" };
            foreach (string name in names)
            {
                yield return (name, offset, $"{layer.SizeConstant} * n");
                offset += $" + {layer.SizeConstant} * n";
            }
        }

        if (HasBatchOutputLayer(layout))
        {
            yield return ("targetsFeatureMajor", offset, "OutputSize * n");
            yield return ("losses", $"{offset} + (OutputSize * n)", "n");
        }
        else
        {
            yield return ("outputZ", offset, "OutputSize");
            yield return ("outputA", $"{offset} + OutputSize", "OutputSize");
            yield return ("outputDelta", $"{offset} + (2 * OutputSize)", "OutputSize");
        }
    }

    /// <summary>Declares the scratch buffers named in <paramref name="names"/> (all when null) as slices of <paramref name="scratch"/>.</summary>
    private static void WriteScratchSlices(CodeWriter writer, NetworkLayout layout, string scratch, ICollection<string>? names = null)
    {
        foreach (var (name, offset, length) in TrainScratchBuffers(layout))
        {
            if (names is null || names.Contains(name))
            {
                writer.Line($"var {name} = {scratch}.Slice({offset}, {length});");
            }
        }
    }

    /// <summary>The operands of the weight updates: every layer's deltas and the sample-major inputs of the layers above the first.</summary>
    private static HashSet<string> UpdateOperands(NetworkLayout layout)
    {
        var names = new HashSet<string>();
        foreach (var layer in layout.Layers)
        {
            names.Add("h" + Number(layer.Number));
            if (layer.Number > 1)
            {
                names.Add(layout.Layers[layer.Number - 2].A + "SampleMajor");
            }
        }

        return names;
    }

    /// <summary>
    /// The start of <c>TrainStepBatch</c> and <c>AccumulateGradientBatch</c> after their checks: scratch for <c>count</c>
    /// samples, <c>BackpropagateBatch</c> over them, and the update operands in scope (with <c>n</c> and <c>totalLoss</c>).
    /// </summary>
    private static void WriteBackpropagationCall(CodeWriter writer, NetworkLayout layout)
    {
        writer.Line();
        writer.Line($"using var scratchLease = {Kernels}.ScratchBuffer.Rent((TrainBatchScratchPerSample * count) + TrainBatchScratchPerBatch, out {Span} scratch);");
        writer.Line("int n = count;");
        writer.Line("double totalLoss = BackpropagateBatch(parameters, inputs, targets, scratch, n);");
        WriteScratchSlices(writer, layout, "scratch", UpdateOperands(layout));
    }

    /// <summary>
    /// Writes <c>BackpropagateBatch</c>, the common part of the batched training methods: forward, BP1, BP2 and the
    /// check that every delta is finite, into the buffers of <see cref="TrainScratchBuffers"/>.
    /// </summary>
    private static void WriteBackpropagateBatch(CodeWriter writer, NetworkLayout layout)
    {
        writer.Summary("Forward and backward propagation of <c>n</c> samples in matrix form (seed 002), shared by the batched training methods: the activations A_l and the deltas H_l of every layer go into <c>scratch</c> (<c>n · TrainBatchScratchPerSample + TrainBatchScratchPerBatch</c> floats), and the result is the sum of the samples' losses. Throws <see cref=\"global::NetCompiler.TrainingDivergedException\"/> if a loss or a delta is not finite; nothing but <c>scratch</c> is written.");
        using (writer.Block($"private static double BackpropagateBatch({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, {ReadOnlySpan} targets, {Span} scratch, int n)"))
        {
            WriteBackpropagationBody(writer, layout);
            writer.Line("return totalLoss;");
        }
    }

    private static void WriteBackpropagationBody(CodeWriter writer, NetworkLayout layout)
    {
        var output = layout.Output;
        var layers = layout.Layers;
        WriteScratchSlices(writer, layout, "scratch");
        writer.Line();
        writer.Line("// Forward: A_0 = inputsᵀ; Z_l = W_l A_(l-1) + b_l 1ᵀ; A_l = f_l(Z_l). Hidden A_l are also kept sample-major for the weight update.");
        writer.Line(TransposeInputs(layout, "inputs"));
        string previous = "a0";
        foreach (var layer in layers)
        {
            writer.Line($"BatchForwardLayer{layer.Number}(parameters, {previous}, {layer.Z}, n);");
            if (layer != output || layer.Activation != ActivationKind.Softmax)
            {
                WriteElementwiseActivation(writer, layer, layer.Z, layer.A);
            }

            if (layer != output)
            {
                writer.Line($"// A{Number(layer.Number)} sample-major too, for the weight update of layer {Number(layer.Number + 1)}.");
                writer.Line(PassSplits(layer)
                    ? RunPass("sampleMajor", layer, layer.A, "default", $"{layer.A}SampleMajor", ForwardWork(layer, "n"))
                    : $"{Kernels}.MatrixKernels.Transpose({layer.A}, {layer.SizeConstant}, n, {layer.A}SampleMajor);");
            }

            previous = layer.A;
        }

        writer.Line();
        if (HasBatchOutputLayer(layout))
        {
            WriteBatchOutputLayer(writer, layout);
        }
        else
        {
            WritePerSampleOutputLayer(writer, layout);
        }

        for (int i = layers.Count - 1; i >= 1; i--)
        {
            var layer = layers[i];
            var below = layers[i - 1];
            writer.Line();
            writer.Line($"// BP2: H{Number(below.Number)} = (W{Number(layer.Number)}ᵀ H{Number(layer.Number)}) ⊙ f{Number(below.Number)}'(Z{Number(below.Number)}).");
            writer.Line($"BatchPropagateLayer{layer.Number}(parameters, h{Number(layer.Number)}, h{Number(below.Number)}, n);");
            if (below.Activation != ActivationKind.Identity)
            {
                writer.Line(PassSplits(below)
                    ? RunPass("derivative", below, below.Z, below.A, $"h{Number(below.Number)}", PropagateWork(layer, "n"))
                    : $"{Kernels}.ActivationKernels.MultiplyBy{below.Activation}Derivative({below.Z}, {below.A}, h{Number(below.Number)});");
            }
        }

        writer.Line();
        writer.Line("// Nothing has been written yet: refuse deltas that are not finite.");
        foreach (var layer in layers)
        {
            writer.Line($"{Kernels}.Guard.ThrowIfNotFinite(h{Number(layer.Number)}, NetworkName, \"the deltas of layer {Number(layer.Number)}\");");
        }
    }

    private static void WriteBatchUpdates(CodeWriter writer, NetworkLayout layout, string target, string scale)
    {
        foreach (var layer in layout.Layers)
        {
            string input = layer.Number == 1 ? "inputs" : $"a{layer.Number - 1}SampleMajor";
            writer.Line($"BatchUpdateLayer{layer.Number}({target}, h{Number(layer.Number)}, {input}, n, {scale});");
        }
    }

    /// <summary>The softmax cross-entropy output layer has a matrix-form BP1 (<see cref="WriteBatchOutputLayer"/>); other pairings run BP1 per sample.</summary>
    private static bool HasBatchOutputLayer(NetworkLayout layout) =>
        layout.Spec.Loss == LossKind.CrossEntropy && layout.Output.Activation == ActivationKind.Softmax;

    private static void WriteBatchOutputLayer(CodeWriter writer, NetworkLayout layout)
    {
        var output = layout.Output;
        string h = "h" + Number(output.Number);
        writer.Line($"// BP1 for the whole batch (feature-major): A_L = softmax(Z_L) per sample, {h} = A_L - T, J_s = Σ_k t_k (logsumexp(z_s) - z_k).");
        writer.Line($"{Kernels}.MatrixKernels.Transpose(targets, n, OutputSize, targetsFeatureMajor);");
        writer.Line($"{Kernels}.BatchOutputLayer.SoftmaxCrossEntropy({output.Z}, targetsFeatureMajor, OutputSize, {h}, losses);");
        using (writer.Block($"if (!{Kernels}.Guard.AllFinite(losses))"))
        {
            writer.Line($"int sample = {Kernels}.Guard.FirstNonFinite(losses).GetValueOrDefault();");
            writer.Line($"{Kernels}.Guard.ThrowNonFiniteLoss(NetworkName, sample, losses[sample], inputs.Slice(sample * InputSize, InputSize), targets.Slice(sample * OutputSize, OutputSize));");
        }

        writer.Line("double totalLoss = 0;");
        using (writer.Block("foreach (float loss in losses)"))
        {
            writer.Line("totalLoss += loss;");
        }
    }

    private static void WritePerSampleOutputLayer(CodeWriter writer, NetworkLayout layout)
    {
        var output = layout.Output;
        writer.Line($"// BP1 per sample: the loss and δ_L (column s of h{Number(output.Number)}).");
        writer.Line("double totalLoss = 0;");
        using (writer.Block("for (int sample = 0; sample < n; sample++)"))
        {
            writer.Line("var target = targets.Slice(sample * OutputSize, OutputSize);");
            writer.Line($"{Kernels}.MatrixKernels.GatherColumn({output.Z}, n, sample, outputZ);");
            if (output.Activation == ActivationKind.Softmax)
            {
                writer.Line($"{Kernels}.Activations.Softmax(outputZ, outputA);");
            }
            else
            {
                writer.Line($"{Kernels}.MatrixKernels.GatherColumn({output.A}, n, sample, outputA);");
            }

            WriteOutputLossOn(writer, layout, "float loss =", "outputZ", "outputA", "outputDelta");
            using (writer.Block("if (!float.IsFinite(loss))"))
            {
                writer.Line($"{Kernels}.Guard.ThrowNonFiniteLoss(NetworkName, sample, loss, inputs.Slice(sample * InputSize, InputSize), target);");
            }

            writer.Line($"{Kernels}.MatrixKernels.ScatterColumn(outputDelta, h{Number(output.Number)}, n, sample);");
            writer.Line("totalLoss += loss;");
        }
    }

    private static void WriteElementwiseActivation(CodeWriter writer, LayerLayout layer, string z, string a)
    {
        if (layer.Activation == ActivationKind.Identity && z == a)
        {
            writer.Line($"// A{Number(layer.Number)} = Z{Number(layer.Number)} (identity).");
            return;
        }

        writer.Line($"// {ActivationEquation(layer.Activation, "A" + Number(layer.Number), "Z" + Number(layer.Number))}, element by element (vectorized).");
        writer.Line(PassSplits(layer)
            ? RunPass("activate", layer, z, "default", a, ForwardWork(layer, "n"))
            : $"{Kernels}.ActivationKernels.{layer.Activation}({z}, {a});");
    }

    private static void WriteBatchForwardLayer(CodeWriter writer, LayerLayout layer)
    {
        string n = Number(layer.Number);
        var product = new RowRangeProduct($"BatchForwardLayer{n}", layer.SizeConstant, layer.Size, ForwardWork(layer, "columns"));
        string alpha = product.Splits ? "alpha" : "1f";
        using (WriteRowRangeMethods(
            writer,
            product,
            $"<c>Z{n} = W{n} A{layer.Number - 1} + b{n} 1ᵀ</c> for <c>columns</c> samples (feature-major), in register tiles of {TallRows} neurons.",
            $"{ReadOnlySpan} parameters, {ReadOnlySpan} previous, {Span} z, int columns",
            $"{ReadOnlySpan} parameters, {ReadOnlySpan} previous, {Span} z, int columns, float alpha",
            "parameters, previous, z, columns, 1f"))
        {
            writer.Line($"{Kernels}.MatrixKernels.FillRows({product.Bias("parameters", layer.BiasOffsetConstant)}, {product.RowsOf("z", "columns")}, columns);");
            writer.Line($"ref float weights = ref {Memory}.GetReference(parameters.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant}));");
            writer.Line($"ref float input = ref {Memory}.GetReference(previous);");
            writer.Line($"ref float output = ref {Memory}.GetReference(z);");
            WritePanels(writer, "columns", layer.InputSize, layer.InputSizeConstant, (k, depth) => WriteRowBlocks(writer, product, row =>
                $"ref {Unsafe}.Add(ref weights, {Plus($"{row} * {layer.InputSizeConstant}", k)}), {layer.InputSizeConstant}, 1, ref {Unsafe}.Add(ref input, {Plus(Times(k, "columns"), "column")}), columns, {depth}, ref {Unsafe}.Add(ref output, ({row} * columns) + column), columns, width, {alpha}, accumulate: true"));
        }
    }

    private static void WriteBatchPropagateLayer(CodeWriter writer, LayerLayout layer)
    {
        string n = Number(layer.Number);
        string below = Number(layer.Number - 1);
        var product = new RowRangeProduct($"BatchPropagateLayer{n}", layer.InputSizeConstant, layer.InputSize, PropagateWork(layer, "columns"));
        string alpha = product.Splits ? "alpha" : "1f";
        using (WriteRowRangeMethods(
            writer,
            product,
            $"<c>H{below} = W{n}ᵀ H{n}</c> for <c>columns</c> samples (feature-major): row k of the result is <c>Σ_j W{n}[j, k] H{n}[j, :]</c>.",
            $"{ReadOnlySpan} parameters, {ReadOnlySpan} delta, {Span} propagated, int columns",
            $"{ReadOnlySpan} parameters, {ReadOnlySpan} delta, {Span} propagated, int columns, float alpha",
            "parameters, delta, propagated, columns, 1f"))
        {
            writer.Line($"ref float weights = ref {Memory}.GetReference(parameters.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant}));");
            writer.Line($"ref float input = ref {Memory}.GetReference(delta);");
            writer.Line($"ref float output = ref {Memory}.GetReference(propagated);");
            WritePanels(writer, "columns", layer.Size, layer.SizeConstant, (k, depth) => WriteRowBlocks(writer, product, row =>
                $"ref {Unsafe}.Add(ref weights, {Plus(Times(k, layer.InputSizeConstant), row)}), 1, {layer.InputSizeConstant}, ref {Unsafe}.Add(ref input, {Plus(Times(k, "columns"), "column")}), columns, {depth}, ref {Unsafe}.Add(ref output, ({row} * columns) + column), columns, width, {alpha}, accumulate: {(k == "0" ? "false" : "k != 0")}"));
        }
    }

    private static void WriteBatchUpdateLayer(CodeWriter writer, LayerLayout layer)
    {
        string n = Number(layer.Number);
        string previous = layer.Number == 1 ? "inputs" : $"A{layer.Number - 1}";
        var product = new RowRangeProduct($"BatchUpdateLayer{n}", layer.SizeConstant, layer.Size, ForwardWork(layer, "samples"));
        using (WriteRowRangeMethods(
            writer,
            product,
            $"<c>W{n} += step · H{n} {previous}ᵀ</c> and <c>b{n} += step · H{n} 1</c>; <c>previousSampleMajor</c> is <c>{previous}</c> stored sample-major, so row j of the product is <c>Σ_s H{n}[j, s] · (row s of it)</c>.",
            $"{Span} parameters, {ReadOnlySpan} delta, {ReadOnlySpan} previousSampleMajor, int samples, float step",
            $"{ReadOnlySpan} delta, {ReadOnlySpan} previousSampleMajor, {Span} parameters, int samples, float step",
            "delta, previousSampleMajor, parameters, samples, step"))
        {
            writer.Line($"{Kernels}.MatrixKernels.AddScaledRowSums({product.RowsOf("delta", "samples")}, samples, step, {product.Bias("parameters", layer.BiasOffsetConstant)});");
            writer.Line($"ref float weights = ref {Memory}.GetReference(parameters.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant}));");
            writer.Line($"ref float deltas = ref {Memory}.GetReference(delta);");
            writer.Line($"ref float input = ref {Memory}.GetReference(previousSampleMajor);");
            WritePanels(writer, layer.InputSizeConstant, RunTimeDepth, "samples", (k, depth) => WriteRowBlocks(writer, product, row =>
                $"ref {Unsafe}.Add(ref deltas, ({row} * samples) + k), samples, 1, ref {Unsafe}.Add(ref input, (k * {layer.InputSizeConstant}) + column), {layer.InputSizeConstant}, {depth}, ref {Unsafe}.Add(ref weights, ({row} * {layer.InputSizeConstant}) + column), {layer.InputSizeConstant}, width, step, accumulate: true"));
        }
    }

    /// <summary><c>a + b</c>, or just <c>a</c> when b is the literal 0 (keeps the generated index expressions short).</summary>
    private static string Plus(string a, string b) => b == "0" ? a : a == "0" ? b : $"({a}) + {b}";

    /// <summary><c>a * b</c>, or the literal 0 when a is 0.</summary>
    private static string Times(string a, string b) => a == "0" ? "0" : $"{a} * {b}";

    /// <summary>The depth argument of <see cref="WritePanels"/> for a depth known only at run time.</summary>
    private const int RunTimeDepth = int.MaxValue;

    /// <summary>
    /// Writes the cache blocking around a product's row tiles: columns (samples) in slices of <see cref="WideBlock"/>,
    /// and, when the depth is longer than <see cref="DepthPanel"/>, the depth in panels of that length, so the panel of
    /// the right-hand matrix (at most 128 × 64 floats, 32 KB) stays in L1 while every row tile passes over it instead of
    /// streaming the whole matrix from L2 once per tile. <paramref name="body"/> gets the expressions of the panel's first
    /// depth index and its length.
    /// </summary>
    private static void WritePanels(CodeWriter writer, string columns, int depth, string depthConstant, System.Action<string, string> body)
    {
        // A depth known only at run time (the batch size of the weight update) always gets the panel loop.
        writer.Line(depth > DepthPanel
            ? $"// Cache blocking: {WideBlock}-column slices and {DepthPanel}-deep panels, so the right-hand panel stays in L1 while every row tile passes over it."
            : $"// Cache blocking: {WideBlock}-column slices, so the right-hand panel stays in L1 while every row tile passes over it.");
        using (writer.Block($"for (int column = 0; column < {columns}; column += {WideBlock})"))
        {
            writer.Line($"int width = global::System.Math.Min({WideBlock}, {columns} - column);");
            if (depth <= DepthPanel)
            {
                body("0", depthConstant);
                return;
            }

            using (writer.Block($"for (int k = 0; k < {depthConstant}; k += {DepthPanel})"))
            {
                writer.Line($"int depth = global::System.Math.Min({DepthPanel}, {depthConstant} - k);");
                body("k", "depth");
            }
        }
    }

    /// <summary>
    /// Writes the loop over full 12-row tiles and the edge tiles for the rows left over (known now, so the
    /// edges cost no run-time branch): a 6-row tile, then one of 1 to 5 rows. For a product that can be split,
    /// the loop covers the full tiles in <c>[firstRow, endRow)</c> and the edge tiles belong to the range that
    /// ends the layer (one branch), so every range the two threads share out is made of whole tiles.
    /// </summary>
    private static void WriteRowBlocks(CodeWriter writer, RowRangeProduct product, System.Func<string, string> arguments)
    {
        int rows = product.Rows;
        int full = rows - (rows % TallRows);
        bool hasEdges = full < rows;
        if (full > 0)
        {
            string first = "0";
            string end = Number(full);
            if (product.Splits)
            {
                first = "firstRow";
                end = "tilesEnd";
                writer.Line(hasEdges ? $"int tilesEnd = global::System.Math.Min(endRow, {full});" : "int tilesEnd = endRow;");
            }

            using (writer.Block($"for (int row = {first}; row < {end}; row += {TallRows})"))
            {
                writer.Line($"Tile{TallRows}({arguments("row")});");
            }
        }

        if (!hasEdges)
        {
            return;
        }

        CodeWriter.Scope? edges = null;
        if (product.Splits)
        {
            writer.Line();
            edges = writer.Block($"if (endRow == {rows})");
        }

        int at = full;
        foreach (int tile in EdgeTiles(rows))
        {
            writer.Line($"// Edge tile: rows {at}..{at + tile - 1} of {rows}.");
            writer.Line($"Tile{tile}({arguments(Number(at))});");
            at += tile;
        }

        edges?.Dispose();
    }

    /// <summary>
    /// The tiles after the full 12-row ones: up to 6 rows left are one tile; 7 to 11 are two nearly equal tiles
    /// (8 → 4 + 4 rather than 6 + 2), because a tile of 1–3 rows has too few accumulators to cover the FMA latency
    /// and runs at about half speed.
    /// </summary>
    private static IEnumerable<int> EdgeTiles(int rows)
    {
        int rest = rows % TallRows;
        if (rest > BlockRows)
        {
            yield return (rest + 1) / 2;
            yield return rest / 2;
        }
        else if (rest > 0)
        {
            yield return rest;
        }
    }

    /// <summary>Every tile height this network's products use.</summary>
    private static IEnumerable<int> RowBlockSizes(NetworkLayout layout)
    {
        var sizes = new SortedSet<int>();
        foreach (var layer in layout.Layers)
        {
            foreach (int rows in new[] { layer.Size, layer.InputSize })
            {
                if (rows >= TallRows)
                {
                    sizes.Add(TallRows);
                }

                sizes.UnionWith(EdgeTiles(rows));
            }
        }

        return sizes;
    }
}
