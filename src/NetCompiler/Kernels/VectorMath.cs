using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetCompiler.Kernels;

/// <summary>
/// <c>e^x</c>, <c>tanh x</c> and the logistic sigmoid <c>σ(x) = 1 / (1 + e^-x)</c> on whole vectors of floats, and
/// softmax over the lanes of one vector, for the activation kernels (<see cref="ActivationKernels"/>) and for
/// generated code (the register form of single-sample Forward).
/// Called by generated code (hidden from IntelliSense); not meant to be called directly, and may change between versions.
/// </summary>
/// <remarks>
/// <para>
/// Accuracy against a double-precision reference: within 1.5 ulp for <see cref="Exp(Vector512{float})"/>, 2 ulp for
/// <see cref="Tanh(Vector512{float})"/> and 2.5 ulp for <see cref="Sigmoid(Vector512{float})"/>, as
/// <c>VectorMathTests</c> asserts (the largest errors measured, and those of the scalar functions:
/// docs/design/kernels.md, "Activations"). Subnormal results are rounded once. Every vector width gives the same
/// bits, with or without AVX-512.
/// </para>
/// <para>
/// Edge cases follow the scalar functions: <c>exp</c> overflows to +∞ above 88.72 and underflows to 0 below
/// -103.97; <c>tanh(±∞) = ±1</c> (and ±1 from |x| ≈ 9 on), <c>tanh(-0) = -0</c>; <c>σ(-∞) = 0</c>,
/// <c>σ(+∞) = 1</c>; NaN in gives NaN out, lane by lane.
/// </para>
/// <para>
/// Method: <c>e^x = 2^n e^r</c> with <c>n = round(x / ln 2)</c>, <c>r = x - n ln 2</c> (ln 2 in two parts, so r
/// is exact) and <c>e^r = 1 + r + r² Q(r)</c>, Q a degree-4 near-minimax polynomial on [-ln2/2, ln2/2]; the
/// scaling by <c>2^n</c> is <c>vscalefps</c> where AVX-512 has it. <c>tanh x = 1 - 2 / (e^(2|x|) + 1)</c> with
/// the sign of x for <c>|x| ≥ 0.5625</c> (there the result is at least 0.5, so the subtraction loses nothing),
/// and the odd polynomial <c>x + x³ P(x²)</c> below, which keeps the relative accuracy near 0.
/// <c>σ(x) = 1 / (1 + e^-x)</c> for <c>x ≥ 0</c> and <c>e^x / (1 + e^x)</c> below, so e never overflows.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class VectorMath
{
    /// <summary><c>e^x</c> of each lane.</summary>
    public static Vector512<float> Exp(Vector512<float> x) => VectorFunctions.Exp(new Float512(x)).Value;

    /// <summary><c>e^x</c> of each lane.</summary>
    public static Vector256<float> Exp(Vector256<float> x) => VectorFunctions.Exp(new Float256(x)).Value;

    /// <summary><c>e^x</c> of each lane.</summary>
    public static Vector128<float> Exp(Vector128<float> x) => VectorFunctions.Exp(new Float128(x)).Value;

    /// <summary><c>tanh x</c> of each lane.</summary>
    public static Vector512<float> Tanh(Vector512<float> x) => VectorFunctions.Tanh(new Float512(x)).Value;

    /// <summary><c>tanh x</c> of each lane.</summary>
    public static Vector256<float> Tanh(Vector256<float> x) => VectorFunctions.Tanh(new Float256(x)).Value;

    /// <summary><c>tanh x</c> of each lane.</summary>
    public static Vector128<float> Tanh(Vector128<float> x) => VectorFunctions.Tanh(new Float128(x)).Value;

    /// <summary><c>σ(x) = 1 / (1 + e^-x)</c> of each lane.</summary>
    public static Vector512<float> Sigmoid(Vector512<float> x) => VectorFunctions.Sigmoid(new Float512(x)).Value;

    /// <summary><c>σ(x) = 1 / (1 + e^-x)</c> of each lane.</summary>
    public static Vector256<float> Sigmoid(Vector256<float> x) => VectorFunctions.Sigmoid(new Float256(x)).Value;

    /// <summary><c>σ(x) = 1 / (1 + e^-x)</c> of each lane.</summary>
    public static Vector128<float> Sigmoid(Vector128<float> x) => VectorFunctions.Sigmoid(new Float128(x)).Value;

    /// <summary>
    /// <c>softmax(z)_i = e^(z_i - m) / Σ_j e^(z_j - m)</c> over all lanes, <c>m = max_j z_j</c>, like
    /// <see cref="Activations.Softmax"/>. For fewer logits set the unused lanes to -∞: they get 0.
    /// </summary>
    public static Vector512<float> Softmax(Vector512<float> z) => VectorFunctions.Softmax(new Float512(z)).Value;

    /// <inheritdoc cref="Softmax(Vector512{float})"/>
    public static Vector256<float> Softmax(Vector256<float> z) => VectorFunctions.Softmax(new Float256(z)).Value;

    /// <inheritdoc cref="Softmax(Vector512{float})"/>
    public static Vector128<float> Softmax(Vector128<float> z) => VectorFunctions.Softmax(new Float128(z)).Value;
}

