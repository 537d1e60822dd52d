using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Kernels;

/// <summary>
/// The activations <c>a = f(z)</c> of whole layers and their backward step <c>δ ⊙= f'(z)</c>, vectorised:
/// <see cref="Vector512{T}"/> blocks, then at most one <see cref="Vector256{T}"/> and one
/// <see cref="Vector128{T}"/> block, then the last 1–3 elements in one padded <see cref="Vector128{T}"/>, so
/// every element gets the same function whatever the length. The definitions of <see cref="Activations"/>
/// (slopes, the branch at 0, NaN in gives NaN out except where the scalar function maps it to 0); values
/// within a few ulp of the exact ones (see <see cref="VectorMath"/>; ELU near 0, softplus below -17 and GELU
/// below -5 are computed without the cancellation of the scalar formulas). Allocation-free; <c>a</c> may be
/// <c>z</c> itself. <c>z</c>, <c>a</c> and <c>δ</c> must have the same length (any, including 0); otherwise
/// <see cref="ArgumentException"/> names the span whose length differs from the others' (<c>a</c> when only two differ).
/// Called by generated code (hidden from IntelliSense); not meant to be called directly, and may change between versions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ActivationKernels
{
    /// <summary><c>a = z</c>.</summary>
    public static void Identity<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.SameLength(z, nameof(z), a, nameof(a));
        z.CopyTo(a);
    }

    /// <summary><c>a = σ(z) = 1 / (1 + e^-z)</c>.</summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Apply<SigmoidFunction, T>(z, a);

    /// <summary><c>a = tanh z</c>.</summary>
    public static void Tanh<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Apply<TanhFunction, T>(z, a);

    /// <summary><c>a = max(0, z)</c> (0 for NaN, like <see cref="Activations.ReLU"/>).</summary>
    public static void ReLU<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Apply<ReLUFunction, T>(z, a);

    /// <summary><c>a = z</c> for <c>z &gt; 0</c>, else <c>0.01 z</c>.</summary>
    public static void LeakyReLU<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Apply<LeakyReLUFunction, T>(z, a);

    /// <summary><c>a = z</c> for <c>z &gt; 0</c>, else <c>e^z - 1</c> (computed without cancellation near 0).</summary>
    public static void ELU<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Apply<ELUFunction, T>(z, a);

    /// <summary><c>a = ln(1 + e^z) = max(z, 0) + ln(1 + e^-|z|)</c>.</summary>
    public static void Softplus<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Apply<SoftplusFunction, T>(z, a);

    /// <summary><c>a = z σ(z)</c>.</summary>
    public static void SiLU<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Apply<SiLUFunction, T>(z, a);

    /// <summary>
    /// <c>a = 0.5 z (1 + tanh(√(2/π) (z + 0.044715 z³)))</c>, evaluated as <c>z σ(2u)</c> with
    /// <c>u = √(2/π) (z + 0.044715 z³)</c> (the same function: <c>1 + tanh u = 2 σ(2u)</c>).
    /// </summary>
    public static void GELU<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Apply<GELUFunction, T>(z, a);

    /// <summary><c>δ ⊙= 1</c>: leaves <paramref name="delta"/> unchanged (the spans are still checked).</summary>
    public static void MultiplyByIdentityDerivative<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Guard.SameLength(z, nameof(z), a, nameof(a), delta, nameof(delta));

    /// <summary><c>δ_i *= a_i (1 - a_i)</c>, σ'.</summary>
    public static void MultiplyBySigmoidDerivative<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        MultiplyByDerivative<SigmoidFunction, T>(z, a, delta);

    /// <summary><c>δ_i *= 1 - a_i²</c>, tanh'.</summary>
    public static void MultiplyByTanhDerivative<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        MultiplyByDerivative<TanhFunction, T>(z, a, delta);

    /// <summary><c>δ_i *= 1</c> for <c>z_i &gt; 0</c>, else <c>0</c>.</summary>
    public static void MultiplyByReLUDerivative<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        MultiplyByDerivative<ReLUFunction, T>(z, a, delta);

    /// <summary><c>δ_i *= 1</c> for <c>z_i &gt; 0</c>, else <c>0.01</c>.</summary>
    public static void MultiplyByLeakyReLUDerivative<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        MultiplyByDerivative<LeakyReLUFunction, T>(z, a, delta);

    /// <summary><c>δ_i *= 1</c> for <c>z_i &gt; 0</c>, else <c>e^z_i = a_i + 1</c>.</summary>
    public static void MultiplyByELUDerivative<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        MultiplyByDerivative<ELUFunction, T>(z, a, delta);

    /// <summary><c>δ_i *= σ(z_i)</c>, softplus'.</summary>
    public static void MultiplyBySoftplusDerivative<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        MultiplyByDerivative<SoftplusFunction, T>(z, a, delta);

    /// <summary><c>δ_i *= σ(z_i) (1 + z_i (1 - σ(z_i)))</c>, SiLU'.</summary>
    public static void MultiplyBySiLUDerivative<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        MultiplyByDerivative<SiLUFunction, T>(z, a, delta);

    /// <summary><c>δ_i *= GELU'(z_i)</c>, the exact derivative of <see cref="GELU"/> (1 or 0 beyond |z| = 10, as in <see cref="Activations.GELUDerivative"/>).</summary>
    public static void MultiplyByGELUDerivative<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        MultiplyByDerivative<GELUFunction, T>(z, a, delta);

    /// <summary>
    /// <c>a_i = e^(z_i - m) / Σ_j e^(z_j - m)</c> with <c>m = max_j z_j</c>, like <see cref="Activations.Softmax"/>
    /// (NaN anywhere gives NaN everywhere; any finite logits give finite probabilities that sum to 1).
    /// </summary>
    public static void Softmax<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float))
        {
            // Doubles: the scalar definition, to double precision.
            Activations.Softmax(z, a);
            return;
        }

        Softmax(MemoryMarshal.Cast<T, float>(z), MemoryMarshal.Cast<T, float>(a));
    }

    private static void Softmax(ReadOnlySpan<float> z, Span<float> a)
    {
        Guard.SameLength(z, nameof(z), a, nameof(a));
        if (z.IsEmpty)
        {
            return;
        }

        ref float input = ref MemoryMarshal.GetReference(z);
        ref float output = ref MemoryMarshal.GetReference(a);
        nuint length = (nuint)z.Length;
        if (length <= (nuint)Vector512<float>.Count)
        {
            // Up to 16 logits (an output layer's usual size): one pass in a single vector, unused lanes at -∞.
            SoftmaxInOneVector(ref input, ref output, length);
            return;
        }

        // m = max_j z_j by one-instruction maxima. They may drop a NaN, but a NaN z_j still makes e_j and the
        // sum NaN, and with them every a_i, as in the scalar function.
        float max = float.NegativeInfinity;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<float>.Count)
        {
            var maxima = Vector512.Create(float.NegativeInfinity);
            for (; i + (nuint)Vector512<float>.Count <= length; i += (nuint)Vector512<float>.Count)
            {
                maxima = Vector512.MaxNative(maxima, Vector512.LoadUnsafe(ref input, i));
            }

            max = Float512.MaxAcross(new(maxima));
        }

        if (Vector256.IsHardwareAccelerated && i + (nuint)Vector256<float>.Count <= length)
        {
            max = MathF.Max(max, Float256.MaxAcross(Float256.LoadUnsafe(ref input, i)));
            i += (nuint)Vector256<float>.Count;
        }

        for (; i + (nuint)Vector128<float>.Count <= length; i += (nuint)Vector128<float>.Count)
        {
            max = MathF.Max(max, Float128.MaxAcross(Float128.LoadUnsafe(ref input, i)));
        }

        if (i < length)
        {
            max = MathF.Max(max, Float128.MaxAcross(LoadPartial(ref input, i, length - i, float.NegativeInfinity)));
        }

        // a_i = e^(z_i - m), and their sum; then a_i /= sum.
        var exponentials = new Exponentials(max);
        float sum = Map(ref input, ref output, length, ref exponentials);
        var scale = new Scale(1f / sum);
        Map(ref output, ref output, length, ref scale);
    }

    /// <summary>Softmax of 1–16 logits in the narrowest vector that holds them, built from 4-lane chunks.</summary>
    private static void SoftmaxInOneVector(ref float input, ref float output, nuint length)
    {
        const float unused = float.NegativeInfinity;
        if (length <= 4)
        {
            StoreChunk(VectorFunctions.Softmax(LoadChunk(ref input, 0, length, unused)), ref output, 0, length);
        }
        else if (length <= 8)
        {
            var a = VectorFunctions.Softmax(new Float256(Vector256.Create(LoadChunk(ref input, 0, length, unused).Value, LoadChunk(ref input, 4, length, unused).Value))).Value;
            StoreChunk(new(a.GetLower()), ref output, 0, length);
            StoreChunk(new(a.GetUpper()), ref output, 4, length);
        }
        else
        {
            var lower = Vector256.Create(LoadChunk(ref input, 0, length, unused).Value, LoadChunk(ref input, 4, length, unused).Value);
            var upper = Vector256.Create(LoadChunk(ref input, 8, length, unused).Value, LoadChunk(ref input, 12, length, unused).Value);
            var a = VectorFunctions.Softmax(new Float512(Vector512.Create(lower, upper))).Value;
            StoreChunk(new(a.GetLower().GetLower()), ref output, 0, length);
            StoreChunk(new(a.GetLower().GetUpper()), ref output, 4, length);
            StoreChunk(new(a.GetUpper().GetLower()), ref output, 8, length);
            StoreChunk(new(a.GetUpper().GetUpper()), ref output, 12, length);
        }
    }

    /// <summary>The 4 floats at <paramref name="offset"/>, or as many as there are before <paramref name="length"/> then <paramref name="padding"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Float128 LoadChunk(ref float source, nuint offset, nuint length, float padding) =>
        offset + 4 <= length ? Float128.LoadUnsafe(ref source, offset)
        : offset < length ? LoadPartial(ref source, offset, length - offset, padding)
        : Float128.Create(padding);

    /// <summary>Stores the lanes of <paramref name="value"/> that fall before <paramref name="length"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreChunk(Float128 value, ref float destination, nuint offset, nuint length)
    {
        if (offset + 4 <= length)
        {
            value.StoreUnsafe(ref destination, offset);
        }
        else if (offset < length)
        {
            StorePartial(value, ref destination, offset, length - offset);
        }
    }

    private static void Apply<TFunction, T>(ReadOnlySpan<T> z, Span<T> a)
        where TFunction : struct, IActivationFunction
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.SameLength(z, nameof(z), a, nameof(a));
        if (typeof(T) != typeof(float))
        {
            // Doubles: the scalar definitions of Activations, element by element, to double precision.
            for (int i = 0; i < z.Length; i++)
            {
                a[i] = TFunction.ScalarValue(z[i]);
            }

            return;
        }

        var map = new ValueMap<TFunction>();
        Map(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(z)), ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(a)), (nuint)z.Length, ref map);
    }

    /// <summary>
    /// <c>δ_i *= f'(z_i, a_i)</c>: Vector512 blocks, at most one Vector256 and one Vector128 block, then the last
    /// 1–3 elements in one zero-padded Vector128, so every element gets the same vector function.
    /// </summary>
    private static void MultiplyByDerivative<TFunction, T>(ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> delta)
        where TFunction : struct, IActivationFunction
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.SameLength(z, nameof(z), a, nameof(a), delta, nameof(delta));
        if (typeof(T) != typeof(float))
        {
            for (int k = 0; k < z.Length; k++)
            {
                delta[k] *= TFunction.ScalarDerivative(z[k], a[k]);
            }

            return;
        }

        ref float zs = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(z));
        ref float activations = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(a));
        ref float deltas = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(delta));
        nuint length = (nuint)z.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector512<float>.Count <= length; i += (nuint)Vector512<float>.Count)
            {
                var derivative = TFunction.Derivative(Float512.LoadUnsafe(ref zs, i), Float512.LoadUnsafe(ref activations, i));
                (Float512.LoadUnsafe(ref deltas, i) * derivative).StoreUnsafe(ref deltas, i);
            }
        }

        if (Vector256.IsHardwareAccelerated && i + (nuint)Vector256<float>.Count <= length)
        {
            var derivative = TFunction.Derivative(Float256.LoadUnsafe(ref zs, i), Float256.LoadUnsafe(ref activations, i));
            (Float256.LoadUnsafe(ref deltas, i) * derivative).StoreUnsafe(ref deltas, i);
            i += (nuint)Vector256<float>.Count;
        }

        for (; i + (nuint)Vector128<float>.Count <= length; i += (nuint)Vector128<float>.Count)
        {
            var derivative = TFunction.Derivative(Float128.LoadUnsafe(ref zs, i), Float128.LoadUnsafe(ref activations, i));
            (Float128.LoadUnsafe(ref deltas, i) * derivative).StoreUnsafe(ref deltas, i);
        }

        if (i < length)
        {
            nuint count = length - i;
            var derivative = TFunction.Derivative(LoadPartial(ref zs, i, count, 0f), LoadPartial(ref activations, i, count, 0f));
            StorePartial(LoadPartial(ref deltas, i, count, 0f) * derivative, ref deltas, i, count);
        }
    }

    /// <summary>
    /// <c>output_i = map(input_i)</c> over <paramref name="length"/> elements: Vector512 blocks, at most one
    /// Vector256 and one Vector128 block, then the last 1–3 elements in one Vector128 padded with the map's
    /// <see cref="IElementMap.Padding"/>; returns the map's running total.
    /// </summary>
    private static float Map<TMap>(ref float input, ref float output, nuint length, ref TMap map)
        where TMap : struct, IElementMap
    {
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector512<float>.Count <= length; i += (nuint)Vector512<float>.Count)
            {
                map.Map(Float512.LoadUnsafe(ref input, i)).StoreUnsafe(ref output, i);
            }
        }

        if (Vector256.IsHardwareAccelerated && i + (nuint)Vector256<float>.Count <= length)
        {
            map.Map(Float256.LoadUnsafe(ref input, i)).StoreUnsafe(ref output, i);
            i += (nuint)Vector256<float>.Count;
        }

        for (; i + (nuint)Vector128<float>.Count <= length; i += (nuint)Vector128<float>.Count)
        {
            map.Map(Float128.LoadUnsafe(ref input, i)).StoreUnsafe(ref output, i);
        }

        if (i < length)
        {
            nuint count = length - i;
            StorePartial(map.Map(LoadPartial(ref input, i, count, map.Padding)), ref output, i, count);
        }

        return map.Total;
    }

    /// <summary>The <paramref name="count"/> (1–3) floats at <paramref name="offset"/>, then <paramref name="padding"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Float128 LoadPartial(ref float source, nuint offset, nuint count, float padding)
    {
        ref float first = ref Unsafe.Add(ref source, offset);
        return new(Vector128.Create(
            first,
            count > 1 ? Unsafe.Add(ref first, 1) : padding,
            count > 2 ? Unsafe.Add(ref first, 2) : padding,
            padding));
    }

    /// <summary>Stores the first <paramref name="count"/> (1–3) lanes of <paramref name="value"/> at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePartial(Float128 value, ref float destination, nuint offset, nuint count)
    {
        ref float first = ref Unsafe.Add(ref destination, offset);
        first = value.Value.GetElement(0);
        if (count > 1)
        {
            Unsafe.Add(ref first, 1) = value.Value.GetElement(1);
        }

        if (count > 2)
        {
            Unsafe.Add(ref first, 2) = value.Value.GetElement(2);
        }
    }

    /// <summary>An element-wise map applied by <see cref="Map"/>; it may keep a running total of its outputs.</summary>
    private interface IElementMap
    {
        /// <summary>The value of the unused lanes of the last, partial block: one whose image adds nothing to the total.</summary>
        float Padding { get; }

        float Total { get; }

        TV Map<TV>(TV value)
            where TV : struct, IFloatVector<TV>;
    }

    /// <summary><c>f(z)</c> of one activation function.</summary>
    private readonly struct ValueMap<TFunction> : IElementMap
        where TFunction : struct, IActivationFunction
    {
        public float Padding => 0f;

        public float Total => 0f;

        public TV Map<TV>(TV value)
            where TV : struct, IFloatVector<TV> => TFunction.Value(value);
    }

    /// <summary><c>e^(z - max)</c>, summed as it goes (the numerators of softmax); padding -∞ gives e = 0.</summary>
    private struct Exponentials(float max) : IElementMap
    {
        private float _total;

        public readonly float Padding => float.NegativeInfinity;

        public readonly float Total => _total;

        public TV Map<TV>(TV value)
            where TV : struct, IFloatVector<TV>
        {
            var e = VectorFunctions.Exp(value - TV.Create(max));
            _total += TV.Sum(e);
            return e;
        }
    }

    /// <summary><c>x · factor</c>.</summary>
    private readonly struct Scale(float factor) : IElementMap
    {
        public float Padding => 0f;

        public float Total => 0f;

        public TV Map<TV>(TV value)
            where TV : struct, IFloatVector<TV> => value * TV.Create(factor);
    }

    /// <summary>
    /// One activation function on a vector of floats, and on one double (the scalar definition of <see cref="Activations"/>):
    /// its value <c>f(z)</c> and its derivative <c>f'(z)</c> given <c>a = f(z)</c>.
    /// </summary>
    private interface IActivationFunction
    {
        static abstract T ScalarValue<T>(T z)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>;

        static abstract T ScalarDerivative<T>(T z, T a)
            where T : unmanaged, IBinaryFloatingPointIeee754<T>;

        static abstract TV Value<TV>(TV z)
            where TV : struct, IFloatVector<TV>;

        static abstract TV Derivative<TV>(TV z, TV a)
            where TV : struct, IFloatVector<TV>;
    }

    private readonly struct SigmoidFunction : IActivationFunction
    {
        public static T ScalarValue<T>(T z)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.Sigmoid(z);

        public static T ScalarDerivative<T>(T z, T a)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.SigmoidDerivative(z, a);

        public static TV Value<TV>(TV z)
            where TV : struct, IFloatVector<TV> => VectorFunctions.Sigmoid(z);

        // a (1 - a), as in Activations.SigmoidDerivative.
        public static TV Derivative<TV>(TV z, TV a)
            where TV : struct, IFloatVector<TV> => a * (TV.Create(1f) - a);
    }

    private readonly struct TanhFunction : IActivationFunction
    {
        public static T ScalarValue<T>(T z)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.Tanh(z);

        public static T ScalarDerivative<T>(T z, T a)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.TanhDerivative(z, a);

        public static TV Value<TV>(TV z)
            where TV : struct, IFloatVector<TV> => VectorFunctions.Tanh(z);

        // 1 - a², as in Activations.TanhDerivative.
        public static TV Derivative<TV>(TV z, TV a)
            where TV : struct, IFloatVector<TV> => TV.Create(1f) - (a * a);
    }

    private readonly struct ReLUFunction : IActivationFunction
    {
        public static T ScalarValue<T>(T z)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.ReLU(z);

        public static T ScalarDerivative<T>(T z, T a)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.ReLUDerivative(z, a);

        // z > 0 ? z : 0 (NaN > 0 is false, so NaN gives 0 as in the scalar function).
        public static TV Value<TV>(TV z)
            where TV : struct, IFloatVector<TV> => TV.ConditionalSelect(TV.GreaterThan(z, TV.Create(0f)), z, TV.Create(0f));

        public static TV Derivative<TV>(TV z, TV a)
            where TV : struct, IFloatVector<TV> => TV.ConditionalSelect(TV.GreaterThan(z, TV.Create(0f)), TV.Create(1f), TV.Create(0f));
    }

    private readonly struct LeakyReLUFunction : IActivationFunction
    {
        public static T ScalarValue<T>(T z)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.LeakyReLU(z);

        public static T ScalarDerivative<T>(T z, T a)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.LeakyReLUDerivative(z, a);

        public static TV Value<TV>(TV z)
            where TV : struct, IFloatVector<TV> =>
            TV.ConditionalSelect(TV.GreaterThan(z, TV.Create(0f)), z, TV.Create(Activations.LeakyReLUSlope) * z);

        public static TV Derivative<TV>(TV z, TV a)
            where TV : struct, IFloatVector<TV> =>
            TV.ConditionalSelect(TV.GreaterThan(z, TV.Create(0f)), TV.Create(1f), TV.Create(Activations.LeakyReLUSlope));
    }

    private readonly struct ELUFunction : IActivationFunction
    {
        public static T ScalarValue<T>(T z)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.ELU(z);

        public static T ScalarDerivative<T>(T z, T a)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.ELUDerivative(z, a);

        public static TV Value<TV>(TV z)
            where TV : struct, IFloatVector<TV> =>
            TV.ConditionalSelect(TV.GreaterThan(z, TV.Create(0f)), z, VectorFunctions.ExpM1NonPositive(z));

        // 1 for z > 0, else e^z = a + 1, as in Activations.ELUDerivative.
        public static TV Derivative<TV>(TV z, TV a)
            where TV : struct, IFloatVector<TV> =>
            TV.ConditionalSelect(TV.GreaterThan(z, TV.Create(0f)), TV.Create(1f), a + TV.Create(1f));
    }

    private readonly struct SoftplusFunction : IActivationFunction
    {
        public static T ScalarValue<T>(T z)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.Softplus(z);

        public static T ScalarDerivative<T>(T z, T a)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.SoftplusDerivative(z, a);

        // max(z, 0) + ln(1 + e^-|z|): the logarithm's argument is in [1, 2], so nothing overflows; a NaN z
        // gives a NaN logarithm whatever the maximum makes of it.
        public static TV Value<TV>(TV z)
            where TV : struct, IFloatVector<TV> =>
            TV.MaxNative(z, TV.Create(0f)) + VectorFunctions.LogOnePlusUnit(VectorFunctions.Exp(-TV.Abs(z)));

        public static TV Derivative<TV>(TV z, TV a)
            where TV : struct, IFloatVector<TV> => VectorFunctions.Sigmoid(z);
    }

    private readonly struct SiLUFunction : IActivationFunction
    {
        public static T ScalarValue<T>(T z)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.SiLU(z);

        public static T ScalarDerivative<T>(T z, T a)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.SiLUDerivative(z, a);

        public static TV Value<TV>(TV z)
            where TV : struct, IFloatVector<TV> => z * VectorFunctions.Sigmoid(z);

        // σ(z) (1 + z (1 - σ(z))), as in Activations.SiLUDerivative, with 1 - σ(z) = σ(-z) to full accuracy.
        public static TV Derivative<TV>(TV z, TV a)
            where TV : struct, IFloatVector<TV>
        {
            var (s, complement) = VectorFunctions.SigmoidAndComplement(z);
            return s * (TV.Create(1f) + (z * complement));
        }
    }

    private readonly struct GELUFunction : IActivationFunction
    {
        public static T ScalarValue<T>(T z)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.GELU(z);

        public static T ScalarDerivative<T>(T z, T a)
            where T : unmanaged, IBinaryFloatingPointIeee754<T> => Activations.GELUDerivative(z, a);

        // 0.5 z (1 + tanh u) = z σ(2u): no cancellation where tanh u is close to -1.
        public static TV Value<TV>(TV z)
            where TV : struct, IFloatVector<TV>
        {
            var u = GeluArgument(z);
            return z * VectorFunctions.Sigmoid(u + u);
        }

        // With s = σ(2u) = (1 + tanh u) / 2 and 1 - s = σ(-2u): GELU'(z) = s + 2 z s (1 - s) √(2/π) (1 + 3 · 0.044715 z²),
        // the scalar formula without its cancellation in 1 + tanh u; 1 or 0 beyond |z| = 10, as in Activations.GELUDerivative.
        public static TV Derivative<TV>(TV z, TV a)
            where TV : struct, IFloatVector<TV>
        {
            var u = GeluArgument(z);
            var (s, complement) = VectorFunctions.SigmoidAndComplement(u + u);
            var slope = TV.Create(Activations.GeluScale) * (TV.Create(1f) + (TV.Create(3f * Activations.GeluCubic) * z * z));
            var derivative = s + ((z + z) * s * complement * slope);
            var saturated = TV.ConditionalSelect(TV.GreaterThan(z, TV.Create(0f)), TV.Create(1f), TV.Create(0f));
            return TV.ConditionalSelect(TV.GreaterThan(TV.Abs(z), TV.Create(10f)), saturated, derivative);
        }

        // u = √(2/π) (z + 0.044715 z³), in the scalar function's order of operations.
        private static TV GeluArgument<TV>(TV z)
            where TV : struct, IFloatVector<TV> =>
            TV.Create(Activations.GeluScale) * (z + (TV.Create(Activations.GeluCubic) * z * z * z));
    }
}
