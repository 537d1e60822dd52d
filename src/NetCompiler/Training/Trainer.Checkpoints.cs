namespace NetCompiler.Training;

/// <summary>Resuming from a checkpoint written through <see cref="TrainerOptions.Checkpoints"/>.</summary>
public partial class Trainer<TNet, T>
{
    /// <summary>
    /// Continues the run that wrote the checkpoint <paramref name="checkpointPath"/> (see
    /// <see cref="CheckpointOptions.LatestPath"/>): loads the parameters into <paramref name="network"/>, the optimizer's
    /// state into this trainer's optimizer, and the trainer's own state (epoch, steps, sample order, random generator,
    /// best-epoch and early-stopping bookkeeping, history), then trains up to <see cref="TrainerOptions.Epochs"/>.
    /// With the same options and data, the parameters at the end are bit for bit those of a run that was never
    /// interrupted, and the result's history holds every epoch, those before the checkpoint included.
    /// </summary>
    /// <exception cref="ModelFormatException">The file is not a checkpoint of this network, or is truncated or corrupted; nothing was changed.</exception>
    /// <exception cref="ArgumentException">The checkpoint was made with other options or data (seed, batch size, sample count, shuffle, optimizer type); nothing was changed.</exception>
    public TrainingResult Resume(
        string checkpointPath,
        TNet network,
        ITrainingData training,
        ITrainingData? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(checkpointPath);
        return Train(network, training, validation, progress, checkpointPath, cancellationToken);
    }
}
