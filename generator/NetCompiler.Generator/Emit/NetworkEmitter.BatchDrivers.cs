using System.Collections.Generic;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

// The per-layer drivers of the batched kernels, in the kernel class: each layer's forward product, delta propagation and
// fused weight update as loops over cache panels and row tiles of the runtime's register blocks (RowTile), with the
// tiles the plan chose for the layer's sizes. A product that two cores may share is written as a row-range method
// that the runtime's ParallelRows hands out in chunks of whole 12-row tiles; every output element is still computed by
// one thread with the serial code, so the results are bit-identical on one core or two.
internal static partial class NetworkEmitter
{
    private const string ParallelRows = "global::NetCompiler.Kernels.Parallel.ParallelRows";
    private const string RowTile = "global::NetCompiler.Kernels.Blocks.RowTile";
    private const string RowRangeKernel = "global::NetCompiler.Kernels.Parallel.RowRangeKernel";
    private const string RowPasses = "global::NetCompiler.Kernels.Parallel.RowPasses";
    
    private static void WriteBatchDrivers(CodeWriter writer, NetworkPlan plan)
    {
        foreach (var layer in plan.Layers)
        {
            writer.Line();
            if (layer == plan.Layers[0] && plan.ForwardsFromInputs)
            {
                WriteInputProductDriver(writer, plan);
                writer.Line();
            }

            WriteBatchForwardLayer(writer, plan, layer);
            if (layer.PropagateTiles is not null)
            {
                writer.Line();
                WriteBatchPropagateLayer(writer, plan, layer, layer.PropagateTiles);
            }

            writer.Line();
            WriteBatchUpdateLayer(writer, plan, layer);
        }
    }

    private static void WriteBatchForwardLayer(CodeWriter writer, NetworkPlan plan, LayerPlan layer)
    {
        string n = layer.N;
        var product = ForwardProduct(plan, layer);
        string alpha = product.Splits ? "alpha" : plan.Literal(1);
        using (WriteRowRangeMethods(
            writer,
            product,
            $"<c>Z{n} = W{n} A{layer.Number - 1} + b{n} 1ᵀ</c> for <c>columns</c> samples (feature-major), in register tiles of up to {RowTiles.FullTile} neurons.",
            $"{plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} previous, {plan.Span} z, int columns",
            $"{plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} previous, {plan.Span} z, int columns, {plan.Element} alpha"))
        {
            writer.Line($"{Kernels}.MatrixKernels.FillRows<{plan.Element}>({product.Bias("parameters", layer.BiasOffsetConstant)}, {product.RowsOf("z", "columns")}, columns);");
            writer.Line($"{plan.ReadOnlySpan} weights = parameters.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant});");
            WritePanels(writer, plan.Element, "columns", layer.ForwardPanels, layer.InputSizeConstant, (k, depth) => WriteRowBlocks(writer, product, row =>
                $"weights, {Plus(Times(row, layer.InputSizeConstant), k)}, {layer.InputSizeConstant}, 1, previous, {Plus(Times(k, "columns"), "column")}, columns, {depth}, z, {Plus(Times(row, "columns"), "column")}, columns, width, {alpha}, accumulate: true"));
        }
    }

    private static void WriteBatchPropagateLayer(CodeWriter writer, NetworkPlan plan, LayerPlan layer, RowTiles tiles)
    {
        string n = layer.N;
        string below = Number(layer.Number - 1);
        var product = PropagateProduct(plan, layer, tiles);
        string alpha = product.Splits ? "alpha" : plan.Literal(1);
        using (WriteRowRangeMethods(
            writer,
            product,
            $"<c>H{below} = W{n}ᵀ H{n}</c> for <c>columns</c> samples (feature-major): row k of the result is <c>Σ_j W{n}[j, k] H{n}[j, :]</c>.",
            $"{plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} delta, {plan.Span} propagated, int columns",
            $"{plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} delta, {plan.Span} propagated, int columns, {plan.Element} alpha"))
        {
            writer.Line($"{plan.ReadOnlySpan} weights = parameters.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant});");
            WritePanels(writer, plan.Element, "columns", layer.PropagatePanels, layer.SizeConstant, (k, depth) => WriteRowBlocks(writer, product, row =>
                $"weights, {Plus(Times(k, layer.InputSizeConstant), row)}, 1, {layer.InputSizeConstant}, delta, {Plus(Times(k, "columns"), "column")}, columns, {depth}, propagated, {Plus(Times(row, "columns"), "column")}, columns, width, {alpha}, accumulate: {(k == "0" ? "false" : "k != 0")}"));
        }
    }

