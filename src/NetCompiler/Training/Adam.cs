using System.Numerics;
using System.Runtime.CompilerServices;
using NetCompiler.Kernels;

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
    protected override int StateBufferCount => 2;

    /// <inheritdoc />
    protected override void Update<T>(Span<T> parameters, ReadOnlySpan<T> gradient, T gradientScale, T learningRate) =>
        VectorLoop.Update(CreateKernel(StepCount, learningRate, gradientScale), parameters, gradient, StateBuffer<T>(0), StateBuffer<T>(1));

    /// <inheritdoc />
    internal override ParameterUpdate<T>? CreateFusedUpdate<T>(NetworkDescription network) =>
        new KernelUpdate<Kernel<T>, T>(network, State<T>()[0], State<T>()[1]);

    /// <inheritdoc />
    private protected override void PrepareFusedStep<T>(ParameterUpdate<T> update, long step, T learningRate, T gradientScale) =>
        ((KernelUpdate<Kernel<T>, T>)update).Kernel = CreateKernel(step, learningRate, gradientScale);

    /// <summary>The update of step <paramref name="step"/> (1 on the first), with its bias corrections.</summary>
    private Kernel<T> CreateKernel<T>(long step, T learningRate, T gradientScale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T firstCorrection = T.CreateTruncating(1.0 - Math.Pow(Beta1, step));
        T secondCorrection = T.CreateTruncating(1.0 - Math.Pow(Beta2, step));
        T weightDecay = T.CreateTruncating(WeightDecay);
        return new Kernel<T>(
            gradientScale,
            coupledDecay: DecoupledWeightDecay ? T.Zero : weightDecay,
            shrink: DecoupledWeightDecay ? T.One - (learningRate * weightDecay) : T.One,
            T.CreateTruncating(Beta1),
            T.CreateTruncating(Beta2),
            T.CreateTruncating(Epsilon),
            stepSize: learningRate / firstCorrection,
            inverseRootSecondCorrection: T.One / T.Sqrt(secondCorrection));
    }

    /// <summary>
    /// One vector of the Adam update (see the class comment), with AdamW's shrink factor (1 when
    /// coupled), arranged as PyTorch does to need one division: <c>η m̂ / (√v̂ + ε)</c> =
    /// <c>(η / (1 − β₁ᵗ)) m / (√v / √(1 − β₂ᵗ) + ε)</c>.
    /// </summary>
    private readonly struct Kernel<T>(
        T gradientScale,
        T coupledDecay,
        T shrink,
        T beta1,
        T beta2,
        T epsilon,
        T stepSize,
        T inverseRootSecondCorrection) : IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Broadcast<TVector>(out Constants<TVector> constants)
            where TVector : struct, IFloatVector<TVector, T>
        {
            constants.C0 = TVector.Create(gradientScale);
            constants.C1 = TVector.Create(coupledDecay);
            constants.C2 = TVector.Create(beta1);
            constants.C3 = TVector.Create(T.One - beta1);
            constants.C4 = TVector.Create(beta2);
            constants.C5 = TVector.Create(T.One - beta2);
            constants.C6 = TVector.Create(shrink);
            constants.C7 = TVector.Create(stepSize);
            constants.C8 = TVector.Create(inverseRootSecondCorrection);
            constants.C9 = TVector.Create(epsilon);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Update<TVector>(in Constants<TVector> c, ref TVector parameter, TVector gradient, ref TVector m, ref TVector v)
            where TVector : struct, IFloatVector<TVector, T>
        {
            // c: 0 gradient scale, 1 coupled decay, 2 β₁, 3 1 − β₁, 4 β₂, 5 1 − β₂, 6 shrink, 7 step size, 8 1/√(1 − β₂ᵗ), 9 ε.
            var g = (c.C0 * gradient) + (c.C1 * parameter);
            m = (c.C2 * m) + (c.C3 * g);
            v = (c.C4 * v) + (c.C5 * g * g);
            parameter = (c.C6 * parameter) - (c.C7 * m / ((TVector.SquareRoot(v) * c.C8) + c.C9));
        }
    }
}
