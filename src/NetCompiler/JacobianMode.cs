namespace NetCompiler;

/// <summary>
/// How a generated network computes its input Jacobian <c>∂a_L/∂x</c> (<c>[OutputSize, InputSize]</c>). Both give the
/// same matrix within float rounding; they differ in cost. The overload of <c>Jacobian</c> without a mode uses the one
/// the generator chose for the topology: forward when the network has no more inputs than outputs, else reverse.
/// </summary>
public enum JacobianMode
{
    /// <summary>
    /// Forward mode, the sensitivities of the Anonymous notes <i>Backpropagation</i> (§2.3, the <c>T</c> matrices):
    /// <c>T_1 = W_1</c>, <c>T_l = W_l diag(f_(l-1)'(z_(l-1))) T_(l-1)</c>, then <c>∂a_L/∂x = J_(f_L)(z_L) T_L</c>.
    /// One column per input, so its cost grows with <c>InputSize</c>.
    /// </summary>
    Forward,

    /// <summary>
    /// Reverse mode, BP2 carried through <c>W_1ᵀ</c> for every output at once: one row per output, so its cost grows
    /// with <c>OutputSize</c>. Row k is the input gradient of output k.
    /// </summary>
    Reverse,
}
