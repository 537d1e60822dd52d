namespace NetCompiler.Training;

/// <summary>The numbers of one completed epoch.</summary>
/// <param name="Epoch">The epoch, 1-based.</param>
/// <param name="LearningRate">The learning rate of the epoch's last step.</param>
/// <param name="TrainingLoss">The mean training loss over the epoch's samples, each taken before its step's update.</param>
/// <param name="TrainingMetric">The metric over the epoch's training samples, each from its own step's outputs (see <see cref="TrainerOptions.EvaluateTrainingMetric"/>), or null when not evaluated.</param>
/// <param name="ValidationLoss">The validation loss after the epoch, or null without validation data.</param>
/// <param name="ValidationMetric">The validation metric after the epoch, or null without validation data.</param>
/// <param name="Elapsed">Time from the start of the fit to the end of this epoch's evaluation.</param>
public readonly record struct EpochMetrics(
    int Epoch,
    float LearningRate,
    float TrainingLoss,
    float? TrainingMetric,
    float? ValidationLoss,
    float? ValidationMetric,
    TimeSpan Elapsed);

/// <summary>What <see cref="Trainer{TNet, T}.Fit"/> did: the per-epoch history and how it ended.</summary>
public sealed class TrainingResult
{
    internal TrainingResult(
        IReadOnlyList<EpochMetrics> history,
        Metric metric,
        int bestEpoch,
        bool stoppedEarly,
        bool cancelled,
        bool restoredBestParameters,
        long steps,
        TimeSpan elapsed)
    {
        History = history;
        Metric = metric;
        BestEpoch = bestEpoch;
        StoppedEarly = stoppedEarly;
        Cancelled = cancelled;
        RestoredBestParameters = restoredBestParameters;
        Steps = steps;
        Elapsed = elapsed;
    }

    /// <summary>One entry per completed epoch, in order (an epoch interrupted by cancellation is not listed).</summary>
    public IReadOnlyList<EpochMetrics> History { get; }

    /// <summary>The metric of <see cref="EpochMetrics.TrainingMetric"/> and <see cref="EpochMetrics.ValidationMetric"/>.</summary>
    public Metric Metric { get; }

    /// <summary>
    /// The 1-based epoch with the best monitored value: the early-stopping monitor if configured,
    /// otherwise the validation loss, otherwise the training loss. 0 when no epoch completed.
    /// </summary>
    public int BestEpoch { get; }

    /// <summary>The metrics of <see cref="BestEpoch"/>, or null when no epoch completed.</summary>
    public EpochMetrics? Best => BestEpoch == 0 ? null : History[BestEpoch - 1];

    /// <summary>The number of epochs completed.</summary>
    public int EpochsCompleted => History.Count;

    /// <summary>True when early stopping ended training before the last epoch.</summary>
    public bool StoppedEarly { get; }

    /// <summary>True when the cancellation token stopped training (between two batches).</summary>
    public bool Cancelled { get; }

    /// <summary>True when the network's parameters were set back to those of <see cref="BestEpoch"/>.</summary>
    public bool RestoredBestParameters { get; }

    /// <summary>The number of optimizer steps taken.</summary>
    public long Steps { get; }

    /// <summary>The duration of the fit.</summary>
    public TimeSpan Elapsed { get; }
}
