using System.Numerics;
using NetCompiler.Kernels;

namespace NetCompiler.Training;

/// <summary>
/// Updates a flat parameter buffer from the gradient of the loss, <c>θ ← θ − η · update(g)</c>.
/// The same optimizer steps float or double parameters (<see cref="Step(Span{float}, ReadOnlySpan{float}, float)"/>,
/// <see cref="Step(Span{double}, ReadOnlySpan{double}, double)"/>): its state (moment buffers) has the element type of the
/// parameters it steps, allocated once, for <see cref="ParameterCount"/> parameters, by the first step (a trainer
/// allocates it when training starts); later steps allocate nothing. The hyperparameters are floats for both: a double
/// update uses their exact double values (<c>0.9f</c> is 0.89999997615814209).
/// </summary>
/// <remarks>
/// <para>
/// Every optimizer shares two options, applied in this order inside <see cref="Step(Span{float}, ReadOnlySpan{float}, float)"/> (PyTorch's
/// order: <c>clip_grad_norm_</c> before <c>optimizer.step()</c>, weight decay inside the step):
/// </para>
/// <list type="number">
/// <item><description><b>Gradient clipping by global norm</b> (<see cref="MaxGradientNorm"/>): when
/// <c>‖g‖₂ &gt; c</c> the whole gradient is scaled by <c>c / ‖g‖₂</c>, so its direction is kept and
/// its norm becomes <c>c</c>. The norm is taken over all parameters at once (not per layer).</description></item>
/// <item><description><b>L2 weight decay, coupled</b> (<see cref="WeightDecay"/> = λ): the (clipped)
/// gradient becomes <c>g + λθ</c>, the gradient of the loss plus <c>λ/2 ‖θ‖²</c>. It applies to every
/// parameter, biases included. With <see cref="Adam"/> this is "Adam with L2"; set
/// <see cref="Adam.DecoupledWeightDecay"/> for AdamW.</description></item>
/// </list>
/// <para>
/// Each step first checks the gradient: if any component is NaN or ±∞ it throws
/// <see cref="TrainingDivergedException"/> and changes neither the parameters nor the optimizer's state.
/// An optimizer instance holds the state of one training run; it is not thread-safe.
/// </para>
/// </remarks>
public abstract class Optimizer
{
    /// <summary>The state buffers for the element type of the steps so far (a <c>T[][]</c>), or null before the first step.</summary>
    private object? _state;

