using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Kernels;

/// <summary>
/// The topology-independent steps of a generated network's input derivatives (<c>InputGradient</c>, <c>Jacobian</c>,
/// <c>LossInputGradient</c>). They work on blocks of rows, each row one derivative vector over a layer's neurons: an
/// adjoint <c>∂(·)/∂z_l</c> in reverse mode, a tangent <c>∂z_l/∂x_r</c> in forward mode; a single input gradient is one
/// row. Matrices are row-major; a span may be longer than the rows it holds (the rest is left as it is).
/// Called by generated code (hidden from IntelliSense); not meant to be called directly, and may change between versions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class InputGradientKernels
{
    /// <summary>
    /// The reverse-mode step, BP2 before the derivative for each row: <c>result[r, :] = Σ_j rows[r, j] W[j, :]</c>, i.e.
    /// <c>result = rows · W</c> with <c>W</c> the layer's <c>[outputs, inputs]</c> weights (each row gets <c>Wᵀ δ</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than <paramref name="count"/> rows of its width, or <paramref name="weights"/> is not <c>outputs × inputs</c>.</exception>
    public static void MultiplyRows<T>(ReadOnlySpan<T> rows, int count, ReadOnlySpan<T> weights, int outputs, int inputs, Span<T> result)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckShapes(rows, count, outputs, weights, outputs, inputs, result, inputs);
        result = result[..(count * inputs)];
        result.Clear();
        // Four weight rows at a time, added into every result row: W streams through once whatever the number of rows,
        // and each result row is loaded and stored once per four weight rows rather than once per row.
        int j = 0;
        for (; j + 4 <= outputs; j += 4)
        {
            ReadOnlySpan<T> weightRows = weights.Slice(j * inputs, 4 * inputs);
            for (int r = 0; r < count; r++)
            {
                int at = (r * outputs) + j;
                AddScaledRows4(rows[at], rows[at + 1], rows[at + 2], rows[at + 3], weightRows, result.Slice(r * inputs, inputs));
            }
        }

        for (; j < outputs; j++)
        {
            ReadOnlySpan<T> weightRow = weights.Slice(j * inputs, inputs);
            for (int r = 0; r < count; r++)
            {
                DenseKernels.AddScaled(rows[(r * outputs) + j], weightRow, result.Slice(r * inputs, inputs));
            }
        }
    }

    /// <summary>
    /// The forward-mode step for each tangent row: <c>result[r, j] = W[j, :] · rows[r, :]</c>, i.e. <c>result = rows · Wᵀ</c>
    /// with <c>W</c> the layer's <c>[outputs, inputs]</c> weights (each row gets <c>W ṫ</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than <paramref name="count"/> rows of its width, or <paramref name="weights"/> is not <c>outputs × inputs</c>.</exception>
    public static void MultiplyRowsByTransposed<T>(ReadOnlySpan<T> rows, int count, ReadOnlySpan<T> weights, int outputs, int inputs, Span<T> result)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckShapes(rows, count, inputs, weights, outputs, inputs, result, outputs);
        for (int j = 0; j < outputs; j++)
        {
            ReadOnlySpan<T> weightRow = weights.Slice(j * inputs, inputs);
            for (int r = 0; r < count; r++)
            {
                result[(r * outputs) + j] = DenseKernels.Dot(weightRow, rows.Slice(r * inputs, inputs));
            }
        }
    }

    /// <summary>
    /// Multiplies each of <paramref name="count"/> rows <c>v</c> (width <c>z.Length</c>) of <paramref name="rows"/> by the
    /// Jacobian of <paramref name="activation"/> at <paramref name="z"/> (<paramref name="a"/> = f(z)), which is symmetric,
    /// so the same step serves forward and reverse mode: <c>v ⊙= f'(z)</c> for an element-wise activation, the full
    /// softmax Jacobian <c>diag(a) − a aᵀ</c> for softmax, <c>v_i ← a_i (v_i − Σ_k a_k v_k)</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="rows"/> is shorter than <paramref name="count"/> rows, or <paramref name="a"/> is not as long as <paramref name="z"/>.</exception>
    public static void MultiplyRowsByJacobian<T>(Activation activation, ReadOnlySpan<T> z, ReadOnlySpan<T> a, Span<T> rows, int count)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int size = z.Length;
        Guard.SameLength(z, nameof(z), a, nameof(a));
        CheckRows(rows, count, size, nameof(rows));
        for (int r = 0; r < count; r++)
        {
            Span<T> row = rows.Slice(r * size, size);
            switch (activation)
            {
                case Activation.Identity:
                    return;
                case Activation.Softmax:
                    T weighted = DenseKernels.Dot(a, row);
                    for (int i = 0; i < size; i++)
                    {
                        row[i] = a[i] * (row[i] - weighted);
                    }

                    break;
                case Activation.Sigmoid: ActivationKernels.MultiplyBySigmoidDerivative(z, a, row); break;
                case Activation.Tanh: ActivationKernels.MultiplyByTanhDerivative(z, a, row); break;
                case Activation.ReLU: ActivationKernels.MultiplyByReLUDerivative(z, a, row); break;
                case Activation.LeakyReLU: ActivationKernels.MultiplyByLeakyReLUDerivative(z, a, row); break;
                case Activation.ELU: ActivationKernels.MultiplyByELUDerivative(z, a, row); break;
                case Activation.Softplus: ActivationKernels.MultiplyBySoftplusDerivative(z, a, row); break;
                case Activation.SiLU: ActivationKernels.MultiplyBySiLUDerivative(z, a, row); break;
                case Activation.GELU: ActivationKernels.MultiplyByGELUDerivative(z, a, row); break;
                default: throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an activation NetCompiler defines.");
            }
        }
    }

    /// <summary>Writes the <c>[size, size]</c> identity into the first <c>size²</c> values of <paramref name="matrix"/>: the seed rows of a reverse-mode Jacobian.</summary>
    /// <exception cref="ArgumentException"><paramref name="matrix"/> is shorter than <c>size²</c>.</exception>
    internal static void Identity<T>(Span<T> matrix, int size)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckRows(matrix, size, size, nameof(matrix));
        matrix = matrix[..(size * size)];
        matrix.Clear();
        for (int i = 0; i < size; i++)
        {
            matrix[(i * size) + i] = T.One;
        }
    }

    /// <summary>
    /// <c>y ← (((y + a0 w0) + a1 w1) + a2 w2) + a3 w3</c> for the four consecutive rows <c>w0 … w3</c> of width
    /// <c>y.Length</c> in <paramref name="weightRows"/>: four <see cref="DenseKernels.AddScaled"/> in one pass over
    /// <paramref name="y"/>, with the same roundings (a multiply, then an add, in that order).
    /// </summary>
    private static void AddScaledRows4<T>(T a0, T a1, T a2, T a3, ReadOnlySpan<T> weightRows, Span<T> y)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref T w = ref MemoryMarshal.GetReference(weightRows);
        ref T ys = ref MemoryMarshal.GetReference(y);
        nuint width = (nuint)y.Length;
        nuint i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var s0 = Vector256.Create(a0);
            var s1 = Vector256.Create(a1);
            var s2 = Vector256.Create(a2);
            var s3 = Vector256.Create(a3);
            for (; i + (nuint)Vector256<T>.Count <= width; i += (nuint)Vector256<T>.Count)
            {
                var sum = Vector256.LoadUnsafe(ref ys, i) + (s0 * Vector256.LoadUnsafe(ref w, i));
                sum += s1 * Vector256.LoadUnsafe(ref w, width + i);
                sum += s2 * Vector256.LoadUnsafe(ref w, (2 * width) + i);
                sum += s3 * Vector256.LoadUnsafe(ref w, (3 * width) + i);
                sum.StoreUnsafe(ref ys, i);
            }
        }

        for (; i < width; i++)
        {
            T sum = Unsafe.Add(ref ys, i) + (a0 * Unsafe.Add(ref w, i));
            sum += a1 * Unsafe.Add(ref w, width + i);
            sum += a2 * Unsafe.Add(ref w, (2 * width) + i);
            sum += a3 * Unsafe.Add(ref w, (3 * width) + i);
            Unsafe.Add(ref ys, i) = sum;
        }
    }

    private static void CheckShapes<T>(ReadOnlySpan<T> rows, int count, int rowWidth, ReadOnlySpan<T> weights, int outputs, int inputs, ReadOnlySpan<T> result, int resultWidth)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckRows(rows, count, rowWidth, nameof(rows));
        CheckRows(result, count, resultWidth, nameof(result));
        ArgumentOutOfRangeException.ThrowIfNegative(outputs);
        ArgumentOutOfRangeException.ThrowIfNegative(inputs);
        if (weights.Length != (long)outputs * inputs)
        {
            throw new ArgumentException($"weights has {weights.Length} values but must have {(long)outputs * inputs} ({outputs} × {inputs}).", nameof(weights));
        }
    }

    private static void CheckRows<T>(ReadOnlySpan<T> rows, int count, int width, string name)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        long needed = (long)count * width;
        if (rows.Length < needed)
        {
            throw new ArgumentException($"{name} has {rows.Length} values but must have at least {needed} ({count} rows of {width}).", name);
        }
    }
}