    private static void WriteBatchUpdateLayer(CodeWriter writer, NetworkPlan plan, LayerPlan layer)
    {
        string n = layer.N;
        string previous = layer.Number == 1 ? "inputs" : $"A{layer.Number - 1}";
        var product = UpdateProduct(plan, layer);
        using (WriteRowRangeMethods(
            writer,
            product,
            $"<c>W{n} += step · H{n} {previous}ᵀ</c> and <c>b{n} += step · H{n} 1</c>; <c>previousSampleMajor</c> is <c>{previous}</c> stored sample-major, so row j of the product is <c>Σ_s H{n}[j, s] · (row s of it)</c>.",
            $"{plan.Span} parameters, {plan.ReadOnlySpan} delta, {plan.ReadOnlySpan} previousSampleMajor, int samples, {plan.Element} step",
            $"{plan.ReadOnlySpan} delta, {plan.ReadOnlySpan} previousSampleMajor, {plan.Span} parameters, int samples, {plan.Element} step"))
        {
            writer.Line($"{Kernels}.MatrixKernels.AddScaledRowSums<{plan.Element}>({product.RowsOf("delta", "samples")}, samples, step, {product.Bias("parameters", layer.BiasOffsetConstant)});");
            writer.Line($"{plan.Span} weights = parameters.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant});");
            WritePanels(writer, plan.Element, layer.InputSizeConstant, depthPanels: true, "samples", (k, depth) => WriteRowBlocks(writer, product, row =>
                $"delta, {Plus(Times(row, "samples"), "k")}, samples, 1, previousSampleMajor, (k * {layer.InputSizeConstant}) + column, {layer.InputSizeConstant}, {depth}, weights, {Plus(Times(row, layer.InputSizeConstant), "column")}, {layer.InputSizeConstant}, width, step, accumulate: true"));
        }
    }

    /// <summary><c>a + b</c>, or just <c>a</c> when b is the literal 0 (keeps the generated index expressions short).</summary>
    private static string Plus(string a, string b) => b == "0" ? a : a == "0" ? b : a.Contains(" ") ? $"({a}) + {b}" : $"{a} + {b}";

    /// <summary><c>a * b</c>, or the literal 0 when a is 0.</summary>
    private static string Times(string a, string b) => a == "0" ? "0" : $"{a} * {b}";

    /// <summary>
    /// Writes the cache blocking around a product's row tiles: columns (samples) in slices of
    /// <see cref="NetworkPlan.ColumnPanel"/> and, when <paramref name="depthPanels"/>, the depth in panels of the runtime's
    /// <c>RowTile.DepthPanel</c> (<see cref="NetworkPlan.DepthPanel"/>, or twice that for floats with AVX-512), so the
    /// panel of the right-hand matrix (128 × 256 floats, 128 KB, or 256 KB) stays in L2 and each row tile's slice of the
    /// left-hand matrix in L1 while the tile crosses the panel's 256 columns. <paramref name="body"/> gets the
    /// expressions of the panel's first depth index and its length.
    /// </summary>
    private static void WritePanels(CodeWriter writer, string element, string columns, bool depthPanels, string depthConstant, System.Action<string, string> body)
    {
        int wide = NetworkPlan.ColumnPanel;
        if (depthPanels)
        {
            writer.Line($"// Cache blocking: {wide}-column slices and panels of the depth (RowTile.DepthPanel: {NetworkPlan.DepthPanel}, or {2 * NetworkPlan.DepthPanel} for floats with AVX-512): the right-hand panel stays in L2, each row tile's slice of the left in L1 across it.");
            writer.Line($"int deep = {RowTile}.DepthPanel<{element}>();");
        }
        else
        {
            writer.Line($"// Cache blocking: {wide}-column slices: the right-hand panel stays in L2, each row tile's slice of the left in L1 across it.");
        }

        using (writer.Block($"for (int column = 0; column < {columns}; column += {wide})"))
        {
            writer.Line($"int width = global::System.Math.Min({wide}, {columns} - column);");
            if (!depthPanels)
            {
                body("0", depthConstant);
                return;
            }

            using (writer.Block($"for (int k = 0; k < {depthConstant}; k += deep)"))
            {
                writer.Line($"int depth = global::System.Math.Min(deep, {depthConstant} - k);");
                body("k", "depth");
            }
        }
    }

