using NetCompiler.Initialization;
using NetCompiler.Training.Streaming;

namespace NetCompiler.Training;

/// <summary>Training on streamed data: <see cref="FitStreamed"/>.</summary>
public partial class Trainer<TNet, T>
{
    /// <summary>
    /// Trains <paramref name="network"/> in place on samples read chunk by chunk while it trains (a sample file, Parquet
    /// row groups), in bounded memory. Everything else is as in the in-memory <c>Fit</c>: the options, the events, the
    /// result, divergence, cancellation and checkpoints (resumed with <see cref="ResumeStreamed"/>). How the data is read and
    /// shuffled: <see cref="StreamedTrainingData"/>.
    /// </summary>
    /// <param name="network">The network whose <c>Parameters</c> are trained.</param>
    /// <param name="training">The streamed training samples.</param>
    /// <param name="validation">A validation set in memory, or null. <see cref="TrainerOptions.ValidationSplit"/> does not apply to streamed data.</param>
    /// <param name="progress">Receives batch and epoch events synchronously, or null.</param>
    /// <param name="cancellationToken">Stops training between two batches.</param>
    /// <exception cref="ArgumentException">The data do not fit the network, or the options contradict each other.</exception>
    /// <exception cref="TrainingDivergedException">A loss, gradient or parameter became NaN or ±∞; the parameters are those before the failing step.</exception>
    /// <exception cref="NetCompiler.Data.DataFormatException">A chunk could not be read (a corrupt sample file); the parameters are those after the last step.</exception>
    public TrainingResult FitStreamed(
        TNet network,
        StreamedTrainingData training,
        ITrainingData? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        TrainStreamed(network, training, validation, progress, resumeFrom: null, cancellationToken);

    /// <summary>
    /// Continues the streamed run that wrote the checkpoint <paramref name="checkpointPath"/>, as <see cref="Resume"/>
    /// continues one in memory: with the same options and the same data streamed the same way (sample and chunk counts,
    /// shuffle window), the parameters at the end are bit for bit those of a run that was never interrupted.
    /// </summary>
    /// <exception cref="ModelFormatException">The file is not a checkpoint of this network, or is truncated or corrupted; nothing was changed.</exception>
    /// <exception cref="ArgumentException">The checkpoint was made with other options or data, or in memory; nothing was changed.</exception>
    public TrainingResult ResumeStreamed(
        string checkpointPath,
        TNet network,
        StreamedTrainingData training,
        ITrainingData? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        return TrainStreamed(network, training, validation, progress, checkpointPath, cancellationToken);
    }

    private TrainingResult TrainStreamed(
        TNet network,
        StreamedTrainingData training,
        ITrainingData? validation,
        IProgress<TrainingProgress>? progress,
        string? resumeFrom,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(training);
        string name = TNet.Description.Name;
        var source = training.Source;
        if (source.FeatureCount != TNet.InputSize || source.TargetCount != TNet.OutputSize)
        {
            throw new ArgumentException(
                $"{name}: training has {source.FeatureCount} features and {source.TargetCount} targets per sample, but the network has {TNet.InputSize} inputs and {TNet.OutputSize} outputs.",
                nameof(training));
        }

        if (validation is not null)
        {
            Evaluation.CheckShape<TNet, T>(validation, nameof(validation));
        }

        var options = Options;
        if (options.ValidationSplit > 0f)
        {
            throw new ArgumentException(
                $"{name}: TrainerOptions.ValidationSplit ({options.ValidationSplit}) does not apply to streamed data; pass a validation set in memory (for instance SampleFile.Load of a held-out file).",
                nameof(training));
        }

        if (options.EarlyStopping is not null && validation is null)
        {
            throw new ArgumentException($"{name}: early stopping watches a validation value; pass a validation set.", nameof(validation));
        }

        var random = new DeterministicRandom(options.Seed);
        int batchSize = (int)Math.Min(options.BatchSize, source.Count);
        bool checkpointed = options.Checkpoints is { LatestPath: not null };
        using var batches = new StreamedBatches(training, batchSize, options.Epochs, options.Shuffle, random, keepShuffleStates: checkpointed);
        var run = new Run(options, batches, batchSize, validation is not null);
        var state = run.CreateState(new int[batches.OrderLength], batches.Shape);
        ShuffleState? shuffle = null;
        if (resumeFrom is not null)
        {
            random = Checkpoint.Read<TNet, T>(resumeFrom, network.Parameters, run.Optimizer, state, options, state.Order.Length);
            shuffle = new ShuffleState(state.EpochsCompleted, random.State, state.Order);
        }

        batches.Start(shuffle);
        return run.Execute(network.Parameters, validation, progress, state, ref random, cancellationToken);
    }
}
