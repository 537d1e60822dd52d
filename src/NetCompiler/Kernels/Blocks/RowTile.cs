using System.Numerics;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Kernels.Blocks;

/// <summary>
/// A tile of rows of a matrix product <c>C = alpha · S M (+ C)</c> across any number of columns, the unit of work of
/// the generated batched kernels: register blocks of the widest vector the machine has, then one of each narrower
/// width, then <see cref="ColumnTail"/> for the last columns. Called by generated code, which picks the tile heights
/// from the layer sizes; not meant to be called directly.
/// </summary>
/// <remarks>
/// <para>Operands: row r of S is read at <c>s + r·rowStride + t·depthStride</c> for depth index t (so S can be W or Wᵀ
/// without a transpose); M and C are row-major with leading dimensions <c>ldm</c> and <c>ldc</c>.</para>
/// <para><see cref="Vector512.IsHardwareAccelerated"/>, <see cref="Vector256.IsHardwareAccelerated"/> and
/// <see cref="Vector128.IsHardwareAccelerated"/> are constants for the JIT, so the machine code of a tile holds only its
/// machine's path. Machines with none of them never reach a tile: the generated entry points run the per-sample kernels
/// there.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RowTile
{
    /// <summary>
    /// The height of a full tile: two 6-row blocks at 4 vectors of columns, or one 12-row block at 2 or 1, where
    /// each loaded row vector of M feeds 12 FMAs.
    /// </summary>
    public const int FullRows = 12;

    /// <summary>The tallest edge tile: 1 to 6 rows run as one block at every width.</summary>
    public const int BlockRows = 6;

    /// <summary>The columns of a cache panel of the generated kernels: the widest register block of floats (4 <see cref="Vector512{T}"/>).</summary>
    public const int WideColumns = 64;

    /// <summary>
    /// The deepest slice of S that a full tile of the narrow (256- and 128-bit) blocks copies to the stack before they
    /// read it (<see cref="TileSlice"/>): the depth of their cache panels (<see cref="DepthPanel{T}"/>).
    /// </summary>
    public const int PackDepth = 128;

    /// <summary>The fewest columns for which the narrow blocks read a copy of a full tile's slice of <c>Wᵀ</c>: 8 or 16 blocks read it.</summary>
    public const int PackColumns = 128;

    /// <summary>
    /// The depth of the generated products' cache panels on this machine's path: 256 for floats with AVX-512, otherwise
    /// <see cref="PackDepth"/>. The 64-column AVX-512 blocks stream their panel of M from L2 anyway, and a deeper panel
    /// halves the passes over C (a big layer's weights, or its pre-activations) and the blocks' loads and stores of it,
    /// which sped up the 4096-4096 products and left smaller ones as they were. The narrow blocks keep their 16 or 8
    /// columns of M in L1 beside the tile's slice of S, which 256-deep panels do not leave room for (they were slower).
    /// A constant for the JIT. Called by generated code; not meant to be called directly.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DepthPanel<T>()
        where T : unmanaged =>
        Vector512.IsHardwareAccelerated && typeof(T) == typeof(float) ? 2 * PackDepth : PackDepth;

    /// <summary>
    /// <c>C[r, 0..columns) = alpha · Σ_t S[r, t] M[t, 0..columns)</c>, plus the old C when <paramref name="accumulate"/>,
    /// for the <typeparamref name="TRows"/> rows of the tile.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>: the element type of every operand.</typeparam>
    /// <typeparam name="TRows">1 to 6 rows (an edge tile) or <see cref="Rows12"/> (a full tile).</typeparam>
    /// <param name="s">S: its row r, depth index t is at <c>sOffset + r·rowStride + t·depthStride</c>.</param>
    /// <param name="sOffset">Where the tile's first row of S starts.</param>
    /// <param name="rowStride">The distance between two rows of S.</param>
    /// <param name="depthStride">The distance between two depth indices of S.</param>
    /// <param name="m">M: its depth row t, column k is at <c>mOffset + t·ldm + k</c>.</param>
    /// <param name="mOffset">Where M starts.</param>
    /// <param name="ldm">The distance between two rows of M.</param>
    /// <param name="depth">The length of the sums (rows of M).</param>
    /// <param name="c">C: its row r, column k is at <c>cOffset + r·ldc + k</c>.</param>
    /// <param name="cOffset">Where the tile's first row of C starts.</param>
    /// <param name="ldc">The distance between two rows of C.</param>
    /// <param name="columns">The columns of M and C.</param>
    /// <param name="alpha">The scale of the product.</param>
    /// <param name="accumulate">Whether the product is added to C rather than written over it.</param>
    /// <remarks>Spans for the operands, but no bounds checks in the register blocks: the generated code that calls this proves the extents when it is generated; debug builds assert them.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyAdd<T, TRows>(
        ReadOnlySpan<T> s, nint sOffset, nint rowStride, nint depthStride,
        ReadOnlySpan<T> m, nint mOffset, nint ldm, int depth,
        Span<T> c, nint cOffset, nint ldc, int columns, T alpha, bool accumulate)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        Debug.Assert(rows is (>= 1 and <= BlockRows) or FullRows);
        Debug.Assert(depth >= 0 && columns >= 0);
        Debug.Assert(depth == 0 || sOffset + ((rows - 1) * rowStride) + ((depth - 1) * depthStride) < s.Length, "S is too short for the tile.");
        Debug.Assert(depth == 0 || columns == 0 || mOffset + ((depth - 1) * ldm) + columns <= m.Length, "M is too short for the tile.");
        Debug.Assert(columns == 0 || cOffset + ((rows - 1) * ldc) + columns <= c.Length, "C is too short for the tile.");
        MultiplyAdd<T, TRows>(
            ref Unsafe.Add(ref MemoryMarshal.GetReference(s), sOffset), rowStride, depthStride,
            ref Unsafe.Add(ref MemoryMarshal.GetReference(m), mOffset), ldm, depth,
            ref Unsafe.Add(ref MemoryMarshal.GetReference(c), cOffset), ldc, columns, alpha, accumulate);
    }

    [SkipLocalsInit]
    private static void MultiplyAdd<T, TRows>(ref T s, nint rowStride, nint depthStride, ref T m, nint ldm, int depth, ref T c, nint ldc, int columns, T alpha, bool accumulate)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TRows : struct, IRowCount
    {
        scoped Span<T> packed = default;
        scoped ref T slice = ref s;
        if (!Vector512.IsHardwareAccelerated && TRows.Value == FullRows && rowStride == 1 && depth <= PackDepth && columns >= PackColumns)
        {
            // S is Wᵀ, and the narrow blocks are 16 or 8 columns wide, so many of them read this tile's slice of S:
            // they read a stack copy of it, which stays in L1 (TileSlice).
            packed = stackalloc T[FullRows * PackDepth];
            slice = ref MemoryMarshal.GetReference(packed);
            TileSlice.Pack(ref s, depthStride, depth, ref slice);
            depthStride = FullRows;
        }

        Blocks<T, TRows>(ref slice, rowStride, depthStride, ref m, ldm, depth, ref c, ldc, columns, alpha, accumulate);
    }

    /// <summary>The register blocks across the tile's columns, widest first, then the <see cref="ColumnTail"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Blocks<T, TRows>(ref T s, nint rowStride, nint depthStride, ref T m, nint ldm, int depth, ref T c, nint ldc, int columns, T alpha, bool accumulate)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        int column = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            // 4 vectors (64 floats, 32 doubles): 6 rows × 4 vectors fill the 32 registers, so a full tile is two 6-row blocks.
            int lanes = Vector512<T>.Count;
            for (; column + (4 * lanes) <= columns; column += 4 * lanes)
            {
                if (rows == FullRows)
                {
                    Vector512Block.FourVectors<T, Rows6>(ref s, rowStride, depthStride, ref Unsafe.Add(ref m, column), ldm, depth, ref Unsafe.Add(ref c, column), ldc, alpha, accumulate);
                    Vector512Block.FourVectors<T, Rows6>(ref Unsafe.Add(ref s, BlockRows * rowStride), rowStride, depthStride, ref Unsafe.Add(ref m, column), ldm, depth, ref Unsafe.Add(ref c, (BlockRows * ldc) + column), ldc, alpha, accumulate);
                }
                else
                {
                    Vector512Block.FourVectors<T, TRows>(ref s, rowStride, depthStride, ref Unsafe.Add(ref m, column), ldm, depth, ref Unsafe.Add(ref c, column), ldc, alpha, accumulate);
                }
            }

            if (column + (2 * lanes) <= columns)
            {
                Vector512Block.TwoVectors<T, TRows>(ref s, rowStride, depthStride, ref Unsafe.Add(ref m, column), ldm, depth, ref Unsafe.Add(ref c, column), ldc, alpha, accumulate);
                column += 2 * lanes;
            }

            if (column + lanes <= columns)
            {
                Vector512Block.OneVector<T, TRows>(ref s, rowStride, depthStride, ref Unsafe.Add(ref m, column), ldm, depth, ref Unsafe.Add(ref c, column), ldc, alpha, accumulate);
                column += lanes;
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            column = Narrow<T, TRows, Lanes256<T>, Vector256<T>>(ref s, rowStride, depthStride, ref m, ldm, depth, ref c, ldc, columns, alpha, accumulate);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            column = Narrow<T, TRows, Lanes128<T>, Vector128<T>>(ref s, rowStride, depthStride, ref m, ldm, depth, ref c, ldc, columns, alpha, accumulate);
        }

        if (column < columns)
        {
            ColumnTail.MultiplyAdd(rows, ref s, rowStride, depthStride, ref Unsafe.Add(ref m, column), ldm, depth, ref Unsafe.Add(ref c, column), ldc, columns - column, alpha, accumulate);
        }
    }

    /// <summary>
    /// The columns of the tile that fill <see cref="NarrowBlock{T, TLanes, TVector}"/> blocks of one width: blocks of two
    /// vectors (6 rows × 2 vectors fill the 16 registers, so a full tile is two 6-row blocks), then at most one block of
    /// one vector. Returns the first column left over.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Narrow<T, TRows, TLanes, TVector>(ref T s, nint rowStride, nint depthStride, ref T m, nint ldm, int depth, ref T c, nint ldc, int columns, T alpha, bool accumulate)
        where T : unmanaged
        where TRows : struct, IRowCount
        where TLanes : struct, ILanes<T, TVector>
        where TVector : struct
    {
        int lanes = TLanes.Count;
        int column = 0;
        for (; column + (2 * lanes) <= columns; column += 2 * lanes)
        {
            if (TRows.Value == FullRows)
            {
                NarrowBlock<T, TLanes, TVector>.TwoVectors<Rows6>(ref s, rowStride, depthStride, ref Unsafe.Add(ref m, column), ldm, depth, ref Unsafe.Add(ref c, column), ldc, alpha, accumulate);
                NarrowBlock<T, TLanes, TVector>.TwoVectors<Rows6>(ref Unsafe.Add(ref s, BlockRows * rowStride), rowStride, depthStride, ref Unsafe.Add(ref m, column), ldm, depth, ref Unsafe.Add(ref c, (BlockRows * ldc) + column), ldc, alpha, accumulate);
            }
            else
            {
                NarrowBlock<T, TLanes, TVector>.TwoVectors<TRows>(ref s, rowStride, depthStride, ref Unsafe.Add(ref m, column), ldm, depth, ref Unsafe.Add(ref c, column), ldc, alpha, accumulate);
            }
        }

        if (column + lanes <= columns)
        {
            NarrowBlock<T, TLanes, TVector>.OneVector<TRows>(ref s, rowStride, depthStride, ref Unsafe.Add(ref m, column), ldm, depth, ref Unsafe.Add(ref c, column), ldc, alpha, accumulate);
            column += lanes;
        }

        return column;
    }
}
