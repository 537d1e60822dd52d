using System.Numerics;
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
    public static void Apply<T>(DropoutMask mask, int layer, int sample, float rate, ReadOnlySpan<T> source, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.SameLength(source, nameof(source), destination, nameof(destination));
        T scale = T.One / (T.One - T.CreateTruncating(rate));
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = mask.Keeps(layer, sample, i, rate) ? source[i] * scale : T.Zero;
        }
    }

    /// <summary>
    /// <see cref="Apply{T}"/> on a feature-major batch (<c>[units, samples]</c>, row i holds unit i of every sample): element
    /// (i, s) is kept by the mask of sample s, so column s equals what <see cref="Apply{T}"/> gives sample s alone.
    /// </summary>
    public static void ApplyFeatureMajor<T>(DropoutMask mask, int layer, float rate, ReadOnlySpan<T> source, Span<T> destination, int units, int samples)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(units);
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        Guard.ProductLength(source, nameof(source), units, nameof(units), samples, nameof(samples));
        Guard.ProductLength(destination, nameof(destination), units, nameof(units), samples, nameof(samples));
        T scale = T.One / (T.One - T.CreateTruncating(rate));
        for (int unit = 0; unit < units; unit++)
        {
            int row = unit * samples;
            for (int sample = 0; sample < samples; sample++)
            {
                destination[row + sample] = mask.Keeps(layer, sample, unit, rate) ? source[row + sample] * scale : T.Zero;
            }
        }
    }
}
