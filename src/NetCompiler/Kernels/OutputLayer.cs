using System.ComponentModel;
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
    public static float MeanSquaredError(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> delta)
    {
        CheckLengths(output, target, delta);
        float sum = 0f;
        for (int k = 0; k < output.Length; k++)
        {
            float error = output[k] - target[k];
            sum += error * error;
            if (!delta.IsEmpty)
            {
                delta[k] = error;
            }
        }

        return 0.5f * sum;
    }

    /// <summary>
    /// Mean squared error through a softmax output: <c>J_x = ½ ‖a - t‖²</c> and
    /// <c>δ_i = a_i (g_i - Σ_j g_j a_j)</c> with <c>g = a - t</c> (the softmax Jacobian applied to g).
    /// </summary>
    public static float MeanSquaredErrorThroughSoftmax(ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> delta)
    {
        CheckLengths(output, target, delta);
        float loss = 0f;
        float weighted = 0f;
        for (int k = 0; k < output.Length; k++)
        {
            float error = output[k] - target[k];
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

        return 0.5f * loss;
    }

    /// <summary>
    /// Cross-entropy of a softmax output, <c>J_x = -Σ_k t_k ln a_k</c>, computed from the logits as
    /// <c>Σ_k t_k (logsumexp(z) - z_k)</c> so it is finite for any finite logits; fused delta <c>δ = a - t</c>.
    /// </summary>
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> delta)
    {
        CheckLengths(logits, output, target, delta);
        float max = float.NegativeInfinity;
        foreach (float z in logits)
        {
            max = MathF.Max(max, z);
        }

        float sum = 0f;
        foreach (float z in logits)
        {
            sum += MathF.Exp(z - max);
        }

        float logSumExp = max + MathF.Log(sum);
        float loss = 0f;
        for (int k = 0; k < logits.Length; k++)
        {
            if (target[k] != 0f)
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
    public static float SigmoidCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> output, ReadOnlySpan<float> target, Span<float> delta)
    {
        CheckLengths(logits, output, target, delta);
        float loss = 0f;
        for (int k = 0; k < logits.Length; k++)
        {
            float z = logits[k];
            loss += MathF.Max(z, 0f) - (z * target[k]) + MathF.Log(1f + MathF.Exp(-MathF.Abs(z)));
            if (!delta.IsEmpty)
            {
                delta[k] = output[k] - target[k];
            }
        }

        return loss;
    }

    /// <summary><paramref name="target"/> and a non-empty <paramref name="delta"/> have <c>output.Length</c> elements.</summary>
    private static void CheckLengths(ReadOnlySpan<float> output, ReadOnlySpan<float> target, ReadOnlySpan<float> delta)
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
    private static void CheckLengths(ReadOnlySpan<float> logits, ReadOnlySpan<float> output, ReadOnlySpan<float> target, ReadOnlySpan<float> delta)
    {
        Guard.SameLength(logits, nameof(logits), output, nameof(output), target, nameof(target));
        if (!delta.IsEmpty)
        {
            Guard.SameLength(logits, nameof(logits), delta, nameof(delta));
        }
    }
}
