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
        writer.Summary("<see cref=\"ForwardBatch\"/> on two cores: each layer product large enough to pay for it is split by rows between this thread and the library's worker thread. Bit-identical to <see cref=\"ForwardBatch\"/>; allocation-free after the worker has started; when another thread is using the worker, the products run on this thread.");
        using (writer.Block($"public static void ForwardBatchParallel({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, {Span} outputs)"))
        {
            writer.Line($"using var parallel = {ParallelRows}.Enter();");
            writer.Line("ForwardBatch(parameters, inputs, outputs);");
        }

        writer.Line();
        writer.Summary("<see cref=\"TrainStepBatch\"/> on two cores: each layer product large enough to pay for it is split by rows between this thread and the library's worker thread. Bit-identical to <see cref=\"TrainStepBatch\"/> (same parameters, same loss, same exceptions); allocation-free after the worker has started.");
        using (writer.Block($"public static float TrainStepBatchParallel({Span} parameters, {ReadOnlySpan} inputs, {ReadOnlySpan} targets, float learningRate)"))
        {
            writer.Line($"using var parallel = {ParallelRows}.Enter();");
            writer.Line("return TrainStepBatch(parameters, inputs, targets, learningRate);");
        }
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
        writer.Line($"private static readonly global::NetCompiler.Kernels.Parallel.RowRangeKernel {product.DelegateField} = {product.RowsMethod};");
        writer.Line();
        writer.Summary($"Rows <c>[firstRow, endRow)</c> of <see cref=\"{product.Name}\"/>; <c>firstRow</c> is a multiple of {TallRows}, <c>endRow</c> too or {product.Rows}.");
        return writer.Block($"private static void {product.RowsMethod}({rowsParameters}, int firstRow, int endRow)");
    }

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
