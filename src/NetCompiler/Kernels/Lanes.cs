using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NetCompiler.Kernels;

/// <summary>
/// The vector operations of the kernels written once for both element types and the 256- and 128-bit widths (the
/// register blocks of <see cref="Blocks.NarrowBlock{T, TLanes, TVector}"/> and the per-sample matrix-vector product of
/// <see cref="DenseKernels"/>): a struct per width, generic in the element type, so the JIT compiles each instantiation
/// with that width's and that type's instructions and nothing in between.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
/// <typeparam name="TVector">The width's vector of <typeparamref name="T"/>.</typeparam>
internal interface ILanes<T, TVector>
    where T : unmanaged
    where TVector : struct
{
    /// <summary>Elements per vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Load(ref T source, nuint offset);

    static abstract void Store(TVector value, ref T destination, nuint offset);

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TVector Broadcast(T value);

    /// <summary><c>a · b + addend</c>: fused (one rounding) on every machine with FMA.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector addend);

    static abstract TVector Multiply(TVector a, TVector b);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Select(TVector mask, TVector ifSet, TVector ifClear);

    /// <summary>A mask of the last <paramref name="count"/> lanes.</summary>
    static abstract TVector LastLanes(int count);
}

/// <summary>8 floats or 4 doubles (AVX2 and FMA).</summary>
internal readonly struct Lanes256<T> : ILanes<T, Vector256<T>>
    where T : unmanaged
{
    public static int Count => Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(ref T source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> addend) => Lanes.MultiplyAdd(a, b, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> a, Vector256<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Select(Vector256<T> mask, Vector256<T> ifSet, Vector256<T> ifClear) => Vector256.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LastLanes(int count) =>
        typeof(T) == typeof(float)
            ? Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(Count - count)).As<int, T>()
            : Vector256.GreaterThanOrEqual(Vector256<long>.Indices, Vector256.Create((long)(Count - count))).As<long, T>();
}

/// <summary>4 floats or 2 doubles (SSE, Arm64 AdvSimd, or software where neither is accelerated).</summary>
internal readonly struct Lanes128<T> : ILanes<T, Vector128<T>>
    where T : unmanaged
{
    public static int Count => Vector128<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(ref T source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Broadcast(T value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> addend) => Lanes.MultiplyAdd(a, b, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Multiply(Vector128<T> a, Vector128<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Select(Vector128<T> mask, Vector128<T> ifSet, Vector128<T> ifClear) => Vector128.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> LastLanes(int count) =>
        typeof(T) == typeof(float)
            ? Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create(Count - count)).As<int, T>()
            : Vector128.GreaterThanOrEqual(Vector128<long>.Indices, Vector128.Create((long)(Count - count))).As<long, T>();
}

/// <summary>
/// The operations of the element-generic kernels that the runtime's vector API offers only per element type (fused
/// multiply-add, masked loads and stores, horizontal sums by a fixed tree): one generic method each, which picks the
/// <see cref="float"/> or <see cref="double"/> instruction by <c>typeof(T)</c>, a constant for the JIT, so each
/// instantiation compiles to that type's single instruction.
/// </summary>
internal static class Lanes
{
    /// <summary><c>a · b + addend</c> with one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> MultiplyAdd<T>(Vector512<T> a, Vector512<T> b, Vector512<T> addend)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), addend.AsSingle()).As<float, T>();
        }

        return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), addend.AsDouble()).As<double, T>();
    }

    /// <summary><c>a · b + addend</c> with one rounding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> MultiplyAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> addend)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), addend.AsSingle()).As<float, T>();
        }

        return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), addend.AsDouble()).As<double, T>();
    }

    /// <summary>
    /// <c>a · b + addend</c>: fused where the machine has FMA (x64 with FMA, every Arm64), else a multiply and an add. The
    /// 128-bit path is the one of machines (and of NativeAOT builds for the default instruction set) that may lack FMA,
    /// where Vector128.FusedMultiplyAdd would be computed in software, element by element, tens of times slower.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> MultiplyAdd<T>(Vector128<T> a, Vector128<T> b, Vector128<T> addend)
    {
        if (typeof(T) == typeof(float))
        {
            return Vector128.MultiplyAddEstimate(a.AsSingle(), b.AsSingle(), addend.AsSingle()).As<float, T>();
        }

        return Vector128.MultiplyAddEstimate(a.AsDouble(), b.AsDouble(), addend.AsDouble()).As<double, T>();
    }

    /// <summary>A mask of the first <paramref name="count"/> lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> FirstLanes<T>(int count) =>
        typeof(T) == typeof(float)
            ? Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).As<int, T>()
            : Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)count)).As<long, T>();

    /// <summary>The lanes of <paramref name="source"/> under <paramref name="mask"/>, zero elsewhere; masked lanes are not read (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<T> MaskLoad<T>(T* source, Vector512<T> mask)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return Avx512F.MaskLoad((float*)source, mask.AsSingle(), Vector512<float>.Zero).As<float, T>();
        }

        return Avx512F.MaskLoad((double*)source, mask.AsDouble(), Vector512<double>.Zero).As<double, T>();
    }

    /// <summary>Stores the lanes of <paramref name="value"/> under <paramref name="mask"/>; the others are not written (AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void MaskStore<T>(T* destination, Vector512<T> mask, Vector512<T> value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Avx512F.MaskStore((float*)destination, mask.AsSingle(), value.AsSingle());
        }
        else
        {
            Avx512F.MaskStore((double*)destination, mask.AsDouble(), value.AsDouble());
        }
    }

    /// <summary>The four horizontal sums <c>[Σa, Σb, Σc, Σd]</c> of 8-float vectors, always by the same shuffle tree.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        if (Avx.IsSupported)
        {
            // Per 128-bit half: [Σa, Σb, Σc, Σd] of that half; then add the halves.
            var sums = Avx.HorizontalAdd(Avx.HorizontalAdd(a, b), Avx.HorizontalAdd(c, d));
            return sums.GetLower() + sums.GetUpper();
        }

        return Sum4(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());
    }

    /// <summary>The four horizontal sums <c>[Σa, Σb, Σc, Σd]</c> of 4-float vectors, always by the same shuffle tree.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d)
    {
        if (Sse3.IsSupported)
        {
            return Sse3.HorizontalAdd(Sse3.HorizontalAdd(a, b), Sse3.HorizontalAdd(c, d));
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a, b), AdvSimd.Arm64.AddPairwise(c, d));
        }

        return Vector128.Create(
            (a.GetElement(0) + a.GetElement(1)) + (a.GetElement(2) + a.GetElement(3)),
            (b.GetElement(0) + b.GetElement(1)) + (b.GetElement(2) + b.GetElement(3)),
            (c.GetElement(0) + c.GetElement(1)) + (c.GetElement(2) + c.GetElement(3)),
            (d.GetElement(0) + d.GetElement(1)) + (d.GetElement(2) + d.GetElement(3)));
    }
}