    /// <summary>
    /// Writes the product's row tiles as the plan cut them: full 12-row tiles, then the edge tiles (known now, so they
    /// cost no run-time branch). For a product that can be split, the loop covers the full tiles in
    /// <c>[firstRow, endRow)</c> and the edge tiles belong to the range that ends the layer (one branch), so every range
    /// the two threads share out is made of whole tiles.
    /// </summary>
    private static void WriteRowBlocks(CodeWriter writer, RowRangeProduct product, System.Func<string, string> arguments)
    {
        var tiles = product.Tiles;
        bool hasEdges = tiles.EdgeTiles.Count > 0;
        if (product.Splits)
        {
            writer.Line(hasEdges ? $"int tilesEnd = global::System.Math.Min(endRow, {Number(tiles.FullRows)});" : "int tilesEnd = endRow;");
            using (writer.Block($"for (int row = firstRow; row < tilesEnd; row += {RowTiles.FullTile})"))
            {
                writer.Line(TileCall(product, RowTiles.FullTile, arguments("row")));
            }
        }
        else if (tiles.FullRows == RowTiles.FullTile)
        {
            writer.Line(TileCall(product, RowTiles.FullTile, arguments("0")));
        }
        else if (tiles.FullRows > 0)
        {
            using (writer.Block($"for (int row = 0; row < {Number(tiles.FullRows)}; row += {RowTiles.FullTile})"))
            {
                writer.Line(TileCall(product, RowTiles.FullTile, arguments("row")));
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
            edges = writer.Block($"if (endRow == {Number(tiles.Rows)})");
        }

        int at = tiles.FullRows;
        foreach (int tile in tiles.EdgeTiles)
        {
            writer.Line($"// Edge tile: rows {at}..{at + tile - 1} of {tiles.Rows}.");
            writer.Line(TileCall(product, tile, arguments(Number(at))));
            at += tile;
        }

        edges?.Dispose();
    }

    /// <summary>The call of the runtime's register tile of <paramref name="rows"/> rows.</summary>
    private static string TileCall(RowRangeProduct product, int rows, string arguments) => $"{RowTile}.MultiplyAdd<{product.Element}, global::NetCompiler.Kernels.Blocks.Rows{Number(rows)}>({arguments});";

    /// <summary>
    /// Writes the method <c>{Name}</c> that computes the product (its <paramref name="summary"/>) and returns the scope of
    /// its body. A product that cannot be split takes <paramref name="parameters"/>; one that can takes
    /// <paramref name="rowsParameters"/> and a row range, and a delegate to it is cached in a static field, so that
    /// <c>ParallelRows.RunProduct</c> can hand out its rows to two threads without allocating.
    /// </summary>
    private static CodeWriter.Scope WriteRowRangeMethods(CodeWriter writer, RowRangeProduct product, string summary, string parameters, string rowsParameters)
    {
        if (!product.Splits)
        {
            writer.Summary(summary);
            return writer.Block($"private static void {product.Name}({parameters})");
        }

        writer.Line($"private static readonly {RowRangeKernel} {product.DelegateField} = {product.Name};");
        writer.Line();
        writer.Summary($"{summary} Rows <c>[firstRow, endRow)</c>: <c>firstRow</c> is a multiple of {RowTiles.FullTile}, <c>endRow</c> too or {product.Tiles.Rows}.");
        return writer.Block($"private static void {product.Name}({rowsParameters}, int firstRow, int endRow)");
    }

    /// <summary>
    /// The statement that runs a product: a direct call when it cannot be split, otherwise through
    /// <c>ParallelRows.RunProduct</c>, which shares its rows with the library's worker thread when that pays (inside
    /// <c>TrainStepBatchParallel</c> and <c>ForwardBatchParallel</c>) and runs them all here otherwise.
    /// </summary>
    private static string ProductCall(RowRangeProduct product, string arguments, string rowsArguments) =>
        product.Splits
            ? $"{ParallelRows}.RunProduct({product.DelegateField}, {rowsArguments}, {product.RowsConstant}, {RowTiles.FullTile}, {product.Work});"
            : $"{product.Name}({arguments});";

    /// <summary>Layer n's forward product <c>Z_n = W_n A_(n-1) + b_n 1ᵀ</c>: one row per neuron.</summary>
    private static RowRangeProduct ForwardProduct(NetworkPlan plan, LayerPlan layer) =>
        new($"BatchForwardLayer{layer.N}", layer.SizeConstant, layer.ForwardTiles, ForwardWork(layer, "n"), plan.Element);

    /// <summary>Layer n's delta propagation <c>H_(n-1) = W_nᵀ H_n</c>: one row per input of the layer.</summary>
    private static RowRangeProduct PropagateProduct(NetworkPlan plan, LayerPlan layer, RowTiles tiles) =>
        new($"BatchPropagateLayer{layer.N}", layer.InputSizeConstant, tiles, PropagateWork(layer, "n"), plan.Element);

    /// <summary>Layer n's fused weight update <c>W_n += step · H_n A_(n-1)ᵀ</c>: one row per neuron.</summary>
    private static RowRangeProduct UpdateProduct(NetworkPlan plan, LayerPlan layer) =>
        new($"BatchUpdateLayer{layer.N}", layer.SizeConstant, layer.ForwardTiles, ForwardWork(layer, "n"), plan.Element);

    /// <summary>
    /// The first layer's product of <c>ForwardBatch</c> for <c>n</c> samples of <paramref name="inputs"/>: where the plan
    /// allows it (<see cref="NetworkPlan.ForwardsFromInputs"/>), straight from the sample-major inputs on machines that run
    /// the runtime's <c>InputProduct</c>, with the transposed inputs and the register tiles elsewhere.
    /// </summary>
    private static void WriteFirstForwardProduct(CodeWriter writer, NetworkPlan plan, string inputs)
    {
        var first = plan.Layers[0];
        var tiles = ProductCall(ForwardProduct(plan, first), $"parameters, a0, {first.Z}, n", $"parameters, a0, {first.Z}, n, {plan.Literal(1)}");
        if (!plan.ForwardsFromInputs)
        {
            writer.Line("// a0 = inputsᵀ: feature-major.");
            writer.Line(TransposeInputs(plan, inputs));
            writer.Line(tiles);
            return;
        }

        using (writer.Block($"if ({InputProduct}.IsAccelerated)"))
        {
            writer.Line($"// Z1 = W1 Xᵀ + b1 1ᵀ straight from the sample-major inputs X (no transpose): z1[j, s] = b1[j] + (row j of W1) · (row s of X).");
            writer.Line(first.Splits
                ? $"{ParallelRows}.RunProduct({InputProductDelegate}, parameters, {inputs}, {first.Z}, n, {plan.Literal(1)}, {first.SizeConstant}, {RowTiles.FullTile}, {ForwardWork(first, "n")});"
                : $"{InputProductDriver}(parameters, {inputs}, {first.Z}, n, {plan.Literal(1)}, 0, {first.SizeConstant});");
        }

        using (writer.Block("else"))
        {
            writer.Line("// a0 = inputsᵀ: feature-major.");
            writer.Line(TransposeInputs(plan, inputs));
            writer.Line(tiles);
        }
    }

    private const string InputProduct = "global::NetCompiler.Kernels.InputProduct";
    private const string InputProductDriver = "BatchForwardLayer1FromInputs";
    private const string InputProductDelegate = "s_batchForwardLayer1FromInputs";

    /// <summary>
    /// The row-range method of the first layer's product from the sample-major inputs (<see cref="WriteFirstForwardProduct"/>),
    /// and the cached delegate that <c>ParallelRows.RunProduct</c> hands out when the layer's rows can be shared.
    /// </summary>
    private static void WriteInputProductDriver(CodeWriter writer, NetworkPlan plan)
    {
        var first = plan.Layers[0];
        if (first.Splits)
        {
            writer.Line($"private static readonly {RowRangeKernel} {InputProductDelegate} = {InputProductDriver};");
            writer.Line();
        }

        writer.Summary($"<c>Z1 = W1 Xᵀ + b1 1ᵀ</c> for <c>columns</c> samples, X the inputs as given (sample-major), Z1 feature-major: rows <c>[firstRow, endRow)</c> of Z1 (<c>alpha</c> is 1).");
        using (writer.Block($"private static void {InputProductDriver}({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} inputs, {plan.Span} z, int columns, {plan.Element} alpha, int firstRow, int endRow)"))
        {
            writer.Line($"{InputProduct}.Forward(parameters.Slice({first.WeightOffsetConstant}, {first.WeightCountConstant}), parameters.Slice({first.BiasOffsetConstant}, {first.SizeConstant}), inputs, z, columns, firstRow, endRow);");
        }
    }

    /// <summary>The statement <c>a0 = inputsᵀ</c> for <c>n</c> samples of <paramref name="inputs"/>.</summary>
    private static string TransposeInputs(NetworkPlan layout, string inputs) =>
        layout.InputPassSplits
            ? $"{ParallelRows}.RunPass({RowPasses}.FeatureMajor, {inputs}, default, a0, n, InputSize, {NetworkPlan.TransposeBlock}, {ForwardWork(layout.Layers[0], "n")});"
            : $"{Kernels}.MatrixKernels.Transpose<{layout.Element}>({inputs}, n, InputSize, a0);";

    /// <summary>
    /// The statement that runs the runtime's row pass <paramref name="pass"/> over the rows of <paramref name="layer"/>,
    /// split like the product of <paramref name="work"/> multiply-adds that produced (or will read) them, so each thread
    /// mostly passes over rows it has just computed and will read again.
    /// </summary>
    private static string RunPass(string pass, LayerPlan layer, string left, string right, string result, string work) =>
        $"{ParallelRows}.RunPass({RowPasses}.{pass}, {left}, {right}, {result}, n, {layer.SizeConstant}, {RowTiles.FullTile}, {work});";

    /// <summary>The multiply-adds of a layer's forward product (and of its weight update) for <paramref name="columns"/> samples.</summary>
    private static string ForwardWork(LayerPlan layer, string columns) => $"(long){layer.SizeConstant} * {layer.InputSizeConstant} * {columns}";

    /// <summary>The multiply-adds of propagating a layer's deltas to the layer below, for <paramref name="columns"/> samples.</summary>
    private static string PropagateWork(LayerPlan layer, string columns) => $"(long){layer.InputSizeConstant} * {layer.SizeConstant} * {columns}";

    /// <summary>
    /// One layer product whose output rows can be computed in ranges: its driver name, its row count, and the
    /// multiply-adds it costs (an expression of the batch size).
    /// </summary>
    private sealed class RowRangeProduct(string name, string rowsConstant, RowTiles tiles, string work, string element)
    {
        public string Name { get; } = name;

        /// <summary>The element type of the operands, <c>float</c> or <c>double</c>.</summary>
        public string Element { get; } = element;

        public string DelegateField => "s_" + char.ToLowerInvariant(Name[0]) + Name.Substring(1);

        public string RowsConstant { get; } = rowsConstant;

        /// <summary>How the plan cut the product's rows into register tiles.</summary>
        public RowTiles Tiles { get; } = tiles;

        public string Work { get; } = work;

        /// <summary>Whether the product's rows can be shared by two threads (otherwise no row range is written).</summary>
        public bool Splits => Tiles.Splits;

        /// <summary>The product's rows of a vector of one value per row (the biases) at <paramref name="offset"/> in <paramref name="span"/>.</summary>
        public string Bias(string span, string offset) =>
            Splits ? $"{span}.Slice({offset} + firstRow, endRow - firstRow)" : $"{span}.Slice({offset}, {RowsConstant})";

        /// <summary>A matrix of one <paramref name="rowLength"/>-float row per product row, from the range's first row on.</summary>
        public string RowsOf(string span, string rowLength) => Splits ? $"{span}.Slice(firstRow * {rowLength})" : span;
    }
}
