using System.Runtime.CompilerServices;

namespace NetCompiler.Training;

/// <summary>
/// RMSprop (Hinton's lecture 6e) as <c>torch.optim.RMSprop</c> without momentum or centring, with
/// <c>g</c> the clipped, decayed gradient:
/// <code>
/// v ← α v + (1 − α) g²
/// θ ← θ − η g / (√v + ε)
/// </code>
/// <c>v</c> starts at zero (no bias correction), so early steps are larger than <c>η</c>.
/// </summary>
public sealed class RmsProp : Optimizer
{
    private readonly float[] _meanSquare;

    /// <summary>Creates the optimizer for <paramref name="parameterCount"/> parameters.</summary>
    /// <param name="parameterCount">The length of the parameter buffer, e.g. <c>MyNet.ParameterCount</c>.</param>
    /// <param name="alpha">α in [0, 1), the decay of the running mean of g².</param>
    /// <param name="epsilon">ε &gt; 0, added to √v in the denominator.</param>
    public RmsProp(int parameterCount, float alpha = 0.99f, float epsilon = 1e-8f)
        : base(parameterCount)
    {
        if (!(alpha >= 0f && alpha < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α must be in [0, 1).");
        }

        if (!(epsilon > 0f) || !float.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be a finite number > 0.");
        }

        Alpha = alpha;
        Epsilon = epsilon;
        _meanSquare = new float[parameterCount];
    }

    /// <summary>α, the decay of the running mean of g².</summary>
    public float Alpha { get; }

    /// <summary>ε, added to √v.</summary>
    public float Epsilon { get; }

    /// <inheritdoc />
    protected override IReadOnlyList<float[]> StateBuffers => [_meanSquare];

    /// <inheritdoc />
    protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradient, float gradientScale, float learningRate) =>
        VectorLoop.Update(new Kernel(learningRate, gradientScale, WeightDecay, Alpha, Epsilon), parameters, gradient, _meanSquare, default);

    /// <inheritdoc />
    protected override void ResetState() => Array.Clear(_meanSquare);

    /// <summary>One vector of <c>g = s·∇ + λθ</c>; <c>v ← αv + (1 − α) g²</c>; <c>θ ← θ − η g / (√v + ε)</c>.</summary>
    private readonly struct Kernel(float learningRate, float gradientScale, float weightDecay, float alpha, float epsilon) : IVectorUpdate
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Update<TVector>(ref TVector parameter, TVector gradient, ref TVector meanSquare, ref TVector unused)
            where TVector : struct, IFloatVector<TVector>
        {
            var g = (TVector.Create(gradientScale) * gradient) + (TVector.Create(weightDecay) * parameter);
            meanSquare = (TVector.Create(alpha) * meanSquare) + (TVector.Create(1f - alpha) * g * g);
            parameter -= TVector.Create(learningRate) * g / (TVector.SquareRoot(meanSquare) + TVector.Create(epsilon));
        }
    }
}
