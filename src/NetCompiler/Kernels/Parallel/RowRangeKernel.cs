using System.ComponentModel;
namespace NetCompiler.Kernels.Parallel;

/// <summary>
/// Rows <c>[firstRow, endRow)</c> of one layer product of a batched kernel: <c>result = alpha · (left ⊗ right)</c>
/// (plus what the kernel accumulates), where each row of <paramref name="result"/> depends only on the inputs,
/// never on the other rows. The generated networks pass their per-layer drivers as this delegate so that
/// <see cref="ParallelRows"/> can run two row ranges of one product on two threads.
/// Called by generated code (hidden from IntelliSense); not meant to be called directly, and may change between versions.
/// </summary>
/// <param name="left">The first operand (the parameters, or the deltas of the weight update).</param>
/// <param name="right">The second operand (the layer input, or the deltas being propagated).</param>
/// <param name="result">The product's output; the kernel writes only rows <c>[firstRow, endRow)</c> of it.</param>
/// <param name="samples">The number of samples in the batch.</param>
/// <param name="alpha">The factor of the product (1, or the update's <c>-η/N</c>).</param>
/// <param name="firstRow">The first output row; a multiple of the kernel's row tile.</param>
/// <param name="endRow">One past the last output row; a multiple of the row tile, or the number of rows.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate void RowRangeKernel(ReadOnlySpan<float> left, ReadOnlySpan<float> right, Span<float> result, int samples, float alpha, int firstRow, int endRow);
