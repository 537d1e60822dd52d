using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Kernels.Blocks;

/// <summary>
/// Register-blocked products with <see cref="Vector512{T}"/> (AVX-512: 32 vector registers).
/// Called by generated code (through <see cref="RowTile"/>); not meant to be called directly.
/// </summary>
/// <remarks>
/// Every accumulator is a local of its own so that the JIT keeps it in a register; the rows past <c>TRows</c> are
/// removed when the JIT compiles the instantiation, since <c>TRows.Value</c> is then a constant. In the depth loop each
/// broadcast of S is used right away, so the live registers are the accumulators, the row vectors of M, one broadcast
/// and alpha.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Vector512Block
{
    /// <summary>
    /// Up to 6 rows × 4 vectors of columns (64 floats or 32 doubles) of <c>C = alpha · S M (+ C)</c>: <c>C[r, 0..4w) = alpha · Σ_t S[r·rowStride + t·depthStride] · M[t·ldm + 0..4w)</c>,
    /// plus the old C when <paramref name="accumulate"/>. 6 rows × 4 vectors = 24 accumulators + 4 row vectors + 1 broadcast + alpha = 30 of the 32 AVX-512 registers, with 24 independent FMA chains for 2 pipes × 4 cycles of latency.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>; w = <c>Vector512&lt;T&gt;.Count</c>.</typeparam>
    /// <typeparam name="TRows">The number of rows, 1 to 6: a constant for the JIT, so the rows the block does not have are compiled out.</typeparam>
    public static void FourVectors<T, TRows>(ref T s, nint rowStride, nint depthStride, ref T m, nint ldm, int depth, ref T c, nint ldc, T alpha, bool accumulate)
        where T : unmanaged
        where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        nuint width = (nuint)Vector512<T>.Count;
        Debug.Assert(rows is >= 1 and <= 6);
        if (accumulate)
        {
            // The old C is read after the depth loop: ask for its lines now.
            MatrixKernels.Prefetch(ref c, ldc, rows, 256);
        }

        Vector512<T> c0_0 = default, c0_1 = default, c0_2 = default, c0_3 = default;
        Vector512<T> c1_0 = default, c1_1 = default, c1_2 = default, c1_3 = default;
        Vector512<T> c2_0 = default, c2_1 = default, c2_2 = default, c2_3 = default;
        Vector512<T> c3_0 = default, c3_1 = default, c3_2 = default, c3_3 = default;
        Vector512<T> c4_0 = default, c4_1 = default, c4_2 = default, c4_3 = default;
        Vector512<T> c5_0 = default, c5_1 = default, c5_2 = default, c5_3 = default;
        for (int t = 0; t < depth; t++)
        {
            ref T mRow = ref Unsafe.Add(ref m, t * ldm);
            Vector512<T> m0 = Vector512.LoadUnsafe(ref mRow, 0);
            Vector512<T> m1 = Vector512.LoadUnsafe(ref mRow, width);
            Vector512<T> m2 = Vector512.LoadUnsafe(ref mRow, 2 * width);
            Vector512<T> m3 = Vector512.LoadUnsafe(ref mRow, 3 * width);
            ref T sColumn = ref Unsafe.Add(ref s, t * depthStride);
            Vector512<T> s0 = Vector512.Create(sColumn); c0_0 = Lanes.MultiplyAdd(s0, m0, c0_0); c0_1 = Lanes.MultiplyAdd(s0, m1, c0_1); c0_2 = Lanes.MultiplyAdd(s0, m2, c0_2); c0_3 = Lanes.MultiplyAdd(s0, m3, c0_3);
            if (rows > 1) { Vector512<T> s1 = Vector512.Create(Unsafe.Add(ref sColumn, 1 * rowStride)); c1_0 = Lanes.MultiplyAdd(s1, m0, c1_0); c1_1 = Lanes.MultiplyAdd(s1, m1, c1_1); c1_2 = Lanes.MultiplyAdd(s1, m2, c1_2); c1_3 = Lanes.MultiplyAdd(s1, m3, c1_3); }
            if (rows > 2) { Vector512<T> s2 = Vector512.Create(Unsafe.Add(ref sColumn, 2 * rowStride)); c2_0 = Lanes.MultiplyAdd(s2, m0, c2_0); c2_1 = Lanes.MultiplyAdd(s2, m1, c2_1); c2_2 = Lanes.MultiplyAdd(s2, m2, c2_2); c2_3 = Lanes.MultiplyAdd(s2, m3, c2_3); }
            if (rows > 3) { Vector512<T> s3 = Vector512.Create(Unsafe.Add(ref sColumn, 3 * rowStride)); c3_0 = Lanes.MultiplyAdd(s3, m0, c3_0); c3_1 = Lanes.MultiplyAdd(s3, m1, c3_1); c3_2 = Lanes.MultiplyAdd(s3, m2, c3_2); c3_3 = Lanes.MultiplyAdd(s3, m3, c3_3); }
            if (rows > 4) { Vector512<T> s4 = Vector512.Create(Unsafe.Add(ref sColumn, 4 * rowStride)); c4_0 = Lanes.MultiplyAdd(s4, m0, c4_0); c4_1 = Lanes.MultiplyAdd(s4, m1, c4_1); c4_2 = Lanes.MultiplyAdd(s4, m2, c4_2); c4_3 = Lanes.MultiplyAdd(s4, m3, c4_3); }
            if (rows > 5) { Vector512<T> s5 = Vector512.Create(Unsafe.Add(ref sColumn, 5 * rowStride)); c5_0 = Lanes.MultiplyAdd(s5, m0, c5_0); c5_1 = Lanes.MultiplyAdd(s5, m1, c5_1); c5_2 = Lanes.MultiplyAdd(s5, m2, c5_2); c5_3 = Lanes.MultiplyAdd(s5, m3, c5_3); }
        }

        Vector512<T> scale = Vector512.Create(alpha);
        if (accumulate)
        {
            ref T c0 = ref c;
            Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c0_0, Vector512.LoadUnsafe(ref c0, 0)), ref c0, 0);
            Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c0_1, Vector512.LoadUnsafe(ref c0, width)), ref c0, width);
            Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c0_2, Vector512.LoadUnsafe(ref c0, 2 * width)), ref c0, 2 * width);
            Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c0_3, Vector512.LoadUnsafe(ref c0, 3 * width)), ref c0, 3 * width);
            if (rows > 1)
            {
                ref T c1 = ref Unsafe.Add(ref c, 1 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c1_0, Vector512.LoadUnsafe(ref c1, 0)), ref c1, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c1_1, Vector512.LoadUnsafe(ref c1, width)), ref c1, width);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c1_2, Vector512.LoadUnsafe(ref c1, 2 * width)), ref c1, 2 * width);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c1_3, Vector512.LoadUnsafe(ref c1, 3 * width)), ref c1, 3 * width);
            }
            if (rows > 2)
            {
                ref T c2 = ref Unsafe.Add(ref c, 2 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c2_0, Vector512.LoadUnsafe(ref c2, 0)), ref c2, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c2_1, Vector512.LoadUnsafe(ref c2, width)), ref c2, width);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c2_2, Vector512.LoadUnsafe(ref c2, 2 * width)), ref c2, 2 * width);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c2_3, Vector512.LoadUnsafe(ref c2, 3 * width)), ref c2, 3 * width);
            }
            if (rows > 3)
            {
                ref T c3 = ref Unsafe.Add(ref c, 3 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c3_0, Vector512.LoadUnsafe(ref c3, 0)), ref c3, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c3_1, Vector512.LoadUnsafe(ref c3, width)), ref c3, width);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c3_2, Vector512.LoadUnsafe(ref c3, 2 * width)), ref c3, 2 * width);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c3_3, Vector512.LoadUnsafe(ref c3, 3 * width)), ref c3, 3 * width);
            }
            if (rows > 4)
            {
                ref T c4 = ref Unsafe.Add(ref c, 4 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c4_0, Vector512.LoadUnsafe(ref c4, 0)), ref c4, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c4_1, Vector512.LoadUnsafe(ref c4, width)), ref c4, width);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c4_2, Vector512.LoadUnsafe(ref c4, 2 * width)), ref c4, 2 * width);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c4_3, Vector512.LoadUnsafe(ref c4, 3 * width)), ref c4, 3 * width);
            }
            if (rows > 5)
            {
                ref T c5 = ref Unsafe.Add(ref c, 5 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c5_0, Vector512.LoadUnsafe(ref c5, 0)), ref c5, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c5_1, Vector512.LoadUnsafe(ref c5, width)), ref c5, width);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c5_2, Vector512.LoadUnsafe(ref c5, 2 * width)), ref c5, 2 * width);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c5_3, Vector512.LoadUnsafe(ref c5, 3 * width)), ref c5, 3 * width);
            }
        }
        else
        {
            ref T c0 = ref c;
            Vector512.StoreUnsafe(scale * c0_0, ref c0, 0);
            Vector512.StoreUnsafe(scale * c0_1, ref c0, width);
            Vector512.StoreUnsafe(scale * c0_2, ref c0, 2 * width);
            Vector512.StoreUnsafe(scale * c0_3, ref c0, 3 * width);
            if (rows > 1)
            {
                ref T c1 = ref Unsafe.Add(ref c, 1 * ldc);
                Vector512.StoreUnsafe(scale * c1_0, ref c1, 0);
                Vector512.StoreUnsafe(scale * c1_1, ref c1, width);
                Vector512.StoreUnsafe(scale * c1_2, ref c1, 2 * width);
                Vector512.StoreUnsafe(scale * c1_3, ref c1, 3 * width);
            }
            if (rows > 2)
            {
                ref T c2 = ref Unsafe.Add(ref c, 2 * ldc);
                Vector512.StoreUnsafe(scale * c2_0, ref c2, 0);
                Vector512.StoreUnsafe(scale * c2_1, ref c2, width);
                Vector512.StoreUnsafe(scale * c2_2, ref c2, 2 * width);
                Vector512.StoreUnsafe(scale * c2_3, ref c2, 3 * width);
            }
            if (rows > 3)
            {
                ref T c3 = ref Unsafe.Add(ref c, 3 * ldc);
                Vector512.StoreUnsafe(scale * c3_0, ref c3, 0);
                Vector512.StoreUnsafe(scale * c3_1, ref c3, width);
                Vector512.StoreUnsafe(scale * c3_2, ref c3, 2 * width);
                Vector512.StoreUnsafe(scale * c3_3, ref c3, 3 * width);
            }
            if (rows > 4)
            {
                ref T c4 = ref Unsafe.Add(ref c, 4 * ldc);
                Vector512.StoreUnsafe(scale * c4_0, ref c4, 0);
                Vector512.StoreUnsafe(scale * c4_1, ref c4, width);
                Vector512.StoreUnsafe(scale * c4_2, ref c4, 2 * width);
                Vector512.StoreUnsafe(scale * c4_3, ref c4, 3 * width);
            }
            if (rows > 5)
            {
                ref T c5 = ref Unsafe.Add(ref c, 5 * ldc);
                Vector512.StoreUnsafe(scale * c5_0, ref c5, 0);
                Vector512.StoreUnsafe(scale * c5_1, ref c5, width);
                Vector512.StoreUnsafe(scale * c5_2, ref c5, 2 * width);
                Vector512.StoreUnsafe(scale * c5_3, ref c5, 3 * width);
            }
        }
    }

    /// <summary>
    /// Up to 12 rows × 2 vectors of columns (32 floats or 16 doubles) of <c>C = alpha · S M (+ C)</c>: <c>C[r, 0..2w) = alpha · Σ_t S[r·rowStride + t·depthStride] · M[t·ldm + 0..2w)</c>,
    /// plus the old C when <paramref name="accumulate"/>. 12 rows × 2 vectors = 24 accumulators + 2 + 1 + 1 = 28 of the 32 AVX-512 registers; each loaded row vector feeds 12 FMAs.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>; w = <c>Vector512&lt;T&gt;.Count</c>.</typeparam>
    /// <typeparam name="TRows">The number of rows, 1 to 12: a constant for the JIT, so the rows the block does not have are compiled out.</typeparam>
    public static void TwoVectors<T, TRows>(ref T s, nint rowStride, nint depthStride, ref T m, nint ldm, int depth, ref T c, nint ldc, T alpha, bool accumulate)
        where T : unmanaged
        where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        nuint width = (nuint)Vector512<T>.Count;
        Debug.Assert(rows is >= 1 and <= 12);
        if (accumulate)
        {
            // The old C is read after the depth loop: ask for its lines now.
            MatrixKernels.Prefetch(ref c, ldc, rows, 128);
        }

        Vector512<T> c0_0 = default, c0_1 = default;
        Vector512<T> c1_0 = default, c1_1 = default;
        Vector512<T> c2_0 = default, c2_1 = default;
        Vector512<T> c3_0 = default, c3_1 = default;
        Vector512<T> c4_0 = default, c4_1 = default;
        Vector512<T> c5_0 = default, c5_1 = default;
        Vector512<T> c6_0 = default, c6_1 = default;
        Vector512<T> c7_0 = default, c7_1 = default;
        Vector512<T> c8_0 = default, c8_1 = default;
        Vector512<T> c9_0 = default, c9_1 = default;
        Vector512<T> c10_0 = default, c10_1 = default;
        Vector512<T> c11_0 = default, c11_1 = default;
        for (int t = 0; t < depth; t++)
        {
            ref T mRow = ref Unsafe.Add(ref m, t * ldm);
            Vector512<T> m0 = Vector512.LoadUnsafe(ref mRow, 0);
            Vector512<T> m1 = Vector512.LoadUnsafe(ref mRow, width);
            ref T sColumn = ref Unsafe.Add(ref s, t * depthStride);
            Vector512<T> s0 = Vector512.Create(sColumn); c0_0 = Lanes.MultiplyAdd(s0, m0, c0_0); c0_1 = Lanes.MultiplyAdd(s0, m1, c0_1);
            if (rows > 1) { Vector512<T> s1 = Vector512.Create(Unsafe.Add(ref sColumn, 1 * rowStride)); c1_0 = Lanes.MultiplyAdd(s1, m0, c1_0); c1_1 = Lanes.MultiplyAdd(s1, m1, c1_1); }
            if (rows > 2) { Vector512<T> s2 = Vector512.Create(Unsafe.Add(ref sColumn, 2 * rowStride)); c2_0 = Lanes.MultiplyAdd(s2, m0, c2_0); c2_1 = Lanes.MultiplyAdd(s2, m1, c2_1); }
            if (rows > 3) { Vector512<T> s3 = Vector512.Create(Unsafe.Add(ref sColumn, 3 * rowStride)); c3_0 = Lanes.MultiplyAdd(s3, m0, c3_0); c3_1 = Lanes.MultiplyAdd(s3, m1, c3_1); }
            if (rows > 4) { Vector512<T> s4 = Vector512.Create(Unsafe.Add(ref sColumn, 4 * rowStride)); c4_0 = Lanes.MultiplyAdd(s4, m0, c4_0); c4_1 = Lanes.MultiplyAdd(s4, m1, c4_1); }
            if (rows > 5) { Vector512<T> s5 = Vector512.Create(Unsafe.Add(ref sColumn, 5 * rowStride)); c5_0 = Lanes.MultiplyAdd(s5, m0, c5_0); c5_1 = Lanes.MultiplyAdd(s5, m1, c5_1); }
            if (rows > 6) { Vector512<T> s6 = Vector512.Create(Unsafe.Add(ref sColumn, 6 * rowStride)); c6_0 = Lanes.MultiplyAdd(s6, m0, c6_0); c6_1 = Lanes.MultiplyAdd(s6, m1, c6_1); }
            if (rows > 7) { Vector512<T> s7 = Vector512.Create(Unsafe.Add(ref sColumn, 7 * rowStride)); c7_0 = Lanes.MultiplyAdd(s7, m0, c7_0); c7_1 = Lanes.MultiplyAdd(s7, m1, c7_1); }
            if (rows > 8) { Vector512<T> s8 = Vector512.Create(Unsafe.Add(ref sColumn, 8 * rowStride)); c8_0 = Lanes.MultiplyAdd(s8, m0, c8_0); c8_1 = Lanes.MultiplyAdd(s8, m1, c8_1); }
            if (rows > 9) { Vector512<T> s9 = Vector512.Create(Unsafe.Add(ref sColumn, 9 * rowStride)); c9_0 = Lanes.MultiplyAdd(s9, m0, c9_0); c9_1 = Lanes.MultiplyAdd(s9, m1, c9_1); }
            if (rows > 10) { Vector512<T> s10 = Vector512.Create(Unsafe.Add(ref sColumn, 10 * rowStride)); c10_0 = Lanes.MultiplyAdd(s10, m0, c10_0); c10_1 = Lanes.MultiplyAdd(s10, m1, c10_1); }
            if (rows > 11) { Vector512<T> s11 = Vector512.Create(Unsafe.Add(ref sColumn, 11 * rowStride)); c11_0 = Lanes.MultiplyAdd(s11, m0, c11_0); c11_1 = Lanes.MultiplyAdd(s11, m1, c11_1); }
        }

        Vector512<T> scale = Vector512.Create(alpha);
        if (accumulate)
        {
            ref T c0 = ref c;
            Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c0_0, Vector512.LoadUnsafe(ref c0, 0)), ref c0, 0);
            Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c0_1, Vector512.LoadUnsafe(ref c0, width)), ref c0, width);
            if (rows > 1)
            {
                ref T c1 = ref Unsafe.Add(ref c, 1 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c1_0, Vector512.LoadUnsafe(ref c1, 0)), ref c1, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c1_1, Vector512.LoadUnsafe(ref c1, width)), ref c1, width);
            }
            if (rows > 2)
            {
                ref T c2 = ref Unsafe.Add(ref c, 2 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c2_0, Vector512.LoadUnsafe(ref c2, 0)), ref c2, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c2_1, Vector512.LoadUnsafe(ref c2, width)), ref c2, width);
            }
            if (rows > 3)
            {
                ref T c3 = ref Unsafe.Add(ref c, 3 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c3_0, Vector512.LoadUnsafe(ref c3, 0)), ref c3, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c3_1, Vector512.LoadUnsafe(ref c3, width)), ref c3, width);
            }
            if (rows > 4)
            {
                ref T c4 = ref Unsafe.Add(ref c, 4 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c4_0, Vector512.LoadUnsafe(ref c4, 0)), ref c4, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c4_1, Vector512.LoadUnsafe(ref c4, width)), ref c4, width);
            }
            if (rows > 5)
            {
                ref T c5 = ref Unsafe.Add(ref c, 5 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c5_0, Vector512.LoadUnsafe(ref c5, 0)), ref c5, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c5_1, Vector512.LoadUnsafe(ref c5, width)), ref c5, width);
            }
            if (rows > 6)
            {
                ref T c6 = ref Unsafe.Add(ref c, 6 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c6_0, Vector512.LoadUnsafe(ref c6, 0)), ref c6, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c6_1, Vector512.LoadUnsafe(ref c6, width)), ref c6, width);
            }
            if (rows > 7)
            {
                ref T c7 = ref Unsafe.Add(ref c, 7 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c7_0, Vector512.LoadUnsafe(ref c7, 0)), ref c7, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c7_1, Vector512.LoadUnsafe(ref c7, width)), ref c7, width);
            }
            if (rows > 8)
            {
                ref T c8 = ref Unsafe.Add(ref c, 8 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c8_0, Vector512.LoadUnsafe(ref c8, 0)), ref c8, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c8_1, Vector512.LoadUnsafe(ref c8, width)), ref c8, width);
            }
            if (rows > 9)
            {
                ref T c9 = ref Unsafe.Add(ref c, 9 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c9_0, Vector512.LoadUnsafe(ref c9, 0)), ref c9, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c9_1, Vector512.LoadUnsafe(ref c9, width)), ref c9, width);
            }
            if (rows > 10)
            {
                ref T c10 = ref Unsafe.Add(ref c, 10 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c10_0, Vector512.LoadUnsafe(ref c10, 0)), ref c10, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c10_1, Vector512.LoadUnsafe(ref c10, width)), ref c10, width);
            }
            if (rows > 11)
            {
                ref T c11 = ref Unsafe.Add(ref c, 11 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c11_0, Vector512.LoadUnsafe(ref c11, 0)), ref c11, 0);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c11_1, Vector512.LoadUnsafe(ref c11, width)), ref c11, width);
            }
        }
        else
        {
            ref T c0 = ref c;
            Vector512.StoreUnsafe(scale * c0_0, ref c0, 0);
            Vector512.StoreUnsafe(scale * c0_1, ref c0, width);
            if (rows > 1)
            {
                ref T c1 = ref Unsafe.Add(ref c, 1 * ldc);
                Vector512.StoreUnsafe(scale * c1_0, ref c1, 0);
                Vector512.StoreUnsafe(scale * c1_1, ref c1, width);
            }
            if (rows > 2)
            {
                ref T c2 = ref Unsafe.Add(ref c, 2 * ldc);
                Vector512.StoreUnsafe(scale * c2_0, ref c2, 0);
                Vector512.StoreUnsafe(scale * c2_1, ref c2, width);
            }
            if (rows > 3)
            {
                ref T c3 = ref Unsafe.Add(ref c, 3 * ldc);
                Vector512.StoreUnsafe(scale * c3_0, ref c3, 0);
                Vector512.StoreUnsafe(scale * c3_1, ref c3, width);
            }
            if (rows > 4)
            {
                ref T c4 = ref Unsafe.Add(ref c, 4 * ldc);
                Vector512.StoreUnsafe(scale * c4_0, ref c4, 0);
                Vector512.StoreUnsafe(scale * c4_1, ref c4, width);
            }
            if (rows > 5)
            {
                ref T c5 = ref Unsafe.Add(ref c, 5 * ldc);
                Vector512.StoreUnsafe(scale * c5_0, ref c5, 0);
                Vector512.StoreUnsafe(scale * c5_1, ref c5, width);
            }
            if (rows > 6)
            {
                ref T c6 = ref Unsafe.Add(ref c, 6 * ldc);
                Vector512.StoreUnsafe(scale * c6_0, ref c6, 0);
                Vector512.StoreUnsafe(scale * c6_1, ref c6, width);
            }
            if (rows > 7)
            {
                ref T c7 = ref Unsafe.Add(ref c, 7 * ldc);
                Vector512.StoreUnsafe(scale * c7_0, ref c7, 0);
                Vector512.StoreUnsafe(scale * c7_1, ref c7, width);
            }
            if (rows > 8)
            {
                ref T c8 = ref Unsafe.Add(ref c, 8 * ldc);
                Vector512.StoreUnsafe(scale * c8_0, ref c8, 0);
                Vector512.StoreUnsafe(scale * c8_1, ref c8, width);
            }
            if (rows > 9)
            {
                ref T c9 = ref Unsafe.Add(ref c, 9 * ldc);
                Vector512.StoreUnsafe(scale * c9_0, ref c9, 0);
                Vector512.StoreUnsafe(scale * c9_1, ref c9, width);
            }
            if (rows > 10)
            {
                ref T c10 = ref Unsafe.Add(ref c, 10 * ldc);
                Vector512.StoreUnsafe(scale * c10_0, ref c10, 0);
                Vector512.StoreUnsafe(scale * c10_1, ref c10, width);
            }
            if (rows > 11)
            {
                ref T c11 = ref Unsafe.Add(ref c, 11 * ldc);
                Vector512.StoreUnsafe(scale * c11_0, ref c11, 0);
                Vector512.StoreUnsafe(scale * c11_1, ref c11, width);
            }
        }
    }

    /// <summary>
    /// Up to 12 rows × 1 vector of columns (16 floats or 8 doubles) of <c>C = alpha · S M (+ C)</c>: <c>C[r, 0..w) = alpha · Σ_t S[r·rowStride + t·depthStride] · M[t·ldm + 0..w)</c>,
    /// plus the old C when <paramref name="accumulate"/>. 12 rows × 1 vector = 12 accumulators + 1 + 1 + 1 = 15 of the 32 AVX-512 registers.
    /// </summary>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>; w = <c>Vector512&lt;T&gt;.Count</c>.</typeparam>
    /// <typeparam name="TRows">The number of rows, 1 to 12: a constant for the JIT, so the rows the block does not have are compiled out.</typeparam>
    public static void OneVector<T, TRows>(ref T s, nint rowStride, nint depthStride, ref T m, nint ldm, int depth, ref T c, nint ldc, T alpha, bool accumulate)
        where T : unmanaged
        where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        nuint width = (nuint)Vector512<T>.Count;
        Debug.Assert(rows is >= 1 and <= 12);
        if (accumulate)
        {
            // The old C is read after the depth loop: ask for its lines now.
            MatrixKernels.Prefetch(ref c, ldc, rows, 64);
        }

        Vector512<T> c0_0 = default;
        Vector512<T> c1_0 = default;
        Vector512<T> c2_0 = default;
        Vector512<T> c3_0 = default;
        Vector512<T> c4_0 = default;
        Vector512<T> c5_0 = default;
        Vector512<T> c6_0 = default;
        Vector512<T> c7_0 = default;
        Vector512<T> c8_0 = default;
        Vector512<T> c9_0 = default;
        Vector512<T> c10_0 = default;
        Vector512<T> c11_0 = default;
        for (int t = 0; t < depth; t++)
        {
            ref T mRow = ref Unsafe.Add(ref m, t * ldm);
            Vector512<T> m0 = Vector512.LoadUnsafe(ref mRow, 0);
            ref T sColumn = ref Unsafe.Add(ref s, t * depthStride);
            Vector512<T> s0 = Vector512.Create(sColumn); c0_0 = Lanes.MultiplyAdd(s0, m0, c0_0);
            if (rows > 1) { Vector512<T> s1 = Vector512.Create(Unsafe.Add(ref sColumn, 1 * rowStride)); c1_0 = Lanes.MultiplyAdd(s1, m0, c1_0); }
            if (rows > 2) { Vector512<T> s2 = Vector512.Create(Unsafe.Add(ref sColumn, 2 * rowStride)); c2_0 = Lanes.MultiplyAdd(s2, m0, c2_0); }
            if (rows > 3) { Vector512<T> s3 = Vector512.Create(Unsafe.Add(ref sColumn, 3 * rowStride)); c3_0 = Lanes.MultiplyAdd(s3, m0, c3_0); }
            if (rows > 4) { Vector512<T> s4 = Vector512.Create(Unsafe.Add(ref sColumn, 4 * rowStride)); c4_0 = Lanes.MultiplyAdd(s4, m0, c4_0); }
            if (rows > 5) { Vector512<T> s5 = Vector512.Create(Unsafe.Add(ref sColumn, 5 * rowStride)); c5_0 = Lanes.MultiplyAdd(s5, m0, c5_0); }
            if (rows > 6) { Vector512<T> s6 = Vector512.Create(Unsafe.Add(ref sColumn, 6 * rowStride)); c6_0 = Lanes.MultiplyAdd(s6, m0, c6_0); }
            if (rows > 7) { Vector512<T> s7 = Vector512.Create(Unsafe.Add(ref sColumn, 7 * rowStride)); c7_0 = Lanes.MultiplyAdd(s7, m0, c7_0); }
            if (rows > 8) { Vector512<T> s8 = Vector512.Create(Unsafe.Add(ref sColumn, 8 * rowStride)); c8_0 = Lanes.MultiplyAdd(s8, m0, c8_0); }
            if (rows > 9) { Vector512<T> s9 = Vector512.Create(Unsafe.Add(ref sColumn, 9 * rowStride)); c9_0 = Lanes.MultiplyAdd(s9, m0, c9_0); }
            if (rows > 10) { Vector512<T> s10 = Vector512.Create(Unsafe.Add(ref sColumn, 10 * rowStride)); c10_0 = Lanes.MultiplyAdd(s10, m0, c10_0); }
            if (rows > 11) { Vector512<T> s11 = Vector512.Create(Unsafe.Add(ref sColumn, 11 * rowStride)); c11_0 = Lanes.MultiplyAdd(s11, m0, c11_0); }
        }

        Vector512<T> scale = Vector512.Create(alpha);
        if (accumulate)
        {
            ref T c0 = ref c;
            Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c0_0, Vector512.LoadUnsafe(ref c0, 0)), ref c0, 0);
            if (rows > 1)
            {
                ref T c1 = ref Unsafe.Add(ref c, 1 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c1_0, Vector512.LoadUnsafe(ref c1, 0)), ref c1, 0);
            }
            if (rows > 2)
            {
                ref T c2 = ref Unsafe.Add(ref c, 2 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c2_0, Vector512.LoadUnsafe(ref c2, 0)), ref c2, 0);
            }
            if (rows > 3)
            {
                ref T c3 = ref Unsafe.Add(ref c, 3 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c3_0, Vector512.LoadUnsafe(ref c3, 0)), ref c3, 0);
            }
            if (rows > 4)
            {
                ref T c4 = ref Unsafe.Add(ref c, 4 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c4_0, Vector512.LoadUnsafe(ref c4, 0)), ref c4, 0);
            }
            if (rows > 5)
            {
                ref T c5 = ref Unsafe.Add(ref c, 5 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c5_0, Vector512.LoadUnsafe(ref c5, 0)), ref c5, 0);
            }
            if (rows > 6)
            {
                ref T c6 = ref Unsafe.Add(ref c, 6 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c6_0, Vector512.LoadUnsafe(ref c6, 0)), ref c6, 0);
            }
            if (rows > 7)
            {
                ref T c7 = ref Unsafe.Add(ref c, 7 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c7_0, Vector512.LoadUnsafe(ref c7, 0)), ref c7, 0);
            }
            if (rows > 8)
            {
                ref T c8 = ref Unsafe.Add(ref c, 8 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c8_0, Vector512.LoadUnsafe(ref c8, 0)), ref c8, 0);
            }
            if (rows > 9)
            {
                ref T c9 = ref Unsafe.Add(ref c, 9 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c9_0, Vector512.LoadUnsafe(ref c9, 0)), ref c9, 0);
            }
            if (rows > 10)
            {
                ref T c10 = ref Unsafe.Add(ref c, 10 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c10_0, Vector512.LoadUnsafe(ref c10, 0)), ref c10, 0);
            }
            if (rows > 11)
            {
                ref T c11 = ref Unsafe.Add(ref c, 11 * ldc);
                Vector512.StoreUnsafe(Lanes.MultiplyAdd(scale, c11_0, Vector512.LoadUnsafe(ref c11, 0)), ref c11, 0);
            }
        }
        else
        {
            ref T c0 = ref c;
            Vector512.StoreUnsafe(scale * c0_0, ref c0, 0);
            if (rows > 1)
            {
                ref T c1 = ref Unsafe.Add(ref c, 1 * ldc);
                Vector512.StoreUnsafe(scale * c1_0, ref c1, 0);
            }
            if (rows > 2)
            {
                ref T c2 = ref Unsafe.Add(ref c, 2 * ldc);
                Vector512.StoreUnsafe(scale * c2_0, ref c2, 0);
            }
            if (rows > 3)
            {
                ref T c3 = ref Unsafe.Add(ref c, 3 * ldc);
                Vector512.StoreUnsafe(scale * c3_0, ref c3, 0);
            }
            if (rows > 4)
            {
                ref T c4 = ref Unsafe.Add(ref c, 4 * ldc);
                Vector512.StoreUnsafe(scale * c4_0, ref c4, 0);
            }
            if (rows > 5)
            {
                ref T c5 = ref Unsafe.Add(ref c, 5 * ldc);
                Vector512.StoreUnsafe(scale * c5_0, ref c5, 0);
            }
            if (rows > 6)
            {
                ref T c6 = ref Unsafe.Add(ref c, 6 * ldc);
                Vector512.StoreUnsafe(scale * c6_0, ref c6, 0);
            }
            if (rows > 7)
            {
                ref T c7 = ref Unsafe.Add(ref c, 7 * ldc);
                Vector512.StoreUnsafe(scale * c7_0, ref c7, 0);
            }
            if (rows > 8)
            {
                ref T c8 = ref Unsafe.Add(ref c, 8 * ldc);
                Vector512.StoreUnsafe(scale * c8_0, ref c8, 0);
            }
            if (rows > 9)
            {
                ref T c9 = ref Unsafe.Add(ref c, 9 * ldc);
                Vector512.StoreUnsafe(scale * c9_0, ref c9, 0);
            }
            if (rows > 10)
            {
                ref T c10 = ref Unsafe.Add(ref c, 10 * ldc);
                Vector512.StoreUnsafe(scale * c10_0, ref c10, 0);
            }
            if (rows > 11)
            {
                ref T c11 = ref Unsafe.Add(ref c, 11 * ldc);
                Vector512.StoreUnsafe(scale * c11_0, ref c11, 0);
            }
        }
    }
}
