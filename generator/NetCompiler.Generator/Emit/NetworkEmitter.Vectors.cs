using System.Collections.Generic;
using System.Linq;

namespace NetCompiler.Generator.Emit;

// The register-blocked products of the batched matrix form, written once per vector width: Vector512 (AVX-512,
// 32 vector registers) and Vector256 (AVX2, 16 vector registers). Each row tile (Tile{rows}) picks its set of
// blocks with Vector512/Vector256.IsHardwareAccelerated, which the JIT folds to constants, so the path not taken
// is removed from the machine code; machines with neither never reach a tile (ForwardBatch and TrainStepBatch run
// the per-sample kernels there).
internal static partial class NetworkEmitter
{
    /// <summary>
    /// A vector type the register blocks are written for: its name, its float lanes, how many vector registers
    /// the JIT can allocate, the column widths of a tile's blocks in vectors, widest first, each half the one
    /// before (so after the loop over the widest, at most one block of each narrower width is left), and the
    /// machines that take its path (a comment in the generated tiles).
    /// </summary>
    private sealed record VectorShape(string Type, int Lanes, int Registers, int[] BlockVectors, string Machines)
    {
        public string Name => Type.Substring(Type.LastIndexOf('.') + 1);

        /// <summary>
        /// Rows of a block <paramref name="vectors"/> wide: 12 when all it keeps in registers fits
        /// (<see cref="RegistersUsed"/>), otherwise 6 (a 12-row tile then runs two blocks).
        /// </summary>
        public int BlockRows(int vectors) => RegistersUsed(TallRows, vectors) <= Registers ? TallRows : NetworkEmitter.BlockRows;

        /// <summary>
        /// The vector registers live in the loop over the depth: the accumulators, the row vectors of M, one broadcast of
        /// S, and alpha (a float argument, which arrives in a vector register and stays there for the stores).
        /// </summary>
        public static int RegistersUsed(int rows, int vectors) => (rows * vectors) + vectors + 2;
    }

    /// <summary>AVX-512, 32 registers: 6 rows × 4 vectors (64 columns) = 24 accumulators + 4 + 2 = 30; 12 × 2 (32 columns) = 28; 12 × 1 (16 columns) = 15.</summary>
    private static readonly VectorShape Vector512Shape = new("global::System.Runtime.Intrinsics.Vector512", 16, 32, [4, 2, 1], "AVX-512: 32 vector registers, blocks of up to 24 accumulators.");

    /// <summary>
    /// AVX2, 16 registers: 6 rows × 2 vectors (16 columns) = 12 accumulators + 2 + 2 = 16, every register and no spill
    /// (checked in the JIT's output), with 12 independent FMA chains, enough for 2 pipes × 4–5 cycles latency.
    /// 6 × 4 (32 registers), 12 × 2 (28) and 4 × 3 (17) would spill in the loop. Then 12 rows × 1 vector
    /// (8 columns) = 15.
    /// </summary>
    private static readonly VectorShape Vector256Shape = new("global::System.Runtime.Intrinsics.Vector256", 8, 16, [2, 1], "AVX2 without AVX-512: 16 vector registers, so blocks of 12 accumulators.");

    private static readonly VectorShape[] VectorShapes = [Vector512Shape, Vector256Shape];

    /// <summary>The condition under which the batched entry points use the matrix form rather than the per-sample kernels.</summary>
    private static string MatrixFormAccelerated => string.Join(" || ", VectorShapes.Select(v => $"{v.Type}.IsHardwareAccelerated"));

    private const string KernelParameters = "ref float s, nint rowStride, nint depthStride, ref float m, nint ldm, int depth, ref float c, nint ldc";

    /// <summary>Writes a tile for every row count in <paramref name="tiles"/>, then every block those tiles call, once per vector width.</summary>
    private static void WriteTilesAndBlocks(CodeWriter writer, IReadOnlyList<int> tiles)
    {
        foreach (int rows in tiles)
        {
            writer.Line();
            WriteTile(writer, rows);
        }

        foreach (var shape in VectorShapes)
        {
            var blocks = new SortedSet<(int Rows, int Vectors)>();
            foreach (int rows in tiles)
            {
                foreach (int vectors in shape.BlockVectors)
                {
                    blocks.Add((System.Math.Min(rows, shape.BlockRows(vectors)), vectors));
                }
            }

            foreach (var (rows, vectors) in blocks)
            {
                writer.Line();
                WriteBlock(writer, shape, rows, vectors);
            }
        }
    }

    private static string BlockName(VectorShape shape, int rows, int vectors) => $"{shape.Name}Block{rows}x{vectors * shape.Lanes}";

    private static void WriteTile(CodeWriter writer, int rows)
    {
        string Widths(VectorShape shape) =>
            $"with {shape.Lanes * 32}-bit vectors {shape.BlockVectors[0] * shape.Lanes}-column blocks, then at most one "
            + string.Join(" and one ", shape.BlockVectors.Skip(1).Select(v => $"{v * shape.Lanes}-"))
            + "column block";
        writer.Summary($"{rows} row(s) of <c>C = alpha · S M (+ C)</c> across <c>columns</c>: {string.Join("; ", VectorShapes.Select(Widths))}; then a scalar tail.");
        using (writer.Block($"private static void Tile{rows}({KernelParameters}, int columns, float alpha, bool accumulate)"))
        {
            writer.Line("int column = 0;");
            for (int i = 0; i < VectorShapes.Length; i++)
            {
                var shape = VectorShapes[i];
                using (writer.Block($"{(i == 0 ? "if" : "else if")} ({shape.Type}.IsHardwareAccelerated)"))
                {
                    writer.Line($"// {shape.Machines}");
                    WriteTileBlocks(writer, shape, rows);
                }
            }

            writer.Line();
            using (writer.Block("if (column < columns)"))
            {
                writer.Line($"{Kernels}.MatrixKernels.ScalarBlock({rows}, ref s, rowStride, depthStride, ref {Unsafe}.Add(ref m, column), ldm, depth, ref {Unsafe}.Add(ref c, column), ldc, columns - column, alpha, accumulate);");
            }
        }
    }

