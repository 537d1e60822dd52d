using NetCompiler.Data;

namespace NetCompiler.Training;

/// <summary>The per-metric loops of <see cref="Evaluation.Compute{TNet}(Metric, ReadOnlySpan{float}, ITrainingData)"/> and the regression helpers.</summary>
public static partial class Evaluation
{
    /// <summary>The network's root-mean-square error over the samples and outputs of <paramref name="data"/> (see <see cref="Metric.RootMeanSquaredError"/>).</summary>
    public static float RootMeanSquaredError<TNet>(TNet network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        return Compute<TNet>(Metric.RootMeanSquaredError, network.Parameters, data);
    }

    /// <summary>The network's coefficient of determination over <paramref name="data"/>, averaged over the outputs (see <see cref="Metric.RSquared"/>).</summary>
    public static float RSquared<TNet>(TNet network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(network);
        return Compute<TNet>(Metric.RSquared, network.Parameters, data);
    }

    /// <summary>The class names of <paramref name="data"/> when it carries them (a <see cref="Dataset"/> of a classification task).</summary>
    private static string[]? ClassNamesOf(ITrainingData data) => data is Dataset { ClassNames: { } names } ? names : null;

    /// <summary>The fraction of samples whose predicted class is the target's.</summary>
    private static float AccuracyOf<TNet>(ReadOnlySpan<float> parameters, ReadOnlySpan<float> features, ReadOnlySpan<float> targets, int count, Span<float> output)
        where TNet : class, INeuralNetwork<TNet>
    {
        int inputSize = TNet.InputSize;
        int outputSize = TNet.OutputSize;
        int correct = 0;
        for (int sample = 0; sample < count; sample++)
        {
            TNet.Forward(parameters, features.Slice(sample * inputSize, inputSize), output);
            correct += ClassOf(output) == ClassOf(targets.Slice(sample * outputSize, outputSize)) ? 1 : 0;
        }

        return (float)((double)correct / count);
    }

    /// <summary>MAE <c>mean |a − t|</c> or RMSE <c>√(mean (a − t)²)</c> over samples and outputs.</summary>
    private static float ErrorOf<TNet>(Metric metric, ReadOnlySpan<float> parameters, ReadOnlySpan<float> features, ReadOnlySpan<float> targets, int count, Span<float> output)
        where TNet : class, INeuralNetwork<TNet>
    {
        int inputSize = TNet.InputSize;
        int outputSize = TNet.OutputSize;
        bool squared = metric == Metric.RootMeanSquaredError;
        double total = 0;
        for (int sample = 0; sample < count; sample++)
        {
            var target = targets.Slice(sample * outputSize, outputSize);
            TNet.Forward(parameters, features.Slice(sample * inputSize, inputSize), output);
            double sum = 0;
            for (int k = 0; k < outputSize; k++)
            {
                double error = output[k] - target[k];
                sum += squared ? error * error : Math.Abs(error);
            }

            total += sum / outputSize;
        }

        double mean = total / count;
        return (float)(squared ? Math.Sqrt(mean) : mean);
    }

    /// <summary>
    /// <c>R²_k = 1 − Σ_x (t_xk − a_xk)² / Σ_x (t_xk − t̄_k)²</c> per output k, averaged over the outputs: one pass over the
    /// targets for their means, one forward pass for the residuals.
    /// </summary>
    private static float RSquaredOf<TNet>(ReadOnlySpan<float> parameters, ReadOnlySpan<float> features, ReadOnlySpan<float> targets, int count, Span<float> output)
        where TNet : class, INeuralNetwork<TNet>
    {
        int inputSize = TNet.InputSize;
        int outputSize = TNet.OutputSize;
        Span<double> sums = outputSize <= StackOutputLimit / 4 ? stackalloc double[3 * outputSize] : new double[3 * outputSize];
        sums.Clear();
        Span<double> mean = sums[..outputSize];
        Span<double> residual = sums.Slice(outputSize, outputSize);
        Span<double> spread = sums.Slice(2 * outputSize, outputSize);
        for (int sample = 0; sample < count; sample++)
        {
            for (int k = 0; k < outputSize; k++)
            {
                mean[k] += targets[(sample * outputSize) + k];
            }
        }

        for (int k = 0; k < outputSize; k++)
        {
            mean[k] /= count;
        }

        for (int sample = 0; sample < count; sample++)
        {
            var target = targets.Slice(sample * outputSize, outputSize);
            TNet.Forward(parameters, features.Slice(sample * inputSize, inputSize), output);
            for (int k = 0; k < outputSize; k++)
            {
                double error = target[k] - output[k];
                double deviation = target[k] - mean[k];
                residual[k] += error * error;
                spread[k] += deviation * deviation;
            }
        }

        double total = 0;
        for (int k = 0; k < outputSize; k++)
        {
            total += spread[k] > 0 ? 1 - (residual[k] / spread[k]) : residual[k] == 0 ? 1 : 0;
        }

        return (float)(total / outputSize);
    }

    /// <summary>The macro-averaged F1 score from per-class counts of true positives, predictions and actual samples.</summary>
    private static float MacroF1Of<TNet>(ReadOnlySpan<float> parameters, ReadOnlySpan<float> features, ReadOnlySpan<float> targets, int count, Span<float> output)
        where TNet : class, INeuralNetwork<TNet>
    {
        int inputSize = TNet.InputSize;
        int outputSize = TNet.OutputSize;
        int classCount = outputSize == 1 ? 2 : outputSize;
        Span<int> counts = classCount <= StackOutputLimit ? stackalloc int[3 * classCount] : new int[3 * classCount];
        counts.Clear();
        Span<int> truePositives = counts[..classCount];
        Span<int> predicted = counts.Slice(classCount, classCount);
        Span<int> actual = counts.Slice(2 * classCount, classCount);
        for (int sample = 0; sample < count; sample++)
        {
            TNet.Forward(parameters, features.Slice(sample * inputSize, inputSize), output);
            int predictedClass = ClassOf(output);
            int actualClass = ClassOf(targets.Slice(sample * outputSize, outputSize));
            predicted[predictedClass]++;
            actual[actualClass]++;
            truePositives[actualClass] += predictedClass == actualClass ? 1 : 0;
        }

        return Training.ConfusionMatrix.MacroAverage(truePositives, predicted, actual, ClassScore.F1);
    }
}