/// <summary>
/// The vector functions written once for every vector width: their type argument <c>TV</c> is one of
/// <see cref="Float512"/>, <see cref="Float256"/>, <see cref="Float128"/>, which the JIT compiles separately.
/// </summary>
internal static class VectorFunctions
{
    // exp: n = round(x log2 e), r = x - n ln2 with ln 2 = Ln2High + Ln2Low (Ln2High is ln 2 rounded to float;
    // with a fused multiply-add x - n Ln2High is exact for every |n| ≤ 150).
    private const float Log2E = 1.44269504f;
    private const float Ln2High = 0.693147182f;
    private const float Ln2Low = -1.90465421e-9f;

    // The range ExpOfClamped accepts.
    private const float ExpLowest = -104f;
    private const float ExpHighest = 89f;

    // e^r = 1 + r + r² Q(r) on [-ln2/2, ln2/2]; Q of degree 4, Chebyshev fit (max relative error 1e-8).
    private const float Q0 = 0.5f;
    private const float Q1 = 0.166665778f;
    private const float Q2 = 0.0416665561f;
    private const float Q3 = 0.00836317334f;
    private const float Q4 = 0.00139261759f;

    // tanh x = x + x³ P(x²) for |x| < TanhSmall; P of degree 4, Chebyshev fit on [0, 0.625²] (max relative error 2e-8).
    private const float TanhSmall = 0.5625f;
    private const float P0 = -0.333333284f;
    private const float P1 = 0.133327693f;
    private const float P2 = -0.0538509078f;
    private const float P3 = 0.0209971797f;
    private const float P4 = -0.00609671418f;

    // log(1 + u) = 2 atanh(s) = 2s + s³ R(s²) with s = u / (2 + u) ∈ [0, 1/3] for u ∈ [0, 1]; R of degree 4,
    // Chebyshev fit (max relative error 1e-9).
    private const float R0 = 0.666666687f;
    private const float R1 = 0.399997056f;
    private const float R2 = 0.285923570f;
    private const float R3 = 0.217065752f;
    private const float R4 = 0.232243299f;

    /// <summary><c>e^x</c>; see <see cref="VectorMath"/> for the method and accuracy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TV>(TV x)
        where TV : struct, IFloatVector<TV>
    {
        var e = ExpOfClamped(TV.MinNative(TV.MaxNative(x, TV.Create(ExpLowest)), TV.Create(ExpHighest)));
        return TV.ConditionalSelect(TV.IsNaN(x), x, e);
    }

    /// <summary>
    /// <c>e^x</c> for <c>x ∈ [-104, 89]</c> (clamped by the caller: beyond, e^x is +∞ or rounds to 0 anyway, and
    /// the clamp keeps r finite where ∞ - ∞ would be NaN).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ExpOfClamped<TV>(TV x)
        where TV : struct, IFloatVector<TV>
    {
        var n = TV.Round(x * TV.Create(Log2E));
        var r = TV.FusedMultiplyAdd(n, TV.Create(-Ln2High), x);
        r = TV.FusedMultiplyAdd(n, TV.Create(-Ln2Low), r);

        // Q(r) in Estrin's form (shorter dependency chain than Horner's): (Q0 + Q1 r) + r² (Q2 + Q3 r) + r⁴ Q4.
        var r2 = r * r;
        var low = TV.FusedMultiplyAdd(TV.Create(Q1), r, TV.Create(Q0));
        var high = TV.FusedMultiplyAdd(TV.Create(Q3), r, TV.Create(Q2));
        var q = TV.FusedMultiplyAdd(r2 * r2, TV.Create(Q4), TV.FusedMultiplyAdd(r2, high, low));
        var expR = TV.FusedMultiplyAdd(r2, q, r) + TV.Create(1f);
        return ScaleByPowerOfTwo(expR, n);
    }

