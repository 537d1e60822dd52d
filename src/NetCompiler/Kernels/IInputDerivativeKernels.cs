using System.ComponentModel;

namespace NetCompiler.Kernels;

/// <summary>
/// What the runtime's input-derivative entry points (<see cref="InputDerivativeLoop{TKernels}"/>) need of one generated
/// network: the layout of its scratch and its topology-specific passes. The scratch holds z and a of every layer
/// (<see cref="ActivationsLength"/> floats), then two buffers of <c>rows × WidestLayer</c> floats, rows0 and rows1, whose
/// rows are derivatives over a layer's neurons. Implemented by generated code (hidden from IntelliSense); not meant to be
/// implemented by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IInputDerivativeKernels : ISampleKernels
{
    /// <summary>The floats of z and a of every layer at the start of the scratch; rows0 starts here.</summary>
    static abstract int ActivationsLength { get; }

    /// <summary>The number of neurons of the widest layer: the width of a row of rows0 and rows1.</summary>
    static abstract int WidestLayer { get; }

    /// <summary>The forward pass, keeping z and a of every layer in <paramref name="scratch"/>. Arguments are already checked.</summary>
    static abstract void ForwardKeepingActivations(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> scratch);

    /// <summary>Multiplies each of the first <paramref name="rows"/> rows of rows0 (width <c>OutputSize</c>) by the output activation's Jacobian <c>J_f(z_L)</c>.</summary>
    static abstract void MultiplyByOutputJacobian(Span<float> scratch, int rows);

    /// <summary>BP1: writes <c>δ_L = ∂J_x/∂z_L</c> into the first row of rows0 and returns <c>J_x</c>.</summary>
    static abstract float OutputDelta(ReadOnlySpan<float> target, Span<float> scratch);

    /// <summary>BP2 for <paramref name="rows"/> rows at once, from the rows <c>∂(·)/∂z_L</c> in rows0 down to the input: writes <c>[rows, InputSize]</c> into <paramref name="result"/>.</summary>
    static abstract void BackwardToInput(ReadOnlySpan<float> parameters, Span<float> scratch, int rows, Span<float> result);

    /// <summary>The forward-mode Jacobian with <paramref name="rows"/> = <c>InputSize</c> rows: the sensitivities <c>T_l</c> from the input to the output, transposed into <paramref name="jacobian"/> (<c>[OutputSize, InputSize]</c>).</summary>
    static abstract void ForwardJacobian(ReadOnlySpan<float> parameters, Span<float> scratch, int rows, Span<float> jacobian);
}
