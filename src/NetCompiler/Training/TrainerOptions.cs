namespace NetCompiler.Training;

/// <summary>What one step of a <see cref="LearningRateSchedule"/> is.</summary>
public enum ScheduleUnit
{
    /// <summary>The schedule advances once per epoch: epoch <c>e</c> (1-based) uses <c>LearningRate(e − 1)</c>.</summary>
    Epoch = 0,

    /// <summary>The schedule advances once per optimizer step: the <c>n</c>-th batch of the run (0-based, counted across epochs) uses <c>LearningRate(n)</c>.</summary>
    Batch = 1,
}

/// <summary>Which number <see cref="EarlyStopping"/> watches.</summary>
public enum EarlyStoppingMonitor
{
    /// <summary>The validation loss (lower is better).</summary>
    ValidationLoss = 0,

    /// <summary>The validation value of <see cref="TrainerOptions.Metric"/> (better as <see cref="Evaluation.IsHigherBetter"/> says).</summary>
    ValidationMetric = 1,
}

/// <summary>
/// Stops training when the monitored validation value has not improved for <see cref="Patience"/>
/// epochs in a row. A value improves when it beats the best so far by more than <see cref="MinDelta"/>.
/// Needs validation data (<see cref="TrainerOptions.ValidationSplit"/> or a validation set).
/// </summary>
public sealed record EarlyStopping
{
    /// <summary>Stops after <paramref name="patience"/> epochs without improvement.</summary>
    /// <param name="patience">The number of epochs without improvement to tolerate (≥ 1).</param>
    public EarlyStopping(int patience)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(patience);
        Patience = patience;
    }

    /// <summary>The number of epochs without improvement after which training stops.</summary>
    public int Patience { get; }

    /// <summary>The smallest change that counts as an improvement (≥ 0). Default 0.</summary>
    public float MinDelta
    {
        get;
        init => field = value >= 0f && float.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(nameof(MinDelta), value, "MinDelta must be a finite number ≥ 0.");
    }

    /// <summary>The value watched. Default <see cref="EarlyStoppingMonitor.ValidationLoss"/>.</summary>
    public EarlyStoppingMonitor Monitor { get; init; }

    /// <summary>
    /// When training ends (stopped early, ran all epochs, or was cancelled), put back the parameters
    /// of the best epoch. Default true.
    /// </summary>
    public bool RestoreBestParameters { get; init; } = true;
}

/// <summary>
/// How a <see cref="Trainer{TNet}"/> trains: epochs, batch size, optimizer, learning-rate schedule,
/// validation, metric and early stopping. Every option has a usable default.
/// </summary>
/// <example>
/// <code>
/// var trainer = new Trainer&lt;IrisNet&gt;(new TrainerOptions
/// {
///     Epochs = 200,
///     BatchSize = 16,
///     Optimizer = new Adam(IrisNet.ParameterCount),
///     Schedule = new CosineAnnealing(0.01f, period: 200),
///     ValidationSplit = 0.2f,
///     EarlyStopping = new EarlyStopping(patience: 10),
/// });
/// TrainingResult result = trainer.Fit(net, data);
/// </code>
/// </example>
public sealed record TrainerOptions
{
    /// <summary>A <see cref="BatchSize"/> that makes every batch the whole training set (full-batch gradient descent).</summary>
    public const int FullBatch = int.MaxValue;

