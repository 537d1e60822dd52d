using System.ComponentModel;

namespace NetCompiler.Kernels;

/// <summary>
/// Inverted dropout on one sample's vector: <c>destination = source ⊙ m / (1 − rate)</c> with the mask
/// <c>m_i = DropoutMask.Keeps(layer, sample, i, rate)</c>. The forward pass applies it to a layer's activation and the
/// backward pass to the delta arriving at that activation (BP2 through the dropout), recomputing the same mask.
/// Called by generated code (hidden from IntelliSense).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Dropout
{
    /// <summary><c>destination[i] = m_i ? source[i] / (1 − rate) : 0</c>; source and destination may be the same span.</summary>
    public static void Apply(DropoutMask mask, int layer, int sample, float rate, ReadOnlySpan<float> source, Span<float> destination)
    {
        Guard.SameLength(source, nameof(source), destination, nameof(destination));
        float scale = 1f / (1f - rate);
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = mask.Keeps(layer, sample, i, rate) ? source[i] * scale : 0f;
        }
    }
}
