using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace NetCompiler.Benchmarks;

/// <summary>
/// The machine's single-core FP32 FMA peak, measured in the same run as the kernels: 24 independent
/// Vector512 FMA chains (enough to cover two pipes × 4-cycle latency) and nothing else.
/// </summary>
[MemoryDiagnoser]
public class PeakBenchmark
{
    public const int Iterations = 4096;
    public const int Chains = 24;

    /// <summary>FLOPs of one call: chains × 16 lanes × 2 (multiply and add) × iterations.</summary>
    public const double FlopsPerCall = Chains * 16.0 * 2 * Iterations;

    private Vector512<float> _multiplier = Vector512.Create(0.999999f);
    private Vector512<float> _addend = Vector512.Create(1e-7f);

    [Benchmark(Description = "FMA peak (24 Vector512 chains)")]
    public float FmaPeak() => Run(_multiplier, _addend);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run(Vector512<float> m, Vector512<float> a)
    {
        Vector512<float> c0 = a, c1 = a, c2 = a, c3 = a, c4 = a, c5 = a, c6 = a, c7 = a, c8 = a, c9 = a, c10 = a, c11 = a;
        Vector512<float> c12 = a, c13 = a, c14 = a, c15 = a, c16 = a, c17 = a, c18 = a, c19 = a, c20 = a, c21 = a, c22 = a, c23 = a;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, m, a); c1 = Vector512.FusedMultiplyAdd(c1, m, a);
            c2 = Vector512.FusedMultiplyAdd(c2, m, a); c3 = Vector512.FusedMultiplyAdd(c3, m, a);
            c4 = Vector512.FusedMultiplyAdd(c4, m, a); c5 = Vector512.FusedMultiplyAdd(c5, m, a);
            c6 = Vector512.FusedMultiplyAdd(c6, m, a); c7 = Vector512.FusedMultiplyAdd(c7, m, a);
            c8 = Vector512.FusedMultiplyAdd(c8, m, a); c9 = Vector512.FusedMultiplyAdd(c9, m, a);
            c10 = Vector512.FusedMultiplyAdd(c10, m, a); c11 = Vector512.FusedMultiplyAdd(c11, m, a);
            c12 = Vector512.FusedMultiplyAdd(c12, m, a); c13 = Vector512.FusedMultiplyAdd(c13, m, a);
            c14 = Vector512.FusedMultiplyAdd(c14, m, a); c15 = Vector512.FusedMultiplyAdd(c15, m, a);
            c16 = Vector512.FusedMultiplyAdd(c16, m, a); c17 = Vector512.FusedMultiplyAdd(c17, m, a);
            c18 = Vector512.FusedMultiplyAdd(c18, m, a); c19 = Vector512.FusedMultiplyAdd(c19, m, a);
            c20 = Vector512.FusedMultiplyAdd(c20, m, a); c21 = Vector512.FusedMultiplyAdd(c21, m, a);
            c22 = Vector512.FusedMultiplyAdd(c22, m, a); c23 = Vector512.FusedMultiplyAdd(c23, m, a);
        }

        var sum = c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11 + c12 + c13 + c14 + c15 + c16 + c17 + c18 + c19 + c20 + c21 + c22 + c23;
        return Vector512.Sum(sum);
    }
}
