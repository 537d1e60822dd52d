using System.Numerics;
using System.ComponentModel;

namespace NetCompiler.Kernels;

/// <summary>
/// The per-sample training pass of a generated network declared with <c>[Dropout]</c>: <see cref="ISampleKernels{T}.BackpropagateSample"/>
/// with each dropout applied with the mask of one sample. Implemented by generated code (hidden from IntelliSense).
/// </summary>
/// <typeparam name="T">The network's element type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IDropoutKernels<T> : ISampleKernels<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>
    /// The forward pass with dropout (a layer's activation times its mask over <c>1 − rate</c> feeds the next layer), then
    /// BP1–BP4 through the same masks: adds <c>∂J_x/∂θ</c> to <paramref name="gradient"/> and returns <c>J_x</c>.
    /// <paramref name="sample"/> is the sample's row in its batch. Arguments are already checked.
    /// </summary>
    static abstract T BackpropagateSampleWithDropout(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient, Span<T> scratch, DropoutMask mask, int sample);
}
