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
        UpdateChecks unused = default;
        Update(kernel, parameters, gradient, state1, state2, default, ref unused);
    }

    /// <summary>
    /// <see cref="Update{TKernel, T}(TKernel, Span{T}, ReadOnlySpan{T}, Span{T}, Span{T})"/> that, when
    /// <paramref name="backup"/> is not empty, also writes each parameter's old value to it and adds to
    /// <paramref name="checks"/> the squares of the gradient and whether every new parameter is finite, in the same pass
    /// (the fused step of <see cref="Kernels.ParameterUpdate{T}"/>).
    /// </summary>
    public static void Update<TKernel, T>(TKernel kernel, Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> state1, Span<T> state2, Span<T> backup, ref UpdateChecks checks)
        where TKernel : struct, IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Update<TKernel, T, Float512<T>>(kernel, parameters, gradient, state1, state2, backup, ref checks);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Update<TKernel, T, Float256<T>>(kernel, parameters, gradient, state1, state2, backup, ref checks);
        }
        else
        {
            Update<TKernel, T, Float128<T>>(kernel, parameters, gradient, state1, state2, backup, ref checks);
        }
    }

    /// <summary><see cref="Update{TKernel, T}(TKernel, Span{T}, ReadOnlySpan{T}, Span{T}, Span{T}, Span{T}, ref UpdateChecks)"/> with vectors of <typeparamref name="TVector"/>.</summary>
    internal static void Update<TKernel, T, TVector>(TKernel kernel, Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> state1, Span<T> state2, Span<T> backup, ref UpdateChecks checks)
        where TKernel : struct, IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct, IFloatVector<TVector, T>
    {
        int width = TVector.Count;
        nuint full = (nuint)(parameters.Length - (parameters.Length % width));
        var buffers = new Buffers<T>(parameters, gradient, state1, state2, backup);
        TVector squares = default;
        TVector notFinite = default;
        for (nuint i = 0; i < full; i += (nuint)width)
        {
            Step(kernel, ref buffers, i, ref squares, ref notFinite);
        }

        if ((int)full < parameters.Length)
        {
            UpdateTail(kernel, parameters, gradient, state1, state2, backup, (int)full, ref squares, ref notFinite);
        }

        if (buffers.HasBackup)
        {
            checks.Add<T, TVector>(squares, notFinite);
        }
    }

    /// <summary>The update of the <typeparamref name="TVector"/> at <paramref name="i"/>, with the backup and checks of a fused step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TKernel, T, TVector>(TKernel kernel, ref Buffers<T> buffers, nuint i, ref TVector squares, ref TVector notFinite)
        where TKernel : struct, IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct, IFloatVector<TVector, T>
    {
        var parameter = TVector.Load(ref buffers.Parameters, i);
        var gradient = TVector.Load(ref buffers.Gradient, i);
        var first = buffers.HasState1 ? TVector.Load(ref buffers.State1, i) : default;
        var second = buffers.HasState2 ? TVector.Load(ref buffers.State2, i) : default;
        if (buffers.HasBackup)
        {
            TVector.Store(parameter, ref buffers.Backup, i);
            squares += gradient * gradient;
        }

        kernel.Update(ref parameter, gradient, ref first, ref second);
        TVector.Store(parameter, ref buffers.Parameters, i);
        if (buffers.HasState1)
        {
            TVector.Store(first, ref buffers.State1, i);
        }

        if (buffers.HasState2)
        {
            TVector.Store(second, ref buffers.State2, i);
        }

        if (buffers.HasBackup)
        {
            // θ − θ is 0 for a finite θ and NaN otherwise, and a NaN stays in the sum.
            notFinite += parameter - parameter;
        }
    }

    /// <summary>Runs <paramref name="kernel"/> on the elements from <paramref name="full"/> on, through zero-padded vectors.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UpdateTail<TKernel, T, TVector>(TKernel kernel, Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> state1, Span<T> state2, Span<T> backup, int full, ref TVector squares, ref TVector notFinite)
        where TKernel : struct, IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct, IFloatVector<TVector, T>
    {
        int width = TVector.Count;
        int tail = parameters.Length - full;
        Span<T> scratch = stackalloc T[5 * width];
        scratch.Clear();
        Span<T> tailParameters = scratch[..width];
        Span<T> tailGradient = scratch.Slice(width, width);
        Span<T> tailState1 = scratch.Slice(2 * width, width);
        Span<T> tailState2 = scratch.Slice(3 * width, width);
        Span<T> tailBackup = scratch.Slice(4 * width, width);
        parameters[full..].CopyTo(tailParameters);
        gradient[full..].CopyTo(tailGradient);
        CopyTail(state1, full, tailState1);
        CopyTail(state2, full, tailState2);
        var buffers = new Buffers<T>(tailParameters, tailGradient, state1.IsEmpty ? default : tailState1, state2.IsEmpty ? default : tailState2, backup.IsEmpty ? default : tailBackup);
        Step(kernel, ref buffers, 0, ref squares, ref notFinite);
        tailParameters[..tail].CopyTo(parameters[full..]);
        CopyBack(tailState1, tail, state1, full);
        CopyBack(tailState2, tail, state2, full);
        CopyBack(tailBackup, tail, backup, full);
    }

    private static void CopyTail<T>(Span<T> buffer, int full, Span<T> tail)
    {
        if (!buffer.IsEmpty)
        {
            buffer[full..].CopyTo(tail);
        }
    }

    private static void CopyBack<T>(Span<T> tail, int count, Span<T> buffer, int full)
    {
        if (!buffer.IsEmpty)
        {
            tail[..count].CopyTo(buffer[full..]);
        }
    }

    /// <summary>The starts of the buffers of one update pass, and which of the optional ones it has.</summary>
    private ref struct Buffers<T>(Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> state1, Span<T> state2, Span<T> backup)
    {
        public ref T Parameters = ref MemoryMarshal.GetReference(parameters);
        public ref T Gradient = ref MemoryMarshal.GetReference(gradient);
        public ref T State1 = ref MemoryMarshal.GetReference(state1);
        public ref T State2 = ref MemoryMarshal.GetReference(state2);
        public ref T Backup = ref MemoryMarshal.GetReference(backup);
        public readonly bool HasState1 = !state1.IsEmpty;
        public readonly bool HasState2 = !state2.IsEmpty;
        public readonly bool HasBackup = !backup.IsEmpty;
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

/// <summary>
/// What the passes of one fused optimizer step (<see cref="Kernels.ParameterUpdate{T}"/>) found: the sum of the squares
/// of the raw gradient (each pass's vectors summed in the element type, the passes in double) and whether a new
/// parameter was not finite.
/// </summary>
internal struct UpdateChecks
{
    /// <summary>Σ g² over the elements updated so far.</summary>
    public double SumOfSquares;

    /// <summary>Whether an updated parameter came out NaN or infinite.</summary>
    public bool SawNotFinite;

    /// <summary>Adds one pass's lanes: <paramref name="squares"/> of the gradient and <paramref name="notFinite"/> (0 or NaN per lane).</summary>
    public void Add<T, TVector>(TVector squares, TVector notFinite)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct, IFloatVector<TVector, T>
    {
        Span<T> lanes = stackalloc T[2 * TVector.Count];
        TVector.Store(squares, ref MemoryMarshal.GetReference(lanes), 0);
        TVector.Store(notFinite, ref MemoryMarshal.GetReference(lanes), (nuint)TVector.Count);
        T sum = T.Zero;
        T nan = T.Zero;
        for (int lane = 0; lane < TVector.Count; lane++)
        {
            sum += lanes[lane];
            nan += lanes[TVector.Count + lane];
        }

        SumOfSquares += double.CreateTruncating(sum);
        SawNotFinite |= T.IsNaN(nan);
    }
}
