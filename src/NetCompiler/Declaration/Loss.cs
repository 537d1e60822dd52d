namespace NetCompiler;

/// <summary>
/// The loss a network is trained to minimise: always the mean <c>J = 1/N Σ_x J_x</c> of the samples' losses over a
/// batch of N. The generated backpropagation computes, per sample, the output delta <c>δ_L = ∂J_x/∂z_L</c> (BP1) and
/// the gradient of <c>J_x</c>; the training step divides their sum by N once.
/// The numeric values are part of the saved-model format; never renumber them.
/// </summary>
public enum Loss
{
    /// <summary>
    /// <c>J = 1/(2N) Σ_x ‖a(x) - t(x)‖²</c> (Wichmann, "General feed forward neural networks", eq. 2.16), so
    /// <c>J_x = ½ ‖a - t‖²</c>. Output delta <c>δ_L = (a - t) ⊙ f'(z)</c>: <c>a - t</c> for an Identity output, and
    /// through a Softmax output the softmax Jacobian applied to <c>a - t</c>.
    /// </summary>
    MeanSquaredError = 0,

    /// <summary>
    /// With a Softmax output: <c>J = -1/N Σ_x Σ_k t_k ln a_k</c> (the anonymous notes "Backpropagation", eq. 2.1;
    /// see docs/papers.md).
    /// With a Sigmoid output: binary cross-entropy per output,
    /// <c>J = -1/N Σ_x Σ_k [t_k ln a_k + (1 - t_k) ln(1 - a_k)]</c>.
    /// Both use the fused output delta <c>δ_L = a - t</c> and are computed from the logits, so they
    /// stay finite for any finite logits.
    /// </summary>
    CrossEntropy = 1,
}
