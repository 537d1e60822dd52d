namespace NetCompiler.Training;

/// <summary>
/// Adam (Kingma and Ba, 2015) with bias correction, as <c>torch.optim.Adam</c>; at step <c>t</c>
/// (1 on the first step), with <c>g</c> the clipped gradient:
/// <code>
/// m ← β₁ m + (1 − β₁) g          v ← β₂ v + (1 − β₂) g²
/// m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
/// θ ← θ − η m̂ / (√v̂ + ε)
/// </code>
/// Weight decay is coupled by default (<c>g += λθ</c> before the moments, "Adam with L2"); with
/// <see cref="DecoupledWeightDecay"/> it is AdamW's <c>θ ← θ (1 − ηλ)</c> before the Adam update,
/// and <c>g</c> excludes the decay.
/// </summary>
public sealed class Adam : Optimizer
{
    private readonly float[] _firstMoment;
    private readonly float[] _secondMoment;

    /// <summary>Creates the optimizer for <paramref name="parameterCount"/> parameters.</summary>
    /// <param name="parameterCount">The length of the parameter buffer, e.g. <c>MyNet.ParameterCount</c>.</param>
    /// <param name="beta1">β₁ in [0, 1), the decay of the first moment (mean of g).</param>
    /// <param name="beta2">β₂ in [0, 1), the decay of the second moment (mean of g²).</param>
    /// <param name="epsilon">ε &gt; 0, added to √v̂ in the denominator.</param>
    public Adam(int parameterCount, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        : base(parameterCount)
    {
        if (!(beta1 >= 0f && beta1 < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, "β₁ must be in [0, 1).");
        }

        if (!(beta2 >= 0f && beta2 < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, "β₂ must be in [0, 1).");
        }

        if (!(epsilon > 0f) || !float.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be a finite number > 0.");
        }

        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        _firstMoment = new float[parameterCount];
        _secondMoment = new float[parameterCount];
    }

    /// <summary>β₁, the decay of the first moment.</summary>
    public float Beta1 { get; }

    /// <summary>β₂, the decay of the second moment.</summary>
    public float Beta2 { get; }

    /// <summary>ε, added to √v̂.</summary>
    public float Epsilon { get; }

    /// <summary>
    /// False (default): <see cref="Optimizer.WeightDecay"/> is added to the gradient (L2).
    /// True: AdamW, <c>θ ← θ (1 − ηλ)</c> applied directly to the parameters.
    /// </summary>
    public bool DecoupledWeightDecay { get; init; }

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradient, float gradientScale, float learningRate)
    {
        float beta1 = Beta1;
        float beta2 = Beta2;
        float epsilon = Epsilon;
        float firstCorrection = (float)(1.0 - Math.Pow(beta1, StepCount));
        float secondCorrection = (float)(1.0 - Math.Pow(beta2, StepCount));
        float coupledDecay = DecoupledWeightDecay ? 0f : WeightDecay;
        float shrink = DecoupledWeightDecay ? 1f - (learningRate * WeightDecay) : 1f;
        Span<float> m = _firstMoment.AsSpan(0, parameters.Length);
        Span<float> v = _secondMoment.AsSpan(0, parameters.Length);
        for (int i = 0; i < parameters.Length; i++)
        {
            float theta = parameters[i];
            float g = (gradientScale * gradient[i]) + (coupledDecay * theta);
            float mi = (beta1 * m[i]) + ((1f - beta1) * g);
            float vi = (beta2 * v[i]) + ((1f - beta2) * g * g);
            m[i] = mi;
            v[i] = vi;
            float mHat = mi / firstCorrection;
            float vHat = vi / secondCorrection;
            parameters[i] = (shrink * theta) - (learningRate * mHat / (MathF.Sqrt(vHat) + epsilon));
        }
    }

    /// <inheritdoc />
    protected override void ResetState()
    {
        Array.Clear(_firstMoment);
        Array.Clear(_secondMoment);
    }
}
