using System.ComponentModel;
using System.Numerics;

namespace NetCompiler.Kernels;

/// <summary>
/// The loss of one sample and the output delta <c>δ_L = ∂J_x/∂z_L</c> (BP1), for each supported
/// pairing of output activation and loss. Called by generated code. Pass an empty <c>delta</c> to
/// compute only the loss. Every span must have the output layer's length (an empty <c>delta</c> excepted);
/// otherwise <see cref="ArgumentException"/> names the span whose length differs from the others'.
/// Called by generated code (hidden from IntelliSense); not meant to be called directly, and may change between versions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class OutputLayer
{
    /// <summary>
    /// Mean squared error of one sample, <c>J_x = ½ ‖a - t‖²</c>, and <c>δ = a - t</c>
    /// (the caller multiplies by <c>f'(z)</c> for a non-identity output activation).
    /// </summary>
    public static T MeanSquaredError<T>(ReadOnlySpan<T> output, ReadOnlySpan<T> target, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLengths(output, target, delta);
        T sum = T.Zero;
        for (int k = 0; k < output.Length; k++)
        {
            T error = output[k] - target[k];
            sum += error * error;
            if (!delta.IsEmpty)
            {
                delta[k] = error;
            }
        }

        return T.CreateTruncating(0.5) * sum;
    }

    /// <summary>
    /// Mean squared error through a softmax output: <c>J_x = ½ ‖a - t‖²</c> and
    /// <c>δ_i = a_i (g_i - Σ_j g_j a_j)</c> with <c>g = a - t</c> (the softmax Jacobian applied to g).
    /// </summary>
    public static T MeanSquaredErrorThroughSoftmax<T>(ReadOnlySpan<T> output, ReadOnlySpan<T> target, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLengths(output, target, delta);
        T loss = T.Zero;
        T weighted = T.Zero;
        for (int k = 0; k < output.Length; k++)
        {
            T error = output[k] - target[k];
            loss += error * error;
            weighted += error * output[k];
        }

        if (!delta.IsEmpty)
        {
            for (int k = 0; k < output.Length; k++)
            {
                delta[k] = output[k] * (output[k] - target[k] - weighted);
            }
        }

        return T.CreateTruncating(0.5) * loss;
    }

    /// <summary>
    /// Cross-entropy of a softmax output, <c>J_x = -Σ_k t_k ln a_k</c>, computed from the logits as
    /// <c>Σ_k t_k (logsumexp(z) - z_k)</c> so it is finite for any finite logits; fused delta <c>δ = a - t</c>.
    /// </summary>
    public static T SoftmaxCrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> output, ReadOnlySpan<T> target, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLengths(logits, output, target, delta);
        T max = T.NegativeInfinity;
        foreach (T z in logits)
        {
            max = T.Max(max, z);
        }

        T sum = T.Zero;
        foreach (T z in logits)
        {
            sum += T.Exp(z - max);
        }

        T logSumExp = max + T.Log(sum);
        T loss = T.Zero;
        for (int k = 0; k < logits.Length; k++)
        {
            if (target[k] != T.Zero)
            {
                loss += target[k] * (logSumExp - logits[k]);
            }

            if (!delta.IsEmpty)
            {
                delta[k] = output[k] - target[k];
            }
        }

        return loss;
    }

    /// <summary>
    /// Binary cross-entropy of each sigmoid output, <c>J_x = -Σ_k [t_k ln a_k + (1 - t_k) ln(1 - a_k)]</c>,
    /// computed from the logits as <c>Σ_k max(z_k, 0) - z_k t_k + ln(1 + e^-|z_k|)</c>; fused delta <c>δ = a - t</c>.
    /// </summary>
    public static T SigmoidCrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> output, ReadOnlySpan<T> target, Span<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckLengths(logits, output, target, delta);
        T loss = T.Zero;
        for (int k = 0; k < logits.Length; k++)
        {
            T z = logits[k];
            loss += T.Max(z, T.Zero) - (z * target[k]) + T.Log(T.One + T.Exp(-T.Abs(z)));
            if (!delta.IsEmpty)
            {
                delta[k] = output[k] - target[k];
            }
        }

        return loss;
    }

    /// <summary><paramref name="target"/> and a non-empty <paramref name="delta"/> have <c>output.Length</c> elements.</summary>
    private static void CheckLengths<T>(ReadOnlySpan<T> output, ReadOnlySpan<T> target, ReadOnlySpan<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (delta.IsEmpty)
        {
            Guard.SameLength(output, nameof(output), target, nameof(target));
        }
        else
        {
            Guard.SameLength(output, nameof(output), target, nameof(target), delta, nameof(delta));
        }
    }

    /// <summary><paramref name="output"/>, <paramref name="target"/> and a non-empty <paramref name="delta"/> have <c>logits.Length</c> elements.</summary>
    private static void CheckLengths<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> output, ReadOnlySpan<T> target, ReadOnlySpan<T> delta)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.SameLength(logits, nameof(logits), output, nameof(output), target, nameof(target));
        if (!delta.IsEmpty)
        {
            Guard.SameLength(logits, nameof(logits), delta, nameof(delta));
        }
    }
}
