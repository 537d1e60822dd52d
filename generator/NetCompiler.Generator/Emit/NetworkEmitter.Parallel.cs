using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

// Opt-in use of two cores by the batched kernels. TrainStepBatchParallel and ForwardBatchParallel run exactly the
// code of TrainStepBatch and ForwardBatch inside a ParallelRows scope; each per-layer driver then shares the rows of
// its product, in chunks of whole 12-row tiles, with the runtime's worker thread when the product is large enough.
// Every output element is still computed by one thread with the serial code, so the results are bit-identical to
// the serial methods. The generated code needs no unsafe: pinning lives in the runtime.
internal static partial class NetworkEmitter
{
    private const string ParallelRows = "global::NetCompiler.Kernels.Parallel.ParallelRows";

    private static void WriteParallelEntryPoints(CodeWriter writer)
    {
        writer.Summary("<see cref=\"ForwardBatch\"/> on two cores. A batch of at least two whole <see cref=\"BatchTileSamples\"/>-sample tiles is split by tiles between this thread and the library's worker thread; in a smaller batch, each layer product large enough to pay for it is split by rows. Bit-identical to <see cref=\"ForwardBatch\"/> (same outputs, same exceptions); allocation-free after the worker has started; when another thread is using the worker, everything runs on this thread.");
        using (writer.Block($"public static void ForwardBatchParallel({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, {Span} outputs)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            writer.Line($"int count = {Kernels}.Guard.BatchCount(inputs, outputs, InputSize, OutputSize, NetworkName, nameof(outputs));");
            writer.Line($"using var parallel = {ParallelRows}.Enter();");
            writer.Line("long work = (long)ParameterCount * count;");
            using (writer.Block($"if (count >= 2 * BatchTileSamples && {ParallelRows}.ShouldSplit(work))"))
            {
                writer.Line("// ForwardBatch computes each tile of samples on its own, so the tiles are shared out whole: this thread");
                writer.Line("// claims them from the first and the worker from the last, and no activations pass between the cores.");
                writer.Line($"{ParallelRows}.Run(s_forwardBatchTiles, parameters, inputs, outputs, count, 1f, count, BatchTileSamples, work);");
                writer.Line("return;");
            }

            writer.Line();
            writer.Line("ForwardBatch(parameters, inputs, outputs);");
        }

        writer.Line();
        writer.Summary("Samples <c>[firstSample, endSample)</c> of <see cref=\"ForwardBatchParallel\"/>; <c>firstSample</c> is a multiple of <see cref=\"BatchTileSamples\"/>, so the tiles are those of the whole batch.");
        writer.Line($"private static readonly {RowRangeKernel} s_forwardBatchTiles = static (parameters, inputs, outputs, _, _, firstSample, endSample) =>");
        writer.Line("    ForwardBatch(parameters, inputs.Slice(firstSample * InputSize, (endSample - firstSample) * InputSize), outputs.Slice(firstSample * OutputSize, (endSample - firstSample) * OutputSize));");

        writer.Line();
        writer.Summary("<see cref=\"TrainStepBatch\"/> on two cores: each layer product large enough to pay for it is split by rows between this thread and the library's worker thread. Bit-identical to <see cref=\"TrainStepBatch\"/> (same parameters, same loss, same exceptions); allocation-free after the worker has started.");
        using (writer.Block($"public static float TrainStepBatchParallel({Span} parameters, {ReadOnlySpan} inputs, {ReadOnlySpan} targets, float learningRate)"))
        {
            writer.Line($"using var parallel = {ParallelRows}.Enter();");
            writer.Line("return TrainStepBatch(parameters, inputs, targets, learningRate);");
        }

        writer.Line();
        WriteDataParallelTrainStep(writer);
    }

    /// <summary>
    /// Writes <c>TrainStepBatchDataParallel</c>: the batch split in two halves of samples, one per core, each through
    /// <c>AccumulateGradientBatch</c> (the runtime's <c>SampleHalves</c> does the hand-off and adds the two gradients).
    /// </summary>
    private static void WriteDataParallelTrainStep(CodeWriter writer)
    {
        const string SampleHalves = "global::NetCompiler.Kernels.Parallel.SampleHalves";
        writer.Summary("<see cref=\"TrainStepBatch\"/> on two cores split by samples: this thread computes the gradient of the first half of the batch and the library's worker thread that of the second (each with <see cref=\"AccumulateGradientBatch\"/>), then both add the two into the parameters. The cores exchange only the gradients, once per step. Deterministic (the halves depend on the batch size alone), equal to <see cref=\"TrainStepBatch\"/> within float rounding but not bit-identical to it; same exceptions, and the parameters are unchanged when one is thrown. Batches under <see cref=\"global::NetCompiler.Kernels.Parallel.SampleHalves.MinimumBatch\"/> samples, small networks and one-core machines run <see cref=\"TrainStepBatch\"/>. Allocation-free after the worker has started.");
        using (writer.Block($"public static float TrainStepBatchDataParallel({Span} parameters, {ReadOnlySpan} inputs, {ReadOnlySpan} targets, float learningRate)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            writer.Line($"int count = {Kernels}.Guard.BatchCount(inputs, targets, InputSize, OutputSize, NetworkName);");
            using (writer.Block($"if (!({MatrixFormAccelerated}) || !{SampleHalves}.Splits(count, ParameterCount))"))
            {
                writer.Line("return TrainStepBatch(parameters, inputs, targets, learningRate);");
            }

            writer.Line();
            writer.Line($"{Kernels}.Guard.ThrowIfBatchNotFinite(inputs, targets, InputSize, OutputSize, NetworkName);");
            writer.Line("// g0 = Σ ∂J/∂θ over the first half of the samples (this thread), g1 over the second (the worker);");
            writer.Line("// then θ ← θ - (η/N)(g0 + g1), each thread over half of θ.");
            writer.Line($"return {SampleHalves}.TrainStep(s_accumulateSampleHalves, s_accumulateGradientBatch, parameters, inputs, targets, count, learningRate);");
        }

        writer.Line();
        writer.Line($"private static readonly global::NetCompiler.Kernels.Parallel.BatchGradientKernel s_accumulateGradientBatch = AccumulateGradientBatch;");
        writer.Line();
        writer.Summary("The halves of a batch within samples <c>[firstSample, endSample)</c>, each into its own gradient in <c>scratch</c> (laid out by <see cref=\"global::NetCompiler.Kernels.Parallel.SampleHalves.TrainStep\"/>).");
        writer.Line($"private static readonly {RowRangeKernel} s_accumulateSampleHalves = static (parameters, inputs, scratch, samples, _, firstSample, endSample) =>");
        writer.Line($"    {SampleHalves}.AccumulateHalves(s_accumulateGradientBatch, parameters, inputs, scratch, samples, firstSample, endSample, InputSize, OutputSize);");
    }

    /// <summary>
    /// Writes the driver <c>{Name}</c> that the batched methods call (its <paramref name="summary"/> and
    /// <paramref name="parameters"/>) and returns the scope in which the caller writes the product's body. When the
    /// product cannot be split, that body is the driver's own. Otherwise the body goes into <c>{Name}Rows</c>
    /// (<paramref name="rowsParameters"/> plus a row range), and the driver runs it over all rows, or, when
    /// <c>ParallelRows.ShouldSplit</c> says it pays, in row ranges shared by two threads, through a delegate cached
    /// in a static field so that a call allocates nothing.
    /// </summary>
    private static CodeWriter.Scope WriteRowRangeMethods(CodeWriter writer, RowRangeProduct product, string summary, string parameters, string rowsParameters, string rowsArguments)
    {
        writer.Summary(summary);
        if (!product.Splits)
        {
            return writer.Block($"private static void {product.Name}({parameters})");
        }

        using (writer.Block($"private static void {product.Name}({parameters})"))
        {
            writer.Line($"long work = {product.Work};");
            using (writer.Block($"if ({ParallelRows}.ShouldSplit(work))"))
            {
                writer.Line($"// Chunks of whole {TallRows}-row tiles, claimed by this thread and the library's worker thread.");
                writer.Line($"{ParallelRows}.Run({product.DelegateField}, {rowsArguments}, {product.RowsConstant}, {TallRows}, work);");
                writer.Line("return;");
            }

            writer.Line();
            writer.Line($"{product.RowsMethod}({rowsArguments}, 0, {product.RowsConstant});");
        }

        writer.Line();
        writer.Line($"private static readonly {RowRangeKernel} {product.DelegateField} = {product.RowsMethod};");
        writer.Line();
        writer.Summary($"Rows <c>[firstRow, endRow)</c> of <see cref=\"{product.Name}\"/>; <c>firstRow</c> is a multiple of {TallRows}, <c>endRow</c> too or {product.Rows}.");
        return writer.Block($"private static void {product.RowsMethod}({rowsParameters}, int firstRow, int endRow)");
    }

    /// <summary>
    /// Writes the row-range delegates of a layer's element-wise passes (the activation, and for hidden layers the
    /// sample-major copy and the activation's derivative) when its rows can be split. On two cores
    /// <c>ParallelRows.RunPass</c> splits a pass exactly as the adjacent product is split, so each thread mostly passes
    /// over rows it has just computed and will read again, in its own cache; on one thread the pass covers all rows.
    /// </summary>
    private static void WriteRowPasses(CodeWriter writer, LayerLayout layer, bool isOutput)
    {
        if (!PassSplits(layer))
        {
            return;
        }

        string n = Number(layer.Number);
        const string Rows = "firstRow * columns, (endRow - firstRow) * columns";
        if (layer.Activation != ActivationKind.Softmax)
        {
            writer.Line();
            writer.Summary($"Rows <c>[firstRow, endRow)</c> of <c>{ActivationEquation(layer.Activation, "A" + n, "Z" + n)}</c> (feature-major, <c>columns</c> samples per row).");
            writer.Line($"private static readonly {RowRangeKernel} {PassField("activate", layer)} = static (z, _, a, columns, _, firstRow, endRow) =>");
            writer.Line($"    {Kernels}.ActivationKernels.{layer.Activation}(z.Slice({Rows}), a.Slice({Rows}));");
        }

        if (isOutput)
        {
            return;
        }

        writer.Line();
        writer.Summary($"Rows <c>[firstRow, endRow)</c> of A{n} (feature-major) into the same columns of its sample-major copy.");
        writer.Line($"private static readonly {RowRangeKernel} {PassField("sampleMajor", layer)} = static (a, _, sampleMajor, columns, _, firstRow, endRow) =>");
        writer.Line($"    {Kernels}.MatrixKernels.TransposeRows(a, {layer.SizeConstant}, columns, sampleMajor, firstRow, endRow);");
        if (layer.Activation != ActivationKind.Identity)
        {
            writer.Line();
            writer.Summary($"Rows <c>[firstRow, endRow)</c> of <c>H{n} ⊙= f{n}'(Z{n})</c> (feature-major, <c>columns</c> samples per row).");
            writer.Line($"private static readonly {RowRangeKernel} {PassField("derivative", layer)} = static (z, a, h, columns, _, firstRow, endRow) =>");
            writer.Line($"    {Kernels}.ActivationKernels.MultiplyBy{layer.Activation}Derivative(z.Slice({Rows}), a.Slice({Rows}), h.Slice({Rows}));");
        }
    }

    /// <summary>
    /// Writes the row-range delegate of the input transpose <c>A0 = inputsᵀ</c> when layer 1's product can be split:
    /// on two cores each thread writes half of A0 (in ranges of 8 features, the transpose's block), which both then read
    /// in full.
    /// </summary>
    private static void WriteInputPass(CodeWriter writer, NetworkLayout layout)
    {
        if (!PassSplits(layout.Layers[0]))
        {
            return;
        }

        writer.Line();
        writer.Summary("Rows <c>[firstRow, endRow)</c> of <c>A0 = inputsᵀ</c>: features <c>firstRow</c> to <c>endRow - 1</c> of every sample.");
        writer.Line($"private static readonly {RowRangeKernel} {InputPassField} = static (inputs, _, a0, samples, _, firstRow, endRow) =>");
        writer.Line($"    {Kernels}.MatrixKernels.TransposeColumns(inputs, samples, InputSize, a0, firstRow, endRow);");
    }

    /// <summary>The statement <c>a0 = inputsᵀ</c> for <c>n</c> samples of <paramref name="inputs"/>.</summary>
    private static string TransposeInputs(NetworkLayout layout, string inputs) =>
        PassSplits(layout.Layers[0])
            ? $"{ParallelRows}.RunPass({InputPassField}, {inputs}, default, a0, n, InputSize, {TransposeBlock}, {ForwardWork(layout.Layers[0], "n")});"
            : $"{Kernels}.MatrixKernels.Transpose({inputs}, n, InputSize, a0);";

    private const string InputPassField = "s_featureMajorInputsRows";

    /// <summary>The side of the runtime's transpose block: input-transpose ranges are multiples of it.</summary>
    private const int TransposeBlock = 8;

    /// <summary>
    /// The statement that runs the pass <paramref name="pass"/> of <paramref name="layer"/> over its rows, split like
    /// the product of <paramref name="work"/> multiply-adds that produced (or will read) them.
    /// </summary>
    private static string RunPass(string pass, LayerLayout layer, string left, string right, string result, string work) =>
        $"{ParallelRows}.RunPass({PassField(pass, layer)}, {left}, {right}, {result}, n, {layer.SizeConstant}, {TallRows}, {work});";

    /// <summary>Whether a layer's passes are written as row ranges: exactly when its forward product can be split.</summary>
    private static bool PassSplits(LayerLayout layer) => layer.Size >= 2 * TallRows;

    private static string PassField(string pass, LayerLayout layer) => $"s_{pass}Layer{layer.Number}Rows";

    /// <summary>The multiply-adds of a layer's forward product (and of its weight update) for <paramref name="columns"/> samples.</summary>
    private static string ForwardWork(LayerLayout layer, string columns) => $"(long){layer.SizeConstant} * {layer.InputSizeConstant} * {columns}";

    /// <summary>The multiply-adds of propagating a layer's deltas to the layer below, for <paramref name="columns"/> samples.</summary>
    private static string PropagateWork(LayerLayout layer, string columns) => $"(long){layer.InputSizeConstant} * {layer.SizeConstant} * {columns}";

    private const string RowRangeKernel = "global::NetCompiler.Kernels.Parallel.RowRangeKernel";

    /// <summary>
    /// One layer product whose output rows can be computed in ranges: its driver name, its row count, and the
    /// multiply-adds it costs (an expression of the batch size).
    /// </summary>
    private sealed class RowRangeProduct(string name, string rowsConstant, int rows, string work)
    {
        public string Name { get; } = name;

        public string RowsMethod => Name + "Rows";

        public string DelegateField => "s_" + char.ToLowerInvariant(Name[0]) + Name.Substring(1) + "Rows";

        public string RowsConstant { get; } = rowsConstant;

        public int Rows { get; } = rows;

        public string Work { get; } = work;

        /// <summary>Whether the product's rows can be shared by two threads: at least two whole tiles (otherwise no row range is written).</summary>
        public bool Splits => Rows >= 2 * TallRows;

        /// <summary>The product's rows of a vector of one value per row (the biases) at <paramref name="offset"/> in <paramref name="span"/>.</summary>
        public string Bias(string span, string offset) =>
            Splits ? $"{span}.Slice({offset} + firstRow, endRow - firstRow)" : $"{span}.Slice({offset}, {RowsConstant})";

        /// <summary>A matrix of one <paramref name="rowLength"/>-float row per product row, from the range's first row on.</summary>
        public string RowsOf(string span, string rowLength) => Splits ? $"{span}.Slice(firstRow * {rowLength})" : span;
    }
}
