namespace NetCompiler;

/// <summary>
/// The loss a network is trained to minimise, always the mean over the samples of a batch.
/// The numeric values are part of the saved-model format; never renumber them.
/// </summary>
public enum Loss
{
    /// <summary>
    /// <c>J = 1/(2N) Σ_x ‖a(x) - t(x)‖²</c> (Wichmann, "General feed forward neural networks", eq. 2.16).
    /// Output delta <c>δ = (a - t) ⊙ f'(z) / N</c>.
    /// </summary>
    MeanSquaredError = 0,

    /// <summary>
    /// With a Softmax output: <c>J = -1/N Σ_x Σ_k t_k ln a_k</c> (the anonymous notes "Backpropagation", eq. 2.1;
    /// see docs/papers.md).
    /// With a Sigmoid output: binary cross-entropy per output,
    /// <c>J = -1/N Σ_x Σ_k [t_k ln a_k + (1 - t_k) ln(1 - a_k)]</c>.
    /// Both use the fused output delta <c>δ = (a - t) / N</c> and are computed from the logits, so they
    /// stay finite for any finite logits.
    /// </summary>
    CrossEntropy = 1,
}
