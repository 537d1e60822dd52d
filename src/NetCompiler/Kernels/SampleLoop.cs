using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetCompiler.Kernels;

/// <summary>
/// The per-sample entry points of every generated network, <c>ComputeLoss</c>, <c>AccumulateGradient</c> and
/// <c>TrainStep</c>: the argument checks, the scratch and the loop over the samples, around the network's own passes
/// (<typeparamref name="TKernels"/>). A struct type argument makes the JIT compile each method once per network, with
/// the network's sizes as constants. Called by generated code (hidden from IntelliSense); use the network's methods.
/// </summary>
/// <typeparam name="TKernels">The network's file-local kernel struct.</typeparam>
/// <typeparam name="T">The network's element type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SampleLoop<TKernels, T>
    where TKernels : struct, ISampleKernels<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The mean loss over a batch stored row-major: <c>[count, InputSize]</c> inputs, <c>[count, OutputSize]</c> targets.</summary>
    [SkipLocalsInit]
    public static T ComputeLoss(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets)
    {
        Guard.Length(parameters, TKernels.ParameterCount, TKernels.NetworkName, "ParameterCount", nameof(parameters));
        int count = Guard.BatchCount(inputs, targets, TKernels.InputSize, TKernels.OutputSize, TKernels.NetworkName);
        int length = TKernels.ForwardScratchLength;
        Span<T> scratch = length > ScratchBuffer.StackallocLimit ? default : stackalloc T[length];
        using var lease = length > ScratchBuffer.StackallocLimit ? ScratchBuffer.Rent(length, out scratch) : default;
        double totalLoss = 0;
        for (int sample = 0; sample < count; sample++)
        {
            totalLoss += double.CreateTruncating(TKernels.SampleLoss(parameters, Input(inputs, sample), Target(targets, sample), scratch));
        }

        return T.CreateTruncating(totalLoss / count);
    }

    /// <summary>Backpropagation of one sample: adds <c>∂J_x/∂θ</c> to <paramref name="gradient"/> and returns <c>J_x</c>.</summary>
    [SkipLocalsInit]
    public static T AccumulateGradient(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient)
    {
        string network = TKernels.NetworkName;
        Guard.Length(parameters, TKernels.ParameterCount, network, "ParameterCount", nameof(parameters));
        Guard.Length(input, TKernels.InputSize, network, "InputSize", nameof(input));
        Guard.Length(target, TKernels.OutputSize, network, "OutputSize", nameof(target));
        Guard.Length(gradient, TKernels.ParameterCount, network, "ParameterCount", nameof(gradient));
        int length = TKernels.BackpropagationScratchLength;
        Span<T> scratch = length > ScratchBuffer.StackallocLimit ? default : stackalloc T[length];
        using var lease = length > ScratchBuffer.StackallocLimit ? ScratchBuffer.Rent(length, out scratch) : default;
        return TKernels.BackpropagateSample(parameters, input, target, gradient, scratch);
    }

    /// <summary>
    /// One gradient-descent step over a batch, <c>θ ← θ - (η/N) Σ_x ∂J_x/∂θ</c> (the whole set, one sample, or a
    /// mini-batch): the sum of the samples' gradients into <paramref name="gradient"/>, then
    /// <see cref="GradientDescent.Apply{T}"/>, which changes nothing unless every updated parameter is finite. Returns the
    /// mean loss before the update; a sample whose loss is not finite is a <see cref="TrainingDivergedException"/> that
    /// names it, with the parameters unchanged.
    /// </summary>
    [SkipLocalsInit]
    public static T TrainStep(Span<T> parameters, Span<T> gradient, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate)
    {
        string network = TKernels.NetworkName;
        Guard.Length(parameters, TKernels.ParameterCount, network, "ParameterCount", nameof(parameters));
        Guard.Length(gradient, TKernels.ParameterCount, network, "ParameterCount", nameof(gradient));
        int count = Guard.TrainingBatch(inputs, targets, TKernels.InputSize, TKernels.OutputSize, learningRate, network);
        int length = TKernels.BackpropagationScratchLength;
        Span<T> scratch = length > ScratchBuffer.StackallocLimit ? default : stackalloc T[length];
        using var lease = length > ScratchBuffer.StackallocLimit ? ScratchBuffer.Rent(length, out scratch) : default;

        // Σ_x ∂J_x/∂θ over the batch.
        gradient.Clear();
        double totalLoss = 0;
        for (int sample = 0; sample < count; sample++)
        {
            var input = Input(inputs, sample);
            var target = Target(targets, sample);
            T loss = TKernels.BackpropagateSample(parameters, input, target, gradient, scratch);
            if (!T.IsFinite(loss))
            {
                Guard.ThrowNonFiniteLoss(network, sample, loss, input, target);
            }

            totalLoss += double.CreateTruncating(loss);
        }

        // The mean gradient, applied only if every component is finite.
        GradientDescent.Apply(parameters, gradient, learningRate / T.CreateTruncating(count), network);
        return T.CreateTruncating(totalLoss / count);
    }

    private static ReadOnlySpan<T> Input(ReadOnlySpan<T> inputs, int sample) => inputs.Slice(sample * TKernels.InputSize, TKernels.InputSize);

    private static ReadOnlySpan<T> Target(ReadOnlySpan<T> targets, int sample) => targets.Slice(sample * TKernels.OutputSize, TKernels.OutputSize);
}
