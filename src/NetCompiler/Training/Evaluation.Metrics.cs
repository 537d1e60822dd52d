using System.Numerics;
using NetCompiler.Data;

namespace NetCompiler.Training;

/// <summary>The regression helpers of <see cref="Evaluation"/>.</summary>
public static partial class Evaluation
{
    /// <summary>The network's root-mean-square error over the samples and outputs of <paramref name="data"/> (see <see cref="Metric.RootMeanSquaredError"/>).</summary>
    public static float RootMeanSquaredError<TNet>(TNet network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet> => Compute<TNet, float>(Metric.RootMeanSquaredError, network, data);

    /// <summary>The root-mean-square error of a network of any precision over the samples and outputs of <paramref name="data"/>.</summary>
    public static float RootMeanSquaredError<TNet, T>(INeuralNetwork<TNet, T> network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => Compute(Metric.RootMeanSquaredError, network, data);

    /// <summary>The network's coefficient of determination over <paramref name="data"/>, averaged over the outputs (see <see cref="Metric.RSquared"/>).</summary>
    public static float RSquared<TNet>(TNet network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet> => Compute<TNet, float>(Metric.RSquared, network, data);

    /// <summary>The coefficient of determination of a network of any precision over <paramref name="data"/>, averaged over the outputs.</summary>
    public static float RSquared<TNet, T>(INeuralNetwork<TNet, T> network, ITrainingData data)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => Compute(Metric.RSquared, network, data);

    /// <summary>The class names of <paramref name="data"/> when it carries them (a <see cref="Dataset"/> of a classification task).</summary>
    private static string[]? ClassNamesOf(ITrainingData data) => data is Dataset { ClassNames: { } names } ? names : null;
}
