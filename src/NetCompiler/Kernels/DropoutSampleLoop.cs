using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NetCompiler.Kernels;

/// <summary>
/// The training entry points of a network declared with <c>[Dropout]</c>: the argument checks, the scratch and the loop
/// over the samples around <see cref="IDropoutKernels.BackpropagateSampleWithDropout"/>. Sample k of a batch draws the
/// mask of row k, so one sample alone (<see cref="AccumulateGradient"/>) and the same sample in a batch agree when the
/// rows do. Called by generated code (hidden from IntelliSense).
/// </summary>
/// <typeparam name="TKernels">The network's file-local kernel struct.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DropoutSampleLoop<TKernels>
    where TKernels : struct, IDropoutKernels
{
    /// <summary>Backpropagation of one sample (row 0) with dropout: adds <c>∂J_x/∂θ</c> to <paramref name="gradient"/> and returns <c>J_x</c>.</summary>
    public static float AccumulateGradient(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> gradient, DropoutMask mask)
    {
        string network = TKernels.NetworkName;
        Guard.Length(input, TKernels.InputSize, network, "InputSize", nameof(input));
        Guard.Length(target, TKernels.OutputSize, network, "OutputSize", nameof(target));
        return AccumulateGradientBatch(parameters, input, target, gradient, mask);
    }

    /// <summary>
    /// Backpropagation of a row-major batch with dropout: adds <c>Σ_x ∂J_x/∂θ</c> to <paramref name="gradient"/> and
    /// returns the sum of the losses. A sample whose loss is not finite is a <see cref="TrainingDivergedException"/> that names it.
    /// </summary>
    [SkipLocalsInit]
    public static float AccumulateGradientBatch(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> gradient, DropoutMask mask)
    {
        string network = TKernels.NetworkName;
        Guard.Length(parameters, TKernels.ParameterCount, network, "ParameterCount", nameof(parameters));
        Guard.Length(gradient, TKernels.ParameterCount, network, "ParameterCount", nameof(gradient));
        int count = Guard.BatchCount(inputs, targets, TKernels.InputSize, TKernels.OutputSize, network);
        int length = TKernels.BackpropagationScratchLength;
        Span<float> scratch = length > ScratchBuffer.StackallocLimit ? default : stackalloc float[length];
        using var lease = length > ScratchBuffer.StackallocLimit ? ScratchBuffer.Rent(length, out scratch) : default;
        double totalLoss = 0;
        for (int sample = 0; sample < count; sample++)
        {
            var input = inputs.Slice(sample * TKernels.InputSize, TKernels.InputSize);
            var target = targets.Slice(sample * TKernels.OutputSize, TKernels.OutputSize);
            float loss = TKernels.BackpropagateSampleWithDropout(parameters, input, target, gradient, scratch, mask, sample);
            if (!float.IsFinite(loss))
            {
                Guard.ThrowNonFiniteLoss(network, sample, loss, input, target);
            }

            totalLoss += loss;
        }

        return (float)totalLoss;
    }
}
