using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetCompiler.Kernels;

/// <summary>
/// Topology-independent helpers of the batched (matrix-form) kernels: layout changes between
/// sample-major <c>[count, features]</c> and feature-major <c>[features, count]</c> buffers, and the
/// scalar tail of the generated register-blocked products.
/// </summary>
public static class MatrixKernels
{
    /// <summary>Writes the transpose of the row-major <c>[rows, columns]</c> matrix <paramref name="source"/> into <paramref name="destination"/> (<c>[columns, rows]</c>).</summary>
    public static void Transpose(ReadOnlySpan<float> source, int rows, int columns, Span<float> destination)
    {
        if (source.Length < rows * columns || destination.Length < rows * columns)
        {
            throw new ArgumentException("The buffers are smaller than rows × columns.");
        }

        ref float from = ref MemoryMarshal.GetReference(source);
        ref float to = ref MemoryMarshal.GetReference(destination);
        // 8×8 blocks keep both the reads and the writes within a few cache lines.
        const int Block = 8;
        for (int r0 = 0; r0 < rows; r0 += Block)
        {
            int r1 = Math.Min(r0 + Block, rows);
            for (int c0 = 0; c0 < columns; c0 += Block)
            {
                int c1 = Math.Min(c0 + Block, columns);
                for (int r = r0; r < r1; r++)
                {
                    for (int c = c0; c < c1; c++)
                    {
                        Unsafe.Add(ref to, (nint)c * rows + r) = Unsafe.Add(ref from, (nint)r * columns + c);
                    }
                }
            }
        }
    }

    /// <summary>Sets every row j of the row-major <c>[bias.Length, columns]</c> matrix to <c>bias[j]</c>.</summary>
    public static void FillRows(ReadOnlySpan<float> bias, Span<float> matrix, int columns)
    {
        for (int j = 0; j < bias.Length; j++)
        {
            matrix.Slice(j * columns, columns).Fill(bias[j]);
        }
    }

    /// <summary>
    /// Scalar tail of a generated block product, for the last columns that do not fill a vector:
    /// <c>C[r, c] = alpha · Σ_t S[r·rowStride + t·depthStride] · M[t·ldm + c] (+ C[r, c] when accumulate)</c>
    /// for r &lt; rows and c &lt; columns.
    /// </summary>
    public static void ScalarBlock(int rows, ref float s, nint rowStride, nint depthStride, ref float m, nint ldm, int depth, ref float c, nint ldc, int columns, float alpha, bool accumulate)
    {
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

    /// <summary>Applies <c>b[j] ← b[j] + alpha · Σ_c H[j, c]</c> for the row-major <c>[b.Length, columns]</c> matrix H.</summary>
    public static void AddScaledRowSums(ReadOnlySpan<float> h, int columns, float alpha, Span<float> bias)
    {
        for (int j = 0; j < bias.Length; j++)
        {
            var row = h.Slice(j * columns, columns);
            float sum = 0f;
            int i = 0;
            if (Vector.IsHardwareAccelerated && row.Length >= Vector<float>.Count)
            {
                var accumulator = Vector<float>.Zero;
                var vectors = MemoryMarshal.Cast<float, Vector<float>>(row);
                foreach (var v in vectors)
                {
                    accumulator += v;
                }

                sum = Vector.Sum(accumulator);
                i = vectors.Length * Vector<float>.Count;
            }

            for (; i < row.Length; i++)
            {
                sum += row[i];
            }

            bias[j] += alpha * sum;
        }
    }

    /// <summary>Copies column <paramref name="column"/> of the row-major <c>[destination.Length, columns]</c> matrix into <paramref name="destination"/>.</summary>
    public static void GatherColumn(ReadOnlySpan<float> matrix, int columns, int column, Span<float> destination)
    {
        for (int k = 0; k < destination.Length; k++)
        {
            destination[k] = matrix[(k * columns) + column];
        }
    }

    /// <summary>Writes <paramref name="source"/> into column <paramref name="column"/> of the row-major <c>[source.Length, columns]</c> matrix.</summary>
    public static void ScatterColumn(ReadOnlySpan<float> source, Span<float> matrix, int columns, int column)
    {
        for (int k = 0; k < source.Length; k++)
        {
            matrix[(k * columns) + column] = source[k];
        }
    }
}
