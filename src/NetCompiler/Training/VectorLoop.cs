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
    /// <summary>
    /// The kernel's constants (rates, decays, scales) as vectors, made once per pass: the JIT does not hoist a
    /// <c>TVector.Create</c> out of the loop, where it would cost a broadcast per constant and vector.
    /// </summary>
    void Broadcast<TVector>(out Constants<TVector> constants)
        where TVector : struct, IFloatVector<TVector, T>;

    /// <summary>Updates <paramref name="parameter"/> and the optimizer's state from the raw <paramref name="gradient"/>.</summary>
    void Update<TVector>(in Constants<TVector> constants, ref TVector parameter, TVector gradient, ref TVector state1, ref TVector state2)
        where TVector : struct, IFloatVector<TVector, T>;
}

/// <summary>Up to ten constants of an <see cref="IVectorUpdate{T}"/>, each broadcast to a vector; each kernel names its slots.</summary>
internal struct Constants<TVector>
    where TVector : struct
{
    public TVector C0, C1, C2, C3, C4, C5, C6, C7, C8, C9;
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
        UpdateRows(kernel, parameters, parameters.Length, 1, parameters.Length, gradient, state1, state2, default, ref unused);
    }

    /// <summary>
    /// <see cref="Update{TKernel, T}(TKernel, Span{T}, ReadOnlySpan{T}, Span{T}, Span{T})"/> over a block of
    /// <paramref name="rows"/> rows of <paramref name="width"/> parameters: row r at <c>r·stride</c> of
    /// <paramref name="parameters"/> (and of the state buffers and <paramref name="backup"/>, which are empty or as long),
    /// its gradient at <c>r·width</c> of <paramref name="gradient"/>. When <paramref name="backup"/> is not empty, the pass
    /// also writes each parameter's old value to it and adds to <paramref name="checks"/> the squares of the gradient and
    /// whether every new parameter is finite (the fused step of <see cref="Kernels.ParameterUpdate{T}"/>).
    /// </summary>
    public static void UpdateRows<TKernel, T>(TKernel kernel, Span<T> parameters, int stride, int rows, int width, ReadOnlySpan<T> gradient, Span<T> state1, Span<T> state2, Span<T> backup, ref UpdateChecks checks)
        where TKernel : struct, IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (Vector512.IsHardwareAccelerated)
        {
            UpdateRows<TKernel, T, Float512<T>>(kernel, parameters, stride, rows, width, gradient, state1, state2, backup, ref checks);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            UpdateRows<TKernel, T, Float256<T>>(kernel, parameters, stride, rows, width, gradient, state1, state2, backup, ref checks);
        }
        else
        {
            UpdateRows<TKernel, T, Float128<T>>(kernel, parameters, stride, rows, width, gradient, state1, state2, backup, ref checks);
        }
    }

    /// <summary>The whole buffers as one row, with vectors of <typeparamref name="TVector"/>.</summary>
    internal static void Update<TKernel, T, TVector>(TKernel kernel, Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> state1, Span<T> state2, Span<T> backup, ref UpdateChecks checks)
        where TKernel : struct, IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct, IFloatVector<TVector, T> =>
        UpdateRows<TKernel, T, TVector>(kernel, parameters, parameters.Length, 1, parameters.Length, gradient, state1, state2, backup, ref checks);

    /// <summary><see cref="UpdateRows{TKernel, T}"/> with vectors of <typeparamref name="TVector"/>: the checks' lanes are summed once for the block.</summary>
    internal static void UpdateRows<TKernel, T, TVector>(TKernel kernel, Span<T> parameters, int stride, int rows, int width, ReadOnlySpan<T> gradient, Span<T> state1, Span<T> state2, Span<T> backup, ref UpdateChecks checks)
        where TKernel : struct, IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct, IFloatVector<TVector, T>
    {
        int lanes = TVector.Count;
        int full = width - (width % lanes);
        var flags = new Present(!state1.IsEmpty, !state2.IsEmpty, !backup.IsEmpty);
        ref T p = ref MemoryMarshal.GetReference(parameters);
        ref T g = ref MemoryMarshal.GetReference(gradient);
        ref T s1 = ref MemoryMarshal.GetReference(state1);
        ref T s2 = ref MemoryMarshal.GetReference(state2);
        ref T b = ref MemoryMarshal.GetReference(backup);
        TVector squares = default;
        TVector notFinite = default;
        for (int r = 0; r < rows; r++)
        {
            nint at = r * stride;
            Row(kernel, ref Unsafe.Add(ref p, at), ref Unsafe.Add(ref g, r * width), ref Unsafe.Add(ref s1, at), ref Unsafe.Add(ref s2, at), ref Unsafe.Add(ref b, at), flags, (nuint)full, ref squares, ref notFinite);
            if (full < width)
            {
                int start = (int)at + full;
                UpdateTail(kernel, parameters.Slice(start, width - full), gradient.Slice((r * width) + full, width - full), Tail(state1, start, width - full), Tail(state2, start, width - full), Tail(backup, start, width - full), flags, ref squares, ref notFinite);
            }
        }

        if (flags.Backup)
        {
            checks.Add<T, TVector>(squares, notFinite);
        }
    }

    /// <summary>
    /// The update of the first <paramref name="count"/> elements (a multiple of the vector width) of one row, with the
    /// backup and checks of a fused step when <see cref="Present.Backup"/>. The only copy of the loop's body.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row<TKernel, T, TVector>(TKernel kernel, ref T p, ref T g, ref T s1, ref T s2, ref T b, Present flags, nuint count, ref TVector squares, ref TVector notFinite)
        where TKernel : struct, IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct, IFloatVector<TVector, T>
    {
        TVector squareSum = squares;
        TVector notFiniteSum = notFinite;
        kernel.Broadcast(out Constants<TVector> constants);
        for (nuint i = 0; i < count; i += (nuint)TVector.Count)
        {
            var parameter = TVector.Load(ref p, i);
            var gradient = TVector.Load(ref g, i);
            var first = flags.State1 ? TVector.Load(ref s1, i) : default;
            var second = flags.State2 ? TVector.Load(ref s2, i) : default;
            if (flags.Backup)
            {
                TVector.Store(parameter, ref b, i);
                squareSum += gradient * gradient;
            }

            kernel.Update(in constants, ref parameter, gradient, ref first, ref second);
            TVector.Store(parameter, ref p, i);
            if (flags.State1)
            {
                TVector.Store(first, ref s1, i);
            }

            if (flags.State2)
            {
                TVector.Store(second, ref s2, i);
            }

            if (flags.Backup)
            {
                // θ − θ is 0 for a finite θ and NaN otherwise, and a NaN stays in the sum.
                notFiniteSum += parameter - parameter;
            }
        }

        squares = squareSum;
        notFinite = notFiniteSum;
    }

    /// <summary>Runs <paramref name="kernel"/> on the last elements of a row (fewer than a vector) through zero-padded vectors.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UpdateTail<TKernel, T, TVector>(TKernel kernel, Span<T> parameters, ReadOnlySpan<T> gradient, Span<T> state1, Span<T> state2, Span<T> backup, Present flags, ref TVector squares, ref TVector notFinite)
        where TKernel : struct, IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct, IFloatVector<TVector, T>
    {
        int width = TVector.Count;
        int tail = parameters.Length;
        Span<T> scratch = stackalloc T[5 * width];
        scratch.Clear();
        Span<T> tailParameters = scratch[..width];
        Span<T> tailGradient = scratch.Slice(width, width);
        Span<T> tailState1 = scratch.Slice(2 * width, width);
        Span<T> tailState2 = scratch.Slice(3 * width, width);
        Span<T> tailBackup = scratch.Slice(4 * width, width);
        parameters.CopyTo(tailParameters);
        gradient.CopyTo(tailGradient);
        state1.CopyTo(tailState1);
        state2.CopyTo(tailState2);
        Row(kernel, ref tailParameters[0], ref tailGradient[0], ref tailState1[0], ref tailState2[0], ref tailBackup[0], flags, (nuint)width, ref squares, ref notFinite);
        tailParameters[..tail].CopyTo(parameters);
        tailState1[..state1.Length].CopyTo(state1);
        tailState2[..state2.Length].CopyTo(state2);
        tailBackup[..backup.Length].CopyTo(backup);
    }

    /// <summary>The tail of an optional buffer (empty stays empty).</summary>
    private static Span<T> Tail<T>(Span<T> buffer, int start, int length) => buffer.IsEmpty ? default : buffer.Slice(start, length);

    /// <summary>Which of the optional buffers a pass has.</summary>
    private readonly struct Present(bool state1, bool state2, bool backup)
    {
        public readonly bool State1 = state1;
        public readonly bool State2 = state2;
        public readonly bool Backup = backup;
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

    /// <summary>Adds what another thread's passes found.</summary>
    public void Add(UpdateChecks other)
    {
        SumOfSquares += other.SumOfSquares;
        SawNotFinite |= other.SawNotFinite;
    }
}
