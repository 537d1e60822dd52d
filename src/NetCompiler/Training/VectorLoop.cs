using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Training;

/// <summary>
/// The element-wise update of one optimizer for elements of <typeparamref name="T"/>, written once with the operators of
/// <see cref="IFloatVector{TSelf, T}"/>; <see cref="VectorLoop.Update{TKernel, T}(TKernel, Span{T}, ReadOnlySpan{T}, Span{T}, Span{T})"/>
/// runs it over whole buffers, tail included, at the widest vector width the machine accelerates, so the math exists in one place.
/// </summary>
/// <typeparam name="T">The element type of the parameters: float or double.</typeparam>
internal interface IVectorUpdate<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Updates <paramref name="parameter"/> and the optimizer's state from the raw <paramref name="gradient"/>.</summary>
    void Update<TVector>(ref TVector parameter, TVector gradient, ref TVector state1, ref TVector state2)
        where TVector : struct, IFloatVector<TVector, T>;
}

/// <summary>Vectorized loops over flat float or double buffers, shared by the optimizers. Allocation-free.</summary>
internal static class VectorLoop
{
    /// <summary>
    /// Applies <paramref name="kernel"/> to every element, one pass over the buffers with the widest accelerated
    /// vectors (512, 256 or 128 bits). <paramref name="state1"/> and <paramref name="state2"/> are per-parameter state
    /// buffers, or empty when the optimizer has none. The last <c>Length mod Count</c> elements go through the same
    /// kernel on a zero-padded copy, so every element sees exactly the same arithmetic, whatever the width.
    /// </summary>
    public static void Update<TKernel, T>(TKernel kernel, Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> state1, Span<T> state2)
        where TKernel : struct, IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Update<TKernel, T, Float512<T>>(kernel, parameters, gradient, state1, state2);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Update<TKernel, T, Float256<T>>(kernel, parameters, gradient, state1, state2);
        }
        else
        {
            Update<TKernel, T, Float128<T>>(kernel, parameters, gradient, state1, state2);
        }
    }

    /// <summary><see cref="Update{TKernel, T}(TKernel, Span{T}, ReadOnlySpan{T}, Span{T}, Span{T})"/> with vectors of <typeparamref name="TVector"/>.</summary>
    internal static void Update<TKernel, T, TVector>(TKernel kernel, Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> state1, Span<T> state2)
        where TKernel : struct, IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct, IFloatVector<TVector, T>
    {
        int width = TVector.Count;
        nuint full = (nuint)(parameters.Length - (parameters.Length % width));
        ref T p = ref MemoryMarshal.GetReference(parameters);
        ref T g = ref MemoryMarshal.GetReference(gradient);
        bool hasState1 = !state1.IsEmpty;
        bool hasState2 = !state2.IsEmpty;
        ref T s1 = ref MemoryMarshal.GetReference(state1);
        ref T s2 = ref MemoryMarshal.GetReference(state2);
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
            UpdateTail<TKernel, T, TVector>(kernel, parameters, gradient, state1, state2, (int)full);
        }
    }

    /// <summary>Runs <paramref name="kernel"/> on the elements from <paramref name="full"/> on, through a zero-padded vector.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UpdateTail<TKernel, T, TVector>(TKernel kernel, Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> state1, Span<T> state2, int full)
        where TKernel : struct, IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct, IFloatVector<TVector, T>
    {
        int width = TVector.Count;
        int tail = parameters.Length - full;
        Span<T> scratch = stackalloc T[4 * width];
        scratch.Clear();
        Span<T> tailParameters = scratch[..width];
        Span<T> tailGradient = scratch.Slice(width, width);
        Span<T> tailState1 = scratch.Slice(2 * width, width);
        Span<T> tailState2 = scratch.Slice(3 * width, width);
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
    /// <c>Σ xᵢ²</c> accumulated in <typeparamref name="T"/> with four vector accumulators. NaN or ∞ when a value is
    /// not finite, and also (rarely) when finite values overflow; callers tell the two apart.
    /// </summary>
    public static T SumOfSquares<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int width = Vector<T>.Count;
        int full = values.Length - (values.Length % (4 * width));
        var v = MemoryMarshal.Cast<T, Vector<T>>(values[..full]);
        Vector<T> a0 = default, a1 = default, a2 = default, a3 = default;
        for (int i = 0; i < v.Length; i += 4)
        {
            a0 += v[i] * v[i];
            a1 += v[i + 1] * v[i + 1];
            a2 += v[i + 2] * v[i + 2];
            a3 += v[i + 3] * v[i + 3];
        }

        T sum = Vector.Sum((a0 + a1) + (a2 + a3));
        foreach (T x in values[full..])
        {
            sum += x * x;
        }

        return sum;
    }
}
