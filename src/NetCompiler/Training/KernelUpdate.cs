using System.Numerics;
using NetCompiler.Kernels;

namespace NetCompiler.Training;

/// <summary>
/// The fused step (<see cref="ParameterUpdate{T}"/>) of an optimizer whose update is the vector kernel
/// <typeparamref name="TKernel"/>: the optimizer sets <see cref="Kernel"/> before each step (its learning rate, gradient
/// scale and bias corrections), and every tile of the gradient runs through <see cref="VectorLoop"/> with it, so a fused
/// step computes exactly what <see cref="Optimizer.Step(Span{float}, ReadOnlySpan{float}, float, float)"/> computes.
/// </summary>
internal sealed class KernelUpdate<TKernel, T> : ParameterUpdate<T>
    where TKernel : struct, IVectorUpdate<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T[] _state1;
    private readonly T[] _state2;

    /// <summary>An update of the parameters of <paramref name="network"/> with the optimizer's state buffers (empty when it has fewer).</summary>
    public KernelUpdate(NetworkDescription network, T[] state1, T[] state2)
        : base(network)
    {
        _state1 = state1;
        _state2 = state2;
    }

    /// <summary>The update of the current step.</summary>
    public TKernel Kernel { get; set; }

    private protected override void Apply(Span<T> parameters, int offset, int stride, int rows, int width, ReadOnlySpan<T> gradient, ref UpdateChecks checks)
    {
        int length = ((rows - 1) * stride) + width;
        VectorLoop.UpdateRows(
            Kernel,
            parameters.Slice(offset, length),
            stride,
            rows,
            width,
            gradient,
            _state1.Length == 0 ? default : _state1.AsSpan(offset, length),
            _state2.Length == 0 ? default : _state2.AsSpan(offset, length),
            Backup.AsSpan(offset, length),
            ref checks);
    }
}
