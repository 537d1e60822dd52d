using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace NetCompiler.Kernels;

/// <summary>
/// Topology-independent helpers of the batched (matrix-form) kernels: layout changes between
/// sample-major <c>[count, features]</c> and feature-major <c>[features, count]</c> buffers, and the
/// element-wise passes around the generated products. A buffer's length must be the one its sizes give (the
/// product formed in 64 bits), except where a method says it may be longer; otherwise <see cref="ArgumentException"/>
/// names the buffer and gives that length.
/// Called by generated code (hidden from IntelliSense); not meant to be called directly, and may change between versions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MatrixKernels
{
    /// <summary>Writes the transpose of the row-major <c>[rows, columns]</c> matrix <paramref name="source"/> into <paramref name="destination"/> (<c>[columns, rows]</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    /// <exception cref="ArgumentException">A buffer does not hold exactly <c>rows × columns</c> values.</exception>
    public static void Transpose<T>(ReadOnlySpan<T> source, int rows, int columns, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        TransposeRows(source, rows, columns, destination, 0, rows);

    /// <summary>
    /// Writes rows <c>[firstRow, endRow)</c> of the row-major <c>[rows, columns]</c> matrix <paramref name="source"/>
    /// into columns <c>[firstRow, endRow)</c> of its transpose <paramref name="destination"/> (<c>[columns, rows]</c>),
    /// leaving the rest of <paramref name="destination"/> as it is: two threads can transpose two row ranges at once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or the row range is not within <c>[0, rows]</c>.</exception>
    /// <exception cref="ArgumentException">A buffer does not hold exactly <c>rows × columns</c> values.</exception>
    public static void TransposeRows<T>(ReadOnlySpan<T> source, int rows, int columns, Span<T> destination, int firstRow, int endRow)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckTranspose(source, rows, columns, destination, firstRow, endRow, rows);
        TransposeRange(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(destination), rows, columns, firstRow, endRow, 0, columns);
    }

    /// <summary>
    /// Writes columns <c>[firstColumn, endColumn)</c> of the row-major <c>[rows, columns]</c> matrix
    /// <paramref name="source"/> into rows <c>[firstColumn, endColumn)</c> of its transpose <paramref name="destination"/>
    /// (<c>[columns, rows]</c>), leaving the rest of <paramref name="destination"/> as it is. Fastest when
    /// <paramref name="firstColumn"/> is a multiple of 8.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or the column range is not within <c>[0, columns]</c>.</exception>
    /// <exception cref="ArgumentException">A buffer does not hold exactly <c>rows × columns</c> values.</exception>
    public static void TransposeColumns<T>(ReadOnlySpan<T> source, int rows, int columns, Span<T> destination, int firstColumn, int endColumn)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckTranspose(source, rows, columns, destination, firstColumn, endColumn, columns);
        TransposeRange(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(destination), rows, columns, 0, rows, firstColumn, endColumn);
    }

    private static void CheckTranspose<T>(ReadOnlySpan<T> source, int rows, int columns, Span<T> destination, int first, int end, int limit)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, limit);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, first);
        Guard.ProductLength(source, nameof(source), rows, nameof(rows), columns, nameof(columns));
        Guard.ProductLength(destination, nameof(destination), columns, nameof(columns), rows, nameof(rows));
    }

    /// <summary>Transposes the block of rows <c>[firstRow, endRow)</c> and columns <c>[firstColumn, endColumn)</c>.</summary>
    private static void TransposeRange<T>(ref T from, ref T to, int rows, int columns, int firstRow, int endRow, int firstColumn, int endColumn)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            TransposeRangeOfDoubles(ref Unsafe.As<T, double>(ref from), ref Unsafe.As<T, double>(ref to), rows, columns, firstRow, endRow, firstColumn, endColumn);
            return;
        }

        // Rows in groups of eight, then one group of four (a parallel pass's 12-row ranges are 8 + 4), then singly;
        // columns in groups of eight, then singly.
        int eightsEnd = Avx.IsSupported ? firstRow + ((endRow - firstRow) & ~7) : firstRow;
        int foursEnd = Avx.IsSupported ? eightsEnd + ((endRow - eightsEnd) & ~3) : firstRow;
        int columnGroupsEnd = Avx.IsSupported ? firstColumn + ((endColumn - firstColumn) & ~7) : firstColumn;
        // Columns outer: each pass writes eight whole destination rows (complete cache lines) while the source
        // lines it reads stay in L1 for the next pass. Rows outer would write half lines that are evicted before
        // their other half arrives (docs/design/kernels.md, "Cache panels").
        for (int c = firstColumn; c < columnGroupsEnd; c += 8)
        {
            for (int r = firstRow; r < eightsEnd; r += 8)
            {
                Transpose8x8(ref Unsafe.As<T, float>(ref Unsafe.Add(ref from, ((nint)r * columns) + c)), columns, ref Unsafe.As<T, float>(ref Unsafe.Add(ref to, ((nint)c * rows) + r)), rows);
            }

            if (foursEnd > eightsEnd)
            {
                Transpose4x8(ref Unsafe.As<T, float>(ref Unsafe.Add(ref from, ((nint)eightsEnd * columns) + c)), columns, ref Unsafe.As<T, float>(ref Unsafe.Add(ref to, ((nint)c * rows) + eightsEnd)), rows);
            }
        }

        // The edges the blocks do not cover: the last columns of the grouped rows, then the last rows.
        TransposeScalar(ref from, ref to, rows, columns, firstRow, foursEnd, columnGroupsEnd, endColumn);
        TransposeScalar(ref from, ref to, rows, columns, foursEnd, endRow, firstColumn, endColumn);
    }

    /// <summary>
    /// <see cref="TransposeRange"/> for doubles: 4 × 4 blocks of <see cref="Vector256{T}"/> rows, columns outer as for
    /// floats (a destination row's 4 doubles from consecutive row blocks fill its cache lines in turn), then the edges.
    /// </summary>
    private static void TransposeRangeOfDoubles(ref double from, ref double to, int rows, int columns, int firstRow, int endRow, int firstColumn, int endColumn)
    {
        int foursEnd = Avx.IsSupported ? firstRow + ((endRow - firstRow) & ~3) : firstRow;
        int columnGroupsEnd = Avx.IsSupported ? firstColumn + ((endColumn - firstColumn) & ~3) : firstColumn;
        for (int c = firstColumn; c < columnGroupsEnd; c += 4)
        {
            for (int r = firstRow; r < foursEnd; r += 4)
            {
                Transpose4x4(ref Unsafe.Add(ref from, ((nint)r * columns) + c), columns, ref Unsafe.Add(ref to, ((nint)c * rows) + r), rows);
            }
        }

        TransposeScalar(ref from, ref to, rows, columns, firstRow, foursEnd, columnGroupsEnd, endColumn);
        TransposeScalar(ref from, ref to, rows, columns, foursEnd, endRow, firstColumn, endColumn);
    }

    /// <summary>The AVX 4×4 transpose of doubles: unpack pairs of rows, then swap 128-bit halves.</summary>
    private static void Transpose4x4(ref double source, nint sourceStride, ref double destination, nint destinationStride)
    {
        var r0 = Vector256.LoadUnsafe(ref source);
        var r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, sourceStride));
        var r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 2 * sourceStride));
        var r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 3 * sourceStride));
        var t0 = Avx.UnpackLow(r0, r1); // r0[0] r1[0] r0[2] r1[2]
        var t1 = Avx.UnpackHigh(r0, r1); // r0[1] r1[1] r0[3] r1[3]
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        Avx.Permute2x128(t0, t2, 0x20).StoreUnsafe(ref destination);
        Avx.Permute2x128(t1, t3, 0x20).StoreUnsafe(ref Unsafe.Add(ref destination, destinationStride));
        Avx.Permute2x128(t0, t2, 0x31).StoreUnsafe(ref Unsafe.Add(ref destination, 2 * destinationStride));
        Avx.Permute2x128(t1, t3, 0x31).StoreUnsafe(ref Unsafe.Add(ref destination, 3 * destinationStride));
    }

    private static void TransposeScalar<T>(ref T from, ref T to, int rows, int columns, int rowStart, int rowEnd, int columnStart, int columnEnd)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        for (int r = rowStart; r < rowEnd; r++)
        {
            for (int c = columnStart; c < columnEnd; c++)
            {
                Unsafe.Add(ref to, ((nint)c * rows) + r) = Unsafe.Add(ref from, ((nint)r * columns) + c);
            }
        }
    }

    /// <summary>The classic AVX 8×8 transpose: unpack pairs of rows, shuffle pairs of pairs, swap 128-bit halves.</summary>
    private static void Transpose8x8(ref float source, nint sourceStride, ref float destination, nint destinationStride)
    {
        var (u0, u1, u2, u3) = InterleaveFourRows(ref source, sourceStride);
        var (u4, u5, u6, u7) = InterleaveFourRows(ref Unsafe.Add(ref source, 4 * sourceStride), sourceStride);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref destination);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref Unsafe.Add(ref destination, destinationStride));
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref Unsafe.Add(ref destination, 2 * destinationStride));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref Unsafe.Add(ref destination, 3 * destinationStride));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref Unsafe.Add(ref destination, 4 * destinationStride));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref Unsafe.Add(ref destination, 5 * destinationStride));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref Unsafe.Add(ref destination, 6 * destinationStride));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref Unsafe.Add(ref destination, 7 * destinationStride));
    }

    /// <summary>Four rows of eight: each 128-bit half of <see cref="InterleaveFourRows"/>'s vectors is one destination row's four floats.</summary>
    private static void Transpose4x8(ref float source, nint sourceStride, ref float destination, nint destinationStride)
    {
        var (u0, u1, u2, u3) = InterleaveFourRows(ref source, sourceStride);
        u0.GetLower().StoreUnsafe(ref destination);
        u1.GetLower().StoreUnsafe(ref Unsafe.Add(ref destination, destinationStride));
        u2.GetLower().StoreUnsafe(ref Unsafe.Add(ref destination, 2 * destinationStride));
        u3.GetLower().StoreUnsafe(ref Unsafe.Add(ref destination, 3 * destinationStride));
        u0.GetUpper().StoreUnsafe(ref Unsafe.Add(ref destination, 4 * destinationStride));
        u1.GetUpper().StoreUnsafe(ref Unsafe.Add(ref destination, 5 * destinationStride));
        u2.GetUpper().StoreUnsafe(ref Unsafe.Add(ref destination, 6 * destinationStride));
        u3.GetUpper().StoreUnsafe(ref Unsafe.Add(ref destination, 7 * destinationStride));
    }

    /// <summary>
    /// Loads four rows r0..r3 of eight floats and interleaves them: unpack pairs of rows, then shuffle pairs of pairs,
    /// so <c>u0 = [r0[0] r1[0] r2[0] r3[0] | r0[4] r1[4] r2[4] r3[4]]</c>, u1 the same for elements 1 and 5, and so on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> U0, Vector256<float> U1, Vector256<float> U2, Vector256<float> U3) InterleaveFourRows(ref float source, nint sourceStride)
    {
        var r0 = Vector256.LoadUnsafe(ref source);
        var r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, sourceStride));
        var r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 2 * sourceStride));
        var r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref source, 3 * sourceStride));
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        return (Avx.Shuffle(t0, t2, 0x44), Avx.Shuffle(t0, t2, 0xEE), Avx.Shuffle(t1, t3, 0x44), Avx.Shuffle(t1, t3, 0xEE));
    }

    /// <summary>
    /// For generated code only (it takes references, so nothing can be checked): asks the cache for the first <paramref name="bytesPerRow"/> bytes of <paramref name="rows"/> rows,
    /// <paramref name="rowStride"/> floats apart, starting at <paramref name="start"/>: a register block that will
    /// read-modify-write them after its depth loop calls this first, so the lines arrive while it computes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static unsafe void Prefetch<T>(ref T start, nint rowStride, int rows, int bytesPerRow)
        where T : unmanaged
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        byte* row = (byte*)Unsafe.AsPointer(ref start);
        for (int r = 0; r < rows; r++, row += rowStride * sizeof(T))
        {
            for (int offset = 0; offset < bytesPerRow; offset += 64)
            {
                Sse.Prefetch0(row + offset);
            }
        }
    }

    /// <summary>
    /// Sets every row j of the row-major <c>[bias.Length, columns]</c> matrix to <c>bias[j]</c>. <paramref name="matrix"/>
    /// may be longer than <c>bias.Length × columns</c> (a range of rows of a larger matrix, as the generated two-core pass
    /// gives it); what follows those rows is left as it is.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="columns"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="matrix"/> holds fewer than <c>bias.Length × columns</c> values.</exception>
    public static void FillRows<T>(ReadOnlySpan<T> bias, Span<T> matrix, int columns)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Guard.MinimumProductLength(matrix, nameof(matrix), bias.Length, "bias.Length", columns, nameof(columns));
        for (int j = 0; j < bias.Length; j++)
        {
            matrix.Slice(j * columns, columns).Fill(bias[j]);
        }
    }

    /// <summary>
    /// Applies <c>b[j] ← b[j] + alpha · Σ_c H[j, c]</c> for the row-major <c>[b.Length, columns]</c> matrix H.
    /// <paramref name="h"/> may be longer than <c>bias.Length × columns</c> (a range of rows of a larger matrix, as the
    /// generated two-core pass gives it); only those first rows are read.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="columns"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="h"/> holds fewer than <c>bias.Length × columns</c> values.</exception>
    public static void AddScaledRowSums<T>(ReadOnlySpan<T> h, int columns, T alpha, Span<T> bias)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Guard.MinimumProductLength(h, nameof(h), bias.Length, "bias.Length", columns, nameof(columns));
        for (int j = 0; j < bias.Length; j++)
        {
            var row = h.Slice(j * columns, columns);
            T sum = T.Zero;
            int i = 0;
            if (Vector.IsHardwareAccelerated && row.Length >= Vector<T>.Count)
            {
                var accumulator = Vector<T>.Zero;
                var vectors = MemoryMarshal.Cast<T, Vector<T>>(row);
                foreach (var v in vectors)
                {
                    accumulator += v;
                }

                sum = Vector.Sum(accumulator);
                i = vectors.Length * Vector<T>.Count;
            }

            for (; i < row.Length; i++)
            {
                sum += row[i];
            }

            bias[j] += alpha * sum;
        }
    }

    /// <summary>Copies column <paramref name="column"/> of the row-major <c>[destination.Length, columns]</c> matrix into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="column"/> is not in <c>[0, columns)</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="matrix"/> does not hold <c>destination.Length × columns</c> values
    /// (<paramref name="destination"/> is named when the matrix is a whole number of rows of another count).</exception>
    public static void GatherColumn<T>(ReadOnlySpan<T> matrix, int columns, int column, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckColumn(matrix, columns, column, destination.Length, nameof(destination));
        for (int k = 0; k < destination.Length; k++)
        {
            destination[k] = matrix[(k * columns) + column];
        }
    }

    /// <summary>Writes <paramref name="source"/> into column <paramref name="column"/> of the row-major <c>[source.Length, columns]</c> matrix.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="column"/> is not in <c>[0, columns)</c>.</exception>
    /// <exception cref="ArgumentException"><paramref name="matrix"/> does not hold <c>source.Length × columns</c> values
    /// (<paramref name="source"/> is named when the matrix is a whole number of rows of another count).</exception>
    public static void ScatterColumn<T>(ReadOnlySpan<T> source, Span<T> matrix, int columns, int column)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckColumn(matrix, columns, column, source.Length, nameof(source));
        for (int k = 0; k < source.Length; k++)
        {
            matrix[(k * columns) + column] = source[k];
        }
    }

    /// <summary>The checks of <see cref="GatherColumn"/> and <see cref="ScatterColumn"/>: a column of the matrix, and a matrix of <paramref name="rows"/> × <paramref name="columns"/>.</summary>
    private static void CheckColumn<T>(ReadOnlySpan<T> matrix, int columns, int column, int rows, string rowsName)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, columns);
        if (matrix.Length != (long)rows * columns)
        {
            ThrowColumnLengths(matrix.Length, columns, rows, rowsName);
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowColumnLengths(int matrix, int columns, int rows, string rowsName)
    {
        if (matrix % columns == 0)
        {
            // The matrix is whole rows, of another count than the column vector's length: the vector is the odd one out.
            Guard.ThrowKernelLength(rowsName, rows, $"{matrix / columns}", $"one per row of matrix: matrix.Length / columns = {matrix} / {columns}");
        }

        Guard.ThrowKernelLength("matrix", matrix, $"{(long)rows * columns}", $"{rowsName}.Length × columns = {rows} × {columns}");
    }
}
