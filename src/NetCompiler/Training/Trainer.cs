using System.Diagnostics;
using System.Numerics;
using NetCompiler.Initialization;
using NetCompiler.Kernels;
using NetCompiler.Training.Streaming;

namespace NetCompiler.Training;

/// <summary>
/// Trains a generated network with mini-batch gradient descent (Huang, "Backpropagation for FC Neural Network",
/// §3) and any <see cref="Optimizer"/>: per epoch, shuffle the sample order (seeded), then for each batch of M
/// samples gather their rows into preallocated batch buffers, accumulate
/// <c>Σ_x ∂J_x/∂θ</c> with the network's own backpropagation kernel, scale by 1/M and take one
/// optimizer step. After each epoch it evaluates the training metric and the validation data,
/// tracks the best epoch and applies early stopping.
/// </summary>
/// <remarks>
/// <para>
/// Everything is allocated when <see cref="Fit"/> starts; a training step allocates nothing
/// (progress events are value types reported synchronously).
/// </para>
/// <para>
/// Divergence: if a sample's loss, the gradient, or an updated parameter is NaN or ±∞, <see cref="Fit"/>
/// throws <see cref="TrainingDivergedException"/> naming the epoch and batch, and the network's
/// parameters are exactly those before that step. (The optimizer's moments may already include a
/// diverged update's gradient: call <see cref="Optimizer.Reset"/> before training again.)
/// </para>
/// <para>
/// Cancellation is checked between batches: <see cref="Fit"/> then returns normally with
/// <see cref="TrainingResult.Cancelled"/> set, and the parameters are those after the last
/// completed step, or the best epoch's when <see cref="EarlyStopping.RestoreBestParameters"/> applies.
/// </para>
/// <para>
/// A double network (<c>[Network(Precision = Precision.Double)]</c>) trains with <c>new Trainer&lt;MyNet, double&gt;(options)</c>:
/// the same options and data, every step computed in double. Its samples are read as floats from <see cref="ITrainingData"/>
/// and widened exactly to double when each batch is gathered; the hyperparameters (learning rates, optimizer coefficients)
/// are floats, used at their exact double values. The metrics it reports are floats.
/// </para>
/// </remarks>
/// <typeparam name="TNet">The generated network class.</typeparam>
/// <typeparam name="T">The network's element type: float (<see cref="Trainer{TNet}"/>) or double.</typeparam>
public partial class Trainer<TNet, T>
    where TNet : class, INeuralNetwork<TNet, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Creates a trainer with <paramref name="options"/> (defaults when null).</summary>
    public Trainer(TrainerOptions? options = null)
    {
        Options = options ?? new TrainerOptions();
        if (Options.Optimizer is { } optimizer && optimizer.ParameterCount != TNet.ParameterCount)
        {
            throw new ArgumentException(
                $"{TNet.Description.Name}: the optimizer was created for {optimizer.ParameterCount} parameters, but the network has {TNet.ParameterCount}; create it with {TNet.Description.Name}.ParameterCount.",
                nameof(options));
        }
    }

    /// <summary>The options this trainer uses.</summary>
    public TrainerOptions Options { get; }

    /// <summary>
    /// Trains <paramref name="network"/> in place on <paramref name="training"/>.
    /// </summary>
    /// <param name="network">The network whose <c>Parameters</c> are trained.</param>
    /// <param name="training">The training samples (the validation split, if any, is taken from them).</param>
    /// <param name="validation">A separate validation set, or null (then <see cref="TrainerOptions.ValidationSplit"/> applies).</param>
    /// <param name="progress">Receives batch and epoch events synchronously, or null.</param>
    /// <param name="cancellationToken">Stops training between two batches; <see cref="Fit"/> then returns with <see cref="TrainingResult.Cancelled"/>.</param>
    /// <returns>The per-epoch history and how training ended.</returns>
    /// <exception cref="ArgumentException">The data do not fit the network, or the options contradict each other.</exception>
    /// <exception cref="TrainingDivergedException">A loss, gradient or parameter became NaN or ±∞; the parameters are those before the failing step.</exception>
    public TrainingResult Fit(
        TNet network,
        ITrainingData training,
        ITrainingData? validation = null,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Train(network, training, validation, progress, resumeFrom: null, cancellationToken);

    /// <summary><see cref="Fit(TNet, ITrainingData, ITrainingData?, IProgress{TrainingProgress}?, CancellationToken)"/>, continuing from the checkpoint <paramref name="resumeFrom"/> when it is not null.</summary>
    private TrainingResult Train(
        TNet network,
        ITrainingData training,
        ITrainingData? validation,
        IProgress<TrainingProgress>? progress,
        string? resumeFrom,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(network);
        Evaluation.CheckShape<TNet, T>(training, nameof(training));
        if (validation is not null)
        {
            Evaluation.CheckShape<TNet, T>(validation, nameof(validation));
        }

        var options = Options;
        string name = TNet.Description.Name;
        if (validation is not null && options.ValidationSplit > 0f)
        {
            throw new ArgumentException(
                $"{name}: pass either a validation set or TrainerOptions.ValidationSplit ({options.ValidationSplit}), not both.",
                nameof(validation));
        }

        var random = new DeterministicRandom(options.Seed);
        if (options.ValidationSplit > 0f)
        {
            (training, validation) = Split(training, options.ValidationSplit, ref random);
        }

        if (options.EarlyStopping is not null && validation is null)
        {
            throw new ArgumentException(
                $"{name}: early stopping watches a validation value; pass a validation set or set TrainerOptions.ValidationSplit.",
                nameof(validation));
        }

        int batchSize = Math.Min(options.BatchSize, training.Count);
        var batches = new InMemoryBatches(training, batchSize, options.Shuffle);
        var run = new Run(options, batches, batchSize, validation is not null);
        var state = run.CreateState(batches.Order);
        if (resumeFrom is not null)
        {
            random = Checkpoint.Read<TNet, T>(resumeFrom, network.Parameters, run.Optimizer, state, options, training.Count);
        }

        return run.Execute(network.Parameters, validation, progress, state, ref random, cancellationToken);
    }

    /// <summary>Holds out a seeded random <paramref name="fraction"/> of <paramref name="data"/>; both parts keep the original order.</summary>
    private static (TrainingData Training, TrainingData Validation) Split(ITrainingData data, float fraction, ref DeterministicRandom random)
    {
        int count = data.Count;
        if (count < 2)
        {
            throw new ArgumentException($"{TNet.Description.Name}: a validation split needs at least 2 samples; the training data has {count}.", "training");
        }

        int validationCount = Math.Clamp((int)(count * (double)fraction), 1, count - 1);
        var order = new int[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }

        SampleShuffle.Shuffle(order, ref random);
        int[] validationRows = order[..validationCount];
        int[] trainingRows = order[validationCount..];
        Array.Sort(validationRows);
        Array.Sort(trainingRows);
        return (TrainingData.FromRows(data, trainingRows), TrainingData.FromRows(data, validationRows));
    }

    /// <summary>The buffers and bookkeeping of one <see cref="Fit"/> call, all allocated up front.</summary>
    private sealed class Run
    {
        private readonly TrainerOptions _options;
        private readonly Metric _metric;
        private readonly bool _keepsBestParameters;
        private readonly int _batchSize;
        private readonly int _batchesPerEpoch;
        private readonly ITrainingBatches _batches;
        private readonly T[] _gradient;
        private readonly T[] _previousParameters;
        private readonly T[] _output;
        private readonly T[] _batchOutputs;
        private readonly T[] _batchFeatures;
        private readonly T[] _batchTargets;
        private readonly double[] _metricWorkspace;
        private readonly bool _tracksMetric;
        private readonly ClassWeightedGradient<TNet, T>? _classWeighted;
        private readonly ParameterUpdate<T>? _fused;
        private readonly long _start;

        public Run(TrainerOptions options, ITrainingBatches batches, int batchSize, bool hasValidation)
        {
            _start = Stopwatch.GetTimestamp();
            _options = options;
            int parameterCount = TNet.ParameterCount;
            Optimizer = options.Optimizer ?? new Sgd(parameterCount);
            _metric = options.Metric ?? Evaluation.DefaultMetric(TNet.Description);
            _batchSize = batchSize;
            _batches = batches;
            _batchesPerEpoch = batches.BatchesPerEpoch;
            Optimizer.State<T>();
            _gradient = new T[parameterCount];
            _previousParameters = new T[parameterCount];
            _keepsBestParameters = options.EarlyStopping is { RestoreBestParameters: true } && hasValidation;
            _output = new T[TNet.OutputSize];
            _batchFeatures = ElementRows.Buffer<T>(batchSize * TNet.InputSize);
            _batchTargets = ElementRows.Buffer<T>(batchSize * TNet.OutputSize);
            // The training metric is summed over each epoch from the outputs of the steps' own forward passes.
            _tracksMetric = options.EvaluateTrainingMetric && _metric != Metric.Loss;
            _batchOutputs = _tracksMetric ? new T[(long)batchSize * TNet.OutputSize] : [];
            _metricWorkspace = new double[MetricAccumulator.WorkspaceLength(_metric, TNet.OutputSize)];
            _classWeighted = options.ClassWeights is { } weights ? new ClassWeightedGradient<TNet, T>(weights, _batchSize) : null;

            // The library's optimizers also have a step fused with the generated weight-gradient products (class weights
            // scale each sample's gradient, so they take the gradient path).
            _fused = _classWeighted is null ? Optimizer.CreateFusedUpdate<T>(TNet.Description) : null;
        }

        /// <summary>The optimizer of the run: the options' one, or a new plain <see cref="Sgd"/>.</summary>
        public Optimizer Optimizer { get; }

        /// <summary>The state of a run that has not started yet, whose batches shuffle <paramref name="order"/>; <paramref name="streamed"/> for a streamed run.</summary>
        public TrainingState<T> CreateState(int[] order, StreamedShape? streamed = null) =>
            new(order, _options.Epochs, TNet.ParameterCount, _keepsBestParameters) { Streamed = streamed };

        public TrainingResult Execute(
            Span<T> parameters,
            ITrainingData? validation,
            IProgress<TrainingProgress>? progress,
            TrainingState<T> state,
            ref DeterministicRandom random,
            CancellationToken cancellationToken)
        {
            var options = _options;

            // UseSecondCore: the batched kernels this thread runs until the end of the run split their large products.
            using var cores = Kernels.Parallel.ParallelRows.Enter(options.UseSecondCore);
            var stopping = options.EarlyStopping;
            bool higherIsBetter = stopping is { Monitor: EarlyStoppingMonitor.ValidationMetric } && Evaluation.IsHigherBetter(_metric);
            float minDelta = stopping?.MinDelta ?? 0f;
            var checkpoints = options.Checkpoints is { } checkpointOptions ? new CheckpointWriter<TNet, T>(checkpointOptions, options, validation) : null;
            var history = state.History;
            bool stoppedEarly = stopping is not null && state.EpochsWithoutImprovement >= stopping.Patience && state.EpochsCompleted < options.Epochs;
            bool cancelled = false;
            long steps = state.Steps;

            // The validation samples in the network's element type (the same memory for a float network).
            ReadOnlySpan<T> validationFeatures = validation is null ? default : ElementRows.As(validation.Features, ElementRows.Buffer<T>(validation.Features.Length));
            ReadOnlySpan<T> validationTargets = validation is null ? default : ElementRows.As(validation.Targets, ElementRows.Buffer<T>(validation.Targets.Length));

            for (int epoch = state.EpochsCompleted + 1; epoch <= options.Epochs && !cancelled && !stoppedEarly; epoch++)
            {
                _batches.BeginEpoch(ref random);

                long epochStart = Stopwatch.GetTimestamp();
                float learningRate = 0f;
                double lossSum = 0;
                int samples = 0;
                int batch = 0;
                var metricSum = new MetricAccumulator(_tracksMetric ? _metric : Metric.Accuracy, TNet.OutputSize, _metricWorkspace);
                for (; batch < _batchesPerEpoch; batch++)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        cancelled = true;
                        break;
                    }

                    learningRate = options.Schedule.LearningRate(options.ScheduleUnit == ScheduleUnit.Epoch ? epoch - 1 : checked((int)steps));
                    int size = _batches.Next(out var gatheredFeatures, out var gatheredTargets, out var rows);
                    var batchFeatures = ElementRows.As(gatheredFeatures, _batchFeatures);
                    var batchTargets = ElementRows.As(gatheredTargets, _batchTargets);
                    Span<T> outputs = _tracksMetric ? _batchOutputs.AsSpan(0, size * TNet.OutputSize) : default;
                    double batchLoss = Step(parameters, batchFeatures, batchTargets, rows, outputs, learningRate, steps, epoch, batch + 1);
                    steps++;
                    lossSum += batchLoss;
                    samples += size;
                    if (_tracksMetric)
                    {
                        metricSum.AddRows<T>(outputs, batchTargets);
                    }

                    if (progress is not null && options.ReportBatches)
                    {
                        float runningLoss = (float)(lossSum / samples);
                        progress.Report(new TrainingProgress(
                            TrainingProgressKind.Batch, epoch, options.Epochs, batch + 1, _batchesPerEpoch, learningRate,
                            runningLoss, RunningMetric(ref metricSum, runningLoss), null, null, _metric,
                            samples / Stopwatch.GetElapsedTime(epochStart).TotalSeconds, Stopwatch.GetElapsedTime(_start)));
                    }
                }

                if (cancelled)
                {
                    break;
                }

                double samplesPerSecond = samples / Stopwatch.GetElapsedTime(epochStart).TotalSeconds;
                float trainingLoss = (float)(lossSum / samples);
                float? trainingMetric = RunningMetric(ref metricSum, trainingLoss);
                float? validationLoss = null;
                float? validationMetric = null;
                if (validation is not null)
                {
                    validationLoss = float.CreateTruncating(TNet.ComputeLoss(parameters, validationFeatures, validationTargets));
                    validationMetric = _metric == Metric.Loss
                        ? validationLoss
                        : Evaluation.Compute<TNet, T>(_metric, parameters, validationFeatures, validationTargets, _output);
                }

                var record = new EpochMetrics(epoch, learningRate, trainingLoss, trainingMetric, validationLoss, validationMetric, Stopwatch.GetElapsedTime(_start));
                history.Add(record);
                state.Steps = steps;

                // The value that decides the best epoch: the early-stopping monitor, else the validation loss, else the training loss.
                float monitored = stopping is { Monitor: EarlyStoppingMonitor.ValidationMetric }
                    ? validationMetric!.Value
                    : validationLoss ?? trainingLoss;
                bool improved = state.BestEpoch == 0
                    ? !float.IsNaN(monitored)
                    : higherIsBetter ? monitored > state.BestValue + minDelta : monitored < state.BestValue - minDelta;
                if (improved)
                {
                    state.BestValue = monitored;
                    state.BestEpoch = epoch;
                    state.StepsAtBest = steps;
                    state.EpochsWithoutImprovement = 0;
                    if (state.BestParameters is not null)
                    {
                        parameters.CopyTo(state.BestParameters);
                    }
                }
                else
                {
                    state.EpochsWithoutImprovement++;
                }

                progress?.Report(new TrainingProgress(
                    TrainingProgressKind.Epoch, epoch, options.Epochs, batch, _batchesPerEpoch, learningRate,
                    trainingLoss, trainingMetric, validationLoss, validationMetric, _metric,
                    samplesPerSecond, Stopwatch.GetElapsedTime(_start)));

                if (stopping is not null && state.EpochsWithoutImprovement >= stopping.Patience && epoch < options.Epochs)
                {
                    stoppedEarly = true;
                }

                if (checkpoints is not null)
                {
                    _batches.EndEpoch(epoch, state.Order, ref random);
                    checkpoints.AfterEpoch(parameters, Optimizer, state, random, record);
                }
            }

            bool restored = false;
            if (state.BestParameters is not null && state.BestEpoch > 0 && steps != state.StepsAtBest)
            {
                state.BestParameters.CopyTo(parameters);
                restored = true;
            }

            return new TrainingResult(history, _metric, state.BestEpoch, stoppedEarly, cancelled, restored, steps, Stopwatch.GetElapsedTime(_start));
        }

        /// <summary>
        /// The training metric of the epoch so far, as Keras reports it: over the samples trained on, each from the outputs of
        /// its own step's forward pass (the parameters before that step's update); the running loss for <see cref="Metric.Loss"/>;
        /// null when <see cref="TrainerOptions.EvaluateTrainingMetric"/> is off.
        /// </summary>
        private float? RunningMetric(ref MetricAccumulator metricSum, float runningLoss) =>
            !_options.EvaluateTrainingMetric ? null : _tracksMetric ? metricSum.Result() : runningLoss;

        /// <summary>
        /// One optimizer step on a gathered batch (<paramref name="rows"/> names its samples in the training data): sum the
        /// per-sample gradients (with the dropout mask of step <paramref name="step"/>), update with the sum scaled by 1/M.
        /// Writes the batch's outputs before the update to <paramref name="outputs"/> unless it is empty. Returns the sum of
        /// the samples' losses. Allocation-free.
        /// </summary>
        private double Step(
            Span<T> parameters,
            ReadOnlySpan<T> batchFeatures,
            ReadOnlySpan<T> batchTargets,
            ReadOnlySpan<long> rows,
            Span<T> outputs,
            float learningRate,
            long step,
            int epoch,
            int batch)
        {
            int size = rows.Length;
            T scale = T.One / T.CreateTruncating(size);
            if (_fused is not null && size > 1 && Optimizer.BeginFusedStep(_fused, T.CreateTruncating(learningRate), scale) &&
                FusedStep(parameters, batchFeatures, batchTargets, rows, outputs, scale, step, epoch, batch, out double fusedLoss))
            {
                return fusedLoss;
            }

            // Σ_x ∂J_x/∂θ over the batch: the generated matrix form (Wichmann's), or for a single sample the per-sample
            // kernel, which is as fast there and makes batch size 1 bit-identical to the network's own TrainStep.
            Span<T> gradient = _gradient;
            gradient.Clear();
            double lossSum;
            try
            {
                var dropout = new DropoutMask(_options.Seed, step);
                if (_classWeighted is null && size > 1)
                {
                    // The matrix form, which also hands out the outputs of its forward pass.
                    lossSum = double.CreateTruncating(TNet.AccumulateGradientBatch(parameters, batchFeatures, batchTargets, gradient, dropout, outputs));
                }
                else
                {
                    lossSum = _classWeighted is not null
                        ? _classWeighted.Accumulate(parameters, batchFeatures, batchTargets, size, gradient, dropout)
                        : double.CreateTruncating(TNet.AccumulateGradient(parameters, batchFeatures, batchTargets, gradient, dropout));
                    if (!outputs.IsEmpty)
                    {
                        TNet.ForwardBatch(parameters, batchFeatures, outputs);
                    }
                }
            }
            catch (TrainingDivergedException exception)
            {
                throw Diverged(epoch, batch, NonFiniteSample(parameters, batchFeatures, batchTargets, rows) ?? exception.Message.TrimEnd('.'));
            }

            if (!double.IsFinite(lossSum))
            {
                throw Diverged(epoch, batch, NonFiniteSample(parameters, batchFeatures, batchTargets, rows) ?? $"the loss of the batch is {lossSum}");
            }

            // θ ← update of the mean gradient (1/M) Σ_x ∂J_x/∂θ; the 1/M is folded into the optimizer's pass.
            parameters.CopyTo(_previousParameters);
            try
            {
                Optimizer.Step(parameters, gradient, T.CreateTruncating(learningRate), gradientScale: scale);
            }
            catch (TrainingDivergedException exception)
            {
                throw Diverged(epoch, batch, exception.Message.TrimEnd('.'));
            }

            if (!Guard.AllFinite(parameters))
            {
                int bad = Guard.FirstNonFinite(parameters) ?? 0;
                T value = parameters[bad];
                _previousParameters.CopyTo(parameters);
                throw Diverged(epoch, batch, $"the update made parameter {bad} {value} (lower the learning rate)");
            }

            return lossSum;
        }

        /// <summary>
        /// The step of <see cref="Step"/> fused with the generated weight-gradient products: the optimizer's update applied to
        /// each tile of the gradient as the network computes it (<see cref="ParameterUpdate{T}"/>), the same arithmetic as the
        /// gradient path. False when the network's kernel declined the batch (then nothing was changed). A step that makes a
        /// parameter NaN or infinite is undone from the backup its own pass wrote, and throws like the gradient path.
        /// </summary>
        private bool FusedStep(
            Span<T> parameters,
            ReadOnlySpan<T> batchFeatures,
            ReadOnlySpan<T> batchTargets,
            ReadOnlySpan<long> rows,
            Span<T> outputs,
            T scale,
            long step,
            int epoch,
            int batch,
            out double lossSum)
        {
            var update = _fused!;
            T loss;
            try
            {
                if (!TNet.OptimizerStepBatch(parameters, batchFeatures, batchTargets, update, new DropoutMask(_options.Seed, step), outputs, out loss))
                {
                    lossSum = 0;
                    return false;
                }
            }
            catch (TrainingDivergedException exception)
            {
                throw Diverged(epoch, batch, NonFiniteSample(parameters, batchFeatures, batchTargets, rows) ?? exception.Message.TrimEnd('.'));
            }

            Optimizer.EndFusedStep(update, scale);
            if (update.SawNotFinite)
            {
                int bad = Guard.FirstNonFinite<T>(parameters) ?? 0;
                T value = parameters[bad];
                update.Backup.CopyTo(parameters);
                throw Diverged(epoch, batch, $"the update made parameter {bad} {value} (lower the learning rate)");
            }

            lossSum = double.CreateTruncating(loss);
            return true;
        }

        /// <summary>
        /// After the batch kernel refused a batch: the first sample whose loss is not finite, named by its row in the
        /// training data, with its first non-finite input or target; null when every loss is finite (the deltas were not).
        /// </summary>
        private static string? NonFiniteSample(ReadOnlySpan<T> parameters, ReadOnlySpan<T> batchFeatures, ReadOnlySpan<T> batchTargets, ReadOnlySpan<long> rows)
        {
            int inputSize = TNet.InputSize;
            int outputSize = TNet.OutputSize;
            for (int k = 0; k < rows.Length; k++)
            {
                var input = batchFeatures.Slice(k * inputSize, inputSize);
                var target = batchTargets.Slice(k * outputSize, outputSize);
                T loss = Guard.AllFinite(input) && Guard.AllFinite(target) ? TNet.ComputeLoss(parameters, input, target) : T.NaN;
                if (!T.IsFinite(loss))
                {
                    return $"the loss of training sample {rows[k]} is {loss}; {Guard.NonFiniteLossCause(input, target)}";
                }
            }

            return null;
        }

        private TrainingDivergedException Diverged(int epoch, int batch, string cause) =>
            new($"{TNet.Description.Name}: training diverged in epoch {epoch} of {_options.Epochs}, batch {batch} of {_batchesPerEpoch}: {cause}. The parameters are those before this step.");
    }
}
