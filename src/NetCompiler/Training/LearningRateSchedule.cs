namespace NetCompiler.Training;

/// <summary>
/// The learning rate as a function of a 0-based step: the epoch index or the batch index, as
/// <see cref="TrainerOptions.ScheduleUnit"/> chooses (<c>LearningRate(0)</c> is the first epoch's or
/// batch's rate, as PyTorch's schedulers). A plain <see cref="float"/> converts to a
/// <see cref="ConstantLearningRate"/>, so <c>Schedule = 0.01f</c> works.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate at 0-based <paramref name="step"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is negative.</exception>
    public float LearningRate(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        return Compute(step);
    }

    /// <summary>A constant learning rate.</summary>
    public static implicit operator LearningRateSchedule(float learningRate) => new ConstantLearningRate(learningRate);

    /// <summary>The learning rate at a step ≥ 0.</summary>
    protected abstract float Compute(int step);

    /// <summary>Throws unless <paramref name="value"/> is a finite number ≥ 0.</summary>
    internal static float CheckRate(float value, string name) =>
        value >= 0f && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, "A learning rate must be a finite number ≥ 0.");
}

/// <summary>The same learning rate <c>η</c> at every step.</summary>
public sealed class ConstantLearningRate : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="learningRate">η ≥ 0.</param>
    public ConstantLearningRate(float learningRate) => Rate = CheckRate(learningRate, nameof(learningRate));

    /// <summary>η.</summary>
    public float Rate { get; }

    /// <inheritdoc />
    protected override float Compute(int step) => Rate;

    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant($"constant {Rate}");
}

/// <summary>
/// Step decay (PyTorch's <c>StepLR</c>): <c>η_t = η₀ γ^⌊t / k⌋</c>, the rate multiplied by γ every
/// <c>k</c> steps.
/// </summary>
public sealed class StepDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">η₀ ≥ 0.</param>
    /// <param name="stepSize">k ≥ 1, the number of steps between decays.</param>
    /// <param name="gamma">γ in [0, 1], the factor applied every k steps.</param>
    public StepDecay(float initialLearningRate, int stepSize, float gamma)
    {
        InitialLearningRate = CheckRate(initialLearningRate, nameof(initialLearningRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        if (!(gamma >= 0f && gamma <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be in [0, 1].");
        }

        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>η₀.</summary>
    public float InitialLearningRate { get; }

    /// <summary>k.</summary>
    public int StepSize { get; }

    /// <summary>γ.</summary>
    public float Gamma { get; }

    /// <inheritdoc />
    protected override float Compute(int step) => (float)(InitialLearningRate * Math.Pow(Gamma, step / StepSize));
}

/// <summary>Exponential decay (PyTorch's <c>ExponentialLR</c>): <c>η_t = η₀ γ^t</c>.</summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">η₀ ≥ 0.</param>
    /// <param name="gamma">γ in [0, 1], the factor applied every step.</param>
    public ExponentialDecay(float initialLearningRate, float gamma)
    {
        InitialLearningRate = CheckRate(initialLearningRate, nameof(initialLearningRate));
        if (!(gamma >= 0f && gamma <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be in [0, 1].");
        }

        Gamma = gamma;
    }

    /// <summary>η₀.</summary>
    public float InitialLearningRate { get; }

    /// <summary>γ.</summary>
    public float Gamma { get; }

    /// <inheritdoc />
    protected override float Compute(int step) => (float)(InitialLearningRate * Math.Pow(Gamma, step));
}

/// <summary>
/// Cosine annealing (Loshchilov and Hutter's SGDR without restarts, PyTorch's <c>CosineAnnealingLR</c>
/// closed form) from η₀ down to η_min over <c>T</c> steps:
/// <c>η_t = η_min + ½ (η₀ − η_min)(1 + cos(π t / T))</c> for <c>t ≤ T</c>, and η_min after <c>T</c>
/// (it stays at the minimum rather than rising again).
/// </summary>
public sealed class CosineAnnealing : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="initialLearningRate">η₀ ≥ 0, the rate at step 0.</param>
    /// <param name="period">T ≥ 1, the step at which the rate reaches η_min.</param>
    /// <param name="minimumLearningRate">η_min in [0, η₀].</param>
    public CosineAnnealing(float initialLearningRate, int period, float minimumLearningRate = 0f)
    {
        InitialLearningRate = CheckRate(initialLearningRate, nameof(initialLearningRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(period);
        MinimumLearningRate = CheckRate(minimumLearningRate, nameof(minimumLearningRate));
        if (minimumLearningRate > initialLearningRate)
        {
            throw new ArgumentOutOfRangeException(nameof(minimumLearningRate), minimumLearningRate, "η_min must not exceed η₀.");
        }

        Period = period;
    }

    /// <summary>η₀.</summary>
    public float InitialLearningRate { get; }

    /// <summary>T.</summary>
    public int Period { get; }

    /// <summary>η_min.</summary>
    public float MinimumLearningRate { get; }

    /// <inheritdoc />
    protected override float Compute(int step)
    {
        if (step >= Period)
        {
            return MinimumLearningRate;
        }

        double cosine = Math.Cos(Math.PI * step / Period);
        return (float)(MinimumLearningRate + (0.5 * (InitialLearningRate - MinimumLearningRate) * (1.0 + cosine)));
    }
}
