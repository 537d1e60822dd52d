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
    /// 12 rows keep 24 (or 12) accumulators busy while each loaded row vector feeds 12 FMAs.
    /// </summary>
    private const int TallRows = 12;
    private const int WideBlock = 64;
    private const int MediumBlock = 32;
    private const int NarrowBlock = 16;
    private const string Vector = "global::System.Runtime.Intrinsics.Vector512";
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
        writer.Line();
        WriteForwardBatch(writer, layout);
        writer.Line();
        WriteTrainStepBatch(writer, layout);
        writer.Line();
        WriteParallelEntryPoints(writer);
        foreach (var layer in layout.Layers)
        {
            writer.Line();
            WriteBatchForwardLayer(writer, layer);
            if (layer.Number > 1)
            {
                writer.Line();
                WriteBatchPropagateLayer(writer, layer);
            }

            writer.Line();
            WriteBatchUpdateLayer(writer, layer);
        }

        var tiles = RowBlockSizes(layout).ToList();
        var blocks = new SortedSet<(int Rows, int Width)>();
        foreach (int rows in tiles)
        {
            writer.Line();
            WriteTile(writer, rows);
            blocks.Add((rows == TallRows ? BlockRows : rows, WideBlock));
            blocks.Add((rows, MediumBlock));
            blocks.Add((rows, NarrowBlock));
        }

        foreach (var (rows, width) in blocks)
        {
            writer.Line();
            WriteBlock(writer, rows, width);
        }
    }

    private static int TrainScratchPerSample(NetworkLayout layout) =>
        layout.Spec.InputSize + layout.Layers.Sum(l => 3 * l.Size) + layout.Layers.Take(layout.Layers.Count - 1).Sum(l => l.Size);

    private static void WriteForwardBatch(CodeWriter writer, NetworkLayout layout)
    {
        var output = layout.Output;
        writer.Summary("Forward propagation of a batch: <c>inputs</c> is row-major <c>[count, InputSize]</c>, <c>outputs</c> row-major <c>[count, OutputSize]</c>. Equal to calling <see cref=\"Forward(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, global::System.Span{float})\"/> per sample, within float rounding. Allocation-free once the array pool is warm; thread-safe.");
        using (writer.Block($"public static void ForwardBatch({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, {Span} outputs)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            writer.Line($"int count = {Kernels}.Guard.BatchCount(inputs, outputs, InputSize, OutputSize, NetworkName, nameof(outputs));");
            using (writer.Block($"if (count == 1 || !{Vector}.IsHardwareAccelerated)"))
            {
                writer.Line("// One sample (matrix-vector products), or no 512-bit vectors on this machine: the per-sample kernels.");
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
                writer.Line($"{Kernels}.MatrixKernels.Transpose(inputs.Slice(first * InputSize, n * InputSize), n, InputSize, a0);");
                string offset = "InputSize * n";
                string previous = "a0";
                foreach (var layer in layout.Layers)
                {
                    writer.Line($"var {layer.Z} = scratch.Slice({offset}, {layer.SizeConstant} * n);");
                    writer.Line($"BatchForwardLayer{layer.Number}(parameters, {previous}, {layer.Z}, n);");
                    if (layer != output || layer.Activation != ActivationKind.Softmax)
                    {
                        WriteElementwiseActivation(writer, layer, layer.Z, layer.Z, "n");
                    }

                    offset += $" + {layer.SizeConstant} * n";
                    previous = layer.Z;
                }

                writer.Line("// outputs = a_Lᵀ: back to sample-major.");
                writer.Line($"{Kernels}.MatrixKernels.Transpose({output.Z}, OutputSize, n, tileOutputs);");
                if (output.Activation == ActivationKind.Softmax)
                {
                    writer.Line("// Softmax acts on each sample's logits, which are contiguous once sample-major.");
                    using (writer.Block("for (int sample = 0; sample < n; sample++)"))
                    {
                        writer.Line("var row = tileOutputs.Slice(sample * OutputSize, OutputSize);");
                        writer.Line($"{Kernels}.Activations.Softmax(row, row);");
                    }
                }
            }
        }
    }

    private static void WriteTrainStepBatch(CodeWriter writer, NetworkLayout layout)
    {
        var output = layout.Output;
        var layers = layout.Layers;
        writer.Summary("One gradient-descent step over a batch in matrix form (seed 002): forward for all samples at once, the deltas H_l of every layer, then <c>W_l ← W_l - (η/N) H_l A_(l-1)ᵀ</c> and <c>b_l ← b_l - (η/N) H_l 1</c> fused into one pass per layer. Same result as <see cref=\"TrainStep(global::System.Span{float}, global::System.Span{float}, global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, float)\"/> within float rounding; needs no gradient buffer. If a loss or delta is not finite it throws <see cref=\"global::NetCompiler.TrainingDivergedException\"/> before any parameter changes.");
        using (writer.Block($"public static float TrainStepBatch({Span} parameters, {ReadOnlySpan} inputs, {ReadOnlySpan} targets, float learningRate)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            writer.Line($"int count = {Kernels}.Guard.BatchCount(inputs, targets, InputSize, OutputSize, NetworkName);");
            writer.Line($"{Kernels}.Guard.ThrowIfBatchNotFinite(inputs, targets, InputSize, OutputSize, NetworkName);");
            using (writer.Block($"if (!{Vector}.IsHardwareAccelerated)"))
            {
                writer.Line("// No 512-bit vectors on this machine: the per-sample step.");
                writer.Line($"using var gradientLease = {Kernels}.ScratchBuffer.Rent(ParameterCount, out {Span} gradient);");
                writer.Line("return TrainStep(parameters, gradient, inputs, targets, learningRate);");
            }

            writer.Line();
            writer.Line($"using var scratchLease = {Kernels}.ScratchBuffer.Rent((TrainBatchScratchPerSample * count) + (3 * OutputSize), out {Span} scratch);");
            writer.Line("int n = count;");
            writer.Line("var a0 = scratch.Slice(0, InputSize * n);");
            string offset = "InputSize * n";
            foreach (var layer in layers)
            {
                foreach (string name in new[] { layer.Z, layer.A, "h" + Number(layer.Number) })
                {
                    writer.Line($"var {name} = scratch.Slice({offset}, {layer.SizeConstant} * n);");
                    offset += $" + {layer.SizeConstant} * n";
                }

                if (layer != output)
                {
                    writer.Line($"var {layer.A}SampleMajor = scratch.Slice({offset}, {layer.SizeConstant} * n);");
                    offset += $" + {layer.SizeConstant} * n";
                }
            }

            writer.Line($"var outputZ = scratch.Slice({offset}, OutputSize);");
            writer.Line($"var outputA = scratch.Slice({offset} + OutputSize, OutputSize);");
            writer.Line($"var outputDelta = scratch.Slice({offset} + (2 * OutputSize), OutputSize);");
            writer.Line();
            writer.Line("// Forward: A_0 = inputsᵀ; Z_l = W_l A_(l-1) + b_l 1ᵀ; A_l = f_l(Z_l). Hidden A_l are also kept sample-major for the weight update.");
            writer.Line($"{Kernels}.MatrixKernels.Transpose(inputs, n, InputSize, a0);");
            string previous = "a0";
            foreach (var layer in layers)
            {
                writer.Line($"BatchForwardLayer{layer.Number}(parameters, {previous}, {layer.Z}, n);");
                if (layer != output || layer.Activation != ActivationKind.Softmax)
                {
                    WriteElementwiseActivation(writer, layer, layer.Z, layer.A, "n");
                }

                if (layer != output)
                {
                    writer.Line($"{Kernels}.MatrixKernels.Transpose({layer.A}, {layer.SizeConstant}, n, {layer.A}SampleMajor);");
                }

                previous = layer.A;
            }

            writer.Line();
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

            for (int i = layers.Count - 1; i >= 1; i--)
            {
                var layer = layers[i];
                var below = layers[i - 1];
                writer.Line();
                writer.Line($"// BP2: H{Number(below.Number)} = (W{Number(layer.Number)}ᵀ H{Number(layer.Number)}) ⊙ f{Number(below.Number)}'(Z{Number(below.Number)}).");
                writer.Line($"BatchPropagateLayer{layer.Number}(parameters, h{Number(layer.Number)}, h{Number(below.Number)}, n);");
                if (below.Activation != ActivationKind.Identity)
                {
                    using (writer.Block($"for (int i = 0; i < {below.SizeConstant} * n; i++)"))
                    {
                        writer.Line($"h{Number(below.Number)}[i] *= {DerivativeCall(below.Activation, $"{below.Z}[i]", $"{below.A}[i]")};");
                    }
                }
            }

            writer.Line();
            writer.Line("// Nothing has changed yet: refuse a step whose deltas are not finite.");
            foreach (var layer in layers)
            {
                writer.Line($"{Kernels}.Guard.ThrowIfNotFinite(h{Number(layer.Number)}, NetworkName, \"the deltas of layer {Number(layer.Number)}\");");
            }

            writer.Line();
            writer.Line("// W_l ← W_l - (η/N) H_l A_(l-1)ᵀ and b_l ← b_l - (η/N) H_l 1, the gradient product fused with the update.");
            writer.Line("float step = -learningRate / n;");
            foreach (var layer in layers)
            {
                string input = layer.Number == 1 ? "inputs" : $"a{layer.Number - 1}SampleMajor";
                writer.Line($"BatchUpdateLayer{layer.Number}(parameters, h{Number(layer.Number)}, {input}, n, step);");
            }

            writer.Line("return (float)(totalLoss / n);");
        }
    }

    private static void WriteElementwiseActivation(CodeWriter writer, LayerLayout layer, string z, string a, string columns)
    {
        writer.Line($"// {ActivationEquation(layer.Activation, "A" + Number(layer.Number), "Z" + Number(layer.Number))}, element by element.");
        using (writer.Block($"for (int i = 0; i < {layer.SizeConstant} * {columns}; i++)"))
        {
            writer.Line($"{a}[i] = {ActivationCall(layer.Activation, $"{z}[i]")};");
        }
    }

    private static void WriteBatchForwardLayer(CodeWriter writer, LayerLayout layer)
    {
        string n = Number(layer.Number);
        var product = new RowRangeProduct($"BatchForwardLayer{n}", layer.SizeConstant, layer.Size, $"(long){layer.SizeConstant} * {layer.InputSizeConstant} * columns");
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
            WriteRowBlocks(writer, product, row =>
                $"ref {Unsafe}.Add(ref weights, {row} * {layer.InputSizeConstant}), {layer.InputSizeConstant}, 1, ref input, columns, {layer.InputSizeConstant}, ref {Unsafe}.Add(ref output, {row} * columns), columns, columns, {alpha}, accumulate: true");
        }
    }

    private static void WriteBatchPropagateLayer(CodeWriter writer, LayerLayout layer)
    {
        string n = Number(layer.Number);
        string below = Number(layer.Number - 1);
        var product = new RowRangeProduct($"BatchPropagateLayer{n}", layer.InputSizeConstant, layer.InputSize, $"(long){layer.InputSizeConstant} * {layer.SizeConstant} * columns");
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
            WriteRowBlocks(writer, product, row =>
                $"ref {Unsafe}.Add(ref weights, {row}), 1, {layer.InputSizeConstant}, ref input, columns, {layer.SizeConstant}, ref {Unsafe}.Add(ref output, {row} * columns), columns, columns, {alpha}, accumulate: false");
        }
    }

    private static void WriteBatchUpdateLayer(CodeWriter writer, LayerLayout layer)
    {
        string n = Number(layer.Number);
        string previous = layer.Number == 1 ? "inputs" : $"A{layer.Number - 1}";
        var product = new RowRangeProduct($"BatchUpdateLayer{n}", layer.SizeConstant, layer.Size, $"(long){layer.SizeConstant} * {layer.InputSizeConstant} * samples");
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
            WriteRowBlocks(writer, product, row =>
                $"ref {Unsafe}.Add(ref deltas, {row} * samples), samples, 1, ref input, {layer.InputSizeConstant}, samples, ref {Unsafe}.Add(ref weights, {row} * {layer.InputSizeConstant}), {layer.InputSizeConstant}, {layer.InputSizeConstant}, step, accumulate: true");
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

    /// <summary>The tiles after the full 12-row ones: 6 rows if at least 6 are left, then the rest.</summary>
    private static IEnumerable<int> EdgeTiles(int rows)
    {
        int rest = rows % TallRows;
        if (rest >= BlockRows)
        {
            yield return BlockRows;
            rest -= BlockRows;
        }

        if (rest > 0)
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

    private const string KernelParameters = "ref float s, nint rowStride, nint depthStride, ref float m, nint ldm, int depth, ref float c, nint ldc";

    private static void WriteTile(CodeWriter writer, int rows)
    {
        writer.Summary($"{rows} row(s) of <c>C = alpha · S M (+ C)</c> across <c>columns</c>: {WideBlock}-column blocks, then at most one {MediumBlock}- and one {NarrowBlock}-column block, then a scalar tail.");
        using (writer.Block($"private static void Tile{rows}({KernelParameters}, int columns, float alpha, bool accumulate)"))
        {
            writer.Line("int column = 0;");
            using (writer.Block($"for (; column + {WideBlock} <= columns; column += {WideBlock})"))
            {
                if (rows == TallRows)
                {
                    writer.Line($"// 12 rows × 4 vectors would need 48 accumulators: two 6-row blocks instead.");
                    writer.Line($"Block{BlockRows}x{WideBlock}(ref s, rowStride, depthStride, ref {Unsafe}.Add(ref m, column), ldm, depth, ref {Unsafe}.Add(ref c, column), ldc, alpha, accumulate);");
                    writer.Line($"Block{BlockRows}x{WideBlock}(ref {Unsafe}.Add(ref s, {BlockRows} * rowStride), rowStride, depthStride, ref {Unsafe}.Add(ref m, column), ldm, depth, ref {Unsafe}.Add(ref c, ({BlockRows} * ldc) + column), ldc, alpha, accumulate);");
                }
                else
                {
                    writer.Line($"Block{rows}x{WideBlock}(ref s, rowStride, depthStride, ref {Unsafe}.Add(ref m, column), ldm, depth, ref {Unsafe}.Add(ref c, column), ldc, alpha, accumulate);");
                }
            }

            using (writer.Block($"if (column + {MediumBlock} <= columns)"))
            {
                writer.Line($"Block{rows}x{MediumBlock}(ref s, rowStride, depthStride, ref {Unsafe}.Add(ref m, column), ldm, depth, ref {Unsafe}.Add(ref c, column), ldc, alpha, accumulate);");
                writer.Line($"column += {MediumBlock};");
            }

            using (writer.Block($"if (column + {NarrowBlock} <= columns)"))
            {
                writer.Line($"Block{rows}x{NarrowBlock}(ref s, rowStride, depthStride, ref {Unsafe}.Add(ref m, column), ldm, depth, ref {Unsafe}.Add(ref c, column), ldc, alpha, accumulate);");
                writer.Line($"column += {NarrowBlock};");
            }

            using (writer.Block("if (column < columns)"))
            {
                writer.Line($"{Kernels}.MatrixKernels.ScalarBlock({rows}, ref s, rowStride, depthStride, ref {Unsafe}.Add(ref m, column), ldm, depth, ref {Unsafe}.Add(ref c, column), ldc, columns - column, alpha, accumulate);");
            }
        }
    }

    private static void WriteBlock(CodeWriter writer, int rows, int width)
    {
        int vectors = width / NarrowBlock;
        writer.Summary($"Register block of {rows} row(s) × {width} columns ({rows * vectors} Vector512 accumulators): <c>C[r, 0..{width}) = alpha · Σ_t S[r·rowStride + t·depthStride] · M[t·ldm + 0..{width})</c>, plus the old C when accumulating.");
        using (writer.Block($"private static void Block{rows}x{width}({KernelParameters}, float alpha, bool accumulate)"))
        {
            var accumulators = new List<string>();
            for (int r = 0; r < rows; r++)
            {
                for (int v = 0; v < vectors; v++)
                {
                    accumulators.Add($"c{r}_{v}");
                }
            }

            writer.Line($"{Vector}<float> " + string.Join(", ", accumulators.Select(a => a + " = default")) + ";");
            using (writer.Block("for (int t = 0; t < depth; t++)"))
            {
                writer.Line($"ref float mRow = ref {Unsafe}.Add(ref m, t * ldm);");
                for (int v = 0; v < vectors; v++)
                {
                    writer.Line($"var m{v} = {Vector}.LoadUnsafe(ref mRow, {v * NarrowBlock});");
                }

                writer.Line($"ref float sColumn = ref {Unsafe}.Add(ref s, t * depthStride);");
                writer.Line("// Each broadcast is used right away, so only one is live: accumulators + row vectors + 1 stay within the 32 registers.");
                for (int r = 0; r < rows; r++)
                {
                    string scalar = r == 0 ? "sColumn" : $"{Unsafe}.Add(ref sColumn, {r} * rowStride)";
                    writer.Line($"var s{r} = {Vector}.Create({scalar}); " + string.Join(" ", Enumerable.Range(0, vectors).Select(v => $"c{r}_{v} = {Vector}.FusedMultiplyAdd(s{r}, m{v}, c{r}_{v});")));
                }
            }

            writer.Line($"var scale = {Vector}.Create(alpha);");
            using (writer.Block("if (accumulate)"))
            {
                WriteBlockStores(writer, rows, vectors, accumulate: true);
            }

            using (writer.Block("else"))
            {
                WriteBlockStores(writer, rows, vectors, accumulate: false);
            }
        }
    }

    private static void WriteBlockStores(CodeWriter writer, int rows, int vectors, bool accumulate)
    {
        for (int r = 0; r < rows; r++)
        {
            writer.Line($"ref float c{r} = ref {Unsafe}.Add(ref c, {r} * ldc);");
            for (int v = 0; v < vectors; v++)
            {
                string value = accumulate
                    ? $"{Vector}.FusedMultiplyAdd(scale, c{r}_{v}, {Vector}.LoadUnsafe(ref c{r}, {v * NarrowBlock}))"
                    : $"scale * c{r}_{v}";
                writer.Line($"{Vector}.StoreUnsafe({value}, ref c{r}, {v * NarrowBlock});");
            }
        }
    }
}
