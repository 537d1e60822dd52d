using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetCompiler.Kernels.Blocks;

/// <summary>
/// The last 1–15 columns (1–7 for double) of a generated block product with AVX-512 masked loads and stores: one Vector512 per row
/// whose lanes past <c>columns</c> are neither read nor written (masked lanes do not fault), so a batch of 17 or 33
/// samples costs about the same per column as one of 16 or 32, and a batch smaller than 16 is still vectorized.
/// Same contract as <see cref="ColumnTail.MultiplyAdd"/>.
/// </summary>
internal static unsafe class MaskedBlock
{
    public static void Run<T>(int rows, ref T s, nint rowStride, nint depthStride, ref T m, nint ldm, int depth, ref T c, nint ldc, int columns, T alpha, bool accumulate)
        where T : unmanaged
    {
        var mask = Lanes.FirstLanes<T>(columns);
        var scale = Vector512.Create(alpha);
        fixed (T* sBase = &s)
        fixed (T* mBase = &m)
        fixed (T* cBase = &c)
        {
            int r = 0;
            for (; r + 4 <= rows; r += 4)
            {
                FourRows(sBase + (r * rowStride), rowStride, depthStride, mBase, ldm, depth, cBase + (r * ldc), ldc, mask, scale, accumulate);
            }

            for (; r < rows; r++)
            {
                OneRow(sBase + (r * rowStride), depthStride, mBase, ldm, depth, cBase + (r * ldc), mask, scale, accumulate);
            }
        }
    }

    /// <summary>Four rows, each with two accumulators (even and odd t): eight independent FMA chains.</summary>
    private static void FourRows<T>(T* s, nint rowStride, nint depthStride, T* m, nint ldm, int depth, T* c, nint ldc, Vector512<T> mask, Vector512<T> scale, bool accumulate)
        where T : unmanaged
    {
        Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<T> b0 = default, b1 = default, b2 = default, b3 = default;
        int t = 0;
        for (; t + 2 <= depth; t += 2)
        {
            var even = Lanes.MaskLoad(m + (t * ldm), mask);
            var odd = Lanes.MaskLoad(m + ((t + 1) * ldm), mask);
            T* se = s + (t * depthStride);
            T* so = se + depthStride;
            a0 = Lanes.MultiplyAdd(Vector512.Create(se[0]), even, a0);
            b0 = Lanes.MultiplyAdd(Vector512.Create(so[0]), odd, b0);
            a1 = Lanes.MultiplyAdd(Vector512.Create(se[rowStride]), even, a1);
            b1 = Lanes.MultiplyAdd(Vector512.Create(so[rowStride]), odd, b1);
            a2 = Lanes.MultiplyAdd(Vector512.Create(se[2 * rowStride]), even, a2);
            b2 = Lanes.MultiplyAdd(Vector512.Create(so[2 * rowStride]), odd, b2);
            a3 = Lanes.MultiplyAdd(Vector512.Create(se[3 * rowStride]), even, a3);
            b3 = Lanes.MultiplyAdd(Vector512.Create(so[3 * rowStride]), odd, b3);
        }

        if (t < depth)
        {
            var last = Lanes.MaskLoad(m + (t * ldm), mask);
            T* se = s + (t * depthStride);
            a0 = Lanes.MultiplyAdd(Vector512.Create(se[0]), last, a0);
            a1 = Lanes.MultiplyAdd(Vector512.Create(se[rowStride]), last, a1);
            a2 = Lanes.MultiplyAdd(Vector512.Create(se[2 * rowStride]), last, a2);
            a3 = Lanes.MultiplyAdd(Vector512.Create(se[3 * rowStride]), last, a3);
        }

        Store(c, a0 + b0, mask, scale, accumulate);
        Store(c + ldc, a1 + b1, mask, scale, accumulate);
        Store(c + (2 * ldc), a2 + b2, mask, scale, accumulate);
        Store(c + (3 * ldc), a3 + b3, mask, scale, accumulate);
    }

    /// <summary>One row, with four accumulators over t so the FMA latency is still covered.</summary>
    private static void OneRow<T>(T* s, nint depthStride, T* m, nint ldm, int depth, T* c, Vector512<T> mask, Vector512<T> scale, bool accumulate)
        where T : unmanaged
    {
        Vector512<T> a0 = default, a1 = default, a2 = default, a3 = default;
        int t = 0;
        for (; t + 4 <= depth; t += 4)
        {
            a0 = Lanes.MultiplyAdd(Vector512.Create(s[t * depthStride]), Lanes.MaskLoad(m + (t * ldm), mask), a0);
            a1 = Lanes.MultiplyAdd(Vector512.Create(s[(t + 1) * depthStride]), Lanes.MaskLoad(m + ((t + 1) * ldm), mask), a1);
            a2 = Lanes.MultiplyAdd(Vector512.Create(s[(t + 2) * depthStride]), Lanes.MaskLoad(m + ((t + 2) * ldm), mask), a2);
            a3 = Lanes.MultiplyAdd(Vector512.Create(s[(t + 3) * depthStride]), Lanes.MaskLoad(m + ((t + 3) * ldm), mask), a3);
        }

        for (; t < depth; t++)
        {
            a0 = Lanes.MultiplyAdd(Vector512.Create(s[t * depthStride]), Lanes.MaskLoad(m + (t * ldm), mask), a0);
        }

        Store(c, (a0 + a1) + (a2 + a3), mask, scale, accumulate);
    }

    /// <summary><c>C = alpha · sum (+ C)</c> on the unmasked lanes only.</summary>
    private static void Store<T>(T* c, Vector512<T> sum, Vector512<T> mask, Vector512<T> scale, bool accumulate)
        where T : unmanaged
    {
        var value = accumulate
            ? Lanes.MultiplyAdd(scale, sum, Lanes.MaskLoad(c, mask))
            : scale * sum;
        Lanes.MaskStore(c, mask, value);
    }
}