    /// <summary><c>tanh x</c>; see <see cref="VectorMath"/> for the method and accuracy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Tanh<TV>(TV x)
        where TV : struct, IFloatVector<TV>
    {
        // Both branches on m = |x|; tanh is odd, so the result takes the sign of x (tanh(-0) = -0).
        // m ≥ 0.5625: 1 - 2 / (e^(2m) + 1); from m = 44.5 on e^(2m) = +∞, which gives exactly 1.
        var m = TV.Abs(x);
        var e = ExpOfClamped(TV.MinNative(m + m, TV.Create(ExpHighest)));
        var large = TV.Create(1f) - (TV.Create(2f) / (e + TV.Create(1f)));

        // m < 0.5625: m + m³ P(m²), accurate relative to m near 0.
        var m2 = m * m;
        var p = TV.FusedMultiplyAdd(TV.FusedMultiplyAdd(TV.FusedMultiplyAdd(TV.FusedMultiplyAdd(TV.Create(P4), m2, TV.Create(P3)), m2, TV.Create(P2)), m2, TV.Create(P1)), m2, TV.Create(P0));
        var small = TV.FusedMultiplyAdd(m * m2, p, m);

        // NaN fails the comparison and takes the small branch, where it propagates.
        return TV.CopySign(TV.ConditionalSelect(TV.GreaterThanOrEqual(m, TV.Create(TanhSmall)), large, small), x);
    }

    /// <summary><c>σ(x) = 1 / (1 + e^-x)</c>; see <see cref="VectorMath"/> for the method and accuracy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sigmoid<TV>(TV x)
        where TV : struct, IFloatVector<TV>
    {
        // e = e^-|x| ∈ [0, 1]: σ(x) = 1 / (1 + e) for x ≥ 0, e / (1 + e) for x < 0.
        var e = ExpOfClamped(TV.MaxNative(-TV.Abs(x), TV.Create(ExpLowest)));
        var numerator = TV.ConditionalSelect(TV.GreaterThanOrEqual(x, TV.Create(0f)), TV.Create(1f), e);
        return TV.ConditionalSelect(TV.IsNaN(x), x, numerator / (e + TV.Create(1f)));
    }

    /// <summary>
    /// <c>σ(x)</c> and <c>σ(-x) = 1 - σ(x)</c>, both to full relative accuracy (1 - σ(x) computed by subtraction
    /// would lose it where σ(x) is close to 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TV Sigmoid, TV Complement) SigmoidAndComplement<TV>(TV x)
        where TV : struct, IFloatVector<TV>
    {
        var e = ExpOfClamped(TV.MaxNative(-TV.Abs(x), TV.Create(ExpLowest)));
        var denominator = e + TV.Create(1f);
        var nonNegative = TV.GreaterThanOrEqual(x, TV.Create(0f));
        var nan = TV.IsNaN(x);
        var sigmoid = TV.ConditionalSelect(nonNegative, TV.Create(1f), e) / denominator;
        var complement = TV.ConditionalSelect(nonNegative, e, TV.Create(1f)) / denominator;
        return (TV.ConditionalSelect(nan, x, sigmoid), TV.ConditionalSelect(nan, x, complement));
    }

    /// <summary>Softmax over the lanes; a NaN lane makes every lane NaN, as in the scalar function.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Softmax<TV>(TV z)
        where TV : struct, IFloatVector<TV>
    {
        // z - m ≤ 0, so only the lower end needs clamping. The maximum may drop a NaN lane (one instruction per
        // step instead of three), but that lane's e is NaN (kept by the select) and so is the sum, so every lane is.
        var shifted = z - TV.Create(TV.MaxAcross(z));
        var e = TV.ConditionalSelect(TV.IsNaN(shifted), shifted, ExpOfClamped(TV.MaxNative(shifted, TV.Create(ExpLowest))));
        return e * TV.Create(1f / TV.Sum(e));
    }

