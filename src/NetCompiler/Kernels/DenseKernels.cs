using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace NetCompiler.Kernels;

/// <summary>
/// The vector primitives generated code uses for layers too large to unroll. Every span must have the length the others
/// imply (the generated caller slices each to its compile-time length; only <see cref="Dot{T}"/> and
/// <see cref="AddScaled{T}"/> accept a longer <c>y</c>); otherwise <see cref="ArgumentException"/> names the span that is
/// inconsistent with the others and gives the length it must have.
/// Called by generated code (hidden from IntelliSense); not meant to be called directly, and may change between versions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class DenseKernels
{
    /// <summary>Returns <c>Σ_i x_i y_i</c> over <c>x.Length</c> elements; <paramref name="y"/> may be longer than <paramref name="x"/> (its first <c>x.Length</c> elements are used).</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> has fewer elements than <paramref name="x"/>.</exception>
    public static T Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.AtLeastLength(x, nameof(x), y, nameof(y));
        y = y[..x.Length];
        int i = 0;
        T sum = T.Zero;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<T>.Count)
        {
            var xs = MemoryMarshal.Cast<T, Vector<T>>(x);
            var ys = MemoryMarshal.Cast<T, Vector<T>>(y);
            var accumulator0 = Vector<T>.Zero;
            var accumulator1 = Vector<T>.Zero;
            int v = 0;
            for (; v + 1 < xs.Length; v += 2)
            {
                accumulator0 += xs[v] * ys[v];
                accumulator1 += xs[v + 1] * ys[v + 1];
            }

            if (v < xs.Length)
            {
                accumulator0 += xs[v] * ys[v];
            }

            sum = Vector.Sum(accumulator0 + accumulator1);
            i = xs.Length * Vector<T>.Count;
        }

        for (; i < x.Length; i++)
        {
            sum += x[i] * y[i];
        }

        return sum;
    }

    /// <summary>
    /// The matrix-vector product of one sample: <c>z = W x + b</c> with <c>W</c> row-major
    /// <c>[bias.Length, x.Length]</c>, so <c>weights</c> must hold exactly <c>bias.Length × x.Length</c>
    /// values and <c>z</c> exactly <c>bias.Length</c>. Uses the widest vectors this machine accelerates
    /// (512, 256 or 128 bits) that fit a row, else scalar code. The result depends only on the values,
    /// never on where the spans lie in memory, so it is the same bit for bit from call to call.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The lengths do not fit one another. The span named is the inconsistent one: <paramref name="bias"/> or
    /// <paramref name="z"/> when they differ (whichever <c>weights.Length / x.Length</c> rows does not match),
    /// <paramref name="x"/> when <paramref name="weights"/> is a whole number of rows of <c>bias.Length</c> of another width,
    /// else <paramref name="weights"/>.
    /// </exception>
    public static void MatrixVector<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> x, ReadOnlySpan<T> bias, Span<T> z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        MatrixVector(weights, x, bias, z, VectorWidth.Widest);

    /// <summary>
    /// <see cref="MatrixVector{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> with
    /// vectors no wider than <paramref name="widest"/>: the widest accelerated width of at most
    /// <paramref name="widest"/> lanes that fits a row (so tests can reach every path on one machine).
    /// </summary>
    internal static void MatrixVector<T>(ReadOnlySpan<T> weights, ReadOnlySpan<T> x, ReadOnlySpan<T> bias, Span<T> z, VectorWidth widest)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int rows = bias.Length;
        int columns = x.Length;
        if (weights.Length != (long)rows * columns || z.Length != rows)
        {
            ThrowMatrixVectorLengths(weights.Length, columns, rows, z.Length);
        }

        if (rows == 0)
        {
            return;
        }

        ref T w = ref MemoryMarshal.GetReference(weights);
        ref T input = ref MemoryMarshal.GetReference(x);
        ref T b = ref MemoryMarshal.GetReference(bias);
        ref T output = ref MemoryMarshal.GetReference(z);
        if (typeof(T) == typeof(float) && widest >= VectorWidth.Vector512 && Vector512.IsHardwareAccelerated && columns >= Vector512<float>.Count && columns % Vector512<float>.Count == 0)
        {
            // Rows of whole vectors all start at the same position within 64 bytes: four rows side by side.
            MatrixVector512FourRows(ref Unsafe.As<T, float>(ref w), ref Unsafe.As<T, float>(ref input), ref Unsafe.As<T, float>(ref b), ref Unsafe.As<T, float>(ref output), rows, columns);
        }
        else if (typeof(T) == typeof(float) && widest >= VectorWidth.Vector512 && Vector512.IsHardwareAccelerated && columns >= Vector512<float>.Count)
        {
            MatrixVector512(ref Unsafe.As<T, float>(ref w), ref Unsafe.As<T, float>(ref input), ref Unsafe.As<T, float>(ref b), ref Unsafe.As<T, float>(ref output), rows, columns);
        }
        else if (widest >= VectorWidth.Vector256 && Vector256.IsHardwareAccelerated && columns >= Vector256<T>.Count)
        {
            // Doubles take this path with AVX-512 too: 4 rows × 2 accumulators of 4 doubles.
            MatrixVectorFourRows<T, Lanes256<T>, Vector256<T>>(ref w, ref input, ref b, ref output, rows, columns);
        }
        else if (widest >= VectorWidth.Vector128 && Vector128.IsHardwareAccelerated && columns >= Vector128<T>.Count)
        {
            MatrixVectorFourRows<T, Lanes128<T>, Vector128<T>>(ref w, ref input, ref b, ref output, rows, columns);
        }
        else
        {
            for (int row = 0; row < rows; row++)
            {
                ref T wRow = ref Unsafe.Add(ref w, (nint)row * columns);
                T sum = T.Zero;
                for (int k = 0; k < columns; k++)
                {
                    sum += Unsafe.Add(ref wRow, k) * Unsafe.Add(ref input, k);
                }

                Unsafe.Add(ref output, row) = Unsafe.Add(ref b, row) + sum;
            }
        }
    }

    // The 512-bit kernel for rows of any length (AVX-512 machines; rows of whole vectors take
    // MatrixVector512FourRows, DenseKernels.FourRows.cs). Batch-1 inference reads W once (401 KB for 784-128-10, in
    // L2), so the kernel is bound by how fast W streams in, not by FMAs (the variants measured:
    // docs/design/kernels.md, "Per-sample kernels"):
    //   - One row at a time, so that W is read as one sequential stream: several rows side by side are
    //     several interleaved streams through W, which stream fast only some of the time.
    //   - One row means one load of x per load of W, so both must be 64-byte aligned: an unaligned 512-bit
    //     load that splits across two cache lines costs a second access. A float[] is aligned to only 8 bytes,
    //     so each row starts with a masked head of p < 16 columns that brings the loads of W onto 64-byte
    //     boundaries, and x is copied once per call into a per-thread buffer aligned like W's rows
    //     (from AlignedInputMinimumRows rows on; below that the copy costs more than it saves).
    //   - 4 accumulators along k keep 4 FMA chains in flight, enough at one load of W per cycle.
    // Where the head ends depends on the address of W, and so, without care, would the accumulator and
    // lane that sums each column (and the rounding): two copies of the same parameters could give
    // different outputs. Instead the 4 accumulators form one logical vector of 64 lanes and column k
    // always lands in logical lane k mod 64: the head is rotated into place, the body adds columns
    // p + 64i + 16j + m into accumulator j, lane m (logical lane (p + 16j + m) mod 64), the partial last
    // vector is rotated into place, and at the end two-register permutes rotate the 64 lanes by p. Each
    // logical lane then always computes FMA(w_k, x_k, ·) over its columns in increasing k from +0, and
    // the lanes are reduced by one fixed tree: the same result for every p, bit for bit.
    private static void MatrixVector512(ref float w, ref float x, ref float b, ref float z, int rows, int columns)
    {
        const int Lanes = 16;
        if (rows >= AlignedInputMinimumRows)
        {
            x = ref AlignedLike(ref x, columns, AddressOf(ref w));
        }

        nuint last = (nuint)(columns - Lanes);
        var lane = Vector512<int>.Indices;
        var laneMask = Vector512.Create(Lanes - 1);
        int p = -1;
        int tail = 0;
        int tailAccumulator = 0;
        Vector512<int> headToMain = default, tailToMain = default, toCanonical = default;
        Vector512<float> headLanes = default, tailLanes = default;
        Vector512<float> sum0 = default, sum1 = default, sum2 = default;
        for (int row = 0; row < rows; row++)
        {
            ref float wRow = ref Unsafe.Add(ref w, (nint)row * columns);

            // Columns before the row's first 64-byte boundary; the same for every row when 16 divides columns.
            int head = (int)((0u - (AddressOf(ref wRow) / sizeof(float))) & (Lanes - 1));
            if (head != p)
            {
                p = head;
                int rest = columns - p;
                tail = rest & (Lanes - 1);
                tailAccumulator = (rest / Lanes) & 3;
                headToMain = (lane + Vector512.Create(p)) & laneMask;
                tailToMain = (lane - Vector512.Create(tail)) & laneMask;
                toCanonical = lane + Vector512.Create(Lanes - p);
                headLanes = Vector512.GreaterThanOrEqual(lane, Vector512.Create(Lanes - p)).AsSingle();
                tailLanes = Vector512.LessThan(lane, Vector512.Create(tail)).AsSingle();
            }

            // Head: columns [0, p), logical lanes 0 … p - 1, are main positions 64 - p … 63: accumulator 3, lanes 16 - p … 15.
            Vector512<float> a0 = default, a1 = default, a2 = default;
            var a3 = Avx512F.PermuteVar16x32(Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wRow), Vector512.LoadUnsafe(ref x), default), headToMain) & headLanes;

            // Body: aligned loads from column p on, 64 columns per pass, then up to 3 more whole vectors.
            nuint k = (nuint)p;
            for (; k + (3 * Lanes) <= last; k += 4 * Lanes)
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wRow, k), Vector512.LoadUnsafe(ref x, k), a0);
                a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wRow, k + Lanes), Vector512.LoadUnsafe(ref x, k + Lanes), a1);
                a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wRow, k + (2 * Lanes)), Vector512.LoadUnsafe(ref x, k + (2 * Lanes)), a2);
                a3 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wRow, k + (3 * Lanes)), Vector512.LoadUnsafe(ref x, k + (3 * Lanes)), a3);
            }

            if (k <= last)
            {
                a0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wRow, k), Vector512.LoadUnsafe(ref x, k), a0);
                k += Lanes;
                if (k <= last)
                {
                    a1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wRow, k), Vector512.LoadUnsafe(ref x, k), a1);
                    k += Lanes;
                    if (k <= last)
                    {
                        a2 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref wRow, k), Vector512.LoadUnsafe(ref x, k), a2);
                    }
                }
            }

            // Tail: the last `tail` columns, read as the row's last 16 and rotated into lanes 0 … tail - 1 of the next accumulator.
            if (tail != 0)
            {
                var wTail = Avx512F.PermuteVar16x32(Vector512.LoadUnsafe(ref wRow, last), tailToMain);
                var xTail = Avx512F.PermuteVar16x32(Vector512.LoadUnsafe(ref x, last), tailToMain);
                switch (tailAccumulator)
                {
                    case 0:
                        a0 = Vector512.ConditionalSelect(tailLanes, Vector512.FusedMultiplyAdd(wTail, xTail, a0), a0);
                        break;
                    case 1:
                        a1 = Vector512.ConditionalSelect(tailLanes, Vector512.FusedMultiplyAdd(wTail, xTail, a1), a1);
                        break;
                    case 2:
                        a2 = Vector512.ConditionalSelect(tailLanes, Vector512.FusedMultiplyAdd(wTail, xTail, a2), a2);
                        break;
                    default:
                        a3 = Vector512.ConditionalSelect(tailLanes, Vector512.FusedMultiplyAdd(wTail, xTail, a3), a3);
                        break;
                }
            }

            // Logical lanes 16J + r: lane r - p of accumulator J, or lane r - p + 16 of accumulator J - 1 for r < p.
            var rowSum =
                (Avx512F.PermuteVar16x32x2(a3, toCanonical, a0) + Avx512F.PermuteVar16x32x2(a0, toCanonical, a1)) +
                (Avx512F.PermuteVar16x32x2(a1, toCanonical, a2) + Avx512F.PermuteVar16x32x2(a2, toCanonical, a3));
            switch (row & 3)
            {
                case 0:
                    sum0 = rowSum;
                    break;
                case 1:
                    sum1 = rowSum;
                    break;
                case 2:
                    sum2 = rowSum;
                    break;
                default:
                    StoreRows(Lanes512.Sum4(sum0, sum1, sum2, rowSum), ref b, ref z, row - 3, 4);
                    break;
            }
        }

        if ((rows & 3) != 0)
        {
            StoreRows(Lanes512.Sum4(sum0, sum1, sum2, default), ref b, ref z, rows & ~3, rows & 3);
        }
    }

    /// <summary>Names the span of a <see cref="MatrixVector{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> call whose length the others contradict.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowMatrixVectorLengths(int weights, int columns, int rows, int outputs)
    {
        if (outputs != rows)
        {
            // bias and z disagree; the one that does not match W's row count (with x's width) is wrong, z by default.
            if (columns > 0 && weights == (long)outputs * columns)
            {
                Guard.ThrowKernelLength("bias", rows, $"{outputs}", $"one per row of weights: weights.Length / x.Length = {weights} / {columns}, and as many as z");
            }

            Guard.ThrowKernelLength("z", outputs, $"{rows}", "one per row: bias.Length");
        }

        if (rows > 0 && weights % rows == 0 && weights / rows != 0)
        {
            // W is a whole number of rows of another width than x: x is the odd one out.
            Guard.ThrowKernelLength("x", columns, $"{weights / rows}", $"the width of weights: weights.Length / bias.Length = {weights} / {rows}");
        }

        Guard.ThrowKernelLength("weights", weights, $"{(long)rows * columns}", $"bias.Length × x.Length = {rows} × {columns}");
    }

    /// <summary>
    /// The fewest rows for which x is copied to match W's alignment: for fewer rows the copy costs more
    /// than the split loads of x it saves (docs/design/kernels.md, "Per-sample kernels").
    /// </summary>
    private const int AlignedInputMinimumRows = 16;

    /// <summary>The most columns whose aligned copy of x a thread keeps (64 KB); longer rows read x where it is.</summary>
    private const int AlignedInputLimit = 16384;

    /// <summary>A per-thread, pinned buffer for <see cref="AlignedLike"/>; grows to the longest x seen, at most <see cref="AlignedInputLimit"/> + 16 floats.</summary>
    [ThreadStatic]
    private static float[]? t_alignedInput;

    /// <summary>
    /// <paramref name="x"/> itself if it lies at the same position within 64 bytes as <paramref name="address"/>,
    /// else a copy of its <paramref name="length"/> values in this thread's pinned buffer that does.
    /// </summary>
    private static ref float AlignedLike(ref float x, int length, nuint address)
    {
        const int Lanes = 16;
        if (length > AlignedInputLimit)
        {
            return ref x;
        }

        // Grow the buffer even when this call needs no copy, so that whether a call allocates never
        // depends on where the GC happens to put x.
        var buffer = t_alignedInput;
        if (buffer is null || buffer.Length < length + Lanes)
        {
            buffer = t_alignedInput = GC.AllocateUninitializedArray<float>(length + Lanes, pinned: true);
        }

        nuint position = address / sizeof(float);
        if ((((AddressOf(ref x) / sizeof(float)) - position) & (Lanes - 1)) == 0)
        {
            return ref x;
        }

        ref float start = ref MemoryMarshal.GetArrayDataReference(buffer);
        ref float copy = ref Unsafe.Add(ref start, (nint)((position - (AddressOf(ref start) / sizeof(float))) & (Lanes - 1)));
        MemoryMarshal.CreateReadOnlySpan(ref x, length).CopyTo(MemoryMarshal.CreateSpan(ref copy, length));
        return ref copy;
    }

    // The 256- and 128-bit kernel (machines without AVX-512, and rows shorter than 16 columns): 4 rows
    // × 2 accumulators along k. One row at a time would be load-bound (a load of W and one of x per vector
    // of W), so 4 rows share each load of x; one accumulator per row would be bound by the FMA latency, so
    // each row has two: 8 independent FMA chains (timings: docs/design/kernels.md, "Per-sample kernels").
    // 8 accumulators plus x fit the 16 vector registers of AVX2. No alignment head: a 256-bit load crosses
    // a cache line at most every other time, and the unaligned loads keep every column in a fixed
    // accumulator lane. The columns left over are read as the row's last vector with the lanes already
    // summed masked off. Fewer than 4 rows left: the last row stands in for the missing ones (its loads
    // hit L1) and only the real rows are stored.
    private static void MatrixVectorFourRows<T, TLanes, TVector>(ref T w, ref T x, ref T b, ref T z, int rows, int columns)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TLanes : struct, ILanes<T, TVector>
        where TVector : struct
    {
        int lanes = TLanes.Count;
        nuint step = (nuint)lanes;
        nuint last = (nuint)(columns - lanes);
        int tail = columns & (lanes - 1);
        var tailLanes = TLanes.LastLanes(tail);
        for (int row = 0; row < rows; row += 4)
        {
            int remaining = rows - row;
            ref T w0 = ref Unsafe.Add(ref w, (nint)row * columns);
            ref T w1 = ref remaining > 1 ? ref Unsafe.Add(ref w0, columns) : ref w0;
            ref T w2 = ref remaining > 2 ? ref Unsafe.Add(ref w1, columns) : ref w0;
            ref T w3 = ref remaining > 3 ? ref Unsafe.Add(ref w2, columns) : ref w0;
            TVector c0 = default, c1 = default, c2 = default, c3 = default;
            TVector d0 = default, d1 = default, d2 = default, d3 = default;
            nuint k = 0;
            for (; k + step <= last; k += 2 * step)
            {
                var v = TLanes.Load(ref x, k);
                var u = TLanes.Load(ref x, k + step);
                c0 = TLanes.MultiplyAdd(TLanes.Load(ref w0, k), v, c0);
                c1 = TLanes.MultiplyAdd(TLanes.Load(ref w1, k), v, c1);
                c2 = TLanes.MultiplyAdd(TLanes.Load(ref w2, k), v, c2);
                c3 = TLanes.MultiplyAdd(TLanes.Load(ref w3, k), v, c3);
                d0 = TLanes.MultiplyAdd(TLanes.Load(ref w0, k + step), u, d0);
                d1 = TLanes.MultiplyAdd(TLanes.Load(ref w1, k + step), u, d1);
                d2 = TLanes.MultiplyAdd(TLanes.Load(ref w2, k + step), u, d2);
                d3 = TLanes.MultiplyAdd(TLanes.Load(ref w3, k + step), u, d3);
            }

            if (k <= last)
            {
                var v = TLanes.Load(ref x, k);
                c0 = TLanes.MultiplyAdd(TLanes.Load(ref w0, k), v, c0);
                c1 = TLanes.MultiplyAdd(TLanes.Load(ref w1, k), v, c1);
                c2 = TLanes.MultiplyAdd(TLanes.Load(ref w2, k), v, c2);
                c3 = TLanes.MultiplyAdd(TLanes.Load(ref w3, k), v, c3);
            }

            if (tail != 0)
            {
                var v = TLanes.Load(ref x, last);
                d0 = TLanes.Select(tailLanes, TLanes.MultiplyAdd(TLanes.Load(ref w0, last), v, d0), d0);
                d1 = TLanes.Select(tailLanes, TLanes.MultiplyAdd(TLanes.Load(ref w1, last), v, d1), d1);
                d2 = TLanes.Select(tailLanes, TLanes.MultiplyAdd(TLanes.Load(ref w2, last), v, d2), d2);
                d3 = TLanes.Select(tailLanes, TLanes.MultiplyAdd(TLanes.Load(ref w3, last), v, d3), d3);
            }

            StoreRows(TLanes.Add(c0, d0), TLanes.Add(c1, d1), TLanes.Add(c2, d2), TLanes.Add(c3, d3), ref b, ref z, row, remaining);
        }
    }

    /// <summary>
    /// <c>z[row + i] = b[row + i] + Σ lanes of row i's accumulator</c> for the <c>min(4, remaining)</c> rows of a group:
    /// floats by <see cref="Lanes.Sum4(Vector256{float}, Vector256{float}, Vector256{float}, Vector256{float})"/>'s fixed
    /// shuffle tree, doubles by <see cref="Vector256.Sum{T}(Vector256{T})"/> per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows<T, TVector>(TVector row0, TVector row1, TVector row2, TVector row3, ref T b, ref T z, int row, int remaining)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
        where TVector : struct
    {
        if (typeof(T) == typeof(float))
        {
            var sums = typeof(TVector) == typeof(Vector256<float>)
                ? Lanes.Sum4(Unsafe.As<TVector, Vector256<float>>(ref row0), Unsafe.As<TVector, Vector256<float>>(ref row1), Unsafe.As<TVector, Vector256<float>>(ref row2), Unsafe.As<TVector, Vector256<float>>(ref row3))
                : Lanes.Sum4(Unsafe.As<TVector, Vector128<float>>(ref row0), Unsafe.As<TVector, Vector128<float>>(ref row1), Unsafe.As<TVector, Vector128<float>>(ref row2), Unsafe.As<TVector, Vector128<float>>(ref row3));
            StoreRows(sums, ref Unsafe.As<T, float>(ref b), ref Unsafe.As<T, float>(ref z), row, remaining);
            return;
        }

        Span<TVector> rowSums = [row0, row1, row2, row3];
        for (int i = 0; i < Math.Min(4, remaining); i++)
        {
            TVector sum = rowSums[i];
            T total = typeof(TVector) == typeof(Vector256<T>) ? Vector256.Sum(Unsafe.As<TVector, Vector256<T>>(ref sum)) : Vector128.Sum(Unsafe.As<TVector, Vector128<T>>(ref sum));
            Unsafe.Add(ref z, row + i) = Unsafe.Add(ref b, row + i) + total;
        }
    }

    /// <summary><c>z[row + i] = b[row + i] + sums[i]</c> for the <c>min(4, remaining)</c> rows of a group of floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRows(Vector128<float> sums, ref float b, ref float z, int row, int remaining)
    {
        if (remaining >= 4)
        {
            (Vector128.LoadUnsafe(ref b, (nuint)row) + sums).StoreUnsafe(ref z, (nuint)row);
            return;
        }

        for (int i = 0; i < remaining; i++)
        {
            Unsafe.Add(ref z, row + i) = Unsafe.Add(ref b, row + i) + sums.GetElement(i);
        }
    }

    /// <summary>
    /// The address of a managed reference, for alignment decisions only (it is stale as soon as the GC
    /// moves the array, which can cost speed but never change a result).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe nuint AddressOf(ref float value) => (nuint)Unsafe.AsPointer(ref value);

    private readonly struct Lanes512
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<float> Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d) =>
            Lanes.Sum4(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper());
    }

    /// <summary>Computes <c>y ← y + α x</c> over <c>x.Length</c> elements; <paramref name="y"/> may be longer than <paramref name="x"/> (the rest of it is left as it is).</summary>
    /// <exception cref="ArgumentException"><paramref name="y"/> has fewer elements than <paramref name="x"/>.</exception>
    public static void AddScaled<T>(T alpha, ReadOnlySpan<T> x, Span<T> y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.AtLeastLength(x, nameof(x), y, nameof(y));
        // y + alpha·x element by element, a multiply then an add (not fused), so every width gives the same bits. At most
        // 256 bits even with AVX-512: y is a row of the gradient, which streams through L2 for a large layer, and from a
        // float[] (8-byte aligned) every unaligned 512-bit load and store splits across two cache lines, where a 256-bit
        // one splits every other time (the per-sample training step was 5-10 % slower with 512-bit vectors here).
        ref T xs = ref MemoryMarshal.GetReference(x);
        ref T ys = ref MemoryMarshal.GetReference(y);
        nuint length = (nuint)x.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var scale = Vector256.Create(alpha);
            for (; i + (nuint)Vector256<T>.Count <= length; i += (nuint)Vector256<T>.Count)
            {
                (Vector256.LoadUnsafe(ref ys, i) + (scale * Vector256.LoadUnsafe(ref xs, i))).StoreUnsafe(ref ys, i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var scale = Vector128.Create(alpha);
            for (; i + (nuint)Vector128<T>.Count <= length; i += (nuint)Vector128<T>.Count)
            {
                (Vector128.LoadUnsafe(ref ys, i) + (scale * Vector128.LoadUnsafe(ref xs, i))).StoreUnsafe(ref ys, i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref ys, i) += alpha * Unsafe.Add(ref xs, i);
        }
    }
}

/// <summary>The widest vectors <see cref="DenseKernels"/> may use, in float lanes.</summary>
internal enum VectorWidth
{
    /// <summary>Scalar code only.</summary>
    Scalar = 1,

    /// <summary>Up to <see cref="Vector128{T}"/>.</summary>
    Vector128 = 4,

    /// <summary>Up to <see cref="Vector256{T}"/>.</summary>
    Vector256 = 8,

    /// <summary>Up to <see cref="Vector512{T}"/>, the widest there is.</summary>
    Vector512 = 16,

    /// <summary>Whatever this machine accelerates.</summary>
    Widest = Vector512,
}
