namespace NetCompiler.Training;

/// <summary>
/// Updates a flat parameter buffer from the gradient of the loss, <c>θ ← θ − η · update(g)</c>.
/// Each optimizer allocates its state (moment buffers) once, for <see cref="ParameterCount"/>
/// parameters, in its constructor; <see cref="Step(Span{float}, ReadOnlySpan{float}, float)"/> allocates nothing.
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
/// <see cref="Step(Span{float}, ReadOnlySpan{float}, float)"/> first checks the gradient: if any component is NaN or ±∞ it throws
/// <see cref="TrainingDivergedException"/> and changes neither the parameters nor the optimizer's state.
/// An optimizer instance holds the state of one training run; it is not thread-safe.
/// </para>
/// </remarks>
public abstract class Optimizer
{
    /// <summary>Creates an optimizer for a parameter buffer of <paramref name="parameterCount"/> floats.</summary>
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
    /// Allocation-free.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer does not have <see cref="ParameterCount"/> floats.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is negative or not finite.</exception>
    /// <exception cref="TrainingDivergedException">A gradient component is not finite; nothing was changed.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate) =>
        Step(parameters, gradient, learningRate, gradientScale: 1f);

    /// <summary>
    /// One update from <c>gradientScale · gradient</c>: pass the <em>sum</em> of M per-sample gradients
    /// (as <c>AccumulateGradient</c> builds it) with <paramref name="gradientScale"/> = 1/M to save a
    /// pass over the buffer. Clipping applies to the scaled gradient. Allocation-free.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer does not have <see cref="ParameterCount"/> floats.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is negative or not finite, or the scale is not positive and finite.</exception>
    /// <exception cref="TrainingDivergedException">A gradient component is not finite; nothing was changed.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient, float learningRate, float gradientScale)
    {
        if (parameters.Length != ParameterCount)
        {
            throw new ArgumentException($"{GetType().Name}: parameters has {parameters.Length} floats but the optimizer was created for {ParameterCount}.", nameof(parameters));
        }

        if (gradient.Length != ParameterCount)
        {
            throw new ArgumentException($"{GetType().Name}: gradient has {gradient.Length} floats but the optimizer was created for {ParameterCount}.", nameof(gradient));
        }

        if (!(learningRate >= 0f) || !float.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be a finite number ≥ 0.");
        }

        if (!(gradientScale > 0f) || !float.IsFinite(gradientScale))
        {
            throw new ArgumentOutOfRangeException(nameof(gradientScale), gradientScale, "The gradient scale must be a finite number > 0.");
        }

        double norm = gradientScale * GradientNorm(gradient);
        if (MaxGradientNorm is float max && norm > max)
        {
            gradientScale = (float)(gradientScale * (max / norm));
        }

        LastGradientNorm = (float)norm;
        StepCount++;
        Update(parameters, gradient, gradientScale, learningRate);
    }

    /// <summary>Forgets all state (moments, step count), as if the optimizer had just been created.</summary>
    public void Reset()
    {
        StepCount = 0;
        LastGradientNorm = 0f;
        ResetState();
    }

    /// <summary>
    /// The optimizer's update, with the arguments already checked and <see cref="StepCount"/> already
    /// incremented (so it is 1 on the first step). The gradient to use for parameter <c>i</c> is
    /// <c>gradientScale · gradient[i]</c> (mean and clipping folded into the scale), plus
    /// <c>WeightDecay · parameters[i]</c> unless the optimizer decouples the decay.
    /// </summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradient, float gradientScale, float learningRate);

    /// <summary>Clears the optimizer's state buffers.</summary>
    protected abstract void ResetState();

    /// <summary>
    /// The buffers that hold the optimizer's state between steps (moments, velocities), in a fixed order, so a
    /// checkpoint can save and restore them; together with <see cref="StepCount"/> they are the whole state. Default:
    /// none (an optimizer without state). An optimizer that keeps state elsewhere cannot be resumed bit for bit.
    /// </summary>
    protected virtual IReadOnlyList<float[]> StateBuffers => [];

    /// <summary>The state buffers, for <see cref="Checkpoint"/>.</summary>
    internal IReadOnlyList<float[]> State => StateBuffers;

    /// <summary>Sets the step count and last gradient norm read from a checkpoint (the buffers are filled in place through <see cref="State"/>).</summary>
    internal void RestoreCounters(long stepCount, float lastGradientNorm)
    {
        StepCount = stepCount;
        LastGradientNorm = lastGradientNorm;
    }

    /// <summary>
    /// <c>‖g‖₂</c>, or <see cref="TrainingDivergedException"/> when a component is not finite. The
    /// fast path sums squares in float; only if that overflows does a double pass decide whether a
    /// component is really not finite.
    /// </summary>
    private double GradientNorm(ReadOnlySpan<float> gradient)
    {
        float squared = VectorLoop.SumOfSquares(gradient);
        if (float.IsFinite(squared))
        {
            return Math.Sqrt(squared);
        }

        double exact = 0;
        foreach (float g in gradient)
        {
            exact += (double)g * g;
        }

        if (!double.IsFinite(exact))
        {
            int bad = Kernels.Guard.FirstNonFinite(gradient) ?? 0;
            throw new TrainingDivergedException(
                $"{GetType().Name}: gradient[{bad}] is {gradient[bad]}; the parameters and the optimizer state were not changed.");
        }

        return Math.Sqrt(exact);
    }
}
