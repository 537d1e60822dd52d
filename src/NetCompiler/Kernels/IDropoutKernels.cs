using System.ComponentModel;

namespace NetCompiler.Kernels;

/// <summary>
/// The per-sample training pass of a generated network declared with <c>[Dropout]</c>: <see cref="ISampleKernels.BackpropagateSample"/>
/// with each dropout applied with the mask of one sample. Implemented by generated code (hidden from IntelliSense).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IDropoutKernels : ISampleKernels
{
    /// <summary>
    /// The forward pass with dropout (a layer's activation times its mask over <c>1 − rate</c> feeds the next layer), then
    /// BP1–BP4 through the same masks: adds <c>∂J_x/∂θ</c> to <paramref name="gradient"/> and returns <c>J_x</c>.
    /// <paramref name="sample"/> is the sample's row in its batch. Arguments are already checked.
    /// </summary>
    static abstract float BackpropagateSampleWithDropout(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> gradient, Span<float> scratch, DropoutMask mask, int sample);
}
