using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Training;

/// <summary>
/// A vector of <typeparamref name="T"/> (float or double) of one hardware width, with the element-wise arithmetic the
/// optimizers' update rules use, so each rule is written once with operators (<c>m = β₁ m + (1 − β₁) g</c>) for both
/// element types and runs at the widest width the machine accelerates (<see cref="Float512{T}"/>,
/// <see cref="Float256{T}"/> or <see cref="Float128{T}"/>). Every operation is the correctly rounded IEEE operation on
/// each lane (no fused multiply-add), so the result of an update does not depend on the width: the same bits on every machine.
/// </summary>
/// <typeparam name="TSelf">The vector type.</typeparam>
/// <typeparam name="T">The element type.</typeparam>
internal interface IFloatVector<TSelf, T>
    where TSelf : struct, IFloatVector<TSelf, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The number of lanes.</summary>
    static abstract int Count { get; }

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TSelf Create(T value);

    /// <summary>The <see cref="Count"/> elements from <c>source + index</c>.</summary>
    static abstract TSelf Load(ref T source, nuint index);

    /// <summary>Writes the lanes to <c>destination + index</c>.</summary>
    static abstract void Store(TSelf value, ref T destination, nuint index);

    static abstract TSelf operator +(TSelf left, TSelf right);

    static abstract TSelf operator -(TSelf left, TSelf right);

    static abstract TSelf operator *(TSelf left, TSelf right);

    static abstract TSelf operator /(TSelf left, TSelf right);

    /// <summary>The square root of each lane.</summary>
    static abstract TSelf SquareRoot(TSelf value);
}

/// <summary>16 floats or 8 doubles (AVX-512).</summary>
internal readonly struct Float512<T>(Vector512<T> value) : IFloatVector<Float512<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Vector512<T> _value = value;

    public static int Count => Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512<T> Create(T value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512<T> Load(ref T source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Float512<T> value, ref T destination, nuint index) => value._value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512<T> operator +(Float512<T> left, Float512<T> right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512<T> operator -(Float512<T> left, Float512<T> right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512<T> operator *(Float512<T> left, Float512<T> right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512<T> operator /(Float512<T> left, Float512<T> right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float512<T> SquareRoot(Float512<T> value) => new(Vector512.Sqrt(value._value));
}

/// <summary>8 floats or 4 doubles (AVX).</summary>
internal readonly struct Float256<T>(Vector256<T> value) : IFloatVector<Float256<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Vector256<T> _value = value;

    public static int Count => Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256<T> Create(T value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256<T> Load(ref T source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Float256<T> value, ref T destination, nuint index) => value._value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256<T> operator +(Float256<T> left, Float256<T> right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256<T> operator -(Float256<T> left, Float256<T> right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256<T> operator *(Float256<T> left, Float256<T> right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256<T> operator /(Float256<T> left, Float256<T> right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float256<T> SquareRoot(Float256<T> value) => new(Vector256.Sqrt(value._value));
}

/// <summary>4 floats or 2 doubles (SSE, Arm64 AdvSimd, or software where neither is accelerated).</summary>
internal readonly struct Float128<T>(Vector128<T> value) : IFloatVector<Float128<T>, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly Vector128<T> _value = value;

    public static int Count => Vector128<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128<T> Create(T value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128<T> Load(ref T source, nuint index) => new(Vector128.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Float128<T> value, ref T destination, nuint index) => value._value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128<T> operator +(Float128<T> left, Float128<T> right) => new(left._value + right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128<T> operator -(Float128<T> left, Float128<T> right) => new(left._value - right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128<T> operator *(Float128<T> left, Float128<T> right) => new(left._value * right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128<T> operator /(Float128<T> left, Float128<T> right) => new(left._value / right._value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Float128<T> SquareRoot(Float128<T> value) => new(Vector128.Sqrt(value._value));
}
