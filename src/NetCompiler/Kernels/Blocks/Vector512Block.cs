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
    /// Up to 6 rows × 64 columns of <c>C = alpha · S M (+ C)</c>: <c>C[r, 0..64) = alpha · Σ_t S[r·rowStride + t·depthStride] · M[t·ldm + 0..64)</c>,
    /// plus the old C when <paramref name="accumulate"/>. 6 rows × 4 vectors = 24 accumulators + 4 row vectors + 1 broadcast + alpha = 30 of the 32 AVX-512 registers, with 24 independent FMA chains for 2 pipes × 4 cycles of latency.
    /// </summary>
    /// <typeparam name="TRows">The number of rows, 1 to 6: a constant for the JIT, so the rows the block does not have are compiled out.</typeparam>
    public static void Columns64<TRows>(ref float s, nint rowStride, nint depthStride, ref float m, nint ldm, int depth, ref float c, nint ldc, float alpha, bool accumulate)
        where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        Debug.Assert(rows is >= 1 and <= 6);
        if (accumulate)
        {
            // The old C is read after the depth loop: ask for its lines now.
            MatrixKernels.Prefetch(ref c, ldc, rows, 256);
        }

        Vector512<float> c0_0 = default, c0_1 = default, c0_2 = default, c0_3 = default;
        Vector512<float> c1_0 = default, c1_1 = default, c1_2 = default, c1_3 = default;
        Vector512<float> c2_0 = default, c2_1 = default, c2_2 = default, c2_3 = default;
        Vector512<float> c3_0 = default, c3_1 = default, c3_2 = default, c3_3 = default;
        Vector512<float> c4_0 = default, c4_1 = default, c4_2 = default, c4_3 = default;
        Vector512<float> c5_0 = default, c5_1 = default, c5_2 = default, c5_3 = default;
        for (int t = 0; t < depth; t++)
        {
            ref float mRow = ref Unsafe.Add(ref m, t * ldm);
            Vector512<float> m0 = Vector512.LoadUnsafe(ref mRow, 0);
            Vector512<float> m1 = Vector512.LoadUnsafe(ref mRow, 16);
            Vector512<float> m2 = Vector512.LoadUnsafe(ref mRow, 32);
            Vector512<float> m3 = Vector512.LoadUnsafe(ref mRow, 48);
            ref float sColumn = ref Unsafe.Add(ref s, t * depthStride);
            Vector512<float> s0 = Vector512.Create(sColumn); c0_0 = Vector512.FusedMultiplyAdd(s0, m0, c0_0); c0_1 = Vector512.FusedMultiplyAdd(s0, m1, c0_1); c0_2 = Vector512.FusedMultiplyAdd(s0, m2, c0_2); c0_3 = Vector512.FusedMultiplyAdd(s0, m3, c0_3);
            if (rows > 1) { Vector512<float> s1 = Vector512.Create(Unsafe.Add(ref sColumn, 1 * rowStride)); c1_0 = Vector512.FusedMultiplyAdd(s1, m0, c1_0); c1_1 = Vector512.FusedMultiplyAdd(s1, m1, c1_1); c1_2 = Vector512.FusedMultiplyAdd(s1, m2, c1_2); c1_3 = Vector512.FusedMultiplyAdd(s1, m3, c1_3); }
            if (rows > 2) { Vector512<float> s2 = Vector512.Create(Unsafe.Add(ref sColumn, 2 * rowStride)); c2_0 = Vector512.FusedMultiplyAdd(s2, m0, c2_0); c2_1 = Vector512.FusedMultiplyAdd(s2, m1, c2_1); c2_2 = Vector512.FusedMultiplyAdd(s2, m2, c2_2); c2_3 = Vector512.FusedMultiplyAdd(s2, m3, c2_3); }
            if (rows > 3) { Vector512<float> s3 = Vector512.Create(Unsafe.Add(ref sColumn, 3 * rowStride)); c3_0 = Vector512.FusedMultiplyAdd(s3, m0, c3_0); c3_1 = Vector512.FusedMultiplyAdd(s3, m1, c3_1); c3_2 = Vector512.FusedMultiplyAdd(s3, m2, c3_2); c3_3 = Vector512.FusedMultiplyAdd(s3, m3, c3_3); }
            if (rows > 4) { Vector512<float> s4 = Vector512.Create(Unsafe.Add(ref sColumn, 4 * rowStride)); c4_0 = Vector512.FusedMultiplyAdd(s4, m0, c4_0); c4_1 = Vector512.FusedMultiplyAdd(s4, m1, c4_1); c4_2 = Vector512.FusedMultiplyAdd(s4, m2, c4_2); c4_3 = Vector512.FusedMultiplyAdd(s4, m3, c4_3); }
            if (rows > 5) { Vector512<float> s5 = Vector512.Create(Unsafe.Add(ref sColumn, 5 * rowStride)); c5_0 = Vector512.FusedMultiplyAdd(s5, m0, c5_0); c5_1 = Vector512.FusedMultiplyAdd(s5, m1, c5_1); c5_2 = Vector512.FusedMultiplyAdd(s5, m2, c5_2); c5_3 = Vector512.FusedMultiplyAdd(s5, m3, c5_3); }
        }

        Vector512<float> scale = Vector512.Create(alpha);
        if (accumulate)
        {
            ref float c0 = ref c;
            Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c0_0, Vector512.LoadUnsafe(ref c0, 0)), ref c0, 0);
            Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c0_1, Vector512.LoadUnsafe(ref c0, 16)), ref c0, 16);
            Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c0_2, Vector512.LoadUnsafe(ref c0, 32)), ref c0, 32);
            Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c0_3, Vector512.LoadUnsafe(ref c0, 48)), ref c0, 48);
            if (rows > 1)
            {
                ref float c1 = ref Unsafe.Add(ref c, 1 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c1_0, Vector512.LoadUnsafe(ref c1, 0)), ref c1, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c1_1, Vector512.LoadUnsafe(ref c1, 16)), ref c1, 16);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c1_2, Vector512.LoadUnsafe(ref c1, 32)), ref c1, 32);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c1_3, Vector512.LoadUnsafe(ref c1, 48)), ref c1, 48);
            }
            if (rows > 2)
            {
                ref float c2 = ref Unsafe.Add(ref c, 2 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c2_0, Vector512.LoadUnsafe(ref c2, 0)), ref c2, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c2_1, Vector512.LoadUnsafe(ref c2, 16)), ref c2, 16);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c2_2, Vector512.LoadUnsafe(ref c2, 32)), ref c2, 32);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c2_3, Vector512.LoadUnsafe(ref c2, 48)), ref c2, 48);
            }
            if (rows > 3)
            {
                ref float c3 = ref Unsafe.Add(ref c, 3 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c3_0, Vector512.LoadUnsafe(ref c3, 0)), ref c3, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c3_1, Vector512.LoadUnsafe(ref c3, 16)), ref c3, 16);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c3_2, Vector512.LoadUnsafe(ref c3, 32)), ref c3, 32);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c3_3, Vector512.LoadUnsafe(ref c3, 48)), ref c3, 48);
            }
            if (rows > 4)
            {
                ref float c4 = ref Unsafe.Add(ref c, 4 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c4_0, Vector512.LoadUnsafe(ref c4, 0)), ref c4, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c4_1, Vector512.LoadUnsafe(ref c4, 16)), ref c4, 16);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c4_2, Vector512.LoadUnsafe(ref c4, 32)), ref c4, 32);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c4_3, Vector512.LoadUnsafe(ref c4, 48)), ref c4, 48);
            }
            if (rows > 5)
            {
                ref float c5 = ref Unsafe.Add(ref c, 5 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c5_0, Vector512.LoadUnsafe(ref c5, 0)), ref c5, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c5_1, Vector512.LoadUnsafe(ref c5, 16)), ref c5, 16);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c5_2, Vector512.LoadUnsafe(ref c5, 32)), ref c5, 32);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c5_3, Vector512.LoadUnsafe(ref c5, 48)), ref c5, 48);
            }
        }
        else
        {
            ref float c0 = ref c;
            Vector512.StoreUnsafe(scale * c0_0, ref c0, 0);
            Vector512.StoreUnsafe(scale * c0_1, ref c0, 16);
            Vector512.StoreUnsafe(scale * c0_2, ref c0, 32);
            Vector512.StoreUnsafe(scale * c0_3, ref c0, 48);
            if (rows > 1)
            {
                ref float c1 = ref Unsafe.Add(ref c, 1 * ldc);
                Vector512.StoreUnsafe(scale * c1_0, ref c1, 0);
                Vector512.StoreUnsafe(scale * c1_1, ref c1, 16);
                Vector512.StoreUnsafe(scale * c1_2, ref c1, 32);
                Vector512.StoreUnsafe(scale * c1_3, ref c1, 48);
            }
            if (rows > 2)
            {
                ref float c2 = ref Unsafe.Add(ref c, 2 * ldc);
                Vector512.StoreUnsafe(scale * c2_0, ref c2, 0);
                Vector512.StoreUnsafe(scale * c2_1, ref c2, 16);
                Vector512.StoreUnsafe(scale * c2_2, ref c2, 32);
                Vector512.StoreUnsafe(scale * c2_3, ref c2, 48);
            }
            if (rows > 3)
            {
                ref float c3 = ref Unsafe.Add(ref c, 3 * ldc);
                Vector512.StoreUnsafe(scale * c3_0, ref c3, 0);
                Vector512.StoreUnsafe(scale * c3_1, ref c3, 16);
                Vector512.StoreUnsafe(scale * c3_2, ref c3, 32);
                Vector512.StoreUnsafe(scale * c3_3, ref c3, 48);
            }
            if (rows > 4)
            {
                ref float c4 = ref Unsafe.Add(ref c, 4 * ldc);
                Vector512.StoreUnsafe(scale * c4_0, ref c4, 0);
                Vector512.StoreUnsafe(scale * c4_1, ref c4, 16);
                Vector512.StoreUnsafe(scale * c4_2, ref c4, 32);
                Vector512.StoreUnsafe(scale * c4_3, ref c4, 48);
            }
            if (rows > 5)
            {
                ref float c5 = ref Unsafe.Add(ref c, 5 * ldc);
                Vector512.StoreUnsafe(scale * c5_0, ref c5, 0);
                Vector512.StoreUnsafe(scale * c5_1, ref c5, 16);
                Vector512.StoreUnsafe(scale * c5_2, ref c5, 32);
                Vector512.StoreUnsafe(scale * c5_3, ref c5, 48);
            }
        }
    }

    /// <summary>
    /// Up to 12 rows × 32 columns of <c>C = alpha · S M (+ C)</c>: <c>C[r, 0..32) = alpha · Σ_t S[r·rowStride + t·depthStride] · M[t·ldm + 0..32)</c>,
    /// plus the old C when <paramref name="accumulate"/>. 12 rows × 2 vectors = 24 accumulators + 2 + 1 + 1 = 28 of the 32 AVX-512 registers; each loaded row vector feeds 12 FMAs.
    /// </summary>
    /// <typeparam name="TRows">The number of rows, 1 to 12: a constant for the JIT, so the rows the block does not have are compiled out.</typeparam>
    public static void Columns32<TRows>(ref float s, nint rowStride, nint depthStride, ref float m, nint ldm, int depth, ref float c, nint ldc, float alpha, bool accumulate)
        where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        Debug.Assert(rows is >= 1 and <= 12);
        if (accumulate)
        {
            // The old C is read after the depth loop: ask for its lines now.
            MatrixKernels.Prefetch(ref c, ldc, rows, 128);
        }

        Vector512<float> c0_0 = default, c0_1 = default;
        Vector512<float> c1_0 = default, c1_1 = default;
        Vector512<float> c2_0 = default, c2_1 = default;
        Vector512<float> c3_0 = default, c3_1 = default;
        Vector512<float> c4_0 = default, c4_1 = default;
        Vector512<float> c5_0 = default, c5_1 = default;
        Vector512<float> c6_0 = default, c6_1 = default;
        Vector512<float> c7_0 = default, c7_1 = default;
        Vector512<float> c8_0 = default, c8_1 = default;
        Vector512<float> c9_0 = default, c9_1 = default;
        Vector512<float> c10_0 = default, c10_1 = default;
        Vector512<float> c11_0 = default, c11_1 = default;
        for (int t = 0; t < depth; t++)
        {
            ref float mRow = ref Unsafe.Add(ref m, t * ldm);
            Vector512<float> m0 = Vector512.LoadUnsafe(ref mRow, 0);
            Vector512<float> m1 = Vector512.LoadUnsafe(ref mRow, 16);
            ref float sColumn = ref Unsafe.Add(ref s, t * depthStride);
            Vector512<float> s0 = Vector512.Create(sColumn); c0_0 = Vector512.FusedMultiplyAdd(s0, m0, c0_0); c0_1 = Vector512.FusedMultiplyAdd(s0, m1, c0_1);
            if (rows > 1) { Vector512<float> s1 = Vector512.Create(Unsafe.Add(ref sColumn, 1 * rowStride)); c1_0 = Vector512.FusedMultiplyAdd(s1, m0, c1_0); c1_1 = Vector512.FusedMultiplyAdd(s1, m1, c1_1); }
            if (rows > 2) { Vector512<float> s2 = Vector512.Create(Unsafe.Add(ref sColumn, 2 * rowStride)); c2_0 = Vector512.FusedMultiplyAdd(s2, m0, c2_0); c2_1 = Vector512.FusedMultiplyAdd(s2, m1, c2_1); }
            if (rows > 3) { Vector512<float> s3 = Vector512.Create(Unsafe.Add(ref sColumn, 3 * rowStride)); c3_0 = Vector512.FusedMultiplyAdd(s3, m0, c3_0); c3_1 = Vector512.FusedMultiplyAdd(s3, m1, c3_1); }
            if (rows > 4) { Vector512<float> s4 = Vector512.Create(Unsafe.Add(ref sColumn, 4 * rowStride)); c4_0 = Vector512.FusedMultiplyAdd(s4, m0, c4_0); c4_1 = Vector512.FusedMultiplyAdd(s4, m1, c4_1); }
            if (rows > 5) { Vector512<float> s5 = Vector512.Create(Unsafe.Add(ref sColumn, 5 * rowStride)); c5_0 = Vector512.FusedMultiplyAdd(s5, m0, c5_0); c5_1 = Vector512.FusedMultiplyAdd(s5, m1, c5_1); }
            if (rows > 6) { Vector512<float> s6 = Vector512.Create(Unsafe.Add(ref sColumn, 6 * rowStride)); c6_0 = Vector512.FusedMultiplyAdd(s6, m0, c6_0); c6_1 = Vector512.FusedMultiplyAdd(s6, m1, c6_1); }
            if (rows > 7) { Vector512<float> s7 = Vector512.Create(Unsafe.Add(ref sColumn, 7 * rowStride)); c7_0 = Vector512.FusedMultiplyAdd(s7, m0, c7_0); c7_1 = Vector512.FusedMultiplyAdd(s7, m1, c7_1); }
            if (rows > 8) { Vector512<float> s8 = Vector512.Create(Unsafe.Add(ref sColumn, 8 * rowStride)); c8_0 = Vector512.FusedMultiplyAdd(s8, m0, c8_0); c8_1 = Vector512.FusedMultiplyAdd(s8, m1, c8_1); }
            if (rows > 9) { Vector512<float> s9 = Vector512.Create(Unsafe.Add(ref sColumn, 9 * rowStride)); c9_0 = Vector512.FusedMultiplyAdd(s9, m0, c9_0); c9_1 = Vector512.FusedMultiplyAdd(s9, m1, c9_1); }
            if (rows > 10) { Vector512<float> s10 = Vector512.Create(Unsafe.Add(ref sColumn, 10 * rowStride)); c10_0 = Vector512.FusedMultiplyAdd(s10, m0, c10_0); c10_1 = Vector512.FusedMultiplyAdd(s10, m1, c10_1); }
            if (rows > 11) { Vector512<float> s11 = Vector512.Create(Unsafe.Add(ref sColumn, 11 * rowStride)); c11_0 = Vector512.FusedMultiplyAdd(s11, m0, c11_0); c11_1 = Vector512.FusedMultiplyAdd(s11, m1, c11_1); }
        }

        Vector512<float> scale = Vector512.Create(alpha);
        if (accumulate)
        {
            ref float c0 = ref c;
            Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c0_0, Vector512.LoadUnsafe(ref c0, 0)), ref c0, 0);
            Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c0_1, Vector512.LoadUnsafe(ref c0, 16)), ref c0, 16);
            if (rows > 1)
            {
                ref float c1 = ref Unsafe.Add(ref c, 1 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c1_0, Vector512.LoadUnsafe(ref c1, 0)), ref c1, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c1_1, Vector512.LoadUnsafe(ref c1, 16)), ref c1, 16);
            }
            if (rows > 2)
            {
                ref float c2 = ref Unsafe.Add(ref c, 2 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c2_0, Vector512.LoadUnsafe(ref c2, 0)), ref c2, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c2_1, Vector512.LoadUnsafe(ref c2, 16)), ref c2, 16);
            }
            if (rows > 3)
            {
                ref float c3 = ref Unsafe.Add(ref c, 3 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c3_0, Vector512.LoadUnsafe(ref c3, 0)), ref c3, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c3_1, Vector512.LoadUnsafe(ref c3, 16)), ref c3, 16);
            }
            if (rows > 4)
            {
                ref float c4 = ref Unsafe.Add(ref c, 4 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c4_0, Vector512.LoadUnsafe(ref c4, 0)), ref c4, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c4_1, Vector512.LoadUnsafe(ref c4, 16)), ref c4, 16);
            }
            if (rows > 5)
            {
                ref float c5 = ref Unsafe.Add(ref c, 5 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c5_0, Vector512.LoadUnsafe(ref c5, 0)), ref c5, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c5_1, Vector512.LoadUnsafe(ref c5, 16)), ref c5, 16);
            }
            if (rows > 6)
            {
                ref float c6 = ref Unsafe.Add(ref c, 6 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c6_0, Vector512.LoadUnsafe(ref c6, 0)), ref c6, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c6_1, Vector512.LoadUnsafe(ref c6, 16)), ref c6, 16);
            }
            if (rows > 7)
            {
                ref float c7 = ref Unsafe.Add(ref c, 7 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c7_0, Vector512.LoadUnsafe(ref c7, 0)), ref c7, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c7_1, Vector512.LoadUnsafe(ref c7, 16)), ref c7, 16);
            }
            if (rows > 8)
            {
                ref float c8 = ref Unsafe.Add(ref c, 8 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c8_0, Vector512.LoadUnsafe(ref c8, 0)), ref c8, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c8_1, Vector512.LoadUnsafe(ref c8, 16)), ref c8, 16);
            }
            if (rows > 9)
            {
                ref float c9 = ref Unsafe.Add(ref c, 9 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c9_0, Vector512.LoadUnsafe(ref c9, 0)), ref c9, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c9_1, Vector512.LoadUnsafe(ref c9, 16)), ref c9, 16);
            }
            if (rows > 10)
            {
                ref float c10 = ref Unsafe.Add(ref c, 10 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c10_0, Vector512.LoadUnsafe(ref c10, 0)), ref c10, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c10_1, Vector512.LoadUnsafe(ref c10, 16)), ref c10, 16);
            }
            if (rows > 11)
            {
                ref float c11 = ref Unsafe.Add(ref c, 11 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c11_0, Vector512.LoadUnsafe(ref c11, 0)), ref c11, 0);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c11_1, Vector512.LoadUnsafe(ref c11, 16)), ref c11, 16);
            }
        }
        else
        {
            ref float c0 = ref c;
            Vector512.StoreUnsafe(scale * c0_0, ref c0, 0);
            Vector512.StoreUnsafe(scale * c0_1, ref c0, 16);
            if (rows > 1)
            {
                ref float c1 = ref Unsafe.Add(ref c, 1 * ldc);
                Vector512.StoreUnsafe(scale * c1_0, ref c1, 0);
                Vector512.StoreUnsafe(scale * c1_1, ref c1, 16);
            }
            if (rows > 2)
            {
                ref float c2 = ref Unsafe.Add(ref c, 2 * ldc);
                Vector512.StoreUnsafe(scale * c2_0, ref c2, 0);
                Vector512.StoreUnsafe(scale * c2_1, ref c2, 16);
            }
            if (rows > 3)
            {
                ref float c3 = ref Unsafe.Add(ref c, 3 * ldc);
                Vector512.StoreUnsafe(scale * c3_0, ref c3, 0);
                Vector512.StoreUnsafe(scale * c3_1, ref c3, 16);
            }
            if (rows > 4)
            {
                ref float c4 = ref Unsafe.Add(ref c, 4 * ldc);
                Vector512.StoreUnsafe(scale * c4_0, ref c4, 0);
                Vector512.StoreUnsafe(scale * c4_1, ref c4, 16);
            }
            if (rows > 5)
            {
                ref float c5 = ref Unsafe.Add(ref c, 5 * ldc);
                Vector512.StoreUnsafe(scale * c5_0, ref c5, 0);
                Vector512.StoreUnsafe(scale * c5_1, ref c5, 16);
            }
            if (rows > 6)
            {
                ref float c6 = ref Unsafe.Add(ref c, 6 * ldc);
                Vector512.StoreUnsafe(scale * c6_0, ref c6, 0);
                Vector512.StoreUnsafe(scale * c6_1, ref c6, 16);
            }
            if (rows > 7)
            {
                ref float c7 = ref Unsafe.Add(ref c, 7 * ldc);
                Vector512.StoreUnsafe(scale * c7_0, ref c7, 0);
                Vector512.StoreUnsafe(scale * c7_1, ref c7, 16);
            }
            if (rows > 8)
            {
                ref float c8 = ref Unsafe.Add(ref c, 8 * ldc);
                Vector512.StoreUnsafe(scale * c8_0, ref c8, 0);
                Vector512.StoreUnsafe(scale * c8_1, ref c8, 16);
            }
            if (rows > 9)
            {
                ref float c9 = ref Unsafe.Add(ref c, 9 * ldc);
                Vector512.StoreUnsafe(scale * c9_0, ref c9, 0);
                Vector512.StoreUnsafe(scale * c9_1, ref c9, 16);
            }
            if (rows > 10)
            {
                ref float c10 = ref Unsafe.Add(ref c, 10 * ldc);
                Vector512.StoreUnsafe(scale * c10_0, ref c10, 0);
                Vector512.StoreUnsafe(scale * c10_1, ref c10, 16);
            }
            if (rows > 11)
            {
                ref float c11 = ref Unsafe.Add(ref c, 11 * ldc);
                Vector512.StoreUnsafe(scale * c11_0, ref c11, 0);
                Vector512.StoreUnsafe(scale * c11_1, ref c11, 16);
            }
        }
    }

    /// <summary>
    /// Up to 12 rows × 16 columns of <c>C = alpha · S M (+ C)</c>: <c>C[r, 0..16) = alpha · Σ_t S[r·rowStride + t·depthStride] · M[t·ldm + 0..16)</c>,
    /// plus the old C when <paramref name="accumulate"/>. 12 rows × 1 vector = 12 accumulators + 1 + 1 + 1 = 15 of the 32 AVX-512 registers.
    /// </summary>
    /// <typeparam name="TRows">The number of rows, 1 to 12: a constant for the JIT, so the rows the block does not have are compiled out.</typeparam>
    public static void Columns16<TRows>(ref float s, nint rowStride, nint depthStride, ref float m, nint ldm, int depth, ref float c, nint ldc, float alpha, bool accumulate)
        where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        Debug.Assert(rows is >= 1 and <= 12);
        if (accumulate)
        {
            // The old C is read after the depth loop: ask for its lines now.
            MatrixKernels.Prefetch(ref c, ldc, rows, 64);
        }

        Vector512<float> c0_0 = default;
        Vector512<float> c1_0 = default;
        Vector512<float> c2_0 = default;
        Vector512<float> c3_0 = default;
        Vector512<float> c4_0 = default;
        Vector512<float> c5_0 = default;
        Vector512<float> c6_0 = default;
        Vector512<float> c7_0 = default;
        Vector512<float> c8_0 = default;
        Vector512<float> c9_0 = default;
        Vector512<float> c10_0 = default;
        Vector512<float> c11_0 = default;
        for (int t = 0; t < depth; t++)
        {
            ref float mRow = ref Unsafe.Add(ref m, t * ldm);
            Vector512<float> m0 = Vector512.LoadUnsafe(ref mRow, 0);
            ref float sColumn = ref Unsafe.Add(ref s, t * depthStride);
            Vector512<float> s0 = Vector512.Create(sColumn); c0_0 = Vector512.FusedMultiplyAdd(s0, m0, c0_0);
            if (rows > 1) { Vector512<float> s1 = Vector512.Create(Unsafe.Add(ref sColumn, 1 * rowStride)); c1_0 = Vector512.FusedMultiplyAdd(s1, m0, c1_0); }
            if (rows > 2) { Vector512<float> s2 = Vector512.Create(Unsafe.Add(ref sColumn, 2 * rowStride)); c2_0 = Vector512.FusedMultiplyAdd(s2, m0, c2_0); }
            if (rows > 3) { Vector512<float> s3 = Vector512.Create(Unsafe.Add(ref sColumn, 3 * rowStride)); c3_0 = Vector512.FusedMultiplyAdd(s3, m0, c3_0); }
            if (rows > 4) { Vector512<float> s4 = Vector512.Create(Unsafe.Add(ref sColumn, 4 * rowStride)); c4_0 = Vector512.FusedMultiplyAdd(s4, m0, c4_0); }
            if (rows > 5) { Vector512<float> s5 = Vector512.Create(Unsafe.Add(ref sColumn, 5 * rowStride)); c5_0 = Vector512.FusedMultiplyAdd(s5, m0, c5_0); }
            if (rows > 6) { Vector512<float> s6 = Vector512.Create(Unsafe.Add(ref sColumn, 6 * rowStride)); c6_0 = Vector512.FusedMultiplyAdd(s6, m0, c6_0); }
            if (rows > 7) { Vector512<float> s7 = Vector512.Create(Unsafe.Add(ref sColumn, 7 * rowStride)); c7_0 = Vector512.FusedMultiplyAdd(s7, m0, c7_0); }
            if (rows > 8) { Vector512<float> s8 = Vector512.Create(Unsafe.Add(ref sColumn, 8 * rowStride)); c8_0 = Vector512.FusedMultiplyAdd(s8, m0, c8_0); }
            if (rows > 9) { Vector512<float> s9 = Vector512.Create(Unsafe.Add(ref sColumn, 9 * rowStride)); c9_0 = Vector512.FusedMultiplyAdd(s9, m0, c9_0); }
            if (rows > 10) { Vector512<float> s10 = Vector512.Create(Unsafe.Add(ref sColumn, 10 * rowStride)); c10_0 = Vector512.FusedMultiplyAdd(s10, m0, c10_0); }
            if (rows > 11) { Vector512<float> s11 = Vector512.Create(Unsafe.Add(ref sColumn, 11 * rowStride)); c11_0 = Vector512.FusedMultiplyAdd(s11, m0, c11_0); }
        }

        Vector512<float> scale = Vector512.Create(alpha);
        if (accumulate)
        {
            ref float c0 = ref c;
            Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c0_0, Vector512.LoadUnsafe(ref c0, 0)), ref c0, 0);
            if (rows > 1)
            {
                ref float c1 = ref Unsafe.Add(ref c, 1 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c1_0, Vector512.LoadUnsafe(ref c1, 0)), ref c1, 0);
            }
            if (rows > 2)
            {
                ref float c2 = ref Unsafe.Add(ref c, 2 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c2_0, Vector512.LoadUnsafe(ref c2, 0)), ref c2, 0);
            }
            if (rows > 3)
            {
                ref float c3 = ref Unsafe.Add(ref c, 3 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c3_0, Vector512.LoadUnsafe(ref c3, 0)), ref c3, 0);
            }
            if (rows > 4)
            {
                ref float c4 = ref Unsafe.Add(ref c, 4 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c4_0, Vector512.LoadUnsafe(ref c4, 0)), ref c4, 0);
            }
            if (rows > 5)
            {
                ref float c5 = ref Unsafe.Add(ref c, 5 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c5_0, Vector512.LoadUnsafe(ref c5, 0)), ref c5, 0);
            }
            if (rows > 6)
            {
                ref float c6 = ref Unsafe.Add(ref c, 6 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c6_0, Vector512.LoadUnsafe(ref c6, 0)), ref c6, 0);
            }
            if (rows > 7)
            {
                ref float c7 = ref Unsafe.Add(ref c, 7 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c7_0, Vector512.LoadUnsafe(ref c7, 0)), ref c7, 0);
            }
            if (rows > 8)
            {
                ref float c8 = ref Unsafe.Add(ref c, 8 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c8_0, Vector512.LoadUnsafe(ref c8, 0)), ref c8, 0);
            }
            if (rows > 9)
            {
                ref float c9 = ref Unsafe.Add(ref c, 9 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c9_0, Vector512.LoadUnsafe(ref c9, 0)), ref c9, 0);
            }
            if (rows > 10)
            {
                ref float c10 = ref Unsafe.Add(ref c, 10 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c10_0, Vector512.LoadUnsafe(ref c10, 0)), ref c10, 0);
            }
            if (rows > 11)
            {
                ref float c11 = ref Unsafe.Add(ref c, 11 * ldc);
                Vector512.StoreUnsafe(Vector512.FusedMultiplyAdd(scale, c11_0, Vector512.LoadUnsafe(ref c11, 0)), ref c11, 0);
            }
        }
        else
        {
            ref float c0 = ref c;
            Vector512.StoreUnsafe(scale * c0_0, ref c0, 0);
            if (rows > 1)
            {
                ref float c1 = ref Unsafe.Add(ref c, 1 * ldc);
                Vector512.StoreUnsafe(scale * c1_0, ref c1, 0);
            }
            if (rows > 2)
            {
                ref float c2 = ref Unsafe.Add(ref c, 2 * ldc);
                Vector512.StoreUnsafe(scale * c2_0, ref c2, 0);
            }
            if (rows > 3)
            {
                ref float c3 = ref Unsafe.Add(ref c, 3 * ldc);
                Vector512.StoreUnsafe(scale * c3_0, ref c3, 0);
            }
            if (rows > 4)
            {
                ref float c4 = ref Unsafe.Add(ref c, 4 * ldc);
                Vector512.StoreUnsafe(scale * c4_0, ref c4, 0);
            }
            if (rows > 5)
            {
                ref float c5 = ref Unsafe.Add(ref c, 5 * ldc);
                Vector512.StoreUnsafe(scale * c5_0, ref c5, 0);
            }
            if (rows > 6)
            {
                ref float c6 = ref Unsafe.Add(ref c, 6 * ldc);
                Vector512.StoreUnsafe(scale * c6_0, ref c6, 0);
            }
            if (rows > 7)
            {
                ref float c7 = ref Unsafe.Add(ref c, 7 * ldc);
                Vector512.StoreUnsafe(scale * c7_0, ref c7, 0);
            }
            if (rows > 8)
            {
                ref float c8 = ref Unsafe.Add(ref c, 8 * ldc);
                Vector512.StoreUnsafe(scale * c8_0, ref c8, 0);
            }
            if (rows > 9)
            {
                ref float c9 = ref Unsafe.Add(ref c, 9 * ldc);
                Vector512.StoreUnsafe(scale * c9_0, ref c9, 0);
            }
            if (rows > 10)
            {
                ref float c10 = ref Unsafe.Add(ref c, 10 * ldc);
                Vector512.StoreUnsafe(scale * c10_0, ref c10, 0);
            }
            if (rows > 11)
            {
                ref float c11 = ref Unsafe.Add(ref c, 11 * ldc);
                Vector512.StoreUnsafe(scale * c11_0, ref c11, 0);
            }
        }
    }
}
