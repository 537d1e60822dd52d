using System.ComponentModel;

namespace NetCompiler.Kernels;

/// <summary>
/// The batched kernels of a generated network one sample at a time, with its per-sample kernels: what
/// <c>ForwardBatch</c>, <c>TrainStepBatch</c> and <c>AccumulateGradientBatch</c> run on machines with neither 512- nor
/// 256-bit vectors (<see cref="BatchLayout.VectorsAccelerated"/>). Called by generated code after its argument checks;
/// use the network's methods.
/// </summary>
/// <typeparam name="TNet">The generated network.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PerSampleBatch<TNet>
    where TNet : class, INeuralNetwork<TNet>
{
    /// <summary>Forward propagation of <paramref name="count"/> row-major samples, one by one.</summary>
    public static void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, Span<float> outputs, int count)
    {
        int inputSize = TNet.InputSize;
        int outputSize = TNet.OutputSize;
        for (int sample = 0; sample < count; sample++)
        {
            TNet.Forward(parameters, inputs.Slice(sample * inputSize, inputSize), outputs.Slice(sample * outputSize, outputSize));
        }
    }

    /// <summary>The per-sample gradient-descent step (<c>TrainStep</c>) with a rented gradient buffer.</summary>
    public static float TrainStep(Span<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate)
    {
        using var gradientLease = ScratchBuffer.Rent(TNet.ParameterCount, out Span<float> gradient);
        return TNet.TrainStep(parameters, gradient, inputs, targets, learningRate);
    }

    /// <summary>
    /// Adds the gradient of each of <paramref name="count"/> samples to <paramref name="gradient"/> and returns the sum of
    /// their losses; throws <see cref="TrainingDivergedException"/> at the first loss that is not finite, naming the sample.
    /// </summary>
    public static float AccumulateGradient(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> gradient, int count)
    {
        int inputSize = TNet.InputSize;
        int outputSize = TNet.OutputSize;
        double sum = 0;
        for (int sample = 0; sample < count; sample++)
        {
            var input = inputs.Slice(sample * inputSize, inputSize);
            var target = targets.Slice(sample * outputSize, outputSize);
            float loss = TNet.AccumulateGradient(parameters, input, target, gradient);
            if (!float.IsFinite(loss))
            {
                Guard.ThrowNonFiniteLoss(TNet.Description.Name, sample, loss, input, target);
            }

            sum += loss;
        }

        return (float)sum;
    }
}
