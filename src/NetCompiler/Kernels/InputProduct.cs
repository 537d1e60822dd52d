using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetCompiler.Kernels;

/// <summary>
/// The first layer's product of a batch straight from the sample-major inputs: <c>Z = W Xᵀ + b 1ᵀ</c>, with
/// <c>X</c> the inputs as given (<c>[samples, depth]</c>, one sample a row) and <c>Z</c> feature-major
/// (<c>[rows, samples]</c>, as the batched kernels keep activations), so the inputs need no transpose. Every element is
/// a dot product of a row of W and a row of X, both contiguous along the depth. AVX-512 machines only
/// (<see cref="IsAccelerated"/>); elsewhere the generated code transposes the inputs and runs the register tiles.
/// Called by generated code (hidden from IntelliSense); not meant to be called directly, and may change between versions.
/// </summary>
/// <remarks>
/// Register blocks of 3 rows of W × 8 samples: 24 accumulators of 16 lanes along the depth (lane k mod 16 of the
/// accumulator of row r and sample s sums <c>W[r, k] X[s, k]</c> in increasing k), so each depth step loads 3 vectors
/// of W and 8 of X for 24 FMAs. Samples outer, rows inner: a block's 8 samples (25 KB for a depth of 784) stay in L1
/// while W streams past them from L2. At the end of a block, a fixed tree of permutes and adds turns the 8 accumulators
/// of a row into 8 sums, stored as 8 consecutive floats of Z's row; the tree pairs the same lanes for every sample, so a
/// sample's result does not depend on its place in the block or the batch. A last block of fewer rows or samples lets
/// the last one stand in for the missing ones (its loads hit L1) and stores only the real ones.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class InputProduct
{
    /// <summary>Rows of W in a register block.</summary>
    public const int BlockRows = 3;

    /// <summary>Samples in a register block.</summary>
    public const int BlockSamples = 8;

    private const int Lanes = 16;

    /// <summary>Whether this machine runs <see cref="Forward"/> (512-bit vectors); a constant for the JIT.</summary>
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;

    /// <summary>
    /// <c>Z[r, s] = b[r] + Σ_k W[r, k] X[s, k]</c> for rows <c>[firstRow, endRow)</c> of Z and every sample.
    /// </summary>
    /// <param name="weights">W, row-major <c>[bias.Length, depth]</c>.</param>
    /// <param name="bias">b, one value per row of W.</param>
    /// <param name="inputs">X, row-major <c>[samples, depth]</c>.</param>
    /// <param name="z">Z, row-major <c>[bias.Length, samples]</c> (feature-major).</param>
    /// <param name="samples">The samples (rows of X, columns of Z).</param>
    /// <param name="firstRow">The first row of Z to compute.</param>
    /// <param name="endRow">One past the last row of Z to compute.</param>
    /// <exception cref="ArgumentException">The lengths do not fit one another (the message names the span at fault; the
    /// inputs set the depth, <c>inputs.Length / samples</c>) or the depth is under 16.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="samples"/> is not positive, or the row range is not within the rows of W.</exception>
    /// <exception cref="PlatformNotSupportedException">The machine has no 512-bit vectors (<see cref="IsAccelerated"/>).</exception>
    public static void Forward(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ReadOnlySpan<float> inputs, Span<float> z, int samples, int firstRow, int endRow)
    {
        int depth = CheckArguments(weights, bias.Length, inputs, z, samples, firstRow, endRow);
        if (!Vector512.IsHardwareAccelerated)
        {
            throw new PlatformNotSupportedException("InputProduct needs 512-bit vectors; check InputProduct.IsAccelerated first.");
        }

        ref float w = ref MemoryMarshal.GetReference(weights);
        ref float x = ref MemoryMarshal.GetReference(inputs);
        ref float b = ref MemoryMarshal.GetReference(bias);
        ref float c = ref MemoryMarshal.GetReference(z);
        for (int sample = 0; sample < samples; sample += BlockSamples)
        {
            int blockSamples = Math.Min(BlockSamples, samples - sample);
            for (int row = firstRow; row < endRow; row += BlockRows)
            {
                Block(
                    ref Unsafe.Add(ref w, (nint)row * depth),
                    Math.Min(BlockRows, endRow - row),
                    ref Unsafe.Add(ref x, (nint)sample * depth),
                    blockSamples,
                    depth,
                    ref Unsafe.Add(ref b, row),
                    ref Unsafe.Add(ref c, ((nint)row * samples) + sample),
                    samples);
            }
        }
    }

    /// <summary>
    /// Checks the arguments of <see cref="Forward"/> and returns the depth, which the inputs set (<c>inputs.Length /
    /// samples</c>); W must then have <c>rows × depth</c> values, and a W that is a whole number of rows of that depth
    /// but not <c>rows</c> of them means the bias is the span at fault.
    /// </summary>
    private static int CheckArguments(ReadOnlySpan<float> weights, int rows, ReadOnlySpan<float> inputs, Span<float> z, int samples, int firstRow, int endRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        if (inputs.Length % samples != 0)
        {
            Guard.ThrowKernelLength("inputs", inputs.Length, $"a multiple of samples = {samples}", "one row of depth inputs per sample");
        }

        int depth = inputs.Length / samples;
        if (depth < Lanes)
        {
            Guard.ThrowKernelLength("inputs", inputs.Length, $"at least {Lanes} × samples = {Lanes * samples}", $"rows of at least {Lanes} inputs");
        }

        if (weights.Length != (long)rows * depth)
        {
            if (weights.Length % depth == 0)
            {
                Guard.ThrowKernelLength("bias", rows, $"{weights.Length / depth}", $"one per row of weights: weights.Length / depth = {weights.Length} / {depth}");
            }

            Guard.ThrowKernelLength("weights", weights.Length, $"{(long)rows * depth}", $"bias.Length × depth = {rows} × {depth}");
        }

        if (z.Length != (long)rows * samples)
        {
            Guard.ThrowKernelLength("z", z.Length, $"{(long)rows * samples}", $"bias.Length × samples = {rows} × {samples}");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(endRow, rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(endRow, firstRow);
        return depth;
    }

    /// <summary>One register block: <paramref name="rows"/> (1 to 3) rows of W against <paramref name="samples"/> (1 to 8) samples.</summary>
    private static void Block(ref float w, int rows, ref float x, int samples, int depth, ref float b, ref float c, int ldc)
    {
        nuint stride = (nuint)depth;
        ref float w0 = ref w;
        ref float w1 = ref rows > 1 ? ref Unsafe.Add(ref w0, stride) : ref w0;
        ref float w2 = ref rows > 2 ? ref Unsafe.Add(ref w1, stride) : ref w1;
        ref float x0 = ref x;
        ref float x1 = ref samples > 1 ? ref Unsafe.Add(ref x0, stride) : ref x0;
        ref float x2 = ref samples > 2 ? ref Unsafe.Add(ref x1, stride) : ref x1;
        ref float x3 = ref samples > 3 ? ref Unsafe.Add(ref x2, stride) : ref x2;
        ref float x4 = ref samples > 4 ? ref Unsafe.Add(ref x3, stride) : ref x3;
        ref float x5 = ref samples > 5 ? ref Unsafe.Add(ref x4, stride) : ref x4;
        ref float x6 = ref samples > 6 ? ref Unsafe.Add(ref x5, stride) : ref x5;
        ref float x7 = ref samples > 7 ? ref Unsafe.Add(ref x6, stride) : ref x6;
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a04 = default, a05 = default, a06 = default, a07 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default, a14 = default, a15 = default, a16 = default, a17 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, a24 = default, a25 = default, a26 = default, a27 = default;
        nuint k = 0;
        nuint last = (nuint)(depth - Lanes);
        for (; k <= last; k += Lanes)
        {
            var v0 = Vector512.LoadUnsafe(ref w0, k);
            var v1 = Vector512.LoadUnsafe(ref w1, k);
            var v2 = Vector512.LoadUnsafe(ref w2, k);
            var u = Vector512.LoadUnsafe(ref x0, k);
            a00 = Vector512.FusedMultiplyAdd(v0, u, a00);
            a10 = Vector512.FusedMultiplyAdd(v1, u, a10);
            a20 = Vector512.FusedMultiplyAdd(v2, u, a20);
            u = Vector512.LoadUnsafe(ref x1, k);
            a01 = Vector512.FusedMultiplyAdd(v0, u, a01);
            a11 = Vector512.FusedMultiplyAdd(v1, u, a11);
            a21 = Vector512.FusedMultiplyAdd(v2, u, a21);
            u = Vector512.LoadUnsafe(ref x2, k);
            a02 = Vector512.FusedMultiplyAdd(v0, u, a02);
            a12 = Vector512.FusedMultiplyAdd(v1, u, a12);
            a22 = Vector512.FusedMultiplyAdd(v2, u, a22);
            u = Vector512.LoadUnsafe(ref x3, k);
            a03 = Vector512.FusedMultiplyAdd(v0, u, a03);
            a13 = Vector512.FusedMultiplyAdd(v1, u, a13);
            a23 = Vector512.FusedMultiplyAdd(v2, u, a23);
            u = Vector512.LoadUnsafe(ref x4, k);
            a04 = Vector512.FusedMultiplyAdd(v0, u, a04);
            a14 = Vector512.FusedMultiplyAdd(v1, u, a14);
            a24 = Vector512.FusedMultiplyAdd(v2, u, a24);
            u = Vector512.LoadUnsafe(ref x5, k);
            a05 = Vector512.FusedMultiplyAdd(v0, u, a05);
            a15 = Vector512.FusedMultiplyAdd(v1, u, a15);
            a25 = Vector512.FusedMultiplyAdd(v2, u, a25);
            u = Vector512.LoadUnsafe(ref x6, k);
            a06 = Vector512.FusedMultiplyAdd(v0, u, a06);
            a16 = Vector512.FusedMultiplyAdd(v1, u, a16);
            a26 = Vector512.FusedMultiplyAdd(v2, u, a26);
            u = Vector512.LoadUnsafe(ref x7, k);
            a07 = Vector512.FusedMultiplyAdd(v0, u, a07);
            a17 = Vector512.FusedMultiplyAdd(v1, u, a17);
            a27 = Vector512.FusedMultiplyAdd(v2, u, a27);
        }

        // The last depth % 16 columns: the last 16 columns read again, the lanes already summed left as they are.
        int tail = depth & (Lanes - 1);
        if (tail != 0)
        {
            var keep = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(Lanes - tail)).AsSingle();
            var v0 = Vector512.LoadUnsafe(ref w0, last);
            var v1 = Vector512.LoadUnsafe(ref w1, last);
            var v2 = Vector512.LoadUnsafe(ref w2, last);
            Tail(v0, v1, v2, Vector512.LoadUnsafe(ref x0, last), keep, ref a00, ref a10, ref a20);
            Tail(v0, v1, v2, Vector512.LoadUnsafe(ref x1, last), keep, ref a01, ref a11, ref a21);
            Tail(v0, v1, v2, Vector512.LoadUnsafe(ref x2, last), keep, ref a02, ref a12, ref a22);
            Tail(v0, v1, v2, Vector512.LoadUnsafe(ref x3, last), keep, ref a03, ref a13, ref a23);
            Tail(v0, v1, v2, Vector512.LoadUnsafe(ref x4, last), keep, ref a04, ref a14, ref a24);
            Tail(v0, v1, v2, Vector512.LoadUnsafe(ref x5, last), keep, ref a05, ref a15, ref a25);
            Tail(v0, v1, v2, Vector512.LoadUnsafe(ref x6, last), keep, ref a06, ref a16, ref a26);
            Tail(v0, v1, v2, Vector512.LoadUnsafe(ref x7, last), keep, ref a07, ref a17, ref a27);
        }

        Store(Sum8(a00, a01, a02, a03, a04, a05, a06, a07), b, ref c, samples);
        if (rows > 1)
        {
            Store(Sum8(a10, a11, a12, a13, a14, a15, a16, a17), Unsafe.Add(ref b, 1), ref Unsafe.Add(ref c, ldc), samples);
        }

        if (rows > 2)
        {
            Store(Sum8(a20, a21, a22, a23, a24, a25, a26, a27), Unsafe.Add(ref b, 2), ref Unsafe.Add(ref c, 2 * ldc), samples);
        }
    }

    /// <summary>The tail of one sample for the three rows: FMAs only in the lanes not in <paramref name="keep"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tail(Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> u, Vector512<float> keep, ref Vector512<float> a0, ref Vector512<float> a1, ref Vector512<float> a2)
    {
        a0 = Vector512.ConditionalSelect(keep, a0, Vector512.FusedMultiplyAdd(v0, u, a0));
        a1 = Vector512.ConditionalSelect(keep, a1, Vector512.FusedMultiplyAdd(v1, u, a1));
        a2 = Vector512.ConditionalSelect(keep, a2, Vector512.FusedMultiplyAdd(v2, u, a2));
    }

    /// <summary><c>c[s] = bias + sums[s]</c> for the block's <paramref name="samples"/> samples.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<float> sums, float bias, ref float c, int samples)
    {
        var values = Vector256.Create(bias) + sums;
        if (samples == BlockSamples)
        {
            values.StoreUnsafe(ref c);
            return;
        }

        for (int s = 0; s < samples; s++)
        {
            Unsafe.Add(ref c, s) = values.GetElement(s);
        }
    }

    /// <summary>
    /// Lane s of the result is the sum of the 16 lanes of <c>a_s</c>, by one fixed tree for every s: lanes i and i + 8
    /// first, then i and i + 4, i and i + 2, i and i + 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Sum8(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3, Vector512<float> a4, Vector512<float> a5, Vector512<float> a6, Vector512<float> a7)
    {
        // Halves of 8: lanes 0-7 the first operand's i + (i + 8), lanes 8-15 the second's.
        var low8 = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
        var high8 = Vector512.Create(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
        var t01 = Avx512F.PermuteVar16x32x2(a0, low8, a1) + Avx512F.PermuteVar16x32x2(a0, high8, a1);
        var t23 = Avx512F.PermuteVar16x32x2(a2, low8, a3) + Avx512F.PermuteVar16x32x2(a2, high8, a3);
        var t45 = Avx512F.PermuteVar16x32x2(a4, low8, a5) + Avx512F.PermuteVar16x32x2(a4, high8, a5);
        var t67 = Avx512F.PermuteVar16x32x2(a6, low8, a7) + Avx512F.PermuteVar16x32x2(a6, high8, a7);

        // Quarters of 4: each 8-lane half's i + (i + 4), four samples a vector.
        var low4 = Vector512.Create(0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27);
        var high4 = Vector512.Create(4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31);
        var q0123 = Avx512F.PermuteVar16x32x2(t01, low4, t23) + Avx512F.PermuteVar16x32x2(t01, high4, t23);
        var q4567 = Avx512F.PermuteVar16x32x2(t45, low4, t67) + Avx512F.PermuteVar16x32x2(t45, high4, t67);

        // Pairs: each 4-lane quarter's i + (i + 2), eight samples a vector.
        var low2 = Vector512.Create(0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29);
        var high2 = Vector512.Create(2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31);
        var pairs = Avx512F.PermuteVar16x32x2(q0123, low2, q4567) + Avx512F.PermuteVar16x32x2(q0123, high2, q4567);

        // Each pair's i + (i + 1): one sum per sample.
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14);
        var odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 1, 3, 5, 7, 9, 11, 13, 15);
        return (Avx512F.PermuteVar16x32(pairs, even) + Avx512F.PermuteVar16x32(pairs, odd)).GetLower();
    }
}
