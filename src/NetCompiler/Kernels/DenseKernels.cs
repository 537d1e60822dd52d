using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Kernels;

/// <summary>
/// The vector primitives generated code uses for layers too large to unroll. Sizes are checked by
/// the generated caller, which slices every span to its compile-time length.
/// </summary>
public static class DenseKernels
{
    /// <summary>Returns <c>Σ_i x_i y_i</c> over <c>x.Length</c> elements.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        y = y[..x.Length];
        int i = 0;
        float sum = 0f;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var xs = MemoryMarshal.Cast<float, Vector<float>>(x);
            var ys = MemoryMarshal.Cast<float, Vector<float>>(y);
            var accumulator0 = Vector<float>.Zero;
            var accumulator1 = Vector<float>.Zero;
            int v = 0;
            for (; v + 1 < xs.Length; v += 2)
            {
                accumulator0 += xs[v] * ys[v];
                accumulator1 += xs[v + 1] * ys[v + 1];
            }

            if (v < xs.Length)
            {
                accumulator0 += xs[v] * ys[v];
            }

            sum = Vector.Sum(accumulator0 + accumulator1);
            i = xs.Length * Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }

    /// <summary>
    /// The matrix-vector product of one sample: <c>z = W x + b</c> with <c>W</c> row-major
    /// <c>[bias.Length, x.Length]</c>. With 512-bit vectors, four rows share each load of x, so the
    /// product runs at the speed weights stream in from cache; otherwise one <see cref="Dot"/> per row.
    /// </summary>
    public static void MatrixVector(ReadOnlySpan<float> weights, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> z)
    {
        int rows = bias.Length;
        int columns = x.Length;
        if (weights.Length < rows * columns || z.Length < rows)
        {
            throw new ArgumentException("The weights must be [bias.Length, x.Length] and z must hold bias.Length values.");
        }

        int row = 0;
        if (Vector512.IsHardwareAccelerated && columns >= Vector512<float>.Count)
        {
            ref float w = ref MemoryMarshal.GetReference(weights);
            ref float input = ref MemoryMarshal.GetReference(x);
            int vectorColumns = columns - (columns % Vector512<float>.Count);
            for (; row + 4 <= rows; row += 4)
            {
                ref float w0 = ref Unsafe.Add(ref w, (nint)row * columns);
                ref float w1 = ref Unsafe.Add(ref w0, columns);
                ref float w2 = ref Unsafe.Add(ref w1, columns);
                ref float w3 = ref Unsafe.Add(ref w2, columns);
                Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
                for (int k = 0; k < vectorColumns; k += Vector512<float>.Count)
                {
                    var v = Vector512.LoadUnsafe(ref input, (nuint)k);
                    c0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, (nuint)k), v, c0);
                    c1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w1, (nuint)k), v, c1);
                    c2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w2, (nuint)k), v, c2);
                    c3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w3, (nuint)k), v, c3);
                }

                float s0 = Vector512.Sum(c0), s1 = Vector512.Sum(c1), s2 = Vector512.Sum(c2), s3 = Vector512.Sum(c3);
                for (int k = vectorColumns; k < columns; k++)
                {
                    float xk = Unsafe.Add(ref input, k);
                    s0 += Unsafe.Add(ref w0, k) * xk;
                    s1 += Unsafe.Add(ref w1, k) * xk;
                    s2 += Unsafe.Add(ref w2, k) * xk;
                    s3 += Unsafe.Add(ref w3, k) * xk;
                }

                z[row] = bias[row] + s0;
                z[row + 1] = bias[row + 1] + s1;
                z[row + 2] = bias[row + 2] + s2;
                z[row + 3] = bias[row + 3] + s3;
            }
        }

        for (; row < rows; row++)
        {
            z[row] = bias[row] + Dot(weights.Slice(row * columns, columns), x);
        }
    }

    /// <summary>Computes <c>y ← y + α x</c> over <c>x.Length</c> elements.</summary>
    public static void AddScaled(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        y = y[..x.Length];
        int i = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var xs = MemoryMarshal.Cast<float, Vector<float>>(x);
            var ys = MemoryMarshal.Cast<float, Vector<float>>(y);
            var scale = new Vector<float>(alpha);
            for (int v = 0; v < xs.Length; v++)
            {
                ys[v] += scale * xs[v];
            }

            i = xs.Length * Vector<float>.Count;
        }

        for (; i < x.Length; i++)
        {
            y[i] += alpha * x[i];
        }
    }
}
