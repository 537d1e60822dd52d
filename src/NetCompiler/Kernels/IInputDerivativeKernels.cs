using System.ComponentModel;
using System.Numerics;

namespace NetCompiler.Kernels;

/// <summary>
/// What the runtime's input-derivative entry points (<see cref="InputDerivativeLoop{TKernels, T}"/>) need of one generated
/// network: the layout of its scratch and its topology-specific passes. The scratch holds z and a of every layer
/// (<see cref="ActivationsLength"/> values), then two buffers of <c>rows × WidestLayer</c> values, rows0 and rows1, whose
/// rows are derivatives over a layer's neurons. Implemented by generated code (hidden from IntelliSense); not meant to be
/// implemented by hand.
/// </summary>
/// <typeparam name="T">The network's element type, <see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IInputDerivativeKernels<T> : ISampleKernels<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The values of z and a of every layer at the start of the scratch; rows0 starts here.</summary>
    static abstract int ActivationsLength { get; }

    /// <summary>The number of neurons of the widest layer: the width of a row of rows0 and rows1.</summary>
    static abstract int WidestLayer { get; }

    /// <summary>The forward pass, keeping z and a of every layer in <paramref name="scratch"/>. Arguments are already checked.</summary>
    static abstract void ForwardKeepingActivations(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, Span<T> scratch);

    /// <summary>Multiplies each of the first <paramref name="rows"/> rows of rows0 (width <c>OutputSize</c>) by the output activation's Jacobian <c>J_f(z_L)</c>.</summary>
    static abstract void MultiplyByOutputJacobian(Span<T> scratch, int rows);

    /// <summary>BP1: writes <c>δ_L = ∂J_x/∂z_L</c> into the first row of rows0 and returns <c>J_x</c>.</summary>
    static abstract T OutputDelta(ReadOnlySpan<T> target, Span<T> scratch);

    /// <summary>BP2 for <paramref name="rows"/> rows at once, from the rows <c>∂(·)/∂z_L</c> in rows0 down to the input: writes <c>[rows, InputSize]</c> into <paramref name="result"/>.</summary>
    static abstract void BackwardToInput(ReadOnlySpan<T> parameters, Span<T> scratch, int rows, Span<T> result);

    /// <summary>The forward-mode Jacobian with <paramref name="rows"/> = <c>InputSize</c> rows: the sensitivities <c>T_l</c> from the input to the output, transposed into <paramref name="jacobian"/> (<c>[OutputSize, InputSize]</c>).</summary>
    static abstract void ForwardJacobian(ReadOnlySpan<T> parameters, Span<T> scratch, int rows, Span<T> jacobian);
}
