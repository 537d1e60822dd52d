using System.ComponentModel;

namespace NetCompiler.Kernels;

/// <summary>
/// The batched kernels of a generated network in the forms that need no code of their own: one sample at a time with
/// its per-sample kernels, what <c>ForwardBatch</c>, <c>TrainStepBatch</c> and <c>AccumulateGradientBatch</c> run on
/// machines without vectors (<see cref="BatchLayout.VectorsAccelerated"/>), and the training step
/// through a checked gradient buffer. Called by generated code after its argument checks; use the network's methods.
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
    /// <c>TrainStepBatch</c> through a gradient buffer: <c>AccumulateGradientBatch</c>, then <see cref="GradientDescent.Apply"/>,
    /// which checks every updated parameter before writing any. The generated step takes this path when it cannot prove in
    /// advance that its fused update stays finite (<see cref="GradientDescent.FusedUpdateStaysFinite"/>).
    /// </summary>
    public static float CheckedTrainStep(Span<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate, int count)
    {
        using var gradientLease = ScratchBuffer.Rent(TNet.ParameterCount, out Span<float> gradient);
        gradient.Clear();
        float loss = TNet.AccumulateGradientBatch(parameters, inputs, targets, gradient);
        GradientDescent.Apply(parameters, gradient, learningRate / count, TNet.Description.Name);
        return loss / count;
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
