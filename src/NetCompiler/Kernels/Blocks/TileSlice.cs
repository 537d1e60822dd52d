using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetCompiler.Kernels.Blocks;

/// <summary>
/// The stack copy of a full <see cref="RowTile"/>'s slice of S (12 rows × at most <see cref="RowTile.PackDepth"/> depth
/// indices) that the narrow register blocks read instead of S.
/// </summary>
/// <remarks>
/// The narrow blocks (16 or 8 columns) read the whole slice again for every 16 or 8 columns of the tile. When S is
/// <c>Wᵀ</c> (a delta propagation: each depth index a row of W, a line or more apart) the slice's 128 lines often fall
/// into few of L1's 64 sets, evict one another, and every block read them from L2 again (BENCHMARKS.md, "Tenth
/// session"). The copy costs a few hundred cycles against the tile's 12 × 128 × 256 multiply-adds; the 64-column
/// AVX-512 blocks read the slice only four times per 256 columns and gained nothing from it.
/// </remarks>
internal static class TileSlice
{
    /// <summary>Whether the slice's rows or its depth indices are adjacent in S, as in the generated products (W, <c>Wᵀ</c>, the deltas): the layouts <see cref="Pack"/> copies.</summary>
    public static bool IsAdjacent(nint rowStride, nint depthStride) => depthStride == 1 || rowStride == 1;

    /// <summary>
    /// Copies the 12 × <paramref name="depth"/> slice of S at <paramref name="s"/> (row r, depth index t at
    /// <c>r·rowStride + t·depthStride</c>, one of the strides 1) to <paramref name="packed"/> and returns the strides of
    /// the copy: each row's depth indices together (<paramref name="depth"/> values a row) when they were adjacent in
    /// S, otherwise the 12 rows of each depth index together.
    /// </summary>
    public static void Pack<T>(ref T s, nint rowStride, nint depthStride, int depth, ref T packed, out nint packedRowStride, out nint packedDepthStride)
        where T : unmanaged
    {
        const int rows = RowTile.FullRows;
        Debug.Assert(depth is >= 0 and <= RowTile.PackDepth);
        Debug.Assert(IsAdjacent(rowStride, depthStride));
        if (depthStride == 1)
        {
            for (int r = 0; r < rows; r++)
            {
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref s, r * rowStride), depth)
                    .CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref packed, r * depth), depth));
            }

            packedRowStride = depth;
            packedDepthStride = 1;
            return;
        }

        for (int t = 0; t < depth; t++)
        {
            // 12 adjacent values: a constant size, which the JIT copies with a few vector moves.
            Unsafe.CopyBlockUnaligned(
                ref Unsafe.As<T, byte>(ref Unsafe.Add(ref packed, t * rows)),
                ref Unsafe.As<T, byte>(ref Unsafe.Add(ref s, t * depthStride)),
                (uint)(rows * Unsafe.SizeOf<T>()));
        }

        packedRowStride = 1;
        packedDepthStride = rows;
    }
}
