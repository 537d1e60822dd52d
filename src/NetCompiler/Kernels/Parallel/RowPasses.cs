using System.ComponentModel;

namespace NetCompiler.Kernels.Parallel;

/// <summary>
/// The element-wise passes of the batched kernels as row ranges of feature-major matrices (<c>columns</c> samples a
/// row), for <see cref="ParallelRows.RunPass"/>: each one cached, so a call allocates nothing. Called by generated
/// code; not meant to be used directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RowPasses
{
    private delegate void ActivationKernel(ReadOnlySpan<float> z, Span<float> a);

    private delegate void DerivativeKernel(ReadOnlySpan<float> z, ReadOnlySpan<float> a, Span<float> delta);

    private static readonly RowRangeKernel?[] s_activate = Table(activation => ActivationKernelOf(activation) is { } kernel
        ? (z, _, a, columns, _, firstRow, endRow) => kernel(Rows(z, columns, firstRow, endRow), Rows(a, columns, firstRow, endRow))
        : null);

    private static readonly RowRangeKernel?[] s_derivative = Table(activation => DerivativeKernelOf(activation) is { } kernel
        ? (z, a, h, columns, _, firstRow, endRow) => kernel(Rows(z, columns, firstRow, endRow), Rows(a, columns, firstRow, endRow), Rows(h, columns, firstRow, endRow))
        : null);

    /// <summary>
    /// Rows <c>[firstRow, endRow)</c> of a feature-major matrix (left, <c>columns</c> samples a row) into the same columns
    /// of its sample-major copy (result).
    /// </summary>
    public static RowRangeKernel SampleMajor { get; } = static (a, _, sampleMajor, columns, _, firstRow, endRow) =>
        MatrixKernels.TransposeRows(a, a.Length / columns, columns, sampleMajor, firstRow, endRow);

    /// <summary>
    /// Features <c>[firstRow, endRow)</c> of every sample of a sample-major batch (left, <c>samples</c> rows) into the
    /// same rows of its feature-major copy (result): a row range of <c>A0 = inputsᵀ</c>.
    /// </summary>
    public static RowRangeKernel FeatureMajor { get; } = static (inputs, _, featureMajor, samples, _, firstRow, endRow) =>
        MatrixKernels.TransposeColumns(inputs, samples, inputs.Length / samples, featureMajor, firstRow, endRow);

    /// <summary>Rows of <c>A = f(Z)</c>: left is Z, result is A.</summary>
    /// <exception cref="ArgumentException"><paramref name="activation"/> is not element-wise (softmax) or not defined.</exception>
    public static RowRangeKernel Activate(Activation activation) =>
        Lookup(s_activate, activation) ?? throw new ArgumentException($"{activation} has no element-wise pass.", nameof(activation));

    /// <summary>Rows of <c>H ⊙= f'(Z)</c>: left is Z, right is A = f(Z), result is H.</summary>
    /// <exception cref="ArgumentException"><paramref name="activation"/> is not element-wise (softmax) or not defined.</exception>
    public static RowRangeKernel MultiplyByDerivative(Activation activation) =>
        Lookup(s_derivative, activation) ?? throw new ArgumentException($"{activation} has no element-wise derivative pass.", nameof(activation));

    private static RowRangeKernel? Lookup(RowRangeKernel?[] table, Activation activation) =>
        (uint)activation < (uint)table.Length ? table[(int)activation] : null;

    private static RowRangeKernel?[] Table(Func<Activation, RowRangeKernel?> create) =>
        [.. Enum.GetValues<Activation>().OrderBy(a => (int)a).Select(create)];

    private static Span<float> Rows(Span<float> matrix, int columns, int firstRow, int endRow) =>
        matrix.Slice(firstRow * columns, (endRow - firstRow) * columns);

    private static ReadOnlySpan<float> Rows(ReadOnlySpan<float> matrix, int columns, int firstRow, int endRow) =>
        matrix.Slice(firstRow * columns, (endRow - firstRow) * columns);

    private static ActivationKernel? ActivationKernelOf(Activation activation) => activation switch
    {
        Activation.Identity => ActivationKernels.Identity,
        Activation.Sigmoid => ActivationKernels.Sigmoid,
        Activation.Tanh => ActivationKernels.Tanh,
        Activation.ReLU => ActivationKernels.ReLU,
        Activation.LeakyReLU => ActivationKernels.LeakyReLU,
        Activation.ELU => ActivationKernels.ELU,
        Activation.Softplus => ActivationKernels.Softplus,
        Activation.SiLU => ActivationKernels.SiLU,
        Activation.GELU => ActivationKernels.GELU,
        _ => null,
    };

    private static DerivativeKernel? DerivativeKernelOf(Activation activation) => activation switch
    {
        Activation.Identity => ActivationKernels.MultiplyByIdentityDerivative,
        Activation.Sigmoid => ActivationKernels.MultiplyBySigmoidDerivative,
        Activation.Tanh => ActivationKernels.MultiplyByTanhDerivative,
        Activation.ReLU => ActivationKernels.MultiplyByReLUDerivative,
        Activation.LeakyReLU => ActivationKernels.MultiplyByLeakyReLUDerivative,
        Activation.ELU => ActivationKernels.MultiplyByELUDerivative,
        Activation.Softplus => ActivationKernels.MultiplyBySoftplusDerivative,
        Activation.SiLU => ActivationKernels.MultiplyBySiLUDerivative,
        Activation.GELU => ActivationKernels.MultiplyByGELUDerivative,
        _ => null,
    };
}
