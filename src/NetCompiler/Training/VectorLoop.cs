using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Training;

/// <summary>
/// The element-wise update of one optimizer, written once with the operators of <see cref="IFloatVector{TSelf}"/>;
/// <see cref="VectorLoop.Update{TKernel}"/> runs it over whole buffers, tail included, at the widest vector width the machine
/// accelerates, so the math exists in one place.
/// </summary>
internal interface IVectorUpdate
{
    /// <summary>Updates <paramref name="parameter"/> and the optimizer's state from the raw <paramref name="gradient"/>.</summary>
    void Update<TVector>(ref TVector parameter, TVector gradient, ref TVector state1, ref TVector state2)
        where TVector : struct, IFloatVector<TVector>;
}

/// <summary>Vectorized loops over flat float buffers, shared by the optimizers and the trainer. Allocation-free.</summary>
internal static class VectorLoop
{
    /// <summary>
    /// Applies <paramref name="kernel"/> to every element, one pass over the buffers with the widest accelerated
    /// vectors (512, 256 or 128 bits). <paramref name="state1"/> and <paramref name="state2"/> are per-parameter state
    /// buffers, or empty when the optimizer has none. The last <c>Length mod Count</c> elements go through the same
    /// kernel on a zero-padded copy, so every element sees exactly the same arithmetic, whatever the width.
    /// </summary>
    public static void Update<TKernel>(TKernel kernel, Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> state1, Span<float> state2)
        where TKernel : struct, IVectorUpdate
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Update<TKernel, Float512>(kernel, parameters, gradient, state1, state2);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Update<TKernel, Float256>(kernel, parameters, gradient, state1, state2);
        }
        else
        {
            Update<TKernel, Float128>(kernel, parameters, gradient, state1, state2);
        }
    }

    /// <summary><see cref="Update{TKernel}"/> with vectors of <typeparamref name="TVector"/>.</summary>
    internal static void Update<TKernel, TVector>(TKernel kernel, Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> state1, Span<float> state2)
        where TKernel : struct, IVectorUpdate
        where TVector : struct, IFloatVector<TVector>
    {
        int width = TVector.Count;
        nuint full = (nuint)(parameters.Length - (parameters.Length % width));
        ref float p = ref MemoryMarshal.GetReference(parameters);
        ref float g = ref MemoryMarshal.GetReference(gradient);
        bool hasState1 = !state1.IsEmpty;
        bool hasState2 = !state2.IsEmpty;
        ref float s1 = ref MemoryMarshal.GetReference(state1);
        ref float s2 = ref MemoryMarshal.GetReference(state2);
        TVector none = default;
        for (nuint i = 0; i < full; i += (nuint)width)
        {
            var parameter = TVector.Load(ref p, i);
            var first = hasState1 ? TVector.Load(ref s1, i) : none;
            var second = hasState2 ? TVector.Load(ref s2, i) : none;
            kernel.Update(ref parameter, TVector.Load(ref g, i), ref first, ref second);
            TVector.Store(parameter, ref p, i);
            if (hasState1)
            {
                TVector.Store(first, ref s1, i);
            }

            if (hasState2)
            {
                TVector.Store(second, ref s2, i);
            }
        }

        if ((int)full < parameters.Length)
        {
            UpdateTail<TKernel, TVector>(kernel, parameters, gradient, state1, state2, (int)full);
        }
    }

    /// <summary>Runs <paramref name="kernel"/> on the elements from <paramref name="full"/> on, through a zero-padded vector.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UpdateTail<TKernel, TVector>(TKernel kernel, Span<float> parameters, ReadOnlySpan<float> gradient, Span<float> state1, Span<float> state2, int full)
        where TKernel : struct, IVectorUpdate
        where TVector : struct, IFloatVector<TVector>
    {
        int width = TVector.Count;
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

        var parameter = TVector.Load(ref MemoryMarshal.GetReference(tailParameters), 0);
        var first = TVector.Load(ref MemoryMarshal.GetReference(tailState1), 0);
        var second = TVector.Load(ref MemoryMarshal.GetReference(tailState2), 0);
        kernel.Update(ref parameter, TVector.Load(ref MemoryMarshal.GetReference(tailGradient), 0), ref first, ref second);
        TVector.Store(parameter, ref MemoryMarshal.GetReference(tailParameters), 0);
        TVector.Store(first, ref MemoryMarshal.GetReference(tailState1), 0);
        TVector.Store(second, ref MemoryMarshal.GetReference(tailState2), 0);
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
