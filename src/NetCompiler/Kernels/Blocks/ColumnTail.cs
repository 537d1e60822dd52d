using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetCompiler.Kernels.Blocks;

/// <summary>
/// The last columns of a <see cref="RowTile"/>, fewer than its narrowest register block: with AVX-512 one masked
/// vector per row (<see cref="MaskedBlock"/>), otherwise scalar multiply-adds. Called by generated code; not meant to be
/// called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ColumnTail
{
    /// <summary>
    /// <c>C[r, c] = alpha · Σ_t S[r·rowStride + t·depthStride] · M[t·ldm + c] (+ C[r, c] when accumulate)</c>
    /// for r &lt; <paramref name="rows"/> and c &lt; <paramref name="columns"/>.
    /// </summary>
    public static void MultiplyAdd(int rows, ref float s, nint rowStride, nint depthStride, ref float m, nint ldm, int depth, ref float c, nint ldc, int columns, float alpha, bool accumulate)
    {
        if (Avx512F.IsSupported && columns < Vector512<float>.Count)
        {
            MaskedBlock.Run(rows, ref s, rowStride, depthStride, ref m, ldm, depth, ref c, ldc, columns, alpha, accumulate);
            return;
        }

        for (int r = 0; r < rows; r++)
        {
            ref float sRow = ref Unsafe.Add(ref s, r * rowStride);
            ref float cRow = ref Unsafe.Add(ref c, r * ldc);
            for (int column = 0; column < columns; column++)
            {
                float sum = 0f;
                for (int t = 0; t < depth; t++)
                {
                    sum += Unsafe.Add(ref sRow, t * depthStride) * Unsafe.Add(ref m, (t * ldm) + column);
                }

                ref float target = ref Unsafe.Add(ref cRow, column);
                target = accumulate ? target + (alpha * sum) : alpha * sum;
            }
        }
    }
}
