namespace NetCompiler;

/// <summary>
/// The activation function <c>f</c> of a dense layer: <c>a = f(z)</c>.
/// The numeric values are part of the saved-model format; never renumber them.
/// </summary>
public enum Activation
{
    /// <summary><c>f(z) = z</c>.</summary>
    Identity = 0,

    /// <summary><c>f(z) = 1 / (1 + e^-z)</c>; <c>f' = a (1 - a)</c>.</summary>
    Sigmoid = 1,

    /// <summary><c>f(z) = tanh z</c>; <c>f' = 1 - a²</c>.</summary>
    Tanh = 2,

    /// <summary><c>f(z) = max(0, z)</c>; <c>f' = 1</c> for <c>z &gt; 0</c>, else 0.</summary>
    ReLU = 3,

    /// <summary>
    /// <c>a_i = e^(z_i) / Σ_j e^(z_j)</c>, computed max-subtracted. Output layer only.
    /// </summary>
    Softmax = 4,

    /// <summary><c>f(z) = z</c> for <c>z &gt; 0</c>, else <c>0.01 z</c>.</summary>
    LeakyReLU = 5,

    /// <summary><c>f(z) = z</c> for <c>z &gt; 0</c>, else <c>e^z - 1</c> (α = 1).</summary>
    ELU = 6,

    /// <summary><c>f(z) = ln(1 + e^z)</c>; <c>f' = sigmoid(z)</c>.</summary>
    Softplus = 7,

    /// <summary><c>f(z) = z · sigmoid(z)</c> (also called swish).</summary>
    SiLU = 8,

    /// <summary>
    /// GELU in its tanh form: <c>0.5 z (1 + tanh(√(2/π) (z + 0.044715 z³)))</c>, with the exact
    /// derivative of that formula.
    /// </summary>
    GELU = 9,
}
