using System.ComponentModel;

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
    public static void MultiplyRows(ReadOnlySpan<float> rows, int count, ReadOnlySpan<float> weights, int outputs, int inputs, Span<float> result)
    {
        CheckShapes(rows, count, outputs, weights, outputs, inputs, result, inputs);
        result = result[..(count * inputs)];
        result.Clear();
        // One weight row at a time, added into every result row: W streams through once, whatever the number of rows.
        for (int j = 0; j < outputs; j++)
        {
            ReadOnlySpan<float> weightRow = weights.Slice(j * inputs, inputs);
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
    public static void MultiplyRowsByTransposed(ReadOnlySpan<float> rows, int count, ReadOnlySpan<float> weights, int outputs, int inputs, Span<float> result)
    {
        CheckShapes(rows, count, inputs, weights, outputs, inputs, result, outputs);
        for (int j = 0; j < outputs; j++)
        {
            ReadOnlySpan<float> weightRow = weights.Slice(j * inputs, inputs);
            for (int r = 0; r < count; r++)
            {
                result[(r * outputs) + j] = DenseKernels.Dot(weightRow, rows.Slice(r * inputs, inputs));
            }
        }
    }

    /// <summary>
    /// Multiplies each of <paramref name="count"/> rows <c>v</c> by the softmax Jacobian <c>diag(a) − a aᵀ</c> (symmetric,
    /// so the same for forward and reverse mode): <c>v_i ← a_i (v_i − Σ_k a_k v_k)</c>. <paramref name="softmax"/> is the
    /// layer's output <c>a</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="rows"/> is shorter than <paramref name="count"/> rows of <c>softmax.Length</c>.</exception>
    public static void MultiplyBySoftmaxJacobian(ReadOnlySpan<float> softmax, Span<float> rows, int count)
    {
        int size = softmax.Length;
        CheckRows(rows, count, size, nameof(rows));
        for (int r = 0; r < count; r++)
        {
            Span<float> row = rows.Slice(r * size, size);
            float weighted = DenseKernels.Dot(softmax, row);
            for (int i = 0; i < size; i++)
            {
                row[i] = softmax[i] * (row[i] - weighted);
            }
        }
    }

    /// <summary>Writes the <c>[size, size]</c> identity into the first <c>size²</c> floats of <paramref name="matrix"/>: the seed rows of a reverse-mode Jacobian.</summary>
    /// <exception cref="ArgumentException"><paramref name="matrix"/> is shorter than <c>size²</c>.</exception>
    public static void Identity(Span<float> matrix, int size)
    {
        CheckRows(matrix, size, size, nameof(matrix));
        matrix = matrix[..(size * size)];
        matrix.Clear();
        for (int i = 0; i < size; i++)
        {
            matrix[(i * size) + i] = 1f;
        }
    }

    /// <summary>Whether <paramref name="mode"/> is <see cref="JacobianMode.Forward"/>; throws for a value that is not a member of the enum.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is neither <see cref="JacobianMode.Forward"/> nor <see cref="JacobianMode.Reverse"/>.</exception>
    public static bool IsForward(JacobianMode mode, string network) => mode switch
    {
        JacobianMode.Forward => true,
        JacobianMode.Reverse => false,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, $"{network}: the Jacobian mode must be JacobianMode.Forward or JacobianMode.Reverse."),
    };

    private static void CheckShapes(ReadOnlySpan<float> rows, int count, int rowWidth, ReadOnlySpan<float> weights, int outputs, int inputs, ReadOnlySpan<float> result, int resultWidth)
    {
        CheckRows(rows, count, rowWidth, nameof(rows));
        CheckRows(result, count, resultWidth, nameof(result));
        ArgumentOutOfRangeException.ThrowIfNegative(outputs);
        ArgumentOutOfRangeException.ThrowIfNegative(inputs);
        if (weights.Length != (long)outputs * inputs)
        {
            throw new ArgumentException($"weights has {weights.Length} floats but must have {(long)outputs * inputs} ({outputs} × {inputs}).", nameof(weights));
        }
    }

    private static void CheckRows(ReadOnlySpan<float> rows, int count, int width, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        long needed = (long)count * width;
        if (rows.Length < needed)
        {
            throw new ArgumentException($"{name} has {rows.Length} floats but must have at least {needed} ({count} rows of {width}).", name);
        }
    }
}
