using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetCompiler.Kernels.Blocks;

/// <summary>
/// The last 1–15 columns of a generated block product with AVX-512 masked loads and stores: one Vector512 per row
/// whose lanes past <c>columns</c> are neither read nor written (masked lanes do not fault), so a batch of 17 or 33
/// samples costs about the same per column as one of 16 or 32, and a batch smaller than 16 is still vectorized.
/// Same contract as <see cref="ColumnTail.MultiplyAdd"/>.
/// </summary>
internal static unsafe class MaskedBlock
{
    public static void Run(int rows, ref float s, nint rowStride, nint depthStride, ref float m, nint ldm, int depth, ref float c, nint ldc, int columns, float alpha, bool accumulate)
    {
        var mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(columns)).AsSingle();
        var scale = Vector512.Create(alpha);
        fixed (float* sBase = &s)
        fixed (float* mBase = &m)
        fixed (float* cBase = &c)
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
    private static void FourRows(float* s, nint rowStride, nint depthStride, float* m, nint ldm, int depth, float* c, nint ldc, Vector512<float> mask, Vector512<float> scale, bool accumulate)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
        int t = 0;
        for (; t + 2 <= depth; t += 2)
        {
            var even = Avx512F.MaskLoad(m + (t * ldm), mask, Vector512<float>.Zero);
            var odd = Avx512F.MaskLoad(m + ((t + 1) * ldm), mask, Vector512<float>.Zero);
            float* se = s + (t * depthStride);
            float* so = se + depthStride;
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(se[0]), even, a0);
            b0 = Vector512.FusedMultiplyAdd(Vector512.Create(so[0]), odd, b0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(se[rowStride]), even, a1);
            b1 = Vector512.FusedMultiplyAdd(Vector512.Create(so[rowStride]), odd, b1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(se[2 * rowStride]), even, a2);
            b2 = Vector512.FusedMultiplyAdd(Vector512.Create(so[2 * rowStride]), odd, b2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(se[3 * rowStride]), even, a3);
            b3 = Vector512.FusedMultiplyAdd(Vector512.Create(so[3 * rowStride]), odd, b3);
        }

        if (t < depth)
        {
            var last = Avx512F.MaskLoad(m + (t * ldm), mask, Vector512<float>.Zero);
            float* se = s + (t * depthStride);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(se[0]), last, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(se[rowStride]), last, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(se[2 * rowStride]), last, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(se[3 * rowStride]), last, a3);
        }

        Store(c, a0 + b0, mask, scale, accumulate);
        Store(c + ldc, a1 + b1, mask, scale, accumulate);
        Store(c + (2 * ldc), a2 + b2, mask, scale, accumulate);
        Store(c + (3 * ldc), a3 + b3, mask, scale, accumulate);
    }

    /// <summary>One row, with four accumulators over t so the FMA latency is still covered.</summary>
    private static void OneRow(float* s, nint depthStride, float* m, nint ldm, int depth, float* c, Vector512<float> mask, Vector512<float> scale, bool accumulate)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        int t = 0;
        for (; t + 4 <= depth; t += 4)
        {
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(s[t * depthStride]), Avx512F.MaskLoad(m + (t * ldm), mask, Vector512<float>.Zero), a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(s[(t + 1) * depthStride]), Avx512F.MaskLoad(m + ((t + 1) * ldm), mask, Vector512<float>.Zero), a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(s[(t + 2) * depthStride]), Avx512F.MaskLoad(m + ((t + 2) * ldm), mask, Vector512<float>.Zero), a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(s[(t + 3) * depthStride]), Avx512F.MaskLoad(m + ((t + 3) * ldm), mask, Vector512<float>.Zero), a3);
        }

        for (; t < depth; t++)
        {
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(s[t * depthStride]), Avx512F.MaskLoad(m + (t * ldm), mask, Vector512<float>.Zero), a0);
        }

        Store(c, (a0 + a1) + (a2 + a3), mask, scale, accumulate);
    }

    /// <summary><c>C = alpha · sum (+ C)</c> on the unmasked lanes only.</summary>
    private static void Store(float* c, Vector512<float> sum, Vector512<float> mask, Vector512<float> scale, bool accumulate)
    {
        var value = accumulate
            ? Vector512.FusedMultiplyAdd(scale, sum, Avx512F.MaskLoad(c, mask, Vector512<float>.Zero))
            : scale * sum;
        Avx512F.MaskStore(c, mask, value);
    }
}
