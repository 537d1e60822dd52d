using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetCompiler.Kernels;

public static partial class DenseKernels
{
    // The 512-bit kernel for rows of whole vectors (columns a multiple of 16, as in 784-128-10): batch-1 inference reads
    // W once (401 KB for 784-128-10, from L2), so the kernel is bound by how fast W streams in from L2:
    //   - Four rows side by side share each load of x (one load of x per four of W), and each row has two accumulators
    //     along k: 8 independent FMA chains. Timed beside a plain sum of the same bytes, four rows kept up with the sum
    //     where one row at a time (one load of x per load of W) fell behind (docs/design/kernels.md, "Per-sample kernels";
    //     the figures of the benchmark suite: BENCHMARKS.md, "Tenth session: inference").
    //   - Every load of W aligned: an unaligned 512-bit load splits across two cache lines, and four rows with split loads
    //     fell behind the sum again. A row of whole vectors starts at the same position within 64 bytes as every other
    //     row, so one masked head of p < 16 columns brings all four rows' loads onto 64-byte boundaries, and x is copied
    //     once per call into a per-thread buffer aligned like W (from AlignedInputMinimumRows rows on).
    // As in MatrixVector512, the result must not depend on where W lies: the two accumulators of a row form one logical
    // vector of 32 lanes, column k always lands in logical lane k mod 32 (the head and the partial last vector are rotated
    // into place, and two-register permutes rotate the 32 lanes back by p at the end), each logical lane computes
    // FMA(w_k, x_k, ·) over its columns in increasing k from +0, and the lanes are reduced by one fixed tree: the same
    // result for every p, bit for bit. Fewer than 4 rows left: the last row stands in for the missing ones (its loads hit
    // L1) and only the real rows are stored.
    private static void MatrixVector512FourRows(ref float w, ref float x, ref float b, ref float z, int rows, int columns)
    {
        const int Lanes = 16;
        if (rows >= AlignedInputMinimumRows)
        {
            x = ref AlignedLike(ref x, columns, AddressOf(ref w));
        }

        // Columns before the first 64-byte boundary of a row, the same for every row (16 divides columns).
        int p = (int)((0u - (AddressOf(ref w) / sizeof(float))) & (Lanes - 1));
        int rest = columns - p;
        int tail = rest & (Lanes - 1);
        bool tailInSecond = ((rest / Lanes) & 1) != 0;
        nuint last = (nuint)(columns - Lanes);
        nuint stride = (nuint)columns;
        var lane = Vector512<int>.Indices;
        var laneMask = Vector512.Create(Lanes - 1);
        var headToMain = (lane + Vector512.Create(p)) & laneMask;
        var tailToMain = (lane - Vector512.Create(tail)) & laneMask;
        var toCanonical = lane + Vector512.Create(Lanes - p);
        var headLanes = Vector512.GreaterThanOrEqual(lane, Vector512.Create(Lanes - p)).AsSingle();
        var tailLanes = Vector512.LessThan(lane, Vector512.Create(tail)).AsSingle();
        for (int row = 0; row < rows; row += 4)
        {
            int remaining = rows - row;
            ref float w0 = ref Unsafe.Add(ref w, (nint)row * columns);
            ref float w1 = ref remaining > 1 ? ref Unsafe.Add(ref w0, stride) : ref w0;
            ref float w2 = ref remaining > 2 ? ref Unsafe.Add(ref w1, stride) : ref w0;
            ref float w3 = ref remaining > 3 ? ref Unsafe.Add(ref w2, stride) : ref w0;

            // Head: columns [0, p), logical lanes 0 … p - 1, are main positions 32 - p … 31: the second accumulator, lanes 16 - p … 15.
            var x0 = Vector512.LoadUnsafe(ref x);
            Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
            var d0 = Avx512F.PermuteVar16x32(Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0), x0, default), headToMain) & headLanes;
            var d1 = Avx512F.PermuteVar16x32(Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w1), x0, default), headToMain) & headLanes;
            var d2 = Avx512F.PermuteVar16x32(Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w2), x0, default), headToMain) & headLanes;
            var d3 = Avx512F.PermuteVar16x32(Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w3), x0, default), headToMain) & headLanes;

            // Body: aligned loads from column p on, 32 columns per pass into the two accumulators, then maybe one more vector.
            nuint k = (nuint)p;
            for (; k + Lanes <= last; k += 2 * Lanes)
            {
                var v = Vector512.LoadUnsafe(ref x, k);
                var u = Vector512.LoadUnsafe(ref x, k + Lanes);
                c0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, k), v, c0);
                c1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w1, k), v, c1);
                c2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w2, k), v, c2);
                c3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w3, k), v, c3);
                d0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, k + Lanes), u, d0);
                d1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w1, k + Lanes), u, d1);
                d2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w2, k + Lanes), u, d2);
                d3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w3, k + Lanes), u, d3);
            }

            if (k <= last)
            {
                var v = Vector512.LoadUnsafe(ref x, k);
                c0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w0, k), v, c0);
                c1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w1, k), v, c1);
                c2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w2, k), v, c2);
                c3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref w3, k), v, c3);
            }

            // Tail: the last `tail` columns, read as the row's last 16 and rotated into lanes 0 … tail - 1 of the accumulator next in turn.
            if (tail != 0)
            {
                var v = Avx512F.PermuteVar16x32(Vector512.LoadUnsafe(ref x, last), tailToMain);
                var t0 = Avx512F.PermuteVar16x32(Vector512.LoadUnsafe(ref w0, last), tailToMain);
                var t1 = Avx512F.PermuteVar16x32(Vector512.LoadUnsafe(ref w1, last), tailToMain);
                var t2 = Avx512F.PermuteVar16x32(Vector512.LoadUnsafe(ref w2, last), tailToMain);
                var t3 = Avx512F.PermuteVar16x32(Vector512.LoadUnsafe(ref w3, last), tailToMain);
                if (tailInSecond)
                {
                    d0 = Vector512.ConditionalSelect(tailLanes, Vector512.FusedMultiplyAdd(t0, v, d0), d0);
                    d1 = Vector512.ConditionalSelect(tailLanes, Vector512.FusedMultiplyAdd(t1, v, d1), d1);
                    d2 = Vector512.ConditionalSelect(tailLanes, Vector512.FusedMultiplyAdd(t2, v, d2), d2);
                    d3 = Vector512.ConditionalSelect(tailLanes, Vector512.FusedMultiplyAdd(t3, v, d3), d3);
                }
                else
                {
                    c0 = Vector512.ConditionalSelect(tailLanes, Vector512.FusedMultiplyAdd(t0, v, c0), c0);
                    c1 = Vector512.ConditionalSelect(tailLanes, Vector512.FusedMultiplyAdd(t1, v, c1), c1);
                    c2 = Vector512.ConditionalSelect(tailLanes, Vector512.FusedMultiplyAdd(t2, v, c2), c2);
                    c3 = Vector512.ConditionalSelect(tailLanes, Vector512.FusedMultiplyAdd(t3, v, c3), c3);
                }
            }

            // Logical lanes 16J + r: lane r - p of accumulator J, or lane r - p + 16 of the other accumulator for r < p.
            StoreRows(
                Lanes512.Sum4(Canonical(c0, d0, toCanonical), Canonical(c1, d1, toCanonical), Canonical(c2, d2, toCanonical), Canonical(c3, d3, toCanonical)),
                ref b,
                ref z,
                row,
                remaining);
        }
    }

    /// <summary>The 32 logical lanes of a row (accumulators <paramref name="c"/> and <paramref name="d"/>) rotated back by p, the two halves added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Canonical(Vector512<float> c, Vector512<float> d, Vector512<int> toCanonical) =>
        Avx512F.PermuteVar16x32x2(d, toCanonical, c) + Avx512F.PermuteVar16x32x2(c, toCanonical, d);
}
