using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetCompiler.Kernels.Blocks;

/// <summary>
/// Row sums of small matrix-vector products held in one <see cref="Vector512{T}"/>, for the generated in-register
/// forward pass of networks whose layers have at most 16 neurons: a block holds 16 / width rows of <c>width</c>
/// partial sums (lane <c>r·width + k</c> is partial k of row r); merging two blocks gives twice the rows with half the
/// partial sums each (partial k plus partial k + width / 2), so log2(width) merges leave one sum per row. AVX-512 only;
/// called by generated code, not meant to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RowMerge
{
    /// <summary>
    /// <paramref name="first"/> and <paramref name="second"/> each hold 1 row of 16 partial sums; the result holds
    /// the 2 rows, first's then second's, with 8 partial sums each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Width16(Vector512<float> first, Vector512<float> second) =>
        Avx512F.PermuteVar16x32x2(first, Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23), second)
        + Avx512F.PermuteVar16x32x2(first, Vector512.Create(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31), second);

    /// <summary>
    /// <paramref name="first"/> and <paramref name="second"/> each hold 2 rows of 8 partial sums; the result holds
    /// the 4 rows, first's then second's, with 4 partial sums each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Width8(Vector512<float> first, Vector512<float> second) =>
        Avx512F.PermuteVar16x32x2(first, Vector512.Create(0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27), second)
        + Avx512F.PermuteVar16x32x2(first, Vector512.Create(4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31), second);

    /// <summary>
    /// <paramref name="first"/> and <paramref name="second"/> each hold 4 rows of 4 partial sums; the result holds
    /// the 8 rows, first's then second's, with 2 partial sums each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Width4(Vector512<float> first, Vector512<float> second) =>
        Avx512F.PermuteVar16x32x2(first, Vector512.Create(0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29), second)
        + Avx512F.PermuteVar16x32x2(first, Vector512.Create(2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31), second);

    /// <summary>
    /// <paramref name="first"/> and <paramref name="second"/> each hold 8 rows of 2 partial sums; the result holds
    /// the 16 rows, first's then second's, with 1 partial sum each.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Width2(Vector512<float> first, Vector512<float> second) =>
        Avx512F.PermuteVar16x32x2(first, Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), second)
        + Avx512F.PermuteVar16x32x2(first, Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31), second);
}
