using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetCompiler.Training;

/// <summary>
/// The element-wise update of one optimizer, written once for a <see cref="Vector{T}"/> of
/// parameters. <see cref="VectorLoop.Update"/> runs it over whole buffers, tail included, so the
/// math exists in one place.
/// </summary>
internal interface IVectorUpdate
{
    /// <summary>Updates <paramref name="parameter"/> and the optimizer's state from the raw <paramref name="gradient"/>.</summary>
    void Update(ref Vector<float> parameter, Vector<float> gradient, ref Vector<float> state1, ref Vector<float> state2);
}

/// <summary>Vectorized loops over flat float buffers, shared by the optimizers and the trainer. Allocation-free.</summary>
internal static class VectorLoop
{
    /// <summary>
    /// Applies <paramref name="kernel"/> to every element. <paramref name="state1"/> and
    /// <paramref name="state2"/> are per-parameter state buffers, or empty when the optimizer has none.
    /// The last <c>Length mod Vector&lt;float&gt;.Count</c> elements go through the same kernel on a
    /// zero-padded copy, so every element sees exactly the same arithmetic.
    /// </summary>
    public static void Update<TKernel>(TKernel kernel, Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> state1, Span<float> state2)
        where TKernel : struct, IVectorUpdate
    {
        int width = Vector<float>.Count;
        int full = parameters.Length - (parameters.Length % width);
        var p = MemoryMarshal.Cast<float, Vector<float>>(parameters[..full]);
        var g = MemoryMarshal.Cast<float, Vector<float>>(gradient[..full]);
        var s1 = MemoryMarshal.Cast<float, Vector<float>>(state1.IsEmpty ? default : state1[..full]);
        var s2 = MemoryMarshal.Cast<float, Vector<float>>(state2.IsEmpty ? default : state2[..full]);
        Vector<float> unused1 = default;
        Vector<float> unused2 = default;
        for (int i = 0; i < p.Length; i++)
        {
            kernel.Update(
                ref p[i],
                g[i],
                ref s1.IsEmpty ? ref unused1 : ref s1[i],
                ref s2.IsEmpty ? ref unused2 : ref s2[i]);
        }

        if (full < parameters.Length)
        {
            UpdateTail(kernel, parameters, gradient, state1, state2, full);
        }
    }

    /// <summary>Runs <paramref name="kernel"/> on the elements from <paramref name="full"/> on, through a zero-padded vector.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UpdateTail<TKernel>(TKernel kernel, Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> state1, Span<float> state2, int full)
        where TKernel : struct, IVectorUpdate
    {
        int width = Vector<float>.Count;
        int tail = parameters.Length - full;
        Span<float> scratch = stackalloc float[4 * width];
        scratch.Clear();
        Span<float> tailParameters = scratch[..width];
        Span<float> tailGradient = scratch.Slice(width, width);
        Span<float> tailState1 = scratch.Slice(2 * width, width);
        Span<float> tailState2 = scratch.Slice(3 * width, width);
        parameters[full..].CopyTo(tailParameters);
        gradient[full..].CopyTo(tailGradient);
        if (!state1.IsEmpty)
        {
            state1[full..].CopyTo(tailState1);
        }

        if (!state2.IsEmpty)
        {
            state2[full..].CopyTo(tailState2);
        }

        kernel.Update(
            ref MemoryMarshal.Cast<float, Vector<float>>(tailParameters)[0],
            MemoryMarshal.Cast<float, Vector<float>>(tailGradient)[0],
            ref MemoryMarshal.Cast<float, Vector<float>>(tailState1)[0],
            ref MemoryMarshal.Cast<float, Vector<float>>(tailState2)[0]);
        tailParameters[..tail].CopyTo(parameters[full..]);
        if (!state1.IsEmpty)
        {
            tailState1[..tail].CopyTo(state1[full..]);
        }

        if (!state2.IsEmpty)
        {
            tailState2[..tail].CopyTo(state2[full..]);
        }
    }

    /// <summary>
    /// <c>Σ xᵢ²</c> accumulated in float with four vector accumulators. NaN or ∞ when a value is
    /// not finite, and also (rarely) when finite values overflow a float; callers tell the two apart.
    /// </summary>
    public static float SumOfSquares(ReadOnlySpan<float> values)
    {
        int width = Vector<float>.Count;
        int full = values.Length - (values.Length % (4 * width));
        var v = MemoryMarshal.Cast<float, Vector<float>>(values[..full]);
        Vector<float> a0 = default, a1 = default, a2 = default, a3 = default;
        for (int i = 0; i < v.Length; i += 4)
        {
            a0 += v[i] * v[i];
            a1 += v[i + 1] * v[i + 1];
            a2 += v[i + 2] * v[i + 2];
            a3 += v[i + 3] * v[i + 3];
        }

        float sum = Vector.Sum((a0 + a1) + (a2 + a3));
        foreach (float x in values[full..])
        {
            sum += x * x;
        }

        return sum;
    }
}
