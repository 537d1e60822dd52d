using System.Numerics;

namespace NetCompiler;

/// <summary>The class a classifier predicts for one sample, and the network's probability for it.</summary>
/// <param name="Class">The arg-max of the outputs (the first on ties), or for a single output 1 when it is ≥ 0.5 and 0 otherwise.</param>
/// <param name="Probability">
/// The output of that class: its softmax probability, or for a single sigmoid output <c>a</c> when the class is 1 and
/// <c>1 − a</c> when it is 0. For an output layer that is not a probability (identity, tanh, ...) it is the raw output.
/// </param>
public readonly record struct Prediction(int Class, float Probability);

/// <summary>Inference helpers on top of a generated network's <c>Forward</c>.</summary>
public static class Inference
{
    /// <summary>Networks with at most this many outputs classify with a stack buffer; larger ones rent one from the pool.</summary>
    private const int StackOutputLimit = 1024;

    /// <summary>
    /// The class the network predicts for <paramref name="input"/> and its probability: one forward pass into a stack
    /// buffer, then the arg-max. Allocates nothing on the heap.
    /// </summary>
    /// <example><code>Prediction p = net.Classify(features); Console.WriteLine($"{names[p.Class]} ({p.Probability:P1})");</code></example>
    /// <exception cref="ArgumentException"><paramref name="input"/> does not hold <c>InputSize</c> floats.</exception>
    public static Prediction Classify<TNet>(this TNet network, ReadOnlySpan<float> input)
        where TNet : class, INeuralNetwork<TNet> => Classify<TNet, float>(network, input);

    /// <summary><see cref="Classify{TNet}(TNet, ReadOnlySpan{float})"/> for a network of any precision (a double network's probability is rounded to float).</summary>
    public static Prediction Classify<TNet, T>(this INeuralNetwork<TNet, T> network, ReadOnlySpan<T> input)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(network);
        return Classify<TNet, T>(network.Parameters, input);
    }

    /// <summary><see cref="Classify{TNet}(TNet, ReadOnlySpan{float})"/> with any parameter buffer of the network type.</summary>
    public static Prediction Classify<TNet>(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input)
        where TNet : class, INeuralNetwork<TNet> => Classify<TNet, float>(parameters, input);

    /// <summary><see cref="Classify{TNet}(ReadOnlySpan{float}, ReadOnlySpan{float})"/> for a network of any precision.</summary>
    public static Prediction Classify<TNet, T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int outputSize = TNet.OutputSize;
        if (outputSize > StackOutputLimit)
        {
            T[] rented = System.Buffers.ArrayPool<T>.Shared.Rent(outputSize);
            try
            {
                return ClassifyInto<TNet, T>(parameters, input, rented.AsSpan(0, outputSize));
            }
            finally
            {
                System.Buffers.ArrayPool<T>.Shared.Return(rented);
            }
        }

        return ClassifyInto<TNet, T>(parameters, input, stackalloc T[outputSize]);
    }

    private static Prediction ClassifyInto<TNet, T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, Span<T> output)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        TNet.Forward(parameters, input, output);
        int predicted = Training.Evaluation.ClassIndex<T>(output);
        T probability = output.Length == 1 && predicted == 0 ? T.One - output[0] : output[output.Length == 1 ? 0 : predicted];
        return new Prediction(predicted, float.CreateTruncating(probability));
    }
}