    /// <summary>The blocks of one vector width across the columns of a tile: a loop over the widest, then one of each narrower width if it fits.</summary>
    private static void WriteTileBlocks(CodeWriter writer, VectorShape shape, int rows)
    {
        for (int i = 0; i < shape.BlockVectors.Length; i++)
        {
            int vectors = shape.BlockVectors[i];
            int width = vectors * shape.Lanes;
            int blockRows = System.Math.Min(rows, shape.BlockRows(vectors));
            using (writer.Block(i == 0 ? $"for (; column + {width} <= columns; column += {width})" : $"if (column + {width} <= columns)"))
            {
                if (blockRows < rows)
                {
                    writer.Line($"// {rows} rows × {vectors} vectors would need {VectorShape.RegistersUsed(rows, vectors)} of the {shape.Registers} vector registers: {(rows / blockRows == 2 ? "two" : Number(rows / blockRows))} {blockRows}-row blocks instead.");
                }

                for (int first = 0; first < rows; first += blockRows)
                {
                    string sRef = first == 0 ? "ref s" : $"ref {Unsafe}.Add(ref s, {first} * rowStride)";
                    string cRef = first == 0 ? $"ref {Unsafe}.Add(ref c, column)" : $"ref {Unsafe}.Add(ref c, ({first} * ldc) + column)";
                    writer.Line($"{BlockName(shape, blockRows, vectors)}({sRef}, rowStride, depthStride, ref {Unsafe}.Add(ref m, column), ldm, depth, {cRef}, ldc, alpha, accumulate);");
                }

                if (i > 0)
                {
                    writer.Line($"column += {width};");
                }
            }
        }
    }

    private static void WriteBlock(CodeWriter writer, VectorShape shape, int rows, int vectors)
    {
        int width = vectors * shape.Lanes;
        string vector = shape.Type;
        writer.Summary($"Register block of {rows} row(s) × {width} columns ({rows * vectors} {shape.Name} accumulators): <c>C[r, 0..{width}) = alpha · Σ_t S[r·rowStride + t·depthStride] · M[t·ldm + 0..{width})</c>, plus the old C when accumulating.");
        using (writer.Block($"private static void {BlockName(shape, rows, vectors)}({KernelParameters}, float alpha, bool accumulate)"))
        {
            var accumulators = new List<string>();
            for (int r = 0; r < rows; r++)
            {
                for (int v = 0; v < vectors; v++)
                {
                    accumulators.Add($"c{r}_{v}");
                }
            }

            using (writer.Block("if (accumulate)"))
            {
                writer.Line($"// The old C is read after the depth loop: ask for its lines now.");
                writer.Line($"{Kernels}.MatrixKernels.Prefetch(ref c, ldc, {rows}, {width * 4});");
            }

            writer.Line($"{vector}<float> " + string.Join(", ", accumulators.Select(a => a + " = default")) + ";");
            using (writer.Block("for (int t = 0; t < depth; t++)"))
            {
                writer.Line($"ref float mRow = ref {Unsafe}.Add(ref m, t * ldm);");
                for (int v = 0; v < vectors; v++)
                {
                    writer.Line($"var m{v} = {vector}.LoadUnsafe(ref mRow, {v * shape.Lanes});");
                }

                writer.Line($"ref float sColumn = ref {Unsafe}.Add(ref s, t * depthStride);");
                writer.Line($"// Each broadcast is used right away, so only one is live: {rows * vectors} accumulators + {vectors} row vector{(vectors == 1 ? "" : "s")} + 1 broadcast + alpha = {VectorShape.RegistersUsed(rows, vectors)} of the {shape.Registers} registers.");
                for (int r = 0; r < rows; r++)
                {
                    string scalar = r == 0 ? "sColumn" : $"{Unsafe}.Add(ref sColumn, {r} * rowStride)";
                    writer.Line($"var s{r} = {vector}.Create({scalar}); " + string.Join(" ", Enumerable.Range(0, vectors).Select(v => $"c{r}_{v} = {vector}.FusedMultiplyAdd(s{r}, m{v}, c{r}_{v});")));
                }
            }

            writer.Line($"var scale = {vector}.Create(alpha);");
            using (writer.Block("if (accumulate)"))
            {
                WriteBlockStores(writer, shape, rows, vectors, accumulate: true);
            }

            using (writer.Block("else"))
            {
                WriteBlockStores(writer, shape, rows, vectors, accumulate: false);
            }
        }
    }

    private static void WriteBlockStores(CodeWriter writer, VectorShape shape, int rows, int vectors, bool accumulate)
    {
        string vector = shape.Type;
        for (int r = 0; r < rows; r++)
        {
            writer.Line($"ref float c{r} = ref {Unsafe}.Add(ref c, {r} * ldc);");
            for (int v = 0; v < vectors; v++)
            {
                string value = accumulate
                    ? $"{vector}.FusedMultiplyAdd(scale, c{r}_{v}, {vector}.LoadUnsafe(ref c{r}, {v * shape.Lanes}))"
                    : $"scale * c{r}_{v}";
                writer.Line($"{vector}.StoreUnsafe({value}, ref c{r}, {v * shape.Lanes});");
            }
        }
    }
}
