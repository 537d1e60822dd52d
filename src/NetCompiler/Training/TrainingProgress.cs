namespace NetCompiler.Training;

/// <summary>What a <see cref="TrainingProgress"/> event reports.</summary>
public enum TrainingProgressKind
{
    /// <summary>An optimizer step (one batch) has finished.</summary>
    Batch = 0,

    /// <summary>An epoch has finished and been evaluated.</summary>
    Epoch = 1,
}

/// <summary>
/// A progress event of <see cref="Trainer{TNet, T}.Fit"/>, reported synchronously on the training
/// thread. A value type, so reporting allocates nothing (as long as the receiver does not).
/// </summary>
/// <param name="Kind">Batch or epoch event.</param>
/// <param name="Epoch">The current epoch, 1-based.</param>
/// <param name="Epochs">The number of epochs requested.</param>
/// <param name="Batch">The batch just finished, 1-based (for an epoch event, the number of batches run in it).</param>
/// <param name="BatchesPerEpoch">The number of batches in one epoch.</param>
/// <param name="LearningRate">The learning rate of the last step.</param>
/// <param name="Loss">The mean training loss over the samples of this epoch so far (before each step's update).</param>
/// <param name="Metric">The training metric over this epoch's samples so far, each from its own step's outputs (null if not evaluated; see <see cref="TrainerOptions.EvaluateTrainingMetric"/>).</param>
/// <param name="ValidationLoss">Epoch events with validation data: the validation loss after the epoch. Otherwise null.</param>
/// <param name="ValidationMetric">Epoch events with validation data: the validation metric after the epoch. Otherwise null.</param>
/// <param name="MetricKind">Which metric <paramref name="Metric"/> and <paramref name="ValidationMetric"/> are.</param>
/// <param name="SamplesPerSecond">Training throughput in this epoch so far (evaluation time excluded).</param>
/// <param name="Elapsed">Time since the fit started.</param>
public readonly record struct TrainingProgress(
    TrainingProgressKind Kind,
    int Epoch,
    int Epochs,
    int Batch,
    int BatchesPerEpoch,
    float LearningRate,
    float Loss,
    float? Metric,
    float? ValidationLoss,
    float? ValidationMetric,
    Metric MetricKind,
    double SamplesPerSecond,
    TimeSpan Elapsed)
{
    /// <summary>
    /// An <see cref="IProgress{T}"/> that calls <paramref name="callback"/> synchronously on the
    /// training thread (unlike <see cref="Progress{T}"/>, which posts to a synchronization context
    /// and allocates per event).
    /// </summary>
    public static IProgress<TrainingProgress> Callback(Action<TrainingProgress> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new CallbackProgress(callback);
    }

    private sealed class CallbackProgress(Action<TrainingProgress> callback) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => callback(value);
    }
}