    /// <summary>
    /// <c>e^x - 1</c> for <c>x ≤ 0</c> (larger x may give ∞ or NaN), accurate near 0 where <c>e^x - 1</c>
    /// would cancel: <c>e^x - 1 = 2t / (1 - t)</c> with <c>t = tanh(x/2)</c> ∈ [-1, 0].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV ExpM1NonPositive<TV>(TV x)
        where TV : struct, IFloatVector<TV>
    {
        var t = Tanh(x * TV.Create(0.5f));
        return (t + t) / (TV.Create(1f) - t);
    }

    /// <summary>
    /// <c>ln(1 + u)</c> for <c>u ∈ [0, 1]</c>: <c>2 atanh(s)</c> with <c>s = u / (2 + u)</c>, accurate for tiny u
    /// where <c>ln(1 + u)</c> would round 1 + u to 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV LogOnePlusUnit<TV>(TV u)
        where TV : struct, IFloatVector<TV>
    {
        var s = u / (u + TV.Create(2f));
        var s2 = s * s;
        var rs = TV.FusedMultiplyAdd(TV.FusedMultiplyAdd(TV.FusedMultiplyAdd(TV.FusedMultiplyAdd(TV.Create(R4), s2, TV.Create(R3)), s2, TV.Create(R2)), s2, TV.Create(R1)), s2, TV.Create(R0));
        return TV.FusedMultiplyAdd(s * s2, rs, s + s);
    }

    /// <summary>
    /// <c>x 2^n</c> for integral <c>n ∈ [-151, 129]</c>, rounded once (so subnormal results are right) and
    /// overflowing to ∞: <c>vscalefps</c> where available, else two factors <c>2^⌊n/2⌉</c> and
    /// <c>2^(n - ⌊n/2⌉)</c>, each a normal float built from its exponent bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV ScaleByPowerOfTwo<TV>(TV x, TV n)
        where TV : struct, IFloatVector<TV>
    {
        return TV.HasScaleInstruction ? TV.Scale(x, n) : ScaleByTwoFactors(x, n);
    }

    /// <summary>The portable <see cref="ScaleByPowerOfTwo"/>: <c>x 2^h 2^(n - h)</c> with <c>h = ⌊n/2⌉</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ScaleByTwoFactors<TV>(TV x, TV n)
        where TV : struct, IFloatVector<TV>
    {
        var half = TV.Round(n * TV.Create(0.5f));
        return x * TV.PowerOfTwo(half) * TV.PowerOfTwo(n - half);
    }
}

/// <summary>
/// The operations <see cref="VectorFunctions"/> needs, implemented by one wrapper struct per vector width so
/// the functions are written once. Masks are vectors whose lanes are all ones (true) or all zeros (false).
/// </summary>
internal interface IFloatVector<TSelf>
    where TSelf : struct, IFloatVector<TSelf>
{
    /// <summary>Whether <see cref="Scale"/> is a single instruction (AVX-512 <c>vscalefps</c>).</summary>
    static abstract bool HasScaleInstruction { get; }

    static abstract TSelf Create(float value);

    static abstract TSelf LoadUnsafe(ref float source, nuint offset);

    void StoreUnsafe(ref float destination, nuint offset);

    /// <summary>The sum of the lanes.</summary>
    static abstract float Sum(TSelf value);

    /// <summary>The largest lane, by one-instruction maxima: with a NaN lane the result may be NaN or not.</summary>
    static abstract float MaxAcross(TSelf value);

    static abstract TSelf operator +(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf left, TSelf right);

    static abstract TSelf operator *(TSelf left, TSelf right);

    static abstract TSelf operator /(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf value);

    /// <summary><c>a b + c</c>, rounded once.</summary>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);

    static abstract TSelf Abs(TSelf value);

    /// <summary>Rounds to the nearest integer, ties to even.</summary>
    static abstract TSelf Round(TSelf value);

    /// <summary>The lane-wise minimum, one instruction; with a NaN lane the result may be either lane.</summary>
    static abstract TSelf MinNative(TSelf left, TSelf right);

    /// <summary>The lane-wise maximum, one instruction; with a NaN lane the result may be either lane.</summary>
    static abstract TSelf MaxNative(TSelf left, TSelf right);

    /// <summary>The mask of the NaN lanes.</summary>
    static abstract TSelf IsNaN(TSelf value);

    /// <summary>The magnitude of <paramref name="value"/> with the sign of <paramref name="sign"/>.</summary>
    static abstract TSelf CopySign(TSelf value, TSelf sign);

    static abstract TSelf GreaterThan(TSelf left, TSelf right);

    static abstract TSelf GreaterThanOrEqual(TSelf left, TSelf right);

    static abstract TSelf ConditionalSelect(TSelf mask, TSelf whenTrue, TSelf whenFalse);

    /// <summary><c>x 2^⌊n⌋</c>, rounded once; only when <see cref="HasScaleInstruction"/>.</summary>
    static abstract TSelf Scale(TSelf x, TSelf n);

    /// <summary><c>2^n</c> for integral <c>n ∈ [-126, 127]</c>, from the exponent bits.</summary>
    static abstract TSelf PowerOfTwo(TSelf n);
}

