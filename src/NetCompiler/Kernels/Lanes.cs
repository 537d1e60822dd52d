using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NetCompiler.Kernels;

/// <summary>
/// The vector operations of the kernels written once for the 256- and 128-bit widths (the per-sample matrix-vector
/// product of <see cref="DenseKernels"/> and the register blocks of <see cref="Blocks.NarrowBlock{TLanes, TVector}"/>):
/// a struct per width, so the JIT compiles each instantiation with that width's instructions and nothing in between.
/// </summary>
internal interface ILanes<TVector>
    where TVector : struct
{
    /// <summary>Floats per vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Load(ref float source, nuint offset);

    static abstract void Store(TVector value, ref float destination, nuint offset);

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TVector Broadcast(float value);

    /// <summary><c>a · b + addend</c>: fused (one rounding) on every machine with FMA.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector addend);

    static abstract TVector Multiply(TVector a, TVector b);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Select(TVector mask, TVector ifSet, TVector ifClear);

    /// <summary>A mask of the last <paramref name="count"/> lanes.</summary>
    static abstract TVector LastLanes(int count);

    /// <summary>The four horizontal sums <c>[Σa, Σb, Σc, Σd]</c>, always by the same shuffle tree.</summary>
    static abstract Vector128<float> Sum4(TVector a, TVector b, TVector c, TVector d);
}

/// <summary>8 floats (AVX2 and FMA).</summary>
internal readonly struct Lanes256 : ILanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> addend) => Vector256.FusedMultiplyAdd(a, b, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Select(Vector256<float> mask, Vector256<float> ifSet, Vector256<float> ifClear) => Vector256.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LastLanes(int count) =>
        Vector256.GreaterThanOrEqual(Vector256<int>.Indices, Vector256.Create(Count - count)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sum4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        if (Avx.IsSupported)
        {
            // Per 128-bit half: [Σa, Σb, Σc, Σd] of that half; then add the halves.
            var sums = Avx.HorizontalAdd(Avx.HorizontalAdd(a, b), Avx.HorizontalAdd(c, d));
            return sums.GetLower() + sums.GetUpper();
        }

        return Lanes128.Sum4(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());
    }
}

/// <summary>4 floats (SSE, Arm64 AdvSimd, or software where neither is accelerated).</summary>
internal readonly struct Lanes128 : ILanes<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    // Fused where the machine has FMA (x64 with FMA, every Arm64), else a multiply and an add: the 128-bit path is the one
    // of machines (and of NativeAOT builds for the default instruction set) that may lack FMA, where
    // Vector128.FusedMultiplyAdd would be computed in software, element by element, tens of times slower.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> addend) => Vector128.MultiplyAddEstimate(a, b, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Select(Vector128<float> mask, Vector128<float> ifSet, Vector128<float> ifClear) => Vector128.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LastLanes(int count) =>
        Vector128.GreaterThanOrEqual(Vector128<int>.Indices, Vector128.Create(Count - count)).AsSingle();

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