    /// <summary>The number of passes over the training data (≥ 1). Default 10.</summary>
    public int Epochs
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(Epochs), value, "Epochs must be ≥ 1.");
    } = 10;

    /// <summary>
    /// The number of samples M per optimizer step (Huang, "Backpropagation for FC Neural Network", §3): 1 is
    /// stochastic gradient descent, the training-set size or more (<see cref="FullBatch"/>) is full-batch gradient descent, and
    /// anything between is mini-batch gradient descent. The last batch of an epoch holds the
    /// remaining samples and may be smaller. Default 32.
    /// </summary>
    public int BatchSize
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(BatchSize), value, "BatchSize must be ≥ 1.");
    } = 32;

    /// <summary>Shuffle the training samples at the start of every epoch (seeded by <see cref="Seed"/>). Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The seed of the shuffles and of the validation split: the same seed gives bit-identical training. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// The optimizer, created for the network's <c>ParameterCount</c>. Its state carries over
    /// between <see cref="Trainer{TNet, T}.Fit"/> calls (call <see cref="Optimizer.Reset"/> to start
    /// afresh). Default (null): a new plain <see cref="Sgd"/> for each fit.
    /// </summary>
    public Optimizer? Optimizer { get; init; }

    /// <summary>The learning rate, constant (<c>Schedule = 0.1f</c>) or scheduled. Default 0.01.</summary>
    public LearningRateSchedule Schedule
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(Schedule));
    } = 0.01f;

    /// <summary>Whether the schedule advances per epoch (default) or per batch.</summary>
    public ScheduleUnit ScheduleUnit { get; init; }

    /// <summary>
    /// The fraction in [0, 1) of the training data held out for validation, chosen by a shuffle
    /// seeded with <see cref="Seed"/> (both parts keep the data's order). Default 0: no split.
    /// Cannot be combined with a separate validation set.
    /// </summary>
    public float ValidationSplit
    {
        get;
        init => field = value >= 0f && value < 1f ? value : throw new ArgumentOutOfRangeException(nameof(ValidationSplit), value, "ValidationSplit must be in [0, 1).");
    }

    /// <summary>The metric reported beside the loss. Default (null): <see cref="Evaluation.DefaultMetric"/> of the network.</summary>
    public Metric? Metric { get; init; }

    /// <summary>Early stopping on a validation value; null (default) trains all <see cref="Epochs"/>.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>
    /// Report the epoch's training metric, as Keras does: summed over the epoch's samples from the outputs of each
    /// training step's own forward pass (so with the parameters before that step's update, and with dropout applied),
    /// at no extra pass over the data; batch progress events carry the running value. Default true; when false the
    /// training metric is null. For the metric of the final parameters over the training set, call
    /// <see cref="Evaluation.Compute{TNet}(Metric, ReadOnlySpan{float}, ITrainingData)"/> after training.
    /// </summary>
    public bool EvaluateTrainingMetric { get; init; } = true;

    /// <summary>
    /// Class weights for unbalanced classification: the training loss becomes <c>(1/M) Σ_x w_{c(x)} J_x</c>, where
    /// <c>c(x)</c> is the class of sample x's target (as <see cref="Evaluation.ClassOf(ReadOnlySpan{float})"/> reads it), as Keras's
    /// <c>class_weight</c> does; one finite weight ≥ 0 per class (2 for a single-output binary classifier). Reported
    /// training losses are weighted; validation losses and metrics are not. Default (null): every class weighs 1, and
    /// training runs the network's batch kernel directly.
    /// </summary>
    public IReadOnlyList<float>? ClassWeights
    {
        get;
        init => field = value is null || value.All(w => w >= 0f && float.IsFinite(w))
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ClassWeights), "Every class weight must be a finite number ≥ 0.");
    }

    /// <summary>Save the latest checkpoint and/or the best model while training (see <see cref="CheckpointOptions"/>); null (default): nothing is saved.</summary>
    public CheckpointOptions? Checkpoints { get; init; }

    /// <summary>Report a <see cref="TrainingProgressKind.Batch"/> event after every batch, not only per epoch. Default true.</summary>
    public bool ReportBatches { get; init; } = true;

    /// <summary>
    /// Run each layer product large enough to pay for it on two cores: the calling thread and the library's worker thread
    /// split its rows (as <c>TrainStepBatchParallel</c> and <c>ForwardBatchParallel</c> do), in the training steps (their
    /// forward and backward passes and the optimizer's update of the weights, tile by tile) and the validation passes. The
    /// parameters come out bit for bit as on one core; only <see cref="Optimizer.LastGradientNorm"/> may differ in its last
    /// bits (its sum of squares is added in another order). Small products (under about 4 million multiply-adds, e.g.
    /// every product of 784-128-10 at batch 32), double networks and single-core machines stay on one core; if the
    /// worker is busy with another thread's product, that product runs on the calling thread. Default false.
    /// </summary>
    public bool UseSecondCore { get; init; }
}
