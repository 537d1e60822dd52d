using System.Numerics;
using System.Runtime.Intrinsics;
using NetCompiler.Kernels.Blocks;

namespace NetCompiler.Tests;

/// <summary>
/// The full 12-row tile against a naive product, with S laid out as the generated products lay it out (W: adjacent depth
/// indices; Wᵀ: adjacent rows), at the edges of the narrow paths' stack copy of <c>Wᵀ</c> (<c>TileSlice</c>: depth up to
/// <see cref="RowTile.PackDepth"/>, from <see cref="RowTile.PackColumns"/> columns on) and of the cache panels. Run under
/// <c>DOTNET_EnableAVX512=0</c> and <c>DOTNET_EnableAVX=0</c> (as <c>.ci/run</c> does) they test the 256- and 128-bit
/// blocks that read the copy.
/// </summary>
public sealed class RowTileTests
{
    public static readonly TheoryData<int, int, int, bool> Shapes = new()
    {
        // depth, columns, distance between two rows of W (a power of two, as in big layers, or not), transposed
        { 1, 17, 64, false },
        { 5, 33, 40, true },
        { 127, 65, 1024, false },
        { 128, 256, 1024, false },
        { 128, 256, 1024, true },
        { 128, 257, 131, true },
        { 64, 127, 64, true },
        { 64, 128, 64, true },
        { 129, 100, 256, false },
        { 129, 100, 256, true },
        { 256, 300, 512, false },
        { 257, 70, 300, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FullTileOfFloatsMatchesTheNaiveProduct(int depth, int columns, int ldw, bool transposed) =>
        FullTileMatchesTheNaiveProduct<float>(depth, columns, ldw, transposed, 1e-5);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FullTileOfDoublesMatchesTheNaiveProduct(int depth, int columns, int ldw, bool transposed) =>
        FullTileMatchesTheNaiveProduct<double>(depth, columns, ldw, transposed, 1e-13);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FullTileGivesTheSameBitsWhereverSLies(int depth, int columns, int ldw, bool transposed)
    {
        // The stack copy only moves S's values: each element is still one chain of multiply-adds over the same depth
        // indices in the same order. So S with adjacent values (which the narrow blocks copy) and the same values with a
        // gap between each two (which nothing copies) give the same bits.
        var (w, m) = Operands<float>(depth, columns, ldw, transposed, seed: 7);
        var (rowStride, depthStride) = Strides(ldw, transposed);
        var spread = new float[(2 * w.Length) + 2];
        for (int row = 0; row < 12; row++)
        {
            for (int t = 0; t < depth; t++)
            {
                spread[2 * ((row * rowStride) + (t * depthStride))] = w[1 + (row * rowStride) + (t * depthStride)];
            }
        }

        int ldc = columns + 3;
        var adjacent = Filled<float>(12 * ldc, seed: 8);
        var apart = (float[])adjacent.Clone();
        RowTile.MultiplyAdd<float, Rows12>(w, 1, rowStride, depthStride, m, 0, columns, depth, adjacent, 0, ldc, columns, 0.75f, accumulate: true);
        RowTile.MultiplyAdd<float, Rows12>(spread, 0, 2 * rowStride, 2 * depthStride, m, 0, columns, depth, apart, 0, ldc, columns, 0.75f, accumulate: true);
        Assert.Equal(apart, adjacent);
    }

    [Fact]
    public void NarrowPathsPanelsFitTheStackCopy()
    {
        // The generated loops take their depth panels from DepthPanel; the narrow blocks copy S only up to PackDepth.
        if (!Vector512.IsHardwareAccelerated)
        {
            Assert.Equal(RowTile.PackDepth, RowTile.DepthPanel<float>());
        }
        else
        {
            Assert.Equal(2 * RowTile.PackDepth, RowTile.DepthPanel<float>());
        }

        Assert.Equal(RowTile.PackDepth, RowTile.DepthPanel<double>());
    }

    private static void FullTileMatchesTheNaiveProduct<T>(int depth, int columns, int ldw, bool transposed, double tolerance)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var (w, m) = Operands<T>(depth, columns, ldw, transposed, seed: 1);
        var (rowStride, depthStride) = Strides(ldw, transposed);
        int ldc = columns + 5;
        var c = Filled<T>((13 * ldc) + 2, seed: 2);
        var before = (T[])c.Clone();
        T alpha = T.CreateChecked(-0.5);
        // S starts one element in, C at an offset: the tile must read and write exactly its own elements.
        RowTile.MultiplyAdd<T, Rows12>(w, 1, rowStride, depthStride, m, 0, columns, depth, c, ldc + 1, ldc, columns, alpha, accumulate: true);
        for (int i = 0; i < c.Length; i++)
        {
            int row = (i - ldc - 1) / ldc, column = (i - ldc - 1) % ldc;
            if (i < ldc + 1 || row >= 12 || column >= columns)
            {
                Assert.Equal(before[i], c[i]);
                continue;
            }

            double sum = 0;
            for (int t = 0; t < depth; t++)
            {
                sum += double.CreateChecked(w[1 + (row * rowStride) + (t * depthStride)]) * double.CreateChecked(m[(t * columns) + column]);
            }

            double expected = double.CreateChecked(before[i]) - (0.5 * sum);
            Assert.True(
                Math.Abs(double.CreateChecked(c[i]) - expected) <= tolerance * (1 + Math.Abs(sum)),
                $"C[{row}, {column}] = {c[i]}, the naive product gives {expected} (depth {depth}, {columns} columns).");
        }
    }

    /// <summary>W (12 rows of depth values, <paramref name="ldw"/> apart, or its transpose) and M (depth × columns).</summary>
    private static (T[] W, T[] M) Operands<T>(int depth, int columns, int ldw, bool transposed, int seed)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int length = transposed ? 1 + ((depth - 1) * ldw) + 12 : 1 + (11 * ldw) + depth;
        Assert.True(transposed ? ldw >= 12 : ldw >= depth, "A row of W holds the tile's part of it.");
        return (Filled<T>(length + ldw, seed), Filled<T>(depth * columns, seed + 100));
    }

    private static (nint RowStride, nint DepthStride) Strides(int ldw, bool transposed) => transposed ? (1, ldw) : (ldw, 1);

    private static T[] Filled<T>(int length, int seed)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var random = new Random(seed);
        var values = new T[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = T.CreateChecked((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
