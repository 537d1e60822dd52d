using System.Numerics;
using NetCompiler.Initialization;
using NetCompiler.Persistence;

namespace NetCompiler.Training;

/// <summary>Writes a run's checkpoints at the end of every <see cref="CheckpointOptions.EveryEpochs"/>-th epoch.</summary>
/// <typeparam name="TNet">The generated network class.</typeparam>
/// <typeparam name="T">The network's element type.</typeparam>
internal sealed class CheckpointWriter<TNet, T>
    where TNet : class, INeuralNetwork<TNet, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly CheckpointOptions _options;
    private readonly TrainerOptions _trainerOptions;
    private readonly ITrainingData? _validation;
    private readonly Metric _bestMetric;
    private readonly T[] _validationFeatures;
    private readonly T[] _validationTargets;
    private readonly T[] _output = new T[TNet.OutputSize];

    /// <exception cref="ArgumentException">No path is set, or the best metric needs validation data that is missing.</exception>
    public CheckpointWriter(CheckpointOptions options, TrainerOptions trainerOptions, ITrainingData? validation)
    {
        string name = TNet.Description.Name;
        if (options.LatestPath is null && options.BestModelPath is null)
        {
            throw new ArgumentException($"{name}: TrainerOptions.Checkpoints sets neither LatestPath nor BestModelPath.", "options");
        }

        _bestMetric = options.BestMetric ?? Metric.Loss;
        if (options.BestModelPath is not null && _bestMetric != Metric.Loss && validation is null)
        {
            throw new ArgumentException(
                $"{name}: CheckpointOptions.BestMetric ({_bestMetric}) is measured on validation data; pass a validation set or set TrainerOptions.ValidationSplit.",
                "validation");
        }

        _options = options;
        _trainerOptions = trainerOptions;
        _validation = validation;
        _validationFeatures = validation is null ? [] : ElementRows.Buffer<T>(validation.Features.Length);
        _validationTargets = validation is null ? [] : ElementRows.Buffer<T>(validation.Targets.Length);
    }

    /// <summary>After epoch <paramref name="record"/>: on a checkpoint epoch, saves the model if it is the best so far, then the latest checkpoint.</summary>
    public void AfterEpoch(ReadOnlySpan<T> parameters, Optimizer optimizer, TrainingState<T> state, DeterministicRandom random, EpochMetrics record)
    {
        if (record.Epoch % _options.EveryEpochs != 0)
        {
            return;
        }

        if (_options.BestModelPath is { } bestPath)
        {
            float value = BestValue(parameters, record);
            float best = state.BestSavedValue;
            bool better = float.IsNaN(best)
                ? !float.IsNaN(value)
                : Evaluation.IsHigherBetter(_bestMetric) ? value > best : value < best;
            if (better)
            {
                var description = TNet.Description;
                T[] copy = parameters.ToArray();
                AtomicFile.Write(bestPath, stream => ModelFileFormat.Write<T>(stream, description, copy));
                state.BestSavedValue = value;
            }
        }

        if (_options.LatestPath is { } latestPath)
        {
            Checkpoint.Write<TNet, T>(latestPath, parameters, optimizer, state, random, _trainerOptions);
        }
    }

    /// <summary>The value <see cref="CheckpointOptions.BestMetric"/> names, reusing the epoch's numbers where they are that value.</summary>
    private float BestValue(ReadOnlySpan<T> parameters, EpochMetrics record)
    {
        if (_bestMetric == Metric.Loss)
        {
            return record.ValidationLoss ?? record.TrainingLoss;
        }

        var validation = _validation!;
        return _bestMetric == (_trainerOptions.Metric ?? Evaluation.DefaultMetric(TNet.Description)) && record.ValidationMetric is float metric
            ? metric
            : Evaluation.Compute<TNet, T>(_bestMetric, parameters, ElementRows.As(validation.Features, _validationFeatures), ElementRows.As(validation.Targets, _validationTargets), _output);
    }
}
