namespace Samples.Iris;

/// <summary>Accuracy and confusion matrix of a network on a <see cref="Dataset"/>.</summary>
public static class Evaluation
{
    /// <summary>Runs the network on one input and returns the most probable species; fills <paramref name="probabilities"/>.</summary>
    public static int Predict(IrisNet net, ReadOnlySpan<float> input, Span<float> probabilities)
    {
        net.Forward(input, probabilities);
        int best = 0;
        for (int k = 1; k < probabilities.Length; k++)
        {
            if (probabilities[k] > probabilities[best])
            {
                best = k;
            }
        }

        return best;
    }

    /// <summary>The fraction of samples whose most probable species is the right one.</summary>
    public static double Accuracy(IrisNet net, Dataset data)
    {
        Span<float> probabilities = stackalloc float[IrisNet.OutputSize];
        int correct = 0;
        for (int i = 0; i < data.Count; i++)
        {
            if (Predict(net, data.Input(i), probabilities) == data.Label(i))
            {
                correct++;
            }
        }

        return (double)correct / data.Count;
    }

    /// <summary>Counts, for each actual species (row), how often each species (column) was predicted.</summary>
    public static int[,] ConfusionMatrix(IrisNet net, Dataset data)
    {
        Span<float> probabilities = stackalloc float[IrisNet.OutputSize];
        var counts = new int[IrisNet.OutputSize, IrisNet.OutputSize];
        for (int i = 0; i < data.Count; i++)
        {
            counts[data.Label(i), Predict(net, data.Input(i), probabilities)]++;
        }

        return counts;
    }
}