    /// <summary>Creates an optimizer for a parameter buffer of <paramref name="parameterCount"/> elements.</summary>
    protected Optimizer(int parameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parameterCount);
        ParameterCount = parameterCount;
    }

    /// <summary>The length of the parameter and gradient buffers this optimizer updates.</summary>
    public int ParameterCount { get; }

    /// <summary>
    /// The coupled L2 weight-decay coefficient λ ≥ 0: the gradient used is <c>g + λθ</c>. Default 0 (off).
    /// </summary>
    public float WeightDecay
    {
        get;
        init
        {
            if (!(value >= 0f) || !float.IsFinite(value))
            {
                throw new ArgumentOutOfRangeException(nameof(WeightDecay), value, "The weight decay must be a finite number ≥ 0.");
            }

            field = value;
        }
    }

    /// <summary>
    /// The largest global L2 norm the gradient may have; a larger gradient is scaled down to this norm
    /// before the update. <c>null</c> (the default) turns clipping off.
    /// </summary>
    public float? MaxGradientNorm
    {
        get;
        init
        {
            if (value is float max && !(max > 0f))
            {
                throw new ArgumentOutOfRangeException(nameof(MaxGradientNorm), value, "The maximum gradient norm must be positive.");
            }

            field = value;
        }
    }

    /// <summary>The number of steps taken since creation or the last <see cref="Reset"/> (Adam's <c>t</c>).</summary>
    public long StepCount { get; private set; }

    /// <summary>The global L2 norm of the last step's gradient (times its gradient scale), before clipping; 0 before the first step.</summary>
    public float LastGradientNorm { get; private set; }

    /// <summary>
    /// One update of <paramref name="parameters"/> in place from <paramref name="gradient"/> (the mean
    /// gradient of the loss over a batch), with learning rate <paramref name="learningRate"/>.
    /// Allocation-free after the first step.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer does not have <see cref="ParameterCount"/> floats.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is negative or not finite.</exception>
    /// <exception cref="TrainingDivergedException">A gradient component is not finite; nothing was changed.</exception>
    /// <exception cref="InvalidOperationException">The optimizer has taken steps on double parameters since it was created or reset.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate) =>
        Step<float>(parameters, gradient, learningRate, gradientScale: 1f);

    /// <summary>
    /// One update from <c>gradientScale · gradient</c>: pass the <em>sum</em> of M per-sample gradients
    /// (as <c>AccumulateGradient</c> builds it) with <paramref name="gradientScale"/> = 1/M to save a
    /// pass over the buffer. Clipping applies to the scaled gradient. Allocation-free after the first step.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer does not have <see cref="ParameterCount"/> floats.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is negative or not finite, or the scale is not positive and finite.</exception>
    /// <exception cref="TrainingDivergedException">A gradient component is not finite; nothing was changed.</exception>
    /// <exception cref="InvalidOperationException">The optimizer has taken steps on double parameters since it was created or reset.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, float gradientScale) =>
        Step<float>(parameters, gradient, learningRate, gradientScale);

    /// <summary>
    /// <see cref="Step(Span{float}, ReadOnlySpan{float}, float)"/> for the parameters of a double network
    /// (<c>[Network(Precision = Precision.Double)]</c>): the same update computed in double, with double state.
    /// </summary>
    /// <exception cref="InvalidOperationException">The optimizer has taken steps on float parameters since it was created or reset.</exception>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradient, double learningRate) =>
        Step<double>(parameters, gradient, learningRate, gradientScale: 1.0);

    /// <summary><see cref="Step(Span{float}, ReadOnlySpan{float}, float, float)"/> for the parameters of a double network, computed in double.</summary>
    /// <exception cref="InvalidOperationException">The optimizer has taken steps on float parameters since it was created or reset.</exception>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradient, double learningRate, double gradientScale) =>
        Step<double>(parameters, gradient, learningRate, gradientScale);

    /// <summary>The checks, clipping and bookkeeping of every step, then the optimizer's <see cref="Update{T}"/>.</summary>
    internal void Step<T>(Span<T> parameters, ReadOnlySpan<T> gradient, T learningRate, T gradientScale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        string elements = Kernels.Guard.ElementNames<T>();
        if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException($"{GetType().Name}: parameters has {parameters.Length} {elements} but the optimizer was created for {ParameterCount}.", nameof(parameters));
        }

        if (gradient.Length != ParameterCount)
        {
            throw new ArgumentException($"{GetType().Name}: gradient has {gradient.Length} {elements} but the optimizer was created for {ParameterCount}.", nameof(gradient));
        }

        CheckRateAndScale(learningRate, gradientScale);
        State<T>();
        double norm = double.CreateTruncating(gradientScale) * GradientNorm(gradient);
        if (MaxGradientNorm is float max && norm > max)
        {
            gradientScale = T.CreateTruncating(double.CreateTruncating(gradientScale) * (max / norm));
        }

        LastGradientNorm = (float)norm;
        StepCount++;
        Update(parameters, gradient, gradientScale, learningRate);
    }

    /// <summary>
    /// The fused step of this optimizer for parameters of <typeparamref name="T"/> (see <see cref="ParameterUpdate{T}"/>),
    /// made once per training run of <paramref name="network"/> (whose parameter count must be <see cref="ParameterCount"/>);
    /// null for an optimizer that has none (a subclass outside the library), which the trainer steps through <c>Step</c>.
    /// </summary>
    internal virtual ParameterUpdate<T>? CreateFusedUpdate<T>(NetworkDescription network)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => null;

    /// <summary>
    /// Makes <paramref name="update"/> (from <see cref="CreateFusedUpdate{T}"/>) ready for the next step, the same update as
    /// <c>Step(parameters, gradient, learningRate, gradientScale)</c> would make. False, with nothing changed, when the
    /// step cannot be fused: clipping by the global norm needs the whole gradient before the first parameter changes.
    /// After the generated kernel has run the step, <see cref="EndFusedStep{T}"/> counts it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is negative or not finite, or the scale is not positive and finite.</exception>
    internal bool BeginFusedStep<T>(ParameterUpdate<T> update, T learningRate, T gradientScale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckRateAndScale(learningRate, gradientScale);
        if (MaxGradientNorm is not null)
        {
            return false;
        }

        State<T>();
        PrepareFusedStep(update, StepCount + 1, learningRate, gradientScale);
        update.Begin();
        return true;
    }

    /// <summary>Counts a fused step that ran and records the norm of its scaled gradient, <c>gradientScale · ‖g‖₂</c>.</summary>
    internal void EndFusedStep<T>(ParameterUpdate<T> update, T gradientScale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        LastGradientNorm = (float)(double.CreateTruncating(gradientScale) * Math.Sqrt(update.SumOfSquares));
        StepCount++;
    }

    /// <summary>Sets the kernel of <paramref name="update"/> for step <paramref name="step"/> (1 on the first step).</summary>
    private protected virtual void PrepareFusedStep<T>(ParameterUpdate<T> update, long step, T learningRate, T gradientScale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        throw new InvalidOperationException($"{GetType().Name} has no fused step.");

    private static void CheckRateAndScale<T>(T learningRate, T gradientScale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!(learningRate >= T.Zero) || !T.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a finite number ≥ 0.");
        }

        if (!(gradientScale > T.Zero) || !T.IsFinite(gradientScale))
        {
            throw new ArgumentOutOfRangeException(nameof(gradientScale), gradientScale, "The gradient scale must be a finite number > 0.");
        }
    }

    /// <summary>Forgets all state (moments, step count), as if the optimizer had just been created.</summary>
    public void Reset()
    {
        StepCount = 0;
        LastGradientNorm = 0f;
        if (_state is Array[] buffers)
        {
            foreach (var buffer in buffers)
            {
                Array.Clear(buffer);
            }
        }
    }

    /// <summary>
    /// The optimizer's update, with the arguments already checked and <see cref="StepCount"/> already
    /// incremented (so it is 1 on the first step). The gradient to use for parameter <c>i</c> is
    /// <c>gradientScale · gradient[i]</c> (mean and clipping folded into the scale), plus
    /// <c>WeightDecay · parameters[i]</c> unless the optimizer decouples the decay. The state is in
    /// <see cref="StateBuffer{T}(int)"/>; <typeparamref name="T"/> is float or double.
    /// </summary>
    protected abstract void Update<T>(Span<T> parameters, ReadOnlySpan<T> gradient, T gradientScale, T learningRate)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>;

    /// <summary>
    /// The number of buffers that hold the optimizer's state between steps (moments, velocities); together with
    /// <see cref="StepCount"/> they are the whole state, which a checkpoint saves and restores. Default: none.
    /// </summary>
    protected virtual int StateBufferCount => 0;

    /// <summary>The length of each state buffer: <see cref="ParameterCount"/> unless the optimizer needs none this run (0).</summary>
    protected virtual int StateBufferLength => ParameterCount;

    /// <summary>State buffer <paramref name="index"/> of the element type being stepped, zero after creation and <see cref="Reset"/>.</summary>
    protected Span<T> StateBuffer<T>(int index)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => State<T>()[index];

    /// <summary>
    /// The state buffers for parameters of <typeparamref name="T"/>, allocated on the first call; a checkpoint saves and
    /// restores them in place. The element type is fixed from the first step until <see cref="Reset"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The optimizer holds the state of steps on the other element type.</exception>
    internal T[][] State<T>()
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (_state is T[][] buffers)
        {
            return buffers;
        }

        if (_state is not null && StepCount > 0)
        {
            string other = _state is float[][] ? "floats" : "doubles";
            throw new InvalidOperationException(
                $"{GetType().Name} holds the state of {StepCount} steps on {other}; the parameters of a network of {Kernels.Guard.ElementNames<T>()} need an optimizer of their own (or call Reset first).");
        }

        buffers = new T[StateBufferCount][];
        for (int b = 0; b < buffers.Length; b++)
        {
            buffers[b] = new T[StateBufferLength];
        }

        _state = buffers;
        return buffers;
    }

    /// <summary>Sets the step count and last gradient norm read from a checkpoint (the buffers are filled in place through <see cref="State{T}"/>).</summary>
    internal void RestoreCounters(long stepCount, float lastGradientNorm)
    {
        StepCount = stepCount;
        LastGradientNorm = lastGradientNorm;
    }

    /// <summary>
    /// <c>‖g‖₂</c>, or <see cref="TrainingDivergedException"/> when a component is not finite. The
    /// fast path sums squares in <typeparamref name="T"/>; only if that overflows does a double pass decide whether a
    /// component is really not finite (and for doubles whose squares overflow, a pass scaled by the largest magnitude).
    /// </summary>
    private double GradientNorm<T>(ReadOnlySpan<T> gradient)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T squared = VectorLoop.SumOfSquares(gradient);
        if (T.IsFinite(squared))
        {
            return Math.Sqrt(double.CreateTruncating(squared));
        }

        double exact = 0;
        foreach (T g in gradient)
        {
            double x = double.CreateTruncating(g);
            exact += x * x;
        }

        if (double.IsFinite(exact))
        {
            return Math.Sqrt(exact);
        }

        if (Kernels.Guard.FirstNonFinite(gradient) is int bad)
        {
            throw new TrainingDivergedException(
                $"{GetType().Name}: gradient[{bad}] is {gradient[bad]}; the parameters and the optimizer state were not changed.");
        }

        // Finite doubles whose squares overflow: ‖g‖ = m ‖g / m‖ with m the largest magnitude.
        double largest = double.CreateTruncating(Kernels.Guard.MaxMagnitude(gradient));
        double scaled = 0;
        foreach (T g in gradient)
        {
            double x = double.CreateTruncating(g) / largest;
            scaled += x * x;
        }

        return largest * Math.Sqrt(scaled);
    }
}
