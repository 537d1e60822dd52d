using System.ComponentModel;
using System.Numerics;

namespace NetCompiler.Kernels;

/// <summary>
/// The batched kernels of a generated network in the forms that need no code of their own: one sample at a time with
/// its per-sample kernels, what <c>ForwardBatch</c>, <c>TrainStepBatch</c> and <c>AccumulateGradientBatch</c> run on
/// machines without vectors (<see cref="BatchLayout.VectorsAccelerated"/>), and the training step
/// through a checked gradient buffer. Called by generated code after its argument checks; use the network's methods.
/// </summary>
/// <typeparam name="TNet">The generated network.</typeparam>
/// <typeparam name="T">Its element type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PerSampleBatch<TNet, T>
    where TNet : class, INeuralNetwork<TNet, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Forward propagation of <paramref name="count"/> row-major samples, one by one.</summary>
    public static void Forward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, Span<T> outputs, int count)
    {
        int inputSize = TNet.InputSize;
        int outputSize = TNet.OutputSize;
        for (int sample = 0; sample < count; sample++)
        {
            TNet.Forward(parameters, inputs.Slice(sample * inputSize, inputSize), outputs.Slice(sample * outputSize, outputSize));
        }
    }

    /// <summary>The per-sample gradient-descent step (<c>TrainStep</c>) with a rented gradient buffer.</summary>
    public static T TrainStep(Span<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate)
    {
        using var gradientLease = ScratchBuffer.Rent(TNet.ParameterCount, out Span<T> gradient);
        return TNet.TrainStep(parameters, gradient, inputs, targets, learningRate);
    }

    /// <summary>
    /// <c>TrainStepBatch</c> through a gradient buffer: <c>AccumulateGradientBatch</c>, then <see cref="GradientDescent.Apply{T}"/>,
    /// which checks every updated parameter before writing any. The generated step takes this path when it cannot prove in
    /// advance that its fused update stays finite (<see cref="GradientDescent.FusedUpdateStaysFinite{T}"/>).
    /// </summary>
    public static T CheckedTrainStep(Span<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate, int count)
    {
        using var gradientLease = ScratchBuffer.Rent(TNet.ParameterCount, out Span<T> gradient);
        gradient.Clear();
        T loss = TNet.AccumulateGradientBatch(parameters, inputs, targets, gradient);
        GradientDescent.Apply(parameters, gradient, learningRate / T.CreateTruncating(count), TNet.Description.Name);
        return loss / T.CreateTruncating(count);
    }

    /// <summary>
    /// Adds the gradient of each of <paramref name="count"/> samples to <paramref name="gradient"/> and returns the sum of
    /// their losses; throws <see cref="TrainingDivergedException"/> at the first loss that is not finite, naming the sample.
    /// </summary>
    public static T AccumulateGradient(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradient, int count)
    {
        int inputSize = TNet.InputSize;
        int outputSize = TNet.OutputSize;
        double sum = 0;
        for (int sample = 0; sample < count; sample++)
        {
            var input = inputs.Slice(sample * inputSize, inputSize);
            var target = targets.Slice(sample * outputSize, outputSize);
            T loss = TNet.AccumulateGradient(parameters, input, target, gradient);
            if (!T.IsFinite(loss))
            {
                Guard.ThrowNonFiniteLoss(TNet.Description.Name, sample, loss, input, target);
            }

            sum += double.CreateTruncating(loss);
        }

        return T.CreateTruncating(sum);
    }
}
