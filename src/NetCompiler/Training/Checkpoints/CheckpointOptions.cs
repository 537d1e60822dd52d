namespace NetCompiler.Training;

/// <summary>
/// What a <see cref="Trainer{TNet}"/> saves while it trains, every <see cref="EveryEpochs"/> epochs: the latest state
/// (a checkpoint that <see cref="Trainer{TNet, T}.Resume"/> continues from) and/or the best model so far (a plain
/// <c>.ncnet</c> model file). Every file is replaced atomically (written to a temporary file, flushed, renamed), so a
/// crash mid-save leaves the previous file.
/// </summary>
/// <example>
/// <code>
/// Checkpoints = new CheckpointOptions
/// {
///     LatestPath = "iris.ncckpt",          // resume with trainer.Resume("iris.ncckpt", net, train)
///     BestModelPath = "iris-best.ncnet",   // ModelFile.Load&lt;IrisNet&gt;("iris-best.ncnet")
///     BestMetric = Metric.Accuracy,        // on the validation data
///     EveryEpochs = 5,
/// }
/// </code>
/// </example>
public sealed record CheckpointOptions
{
    /// <summary>The suggested extension of a checkpoint file, <c>.ncckpt</c>.</summary>
    public const string Extension = ".ncckpt";

    /// <summary>
    /// Where to write the latest checkpoint: the model, the optimizer's state and the trainer's (epoch, steps, sample
    /// order, random generator, best-epoch and early-stopping bookkeeping, history). Null: none.
    /// </summary>
    public string? LatestPath { get; init; }

    /// <summary>Where to write the best model so far as a <c>.ncnet</c> model file (see <see cref="BestMetric"/>). Null: none.</summary>
    public string? BestModelPath { get; init; }

    /// <summary>
    /// The value that decides which model is best, measured on the validation data at each checkpoint epoch
    /// (higher or lower is better as <see cref="Evaluation.IsHigherBetter"/> says). Null or <see cref="Metric.Loss"/>:
    /// the validation loss, or the training loss when there is no validation data. Any other metric needs validation data.
    /// </summary>
    public Metric? BestMetric { get; init; }

    /// <summary>Save every this many epochs (≥ 1): after epochs N, 2N, 3N, .... Default 1.</summary>
    public int EveryEpochs
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(EveryEpochs), value, "EveryEpochs must be ≥ 1.");
    } = 1;
}
