using System.Numerics;
using System.Runtime.InteropServices;

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
