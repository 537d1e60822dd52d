using System.ComponentModel;
using System.Numerics;

namespace NetCompiler.Kernels;

/// <summary>
/// What the runtime's per-sample loops (<see cref="SampleLoop{TKernels, T}"/>) need of one generated network: its sizes and
/// its two per-sample passes. Each network's generated file implements it on a file-local struct, so every loop is
/// compiled for that network alone, with its sizes as constants and its passes called directly (no delegate, no
/// virtual call). Implemented by generated code (hidden from IntelliSense); not meant to be implemented by hand.
/// </summary>
/// <typeparam name="T">The network's element type, <see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISampleKernels<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The network's name, for messages.</summary>
    static abstract string NetworkName { get; }

    /// <summary>The number of inputs of one sample.</summary>
    static abstract int InputSize { get; }

    /// <summary>The number of outputs of one sample.</summary>
    static abstract int OutputSize { get; }

    /// <summary>The number of weights and biases.</summary>
    static abstract int ParameterCount { get; }

    /// <summary>The scratch elements of <see cref="SampleLoss"/>.</summary>
    static abstract int ForwardScratchLength { get; }

    /// <summary>The scratch elements of <see cref="BackpropagateSample"/>.</summary>
    static abstract int BackpropagationScratchLength { get; }

    /// <summary>The forward pass of one sample, then its loss <c>J_x</c> against <paramref name="target"/>. Arguments are already checked.</summary>
    static abstract T SampleLoss(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> scratch);

    /// <summary>The forward pass keeping every z_l and a_l, then BP1–BP4: adds <c>∂J_x/∂θ</c> to <paramref name="gradient"/> and returns <c>J_x</c>. Arguments are already checked.</summary>
    static abstract T BackpropagateSample(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient, Span<T> scratch);
}
