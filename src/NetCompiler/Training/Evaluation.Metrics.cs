using NetCompiler.Data;

namespace NetCompiler.Training;

/// <summary>The regression helpers of <see cref="Evaluation"/>.</summary>
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
}
