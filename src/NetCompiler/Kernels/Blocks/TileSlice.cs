using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace NetCompiler.Kernels.Blocks;

/// <summary>
/// The stack copy of a full <see cref="RowTile"/>'s slice of S = <c>Wᵀ</c> (12 adjacent columns of W × at most
/// <see cref="RowTile.PackDepth"/> of its rows) that the narrow register blocks read instead of W.
/// </summary>
/// <remarks>
/// The narrow blocks (16 or 8 columns) read the whole slice again for every 16 or 8 columns of the tile. In a delta
/// propagation each depth index of the slice is a row of W, a line or more apart: 128 lines that L1 holds poorly (when
/// the distance is a multiple of 1 KB, as for a layer of 256 or 1024 inputs, they fall into a few of its 64 sets and
/// evict one another), so the blocks read them from L2 again. The copy costs a few hundred cycles against the tile's 12 × 128 × 256
/// multiply-adds, so it is made only from <see cref="RowTile.PackColumns"/> columns on. Slices of W itself (the forward
/// product) and of the deltas (the weight update) take 12 runs of adjacent lines, which L1 kept: copying them was not
/// faster. The 64-column AVX-512 blocks read a slice only four times per 256 columns and read W in place.
/// </remarks>
internal static class TileSlice
{
    /// <summary>
    /// Copies the slice at <paramref name="s"/> (row r, depth index t at <c>r + t·depthStride</c>) to
    /// <paramref name="packed"/>, the 12 rows of each depth index together: the copy's row stride is 1 and its depth
    /// stride <see cref="RowTile.FullRows"/>.
    /// </summary>
    public static void Pack<T>(ref T s, nint depthStride, int depth, ref T packed)
        where T : unmanaged
    {
        const int rows = RowTile.FullRows;
        Debug.Assert(depth is >= 0 and <= RowTile.PackDepth);
        for (int t = 0; t < depth; t++)
        {
            // 12 adjacent values: a constant size, which the JIT copies with a few vector moves.
            Unsafe.CopyBlockUnaligned(
                ref Unsafe.As<T, byte>(ref Unsafe.Add(ref packed, t * rows)),
                ref Unsafe.As<T, byte>(ref Unsafe.Add(ref s, t * depthStride)),
                (uint)(rows * Unsafe.SizeOf<T>()));
        }
    }
}
