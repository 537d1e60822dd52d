using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace NetCompiler.Benchmarks;

/// <summary>
/// The machine's single-core FP32 FMA peak, measured in the same run as the kernels (<see cref="FmaChains"/>): independent FMA chains (24 of
/// Vector512 in its 32 registers, 12 of the narrower vectors in their 16; 8 cover two pipes × 4-cycle latency) of the
/// widest vector the JIT accelerates, which is the width the kernels run at:
/// Vector512 normally, Vector256 with <c>DOTNET_EnableAVX512=0</c> (as on a machine without AVX-512), Vector128 with
/// <c>DOTNET_EnableAVX=0</c> (where a multiply-add is fused only if the machine has FMA, as in the kernels' 128-bit path).
/// </summary>
[MemoryDiagnoser]
public class PeakBenchmark
{
    private readonly Vector512<float> _multiplier = Vector512.Create(0.999999f);
    private readonly Vector512<float> _addend = Vector512.Create(1e-7f);

    /// <summary>FLOPs of one call: chains × lanes × 2 (multiply and add) × iterations.</summary>
    public static double FlopsPerCall => FmaChains.FlopsPerCall<float>();

    [Benchmark(Description = "FMA peak (independent chains of the widest vector)")]
    public float FmaPeak() => FmaChains.Run(_multiplier, _addend);
}

/// <summary>
/// The machine's single-core FP64 FMA peak, the same chains as <see cref="PeakBenchmark"/> on doubles (half the lanes of a
/// vector): what double networks' training is a percentage of.
/// </summary>
[MemoryDiagnoser]
public class DoublePeakBenchmark
{
    private readonly Vector512<double> _multiplier = Vector512.Create(0.999999);
    private readonly Vector512<double> _addend = Vector512.Create(1e-7);

    /// <summary>FLOPs of one call: chains × lanes × 2 (multiply and add) × iterations.</summary>
    public static double FlopsPerCall => FmaChains.FlopsPerCall<double>();

    [Benchmark(Description = "FP64 FMA peak (independent chains of the widest vector)")]
    public double FmaPeak() => FmaChains.Run(_multiplier, _addend);
}

/// <summary>
/// Independent FMA chains of the widest accelerated vector of floats or doubles. One method per width, each chain its own
/// local (a version generic over the width spilled the chains to memory); generic only in the element type, which the JIT
/// specialises away.
/// </summary>
public static class FmaChains
{
    public const int Iterations = 4096;

    /// <summary>The independent chains: as many as the registers hold beside the two operands.</summary>
    public static int Chains => Vector512.IsHardwareAccelerated ? 24 : 12;

    /// <summary>FLOPs of one call of <see cref="Run{T}"/>: chains × lanes × 2 (multiply and add) × iterations.</summary>
    public static double FlopsPerCall<T>() => Chains * (double)Lanes<T>() * 2 * Iterations;

    /// <summary>The lanes of the vector measured: 16, 8 or 4 floats; 8, 4 or 2 doubles.</summary>
    public static int Lanes<T>() =>
        Vector512.IsHardwareAccelerated ? Vector512<T>.Count : Vector256.IsHardwareAccelerated ? Vector256<T>.Count : Vector128<T>.Count;

    /// <summary>Runs the chains at the widest accelerated width; returns their sum so nothing is optimised away.</summary>
    public static T Run<T>(Vector512<T> multiplier, Vector512<T> addend)
        where T : unmanaged =>
        Vector512.IsHardwareAccelerated ? Run512(multiplier, addend)
        : Vector256.IsHardwareAccelerated ? Run256(multiplier.GetLower(), addend.GetLower())
        : Run128(multiplier.GetLower().GetLower(), addend.GetLower().GetLower());

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T Run512<T>(Vector512<T> m, Vector512<T> a)
        where T : unmanaged
    {
        Vector512<T> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a, c8 = a, c9 = a, c10 = a, c11 = a;
        Vector512<T> c12 = a, c13 = a, c14 = a, c15 = a, c16 = a, c17 = a, c18 = a, c19 = a, c20 = a, c21 = a, c22 = a, c23 = a;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = Fma(c0, m, a); c1 = Fma(c1, m, a);
            c2 = Fma(c2, m, a); c3 = Fma(c3, m, a);
            c4 = Fma(c4, m, a); c5 = Fma(c5, m, a);
            c6 = Fma(c6, m, a); c7 = Fma(c7, m, a);
            c8 = Fma(c8, m, a); c9 = Fma(c9, m, a);
            c10 = Fma(c10, m, a); c11 = Fma(c11, m, a);
            c12 = Fma(c12, m, a); c13 = Fma(c13, m, a);
            c14 = Fma(c14, m, a); c15 = Fma(c15, m, a);
            c16 = Fma(c16, m, a); c17 = Fma(c17, m, a);
            c18 = Fma(c18, m, a); c19 = Fma(c19, m, a);
            c20 = Fma(c20, m, a); c21 = Fma(c21, m, a);
            c22 = Fma(c22, m, a); c23 = Fma(c23, m, a);
        }

        var sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15 + c16 + c17 + c18 + c19 + c20 + c21 + c22 + c23;
        return Vector512.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T Run256<T>(Vector256<T> m, Vector256<T> a)
        where T : unmanaged
    {
        Vector256<T> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a;
        Vector256<T> c6 = a, c7 = a, c8 = a, c9 = a, c10 = a, c11 = a;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = Fma(c0, m, a); c1 = Fma(c1, m, a);
            c2 = Fma(c2, m, a); c3 = Fma(c3, m, a);
            c4 = Fma(c4, m, a); c5 = Fma(c5, m, a);
            c6 = Fma(c6, m, a); c7 = Fma(c7, m, a);
            c8 = Fma(c8, m, a); c9 = Fma(c9, m, a);
            c10 = Fma(c10, m, a); c11 = Fma(c11, m, a);
        }

        var sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
        return Vector256.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T Run128<T>(Vector128<T> m, Vector128<T> a)
        where T : unmanaged
    {
        Vector128<T> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a;
        Vector128<T> c6 = a, c7 = a, c8 = a, c9 = a, c10 = a, c11 = a;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = Fma(c0, m, a); c1 = Fma(c1, m, a);
            c2 = Fma(c2, m, a); c3 = Fma(c3, m, a);
            c4 = Fma(c4, m, a); c5 = Fma(c5, m, a);
            c6 = Fma(c6, m, a); c7 = Fma(c7, m, a);
            c8 = Fma(c8, m, a); c9 = Fma(c9, m, a);
            c10 = Fma(c10, m, a); c11 = Fma(c11, m, a);
        }

        var sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11;
        return Vector128.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
        where T : unmanaged =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
        where T : unmanaged =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    /// <summary>Fused only where the machine has FMA, as in the kernels' 128-bit path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<T> Fma<T>(Vector128<T> a, Vector128<T> b, Vector128<T> c)
        where T : unmanaged =>
        typeof(T) == typeof(float)
            ? Vector128.MultiplyAddEstimate(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector128.MultiplyAddEstimate(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
}
