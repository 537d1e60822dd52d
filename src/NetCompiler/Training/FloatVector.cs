using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Training;

/// <summary>
/// A vector of floats of one hardware width, with the element-wise arithmetic the optimizers' update rules use, so
/// each rule is written once with operators (<c>m = β₁ m + (1 − β₁) g</c>) and runs at the widest width the machine
/// accelerates (<see cref="Float512"/>, <see cref="Float256"/> or <see cref="Float128"/>). Every operation is the
/// correctly rounded IEEE operation on each lane (no fused multiply-add), so the result of an update does not depend on
/// the width: the same bits on every machine.
/// </summary>
internal interface IFloatVector<TSelf>
    where TSelf : struct, IFloatVector<TSelf>
{
    /// <summary>The number of lanes.</summary>
    static abstract int Count { get; }

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TSelf Create(float value);

    /// <summary>The <see cref="Count"/> floats from <c>source + index</c>.</summary>
    static abstract TSelf Load(ref float source, nuint index);

    /// <summary>Writes the lanes to <c>destination + index</c>.</summary>
    static abstract void Store(TSelf value, ref float destination, nuint index);

    static abstract TSelf operator +(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf left, TSelf right);

    static abstract TSelf operator *(TSelf left, TSelf right);

    static abstract TSelf operator /(TSelf left, TSelf right);

    /// <summary>The square root of each lane.</summary>
    static abstract TSelf SquareRoot(TSelf value);
}

/// <summary>16 floats (AVX-512).</summary>
internal readonly struct Float512(Vector512<float> value) : IFloatVector<Float512>
{
    private readonly Vector512<float> _value = value;

    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 Create(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 Load(ref float source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Float512 value, ref float destination, nuint index) => value._value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 operator +(Float512 left, Float512 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 operator -(Float512 left, Float512 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 operator *(Float512 left, Float512 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 operator /(Float512 left, Float512 right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512 SquareRoot(Float512 value) => new(Vector512.Sqrt(value._value));
}

/// <summary>8 floats (AVX).</summary>
internal readonly struct Float256(Vector256<float> value) : IFloatVector<Float256>
{
    private readonly Vector256<float> _value = value;

    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 Create(float value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 Load(ref float source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Float256 value, ref float destination, nuint index) => value._value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 operator +(Float256 left, Float256 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 operator -(Float256 left, Float256 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 operator *(Float256 left, Float256 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 operator /(Float256 left, Float256 right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256 SquareRoot(Float256 value) => new(Vector256.Sqrt(value._value));
}

/// <summary>4 floats (SSE, Arm64 AdvSimd, or software where neither is accelerated).</summary>
internal readonly struct Float128(Vector128<float> value) : IFloatVector<Float128>
{
    private readonly Vector128<float> _value = value;

    public static int Count => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 Create(float value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 Load(ref float source, nuint index) => new(Vector128.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Float128 value, ref float destination, nuint index) => value._value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 operator +(Float128 left, Float128 right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 operator -(Float128 left, Float128 right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 operator *(Float128 left, Float128 right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 operator /(Float128 left, Float128 right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128 SquareRoot(Float128 value) => new(Vector128.Sqrt(value._value));
}
