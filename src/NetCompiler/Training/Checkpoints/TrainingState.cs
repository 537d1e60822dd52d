using System.Numerics;

namespace NetCompiler.Training;

/// <summary>
/// Everything a <see cref="Trainer{TNet, T}"/> run carries from one epoch to the next besides the parameters and the
/// optimizer: the shuffled sample order, the random generator, the step count, the best-epoch and early-stopping
/// bookkeeping and the history. A checkpoint saves it so a resumed run continues exactly where this one stopped.
/// </summary>
/// <typeparam name="T">The network's element type.</typeparam>
internal sealed class TrainingState<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>
    /// The state at the start of a run whose batches shuffle <paramref name="order"/> (the identity order of the training
    /// samples in memory, or of a streamed window that holds them all; empty for other streamed data, whose chunk and window orders start afresh each epoch): no epochs yet (room for <paramref name="epochs"/>).
    /// </summary>
    public TrainingState(int[] order, int epochs, int parameterCount, bool keepsBestParameters)
    {
        History = new List<EpochMetrics>(epochs);
        Order = order;
        BestParameters = keepsBestParameters ? new T[parameterCount] : null;
    }

    /// <summary>For a streamed run, how its data is streamed (a checkpoint records it); null in memory.</summary>
    public Streaming.StreamedShape? Streamed { get; init; }

    /// <summary>The sample order, shuffled in place at the start of each epoch (each shuffle starts from the previous order).</summary>
    public int[] Order { get; }

    /// <summary>The completed epochs' metrics, in order.</summary>
    public List<EpochMetrics> History { get; }

    /// <summary>The number of completed epochs.</summary>
    public int EpochsCompleted => History.Count;

    /// <summary>The number of optimizer steps taken.</summary>
    public long Steps { get; set; }

    /// <summary>The best monitored value so far (NaN before the first epoch).</summary>
    public float BestValue { get; set; } = float.NaN;

    /// <summary>The 1-based epoch of <see cref="BestValue"/>, 0 before the first epoch.</summary>
    public int BestEpoch { get; set; }

    /// <summary>The step count when <see cref="BestEpoch"/> ended.</summary>
    public long StepsAtBest { get; set; }

    /// <summary>The number of epochs since the last improvement (early stopping's counter).</summary>
    public int EpochsWithoutImprovement { get; set; }

    /// <summary>The parameters of <see cref="BestEpoch"/>, kept when early stopping restores them; otherwise null.</summary>
    public T[]? BestParameters { get; }

    /// <summary>The value of the model last written to <see cref="CheckpointOptions.BestModelPath"/> (NaN before the first).</summary>
    public float BestSavedValue { get; set; } = float.NaN;
}
