using System.Numerics;

namespace NetCompiler.Training;

/// <summary>
/// Loss, accuracy, macro F1, mean absolute error, root-mean-square error, R² and confusion matrix of a generated network over a dataset.
/// Each helper has two forms: one takes the network (<c>Evaluation.Accuracy(net, data)</c>), the
/// other any parameter buffer (<c>Evaluation.Accuracy&lt;IrisNet&gt;(parameters, data)</c>). A double network
/// (<c>[Network(Precision = Precision.Double)]</c>) takes the same calls with the network, and
/// <c>Evaluation.Compute&lt;MyNet, double&gt;(Metric.Accuracy, parameters, data)</c> with a buffer: its samples, which are floats, are widened
/// exactly to double, and it computes in double.
/// None allocates on the heap, except the <see cref="Training.ConfusionMatrix"/> result, networks with
/// more than <see cref="StackOutputLimit"/> outputs, and a double network's widened copy of the samples.
/// </summary>
public static partial class Evaluation
{
    /// <summary>Networks with at most this many outputs evaluate with a stack buffer for the output.</summary>
    internal const int StackOutputLimit = 1024;

    /// <summary>
    /// The metric that suits a network: <see cref="Metric.Accuracy"/> for a classifier (cross-entropy
    /// loss, or a softmax output), otherwise <see cref="Metric.MeanAbsoluteError"/> (regression).
    /// </summary>
    public static Metric DefaultMetric(NetworkDescription description)
    {
        ArgumentNullException.ThrowIfNull(description);
        return description.Loss == NetCompiler.Loss.CrossEntropy || description.OutputActivation == Activation.Softmax
            ? Metric.Accuracy
            : Metric.MeanAbsoluteError;
    }

    /// <summary>True when a larger value of <paramref name="metric"/> is better (accuracy, R², macro F1).</summary>
    public static bool IsHigherBetter(Metric metric) => metric is Metric.Accuracy or Metric.RSquared or Metric.MacroF1;