/// <summary>A <see cref="Vector512{T}"/> of floats as an <see cref="IFloatVector{TSelf}"/>.</summary>
internal readonly struct Float512(Vector512<float> value) : IFloatVector<Float512>
{
    public readonly Vector512<float> Value = value;

    public static bool HasScaleInstruction => Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 Create(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 LoadUnsafe(ref float source, nuint offset) => new(Vector512.LoadUnsafe(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreUnsafe(ref float destination, nuint offset) => Value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Float512 value) => Vector512.Sum(value.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Float512 value) => Float256.MaxAcross(new(Vector256.MaxNative(value.Value.GetLower(), value.Value.GetUpper())));

    public static Float512 operator +(Float512 left, Float512 right) => new(left.Value + right.Value);

    public static Float512 operator -(Float512 left, Float512 right) => new(left.Value - right.Value);

    public static Float512 operator *(Float512 left, Float512 right) => new(left.Value * right.Value);

    public static Float512 operator /(Float512 left, Float512 right) => new(left.Value / right.Value);

    public static Float512 operator -(Float512 value) => new(-value.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 FusedMultiplyAdd(Float512 a, Float512 b, Float512 c) => new(Vector512.FusedMultiplyAdd(a.Value, b.Value, c.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 Abs(Float512 value) => new(Vector512.Abs(value.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 Round(Float512 value) => new(Vector512.Round(value.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 MinNative(Float512 left, Float512 right) => new(Vector512.MinNative(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 MaxNative(Float512 left, Float512 right) => new(Vector512.MaxNative(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 IsNaN(Float512 value) => new(Vector512.IsNaN(value.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 CopySign(Float512 value, Float512 sign) => new(Vector512.CopySign(value.Value, sign.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 GreaterThan(Float512 left, Float512 right) => new(Vector512.GreaterThan(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 GreaterThanOrEqual(Float512 left, Float512 right) => new(Vector512.GreaterThanOrEqual(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 ConditionalSelect(Float512 mask, Float512 whenTrue, Float512 whenFalse) =>
        new(Vector512.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 Scale(Float512 x, Float512 n) => new(Avx512F.Scale(x.Value, n.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 PowerOfTwo(Float512 n) =>
        new(Vector512.ShiftLeft(Vector512.ConvertToInt32(n.Value) + Vector512.Create(127), 23).AsSingle());
}

/// <summary>A <see cref="Vector256{T}"/> of floats as an <see cref="IFloatVector{TSelf}"/>.</summary>
internal readonly struct Float256(Vector256<float> value) : IFloatVector<Float256>
{
    public readonly Vector256<float> Value = value;

    public static bool HasScaleInstruction => Avx512F.VL.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 Create(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 LoadUnsafe(ref float source, nuint offset) => new(Vector256.LoadUnsafe(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreUnsafe(ref float destination, nuint offset) => Value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Float256 value) => Vector256.Sum(value.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Float256 value) => Float128.MaxAcross(new(Vector128.MaxNative(value.Value.GetLower(), value.Value.GetUpper())));

    public static Float256 operator +(Float256 left, Float256 right) => new(left.Value + right.Value);

    public static Float256 operator -(Float256 left, Float256 right) => new(left.Value - right.Value);

    public static Float256 operator *(Float256 left, Float256 right) => new(left.Value * right.Value);

    public static Float256 operator /(Float256 left, Float256 right) => new(left.Value / right.Value);

    public static Float256 operator -(Float256 value) => new(-value.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 FusedMultiplyAdd(Float256 a, Float256 b, Float256 c) => new(Vector256.FusedMultiplyAdd(a.Value, b.Value, c.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 Abs(Float256 value) => new(Vector256.Abs(value.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 Round(Float256 value) => new(Vector256.Round(value.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 MinNative(Float256 left, Float256 right) => new(Vector256.MinNative(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 MaxNative(Float256 left, Float256 right) => new(Vector256.MaxNative(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 IsNaN(Float256 value) => new(Vector256.IsNaN(value.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 CopySign(Float256 value, Float256 sign) => new(Vector256.CopySign(value.Value, sign.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 GreaterThan(Float256 left, Float256 right) => new(Vector256.GreaterThan(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 GreaterThanOrEqual(Float256 left, Float256 right) => new(Vector256.GreaterThanOrEqual(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 ConditionalSelect(Float256 mask, Float256 whenTrue, Float256 whenFalse) =>
        new(Vector256.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 Scale(Float256 x, Float256 n) => new(Avx512F.VL.Scale(x.Value, n.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 PowerOfTwo(Float256 n) =>
        new(Vector256.ShiftLeft(Vector256.ConvertToInt32(n.Value) + Vector256.Create(127), 23).AsSingle());
}

/// <summary>A <see cref="Vector128{T}"/> of floats as an <see cref="IFloatVector{TSelf}"/>.</summary>
internal readonly struct Float128(Vector128<float> value) : IFloatVector<Float128>
{
    public readonly Vector128<float> Value = value;

    public static bool HasScaleInstruction => Avx512F.VL.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 Create(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 LoadUnsafe(ref float source, nuint offset) => new(Vector128.LoadUnsafe(ref source, offset));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreUnsafe(ref float destination, nuint offset) => Value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Float128 value) => Vector128.Sum(value.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Float128 value)
    {
        var pairs = Vector128.MaxNative(value.Value, Vector128.Shuffle(value.Value, Vector128.Create(1, 0, 3, 2)));
        return Vector128.MaxNative(pairs, Vector128.Shuffle(pairs, Vector128.Create(2, 3, 0, 1))).ToScalar();
    }

    public static Float128 operator +(Float128 left, Float128 right) => new(left.Value + right.Value);

    public static Float128 operator -(Float128 left, Float128 right) => new(left.Value - right.Value);

    public static Float128 operator *(Float128 left, Float128 right) => new(left.Value * right.Value);

    public static Float128 operator /(Float128 left, Float128 right) => new(left.Value / right.Value);

    public static Float128 operator -(Float128 value) => new(-value.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 FusedMultiplyAdd(Float128 a, Float128 b, Float128 c) => new(Vector128.FusedMultiplyAdd(a.Value, b.Value, c.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 Abs(Float128 value) => new(Vector128.Abs(value.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 Round(Float128 value) => new(Vector128.Round(value.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 MinNative(Float128 left, Float128 right) => new(Vector128.MinNative(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 MaxNative(Float128 left, Float128 right) => new(Vector128.MaxNative(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 IsNaN(Float128 value) => new(Vector128.IsNaN(value.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 CopySign(Float128 value, Float128 sign) => new(Vector128.CopySign(value.Value, sign.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 GreaterThan(Float128 left, Float128 right) => new(Vector128.GreaterThan(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 GreaterThanOrEqual(Float128 left, Float128 right) => new(Vector128.GreaterThanOrEqual(left.Value, right.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 ConditionalSelect(Float128 mask, Float128 whenTrue, Float128 whenFalse) =>
        new(Vector128.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 Scale(Float128 x, Float128 n) => new(Avx512F.VL.Scale(x.Value, n.Value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 PowerOfTwo(Float128 n) =>
        new(Vector128.ShiftLeft(Vector128.ConvertToInt32(n.Value) + Vector128.Create(127), 23).AsSingle());
}
