using System.Numerics;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NetCompiler.Kernels;

/// <summary>
/// The training entry points of a network declared with <c>[Dropout]</c>: the argument checks, the scratch and the loop
/// over the samples around <see cref="IDropoutKernels{T}.BackpropagateSampleWithDropout"/>. Sample k of a batch draws the
/// mask of row k, so one sample alone (<see cref="AccumulateGradient"/>) and the same sample in a batch agree when the
/// rows do. Called by generated code (hidden from IntelliSense).
/// </summary>
/// <typeparam name="TKernels">The network's file-local kernel struct.</typeparam>
/// <typeparam name="T">The network's element type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class DropoutSampleLoop<TKernels, T>
    where TKernels : struct, IDropoutKernels<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>Backpropagation of one sample (row 0) with dropout: adds <c>∂J_x/∂θ</c> to <paramref name="gradient"/> and returns <c>J_x</c>.</summary>
    public static T AccumulateGradient(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient, DropoutMask mask)
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
    public static T AccumulateGradientBatch(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradient, DropoutMask mask)
    {
        string network = TKernels.NetworkName;
        Guard.Length(parameters, TKernels.ParameterCount, network, "ParameterCount", nameof(parameters));
        Guard.Length(gradient, TKernels.ParameterCount, network, "ParameterCount", nameof(gradient));
        int count = Guard.BatchCount(inputs, targets, TKernels.InputSize, TKernels.OutputSize, network);
        int length = TKernels.BackpropagationScratchLength;
        Span<T> scratch = length > ScratchBuffer.StackallocLimit ? default : stackalloc T[length];
        using var lease = length > ScratchBuffer.StackallocLimit ? ScratchBuffer.Rent(length, out scratch) : default;
        double totalLoss = 0;
        for (int sample = 0; sample < count; sample++)
        {
            var input = inputs.Slice(sample * TKernels.InputSize, TKernels.InputSize);
            var target = targets.Slice(sample * TKernels.OutputSize, TKernels.OutputSize);
            T loss = TKernels.BackpropagateSampleWithDropout(parameters, input, target, gradient, scratch, mask, sample);
            if (!T.IsFinite(loss))
            {
                Guard.ThrowNonFiniteLoss(network, sample, loss, input, target);
            }

            totalLoss += double.CreateTruncating(loss);
        }

        return T.CreateTruncating(totalLoss);
    }
}