    /// <summary>The network's mean loss over <paramref name="data"/>.</summary>
    public static float Loss<TNet>(TNet network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet> => Loss<TNet, float>(network, data);

    /// <summary>The mean loss of the network with <paramref name="parameters"/> over <paramref name="data"/>.</summary>
    public static float Loss<TNet>(ReadOnlySpan<float> parameters, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet> => Compute<TNet, float>(Metric.Loss, parameters, data);

    /// <summary>The mean loss of a network of any precision over <paramref name="data"/>.</summary>
    public static float Loss<TNet, T>(INeuralNetwork<TNet, T> network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => Compute(Metric.Loss, network, data);

    /// <summary>The fraction of <paramref name="data"/> the network classifies correctly (see <see cref="Metric.Accuracy"/>).</summary>
    public static float Accuracy<TNet>(TNet network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet> => Accuracy<TNet, float>(network, data);

    /// <summary>The fraction of <paramref name="data"/> classified correctly with <paramref name="parameters"/>.</summary>
    public static float Accuracy<TNet>(ReadOnlySpan<float> parameters, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet> => Compute<TNet, float>(Metric.Accuracy, parameters, data);

    /// <summary>The fraction of <paramref name="data"/> a network of any precision classifies correctly.</summary>
    public static float Accuracy<TNet, T>(INeuralNetwork<TNet, T> network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => Compute(Metric.Accuracy, network, data);

    /// <summary>The network's mean absolute error over the samples and outputs of <paramref name="data"/>.</summary>
    public static float MeanAbsoluteError<TNet>(TNet network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet> => MeanAbsoluteError<TNet, float>(network, data);

    /// <summary>The mean absolute error with <paramref name="parameters"/> over the samples and outputs of <paramref name="data"/>.</summary>
    public static float MeanAbsoluteError<TNet>(ReadOnlySpan<float> parameters, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet> => Compute<TNet, float>(Metric.MeanAbsoluteError, parameters, data);

    /// <summary>The mean absolute error of a network of any precision over the samples and outputs of <paramref name="data"/>.</summary>
    public static float MeanAbsoluteError<TNet, T>(INeuralNetwork<TNet, T> network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => Compute(Metric.MeanAbsoluteError, network, data);

    /// <summary><paramref name="metric"/> of the network with <paramref name="parameters"/> over <paramref name="data"/>.</summary>
    public static float Compute<TNet>(Metric metric, ReadOnlySpan<float> parameters, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet> => Compute<TNet, float>(metric, parameters, data);

    /// <summary><paramref name="metric"/> of a network of any precision over <paramref name="data"/>.</summary>
    public static float Compute<TNet, T>(Metric metric, INeuralNetwork<TNet, T> network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        return Compute<TNet, T>(metric, network.Parameters, data);
    }

    /// <summary><paramref name="metric"/> of the network of element type <typeparamref name="T"/> with <paramref name="parameters"/> over <paramref name="data"/>.</summary>
    public static float Compute<TNet, T>(Metric metric, ReadOnlySpan<T> parameters, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckShape<TNet, T>(data);
        int outputSize = TNet.OutputSize;
        Span<T> output = outputSize <= StackOutputLimit ? stackalloc T[outputSize] : new T[outputSize];
        var features = ElementRows.As(data.Features, ElementRows.Buffer<T>(data.Features.Length));
        var targets = ElementRows.As(data.Targets, ElementRows.Buffer<T>(data.Targets.Length));
        return Compute<TNet, T>(metric, parameters, features, targets, output);
    }

    /// <summary>The confusion matrix of the network's predictions over <paramref name="data"/> (classes as in <see cref="Metric.Accuracy"/>).</summary>
    public static ConfusionMatrix ConfusionMatrix<TNet>(TNet network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet> => ConfusionMatrix<TNet, float>(network, data);

    /// <summary>The confusion matrix of the predictions made with <paramref name="parameters"/> over <paramref name="data"/>.</summary>
    public static ConfusionMatrix ConfusionMatrix<TNet>(ReadOnlySpan<float> parameters, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet> => ConfusionMatrix<TNet, float>(parameters, data);

    /// <summary>The confusion matrix of the predictions of a network of any precision over <paramref name="data"/>.</summary>
    public static ConfusionMatrix ConfusionMatrix<TNet, T>(INeuralNetwork<TNet, T> network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        return ConfusionMatrix<TNet, T>(network.Parameters, data);
    }

    /// <summary>The confusion matrix of the predictions made with <paramref name="parameters"/> of element type <typeparamref name="T"/> over <paramref name="data"/>.</summary>
    public static ConfusionMatrix ConfusionMatrix<TNet, T>(ReadOnlySpan<T> parameters, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        CheckShape<TNet, T>(data);
        int outputSize = TNet.OutputSize;
        int inputSize = TNet.InputSize;
        var matrix = new ConfusionMatrix(outputSize == 1 ? 2 : outputSize, ClassNamesOf(data));
        Span<T> output = outputSize <= StackOutputLimit ? stackalloc T[outputSize] : new T[outputSize];
        var features = ElementRows.As(data.Features, ElementRows.Buffer<T>(data.Features.Length));
        ReadOnlySpan<float> targets = data.Targets;
        for (int sample = 0; sample < data.Count; sample++)
        {
            TNet.Forward(parameters, features.Slice(sample * inputSize, inputSize), output);
            matrix.Add(ClassOf(targets.Slice(sample * outputSize, outputSize)), ClassIndex<T>(output));
        }

        return matrix;
    }

    /// <summary>
    /// The class a row of outputs or targets stands for: the index of its largest value (the first
    /// one on ties), or for a single value 1 when it is ≥ 0.5 and 0 otherwise.
    /// </summary>
    public static int ClassOf(ReadOnlySpan<float> row) => ClassIndex(row);

    /// <summary><see cref="ClassOf(ReadOnlySpan{float})"/> of a double network's outputs.</summary>
    public static int ClassOf(ReadOnlySpan<double> row) => ClassIndex(row);

    /// <summary><see cref="ClassOf(ReadOnlySpan{float})"/> for either element type.</summary>
    internal static int ClassIndex<T>(ReadOnlySpan<T> row)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (row.Length == 1)
        {
            return row[0] >= T.CreateTruncating(0.5) ? 1 : 0;
        }

        int best = 0;
        for (int k = 1; k < row.Length; k++)
        {
            if (row[k] > row[best])
            {
                best = k;
            }
        }

        return best;
    }

    /// <summary>The metric over row-major samples, with a caller-provided output buffer of <c>OutputSize</c> elements. Allocation-free.</summary>
    internal static float Compute<TNet, T>(Metric metric, ReadOnlySpan<T> parameters, ReadOnlySpan<T> features, ReadOnlySpan<T> targets, Span<T> output)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (metric == Metric.Loss)
        {
            return float.CreateTruncating(TNet.ComputeLoss(parameters, features, targets));
        }

        int inputSize = TNet.InputSize;
        int outputSize = TNet.OutputSize;
        int count = features.Length / inputSize;
        if (count == 0)
        {
            throw new ArgumentException($"{TNet.Description.Name}: the dataset is empty.", nameof(features));
        }

        int workspaceLength = MetricAccumulator.WorkspaceLength(metric, outputSize);
        Span<double> workspace = workspaceLength <= StackOutputLimit ? stackalloc double[workspaceLength] : new double[workspaceLength];
        var sum = new MetricAccumulator(metric, outputSize, workspace);
        for (int sample = 0; sample < count; sample++)
        {
            TNet.Forward(parameters, features.Slice(sample * inputSize, inputSize), output);
            sum.Add<T>(output, targets.Slice(sample * outputSize, outputSize));
        }

        return sum.Result();
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="data"/> fits the network's input and output sizes.</summary>
    internal static void CheckShape<TNet, T>(ITrainingData data, string parameterName = "data")
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(data, parameterName);
        string network = TNet.Description.Name;
        if (data.FeatureCount != TNet.InputSize || data.TargetCount != TNet.OutputSize)
        {
            throw new ArgumentException(
                $"{network}: {parameterName} has {data.FeatureCount} features and {data.TargetCount} targets per sample, but the network has {TNet.InputSize} inputs and {TNet.OutputSize} outputs.",
                parameterName);
        }

        if (data.Features.Length != (long)data.Count * data.FeatureCount || data.Targets.Length != (long)data.Count * data.TargetCount)
        {
            throw new ArgumentException(
                $"{network}: {parameterName} reports {data.Count} samples but holds {data.Features.Length} feature floats and {data.Targets.Length} target floats.",
                parameterName);
        }

        if (data.Count == 0)
        {
            throw new ArgumentException($"{network}: {parameterName} is empty.", parameterName);
        }
    }
}
