using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Kernels.Blocks;

/// <summary>
/// Register-blocked products with the narrower vectors, written once for both widths: <see cref="Vector256{T}"/> on
/// x64 without AVX-512 (<see cref="Lanes256{T}"/>) and <see cref="Vector128{T}"/> on machines with neither AVX-512 nor AVX
/// (Arm64, x64 without AVX, NativeAOT builds for x64's default instruction set; <see cref="Lanes128{T}"/>). 16 vector
/// registers (AVX2, SSE) bound the block sizes. Called through <see cref="RowTile"/>.
/// </summary>
/// <remarks>
/// Every accumulator is a local of its own so that the JIT keeps it in a register; the rows past <c>TRows</c> are
/// removed when the JIT compiles the instantiation, since <c>TRows.Value</c> is then a constant. In the depth loop each
/// broadcast of S is used right away, so the live registers are the accumulators, the row vectors of M, one broadcast
/// and alpha.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TLanes">The width's operations.</typeparam>
/// <typeparam name="TVector">The width's vector type.</typeparam>
internal static class NarrowBlock<T, TLanes, TVector>
    where T : unmanaged
    where TLanes : struct, ILanes<T, TVector>
    where TVector : struct
{
    /// <summary>
    /// Up to 6 rows × 2 vectors of columns of <c>C = alpha · S M (+ C)</c>: <c>C[r, k] = alpha · Σ_t S[r·rowStride + t·depthStride] · M[t·ldm + k]</c>
    /// for k below two vectors' lanes, plus the old C when <paramref name="accumulate"/>. 6 rows × 2 vectors = 12
    /// accumulators + 2 + 1 + 1 = all 16 registers and no spill, with 12 independent multiply-add chains; wider or taller
    /// blocks would spill in the loop.
    /// </summary>
    /// <typeparam name="TRows">The number of rows, 1 to 6: a constant for the JIT, so the rows the block does not have are compiled out.</typeparam>
    public static void TwoVectors<TRows>(ref T s, nint rowStride, nint depthStride, ref T m, nint ldm, int depth, ref T c, nint ldc, T alpha, bool accumulate)
        where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        Debug.Assert(rows is >= 1 and <= 6);
        nuint lanes = (nuint)TLanes.Count;
        if (accumulate)
        {
            // The old C is read after the depth loop: ask for its lines now.
            MatrixKernels.Prefetch(ref c, ldc, rows, 2 * TLanes.Count * Unsafe.SizeOf<T>());
        }

        TVector c0_0 = default, c0_1 = default;
        TVector c1_0 = default, c1_1 = default;
        TVector c2_0 = default, c2_1 = default;
        TVector c3_0 = default, c3_1 = default;
        TVector c4_0 = default, c4_1 = default;
        TVector c5_0 = default, c5_1 = default;
        for (int t = 0; t < depth; t++)
        {
            ref T mRow = ref Unsafe.Add(ref m, t * ldm);
            TVector m0 = TLanes.Load(ref mRow, 0);
            TVector m1 = TLanes.Load(ref mRow, lanes);
            ref T sColumn = ref Unsafe.Add(ref s, t * depthStride);
            TVector s0 = TLanes.Broadcast(sColumn); c0_0 = TLanes.MultiplyAdd(s0, m0, c0_0); c0_1 = TLanes.MultiplyAdd(s0, m1, c0_1);
            if (rows > 1) { TVector s1 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 1 * rowStride)); c1_0 = TLanes.MultiplyAdd(s1, m0, c1_0); c1_1 = TLanes.MultiplyAdd(s1, m1, c1_1); }
            if (rows > 2) { TVector s2 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 2 * rowStride)); c2_0 = TLanes.MultiplyAdd(s2, m0, c2_0); c2_1 = TLanes.MultiplyAdd(s2, m1, c2_1); }
            if (rows > 3) { TVector s3 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 3 * rowStride)); c3_0 = TLanes.MultiplyAdd(s3, m0, c3_0); c3_1 = TLanes.MultiplyAdd(s3, m1, c3_1); }
            if (rows > 4) { TVector s4 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 4 * rowStride)); c4_0 = TLanes.MultiplyAdd(s4, m0, c4_0); c4_1 = TLanes.MultiplyAdd(s4, m1, c4_1); }
            if (rows > 5) { TVector s5 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 5 * rowStride)); c5_0 = TLanes.MultiplyAdd(s5, m0, c5_0); c5_1 = TLanes.MultiplyAdd(s5, m1, c5_1); }
        }

        TVector scale = TLanes.Broadcast(alpha);
        if (accumulate)
        {
            ref T c0 = ref c;
            TLanes.Store(TLanes.MultiplyAdd(scale, c0_0, TLanes.Load(ref c0, 0)), ref c0, 0);
            TLanes.Store(TLanes.MultiplyAdd(scale, c0_1, TLanes.Load(ref c0, lanes)), ref c0, lanes);
            if (rows > 1)
            {
                ref T c1 = ref Unsafe.Add(ref c, 1 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c1_0, TLanes.Load(ref c1, 0)), ref c1, 0);
                TLanes.Store(TLanes.MultiplyAdd(scale, c1_1, TLanes.Load(ref c1, lanes)), ref c1, lanes);
            }
            if (rows > 2)
            {
                ref T c2 = ref Unsafe.Add(ref c, 2 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c2_0, TLanes.Load(ref c2, 0)), ref c2, 0);
                TLanes.Store(TLanes.MultiplyAdd(scale, c2_1, TLanes.Load(ref c2, lanes)), ref c2, lanes);
            }
            if (rows > 3)
            {
                ref T c3 = ref Unsafe.Add(ref c, 3 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c3_0, TLanes.Load(ref c3, 0)), ref c3, 0);
                TLanes.Store(TLanes.MultiplyAdd(scale, c3_1, TLanes.Load(ref c3, lanes)), ref c3, lanes);
            }
            if (rows > 4)
            {
                ref T c4 = ref Unsafe.Add(ref c, 4 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c4_0, TLanes.Load(ref c4, 0)), ref c4, 0);
                TLanes.Store(TLanes.MultiplyAdd(scale, c4_1, TLanes.Load(ref c4, lanes)), ref c4, lanes);
            }
            if (rows > 5)
            {
                ref T c5 = ref Unsafe.Add(ref c, 5 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c5_0, TLanes.Load(ref c5, 0)), ref c5, 0);
                TLanes.Store(TLanes.MultiplyAdd(scale, c5_1, TLanes.Load(ref c5, lanes)), ref c5, lanes);
            }
        }
        else
        {
            ref T c0 = ref c;
            TLanes.Store(TLanes.Multiply(scale, c0_0), ref c0, 0);
            TLanes.Store(TLanes.Multiply(scale, c0_1), ref c0, lanes);
            if (rows > 1)
            {
                ref T c1 = ref Unsafe.Add(ref c, 1 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c1_0), ref c1, 0);
                TLanes.Store(TLanes.Multiply(scale, c1_1), ref c1, lanes);
            }
            if (rows > 2)
            {
                ref T c2 = ref Unsafe.Add(ref c, 2 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c2_0), ref c2, 0);
                TLanes.Store(TLanes.Multiply(scale, c2_1), ref c2, lanes);
            }
            if (rows > 3)
            {
                ref T c3 = ref Unsafe.Add(ref c, 3 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c3_0), ref c3, 0);
                TLanes.Store(TLanes.Multiply(scale, c3_1), ref c3, lanes);
            }
            if (rows > 4)
            {
                ref T c4 = ref Unsafe.Add(ref c, 4 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c4_0), ref c4, 0);
                TLanes.Store(TLanes.Multiply(scale, c4_1), ref c4, lanes);
            }
            if (rows > 5)
            {
                ref T c5 = ref Unsafe.Add(ref c, 5 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c5_0), ref c5, 0);
                TLanes.Store(TLanes.Multiply(scale, c5_1), ref c5, lanes);
            }
        }
    }

    /// <summary>
    /// Up to 12 rows × 1 vector of columns of <c>C = alpha · S M (+ C)</c>, as <see cref="TwoVectors{TRows}"/>: 12 rows ×
    /// 1 vector = 12 accumulators + 1 + 1 + 1 = 15 of the 16 registers.
    /// </summary>
    /// <typeparam name="TRows">The number of rows, 1 to 12: a constant for the JIT, so the rows the block does not have are compiled out.</typeparam>
    public static void OneVector<TRows>(ref T s, nint rowStride, nint depthStride, ref T m, nint ldm, int depth, ref T c, nint ldc, T alpha, bool accumulate)
        where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        Debug.Assert(rows is >= 1 and <= 12);
        nuint lanes = (nuint)TLanes.Count;
        if (accumulate)
        {
            // The old C is read after the depth loop: ask for its lines now.
            MatrixKernels.Prefetch(ref c, ldc, rows, 1 * TLanes.Count * Unsafe.SizeOf<T>());
        }

        TVector c0_0 = default;
        TVector c1_0 = default;
        TVector c2_0 = default;
        TVector c3_0 = default;
        TVector c4_0 = default;
        TVector c5_0 = default;
        TVector c6_0 = default;
        TVector c7_0 = default;
        TVector c8_0 = default;
        TVector c9_0 = default;
        TVector c10_0 = default;
        TVector c11_0 = default;
        for (int t = 0; t < depth; t++)
        {
            ref T mRow = ref Unsafe.Add(ref m, t * ldm);
            TVector m0 = TLanes.Load(ref mRow, 0);
            ref T sColumn = ref Unsafe.Add(ref s, t * depthStride);
            TVector s0 = TLanes.Broadcast(sColumn); c0_0 = TLanes.MultiplyAdd(s0, m0, c0_0);
            if (rows > 1) { TVector s1 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 1 * rowStride)); c1_0 = TLanes.MultiplyAdd(s1, m0, c1_0); }
            if (rows > 2) { TVector s2 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 2 * rowStride)); c2_0 = TLanes.MultiplyAdd(s2, m0, c2_0); }
            if (rows > 3) { TVector s3 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 3 * rowStride)); c3_0 = TLanes.MultiplyAdd(s3, m0, c3_0); }
            if (rows > 4) { TVector s4 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 4 * rowStride)); c4_0 = TLanes.MultiplyAdd(s4, m0, c4_0); }
            if (rows > 5) { TVector s5 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 5 * rowStride)); c5_0 = TLanes.MultiplyAdd(s5, m0, c5_0); }
            if (rows > 6) { TVector s6 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 6 * rowStride)); c6_0 = TLanes.MultiplyAdd(s6, m0, c6_0); }
            if (rows > 7) { TVector s7 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 7 * rowStride)); c7_0 = TLanes.MultiplyAdd(s7, m0, c7_0); }
            if (rows > 8) { TVector s8 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 8 * rowStride)); c8_0 = TLanes.MultiplyAdd(s8, m0, c8_0); }
            if (rows > 9) { TVector s9 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 9 * rowStride)); c9_0 = TLanes.MultiplyAdd(s9, m0, c9_0); }
            if (rows > 10) { TVector s10 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 10 * rowStride)); c10_0 = TLanes.MultiplyAdd(s10, m0, c10_0); }
            if (rows > 11) { TVector s11 = TLanes.Broadcast(Unsafe.Add(ref sColumn, 11 * rowStride)); c11_0 = TLanes.MultiplyAdd(s11, m0, c11_0); }
        }

        TVector scale = TLanes.Broadcast(alpha);
        if (accumulate)
        {
            ref T c0 = ref c;
            TLanes.Store(TLanes.MultiplyAdd(scale, c0_0, TLanes.Load(ref c0, 0)), ref c0, 0);
            if (rows > 1)
            {
                ref T c1 = ref Unsafe.Add(ref c, 1 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c1_0, TLanes.Load(ref c1, 0)), ref c1, 0);
            }
            if (rows > 2)
            {
                ref T c2 = ref Unsafe.Add(ref c, 2 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c2_0, TLanes.Load(ref c2, 0)), ref c2, 0);
            }
            if (rows > 3)
            {
                ref T c3 = ref Unsafe.Add(ref c, 3 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c3_0, TLanes.Load(ref c3, 0)), ref c3, 0);
            }
            if (rows > 4)
            {
                ref T c4 = ref Unsafe.Add(ref c, 4 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c4_0, TLanes.Load(ref c4, 0)), ref c4, 0);
            }
            if (rows > 5)
            {
                ref T c5 = ref Unsafe.Add(ref c, 5 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c5_0, TLanes.Load(ref c5, 0)), ref c5, 0);
            }
            if (rows > 6)
            {
                ref T c6 = ref Unsafe.Add(ref c, 6 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c6_0, TLanes.Load(ref c6, 0)), ref c6, 0);
            }
            if (rows > 7)
            {
                ref T c7 = ref Unsafe.Add(ref c, 7 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c7_0, TLanes.Load(ref c7, 0)), ref c7, 0);
            }
            if (rows > 8)
            {
                ref T c8 = ref Unsafe.Add(ref c, 8 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c8_0, TLanes.Load(ref c8, 0)), ref c8, 0);
            }
            if (rows > 9)
            {
                ref T c9 = ref Unsafe.Add(ref c, 9 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c9_0, TLanes.Load(ref c9, 0)), ref c9, 0);
            }
            if (rows > 10)
            {
                ref T c10 = ref Unsafe.Add(ref c, 10 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c10_0, TLanes.Load(ref c10, 0)), ref c10, 0);
            }
            if (rows > 11)
            {
                ref T c11 = ref Unsafe.Add(ref c, 11 * ldc);
                TLanes.Store(TLanes.MultiplyAdd(scale, c11_0, TLanes.Load(ref c11, 0)), ref c11, 0);
            }
        }
        else
        {
            ref T c0 = ref c;
            TLanes.Store(TLanes.Multiply(scale, c0_0), ref c0, 0);
            if (rows > 1)
            {
                ref T c1 = ref Unsafe.Add(ref c, 1 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c1_0), ref c1, 0);
            }
            if (rows > 2)
            {
                ref T c2 = ref Unsafe.Add(ref c, 2 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c2_0), ref c2, 0);
            }
            if (rows > 3)
            {
                ref T c3 = ref Unsafe.Add(ref c, 3 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c3_0), ref c3, 0);
            }
            if (rows > 4)
            {
                ref T c4 = ref Unsafe.Add(ref c, 4 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c4_0), ref c4, 0);
            }
            if (rows > 5)
            {
                ref T c5 = ref Unsafe.Add(ref c, 5 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c5_0), ref c5, 0);
            }
            if (rows > 6)
            {
                ref T c6 = ref Unsafe.Add(ref c, 6 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c6_0), ref c6, 0);
            }
            if (rows > 7)
            {
                ref T c7 = ref Unsafe.Add(ref c, 7 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c7_0), ref c7, 0);
            }
            if (rows > 8)
            {
                ref T c8 = ref Unsafe.Add(ref c, 8 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c8_0), ref c8, 0);
            }
            if (rows > 9)
            {
                ref T c9 = ref Unsafe.Add(ref c, 9 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c9_0), ref c9, 0);
            }
            if (rows > 10)
            {
                ref T c10 = ref Unsafe.Add(ref c, 10 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c10_0), ref c10, 0);
            }
            if (rows > 11)
            {
                ref T c11 = ref Unsafe.Add(ref c, 11 * ldc);
                TLanes.Store(TLanes.Multiply(scale, c11_0), ref c11, 0);
            }
        }
    }
}
