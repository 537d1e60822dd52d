namespace NetCompiler.Training;

/// <summary>
/// Loss, accuracy, macro F1, mean absolute error, root-mean-square error, R² and confusion matrix of a generated network over a dataset.
/// Each helper has two forms: one takes the network (<c>Evaluation.Accuracy(net, data)</c>), the
/// other any parameter buffer (<c>Evaluation.Accuracy&lt;IrisNet&gt;(parameters, data)</c>).
/// None allocates on the heap, except the <see cref="Training.ConfusionMatrix"/> result and networks with
/// more than <see cref="StackOutputLimit"/> outputs.
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
        where TNet : class, INeuralNetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        return Loss<TNet>(network.Parameters, data);
    }

    /// <summary>The mean loss of the network with <paramref name="parameters"/> over <paramref name="data"/>.</summary>
    public static float Loss<TNet>(ReadOnlySpan<float> parameters, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet>
    {
        CheckShape<TNet>(data);
        return TNet.ComputeLoss(parameters, data.Features, data.Targets);
    }

    /// <summary>The fraction of <paramref name="data"/> the network classifies correctly (see <see cref="Metric.Accuracy"/>).</summary>
    public static float Accuracy<TNet>(TNet network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        return Accuracy<TNet>(network.Parameters, data);
    }

    /// <summary>The fraction of <paramref name="data"/> classified correctly with <paramref name="parameters"/>.</summary>
    public static float Accuracy<TNet>(ReadOnlySpan<float> parameters, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet>
        => Compute<TNet>(Metric.Accuracy, parameters, data);

    /// <summary>The network's mean absolute error over the samples and outputs of <paramref name="data"/>.</summary>
    public static float MeanAbsoluteError<TNet>(TNet network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        return MeanAbsoluteError<TNet>(network.Parameters, data);
    }

    /// <summary>The mean absolute error with <paramref name="parameters"/> over the samples and outputs of <paramref name="data"/>.</summary>
    public static float MeanAbsoluteError<TNet>(ReadOnlySpan<float> parameters, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet>
        => Compute<TNet>(Metric.MeanAbsoluteError, parameters, data);

    /// <summary><paramref name="metric"/> of the network with <paramref name="parameters"/> over <paramref name="data"/>.</summary>
    public static float Compute<TNet>(Metric metric, ReadOnlySpan<float> parameters, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet>
    {
        CheckShape<TNet>(data);
        int outputSize = TNet.OutputSize;
        Span<float> output = outputSize <= StackOutputLimit ? stackalloc float[outputSize] : new float[outputSize];
        return Compute<TNet>(metric, parameters, data.Features, data.Targets, output);
    }

    /// <summary>The confusion matrix of the network's predictions over <paramref name="data"/> (classes as in <see cref="Metric.Accuracy"/>).</summary>
    public static ConfusionMatrix ConfusionMatrix<TNet>(TNet network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        return ConfusionMatrix<TNet>(network.Parameters, data);
    }

    /// <summary>The confusion matrix of the predictions made with <paramref name="parameters"/> over <paramref name="data"/>.</summary>
    public static ConfusionMatrix ConfusionMatrix<TNet>(ReadOnlySpan<float> parameters, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet>
    {
        CheckShape<TNet>(data);
        int outputSize = TNet.OutputSize;
        int inputSize = TNet.InputSize;
        var matrix = new ConfusionMatrix(outputSize == 1 ? 2 : outputSize, ClassNamesOf(data));
        Span<float> output = outputSize <= StackOutputLimit ? stackalloc float[outputSize] : new float[outputSize];
        ReadOnlySpan<float> features = data.Features;
        ReadOnlySpan<float> targets = data.Targets;
        for (int sample = 0; sample < data.Count; sample++)
        {
            TNet.Forward(parameters, features.Slice(sample * inputSize, inputSize), output);
            matrix.Add(ClassOf(targets.Slice(sample * outputSize, outputSize)), ClassOf(output));
        }

        return matrix;
    }

    /// <summary>
    /// The class a row of outputs or targets stands for: the index of its largest value (the first
    /// one on ties), or for a single value 1 when it is ≥ 0.5 and 0 otherwise.
    /// </summary>
    public static int ClassOf(ReadOnlySpan<float> row)
    {
        if (row.Length == 1)
        {
            return row[0] >= 0.5f ? 1 : 0;
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

    /// <summary>The metric over row-major samples, with a caller-provided output buffer of <c>OutputSize</c> floats. Allocation-free.</summary>
    internal static float Compute<TNet>(Metric metric, ReadOnlySpan<float> parameters, ReadOnlySpan<float> features, ReadOnlySpan<float> targets, Span<float> output)
        where TNet : class, INeuralNetwork<TNet>
    {
        if (metric == Metric.Loss)
        {
            return TNet.ComputeLoss(parameters, features, targets);
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
            sum.Add(output, targets.Slice(sample * outputSize, outputSize));
        }

        return sum.Result();
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="data"/> fits the network's input and output sizes.</summary>
    internal static void CheckShape<TNet>(ITrainingData data, string parameterName = "data")
        where TNet : class, INeuralNetwork<TNet>
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
