using System.Numerics;
using System.Runtime.CompilerServices;
using NetCompiler.Kernels;

namespace NetCompiler.Training;

/// <summary>
/// Stochastic gradient descent, optionally with momentum, in PyTorch's formulation
/// (<c>torch.optim.SGD</c> with dampening 0), where <c>g</c> is the clipped, decayed gradient:
/// <list type="bullet">
/// <item><description>plain (<see cref="Momentum"/> = 0): <c>θ ← θ − η g</c> (Huang, "Backpropagation for FC
/// Neural Network", §3);</description></item>
/// <item><description>classic momentum: <c>v ← μ v + g</c>, <c>θ ← θ − η v</c>;</description></item>
/// <item><description>Nesterov (<see cref="Nesterov"/>): <c>v ← μ v + g</c>, <c>θ ← θ − η (g + μ v)</c>,
/// the "look-ahead" form of Sutskever et al. rewritten in terms of the current parameters.</description></item>
/// </list>
/// The velocity <c>v</c> starts at zero, so the first step of every variant moves by <c>η g</c>
/// (Nesterov: <c>η (1 + μ) g</c>).
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates the optimizer for <paramref name="parameterCount"/> parameters.</summary>
    /// <param name="parameterCount">The length of the parameter buffer, e.g. <c>MyNet.ParameterCount</c>.</param>
    /// <param name="momentum">The momentum μ in [0, 1); 0 is plain gradient descent.</param>
    /// <param name="nesterov">Use Nesterov momentum (needs μ &gt; 0).</param>
    public Sgd(int parameterCount, float momentum = 0f, bool nesterov = false)
        : base(parameterCount)
    {
        if (!(momentum >= 0f && momentum < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "The momentum must be in [0, 1).");
        }

        if (nesterov && momentum == 0f)
        {
            throw new ArgumentException("Nesterov momentum needs a momentum > 0.", nameof(nesterov));
        }

        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>The momentum μ (0: plain gradient descent).</summary>
    public float Momentum { get; }

    /// <summary>True for Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc />
    protected override int StateBufferCount => 1;

    /// <summary>The velocity <c>v</c> has one element per parameter, or none without momentum.</summary>
    protected override int StateBufferLength => Momentum > 0f ? ParameterCount : 0;

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
        new(learningRate, gradientScale, T.CreateTruncating(WeightDecay), T.CreateTruncating(Momentum), Nesterov);

    /// <summary>One vector of <c>g = s·∇ + λθ</c>; <c>v ← μv + g</c>; <c>θ ← θ − η (g + μv)</c> (Nesterov), <c>θ − η v</c>, or <c>θ − η g</c> (μ = 0).</summary>
    private readonly struct Kernel<T>(T learningRate, T gradientScale, T weightDecay, T momentum, bool nesterov) : IVectorUpdate<T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Broadcast<TVector>(out Constants<TVector> constants)
            where TVector : struct, IFloatVector<TVector, T>
        {
            constants = default;
            constants.C0 = TVector.Create(gradientScale);
            constants.C1 = TVector.Create(weightDecay);
            constants.C2 = TVector.Create(learningRate);
            constants.C3 = TVector.Create(momentum);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Update<TVector>(in Constants<TVector> c, ref TVector parameter, TVector gradient, ref TVector velocity, ref TVector unused)
            where TVector : struct, IFloatVector<TVector, T>
        {
            // c: 0 gradient scale, 1 weight decay, 2 learning rate, 3 momentum.
            var g = (c.C0 * gradient) + (c.C1 * parameter);
            if (momentum == T.Zero)
            {
                parameter -= c.C2 * g;
                return;
            }

            velocity = (c.C3 * velocity) + g;
            parameter -= c.C2 * (nesterov ? g + (c.C3 * velocity) : velocity);
        }
    }
}
