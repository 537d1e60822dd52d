using System.Numerics;
using System.Runtime.CompilerServices;
using NetCompiler.Kernels;

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
    }

    /// <summary>α, the decay of the running mean of g².</summary>
    public float Alpha { get; }

    /// <summary>ε, added to √v.</summary>
    public float Epsilon { get; }

    /// <inheritdoc />
    protected override int StateBufferCount => 1;

    /// <inheritdoc />
    protected override void Update<T>(Span<T> parameters, ReadOnlySpan<T> gradient, T gradientScale, T learningRate) =>
        VectorLoop.Update(CreateKernel(learningRate, gradientScale), parameters, gradient, StateBuffer<T>(0), default);

    /// <inheritdoc />
    internal override ParameterUpdate<T>? CreateFusedUpdate<T>(NetworkDescription network) =>
        new KernelUpdate<Kernel<T>, T>(network, State<T>()[0], []);

    /// <inheritdoc />
    private protected override void PrepareFusedStep<T>(ParameterUpdate<T> update, long step, T learningRate, T gradientScale) =>
        ((KernelUpdate<Kernel<T>, T>)update).Kernel = CreateKernel(learningRate, gradientScale);

    private Kernel<T> CreateKernel<T>(T learningRate, T gradientScale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        new(learningRate, gradientScale, T.CreateTruncating(WeightDecay), T.CreateTruncating(Alpha), T.CreateTruncating(Epsilon));

    /// <summary>One vector of <c>g = s·∇ + λθ</c>; <c>v ← αv + (1 − α) g²</c>; <c>θ ← θ − η g / (√v + ε)</c>.</summary>
    private readonly struct Kernel<T>(T learningRate, T gradientScale, T weightDecay, T alpha, T epsilon) : IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Broadcast<TVector>(out Constants<TVector> constants)
            where TVector : struct, IFloatVector<TVector, T>
        {
            constants = default;
            constants.C0 = TVector.Create(gradientScale);
            constants.C1 = TVector.Create(weightDecay);
            constants.C2 = TVector.Create(alpha);
            constants.C3 = TVector.Create(T.One - alpha);
            constants.C4 = TVector.Create(learningRate);
            constants.C5 = TVector.Create(epsilon);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Update<TVector>(in Constants<TVector> c, ref TVector parameter, TVector gradient, ref TVector meanSquare, ref TVector unused)
            where TVector : struct, IFloatVector<TVector, T>
        {
            // c: 0 gradient scale, 1 weight decay, 2 α, 3 1 − α, 4 learning rate, 5 ε.
            var g = (c.C0 * gradient) + (c.C1 * parameter);
            meanSquare = (c.C2 * meanSquare) + (c.C3 * g * g);
            parameter -= c.C4 * g / (TVector.SquareRoot(meanSquare) + c.C5);
        }
    }
}
