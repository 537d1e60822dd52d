using System.Numerics;
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
    public static void MultiplyAdd<T>(int rows, ref T s, nint rowStride, nint depthStride, ref T m, nint ldm, int depth, ref T c, nint ldc, int columns, T alpha, bool accumulate)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Avx512F.IsSupported && columns < Vector512<T>.Count)
        {
            MaskedBlock.Run(rows, ref s, rowStride, depthStride, ref m, ldm, depth, ref c, ldc, columns, alpha, accumulate);
            return;
        }

        for (int r = 0; r < rows; r++)
        {
            ref T sRow = ref Unsafe.Add(ref s, r * rowStride);
            ref T cRow = ref Unsafe.Add(ref c, r * ldc);
            for (int column = 0; column < columns; column++)
            {
                T sum = T.Zero;
                for (int t = 0; t < depth; t++)
                {
                    sum += Unsafe.Add(ref sRow, t * depthStride) * Unsafe.Add(ref m, (t * ldm) + column);
                }

                ref T target = ref Unsafe.Add(ref cRow, column);
                target = accumulate ? target + (alpha * sum) : alpha * sum;
            }
        }
    }
}
