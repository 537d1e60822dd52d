using NetCompiler.Kernels;

namespace NetCompiler;

/// <summary>How a layer's weights are drawn at initialisation, by its activation.</summary>
internal enum WeightInitialization
{
    /// <summary>Glorot/Xavier: uniform in <c>±√(6 / (fan_in + fan_out))</c>, for activations near-linear around 0.</summary>
    Glorot,

    /// <summary>He: uniform in <c>±√(6 / fan_in)</c>, for the ReLU family, which zeroes about half of its inputs.</summary>
    He,
}

/// <summary>
/// Everything that depends on which activation a layer has, in one place: its formula (for generated comments), its
/// reference value in double precision (the ONNX importer compares sub-graphs with it), its weight initialisation,
/// the ONNX operator the exporter writes for it, the names of its vectorised kernels in <c>ActivationKernels</c>,
/// whether the in-register forward pass has it, and whether it is an output-layer activation only. The runtime and
/// the source generator compile this same file.
/// </summary>
/// <param name="Kind">The activation.</param>
/// <param name="Equation">The formula with <c>{a}</c> and <c>{z}</c> for the two sides.</param>
/// <param name="Reference">The formula in double precision with the runtime's float constants (NaN for Softmax, which is not element-wise).</param>
/// <param name="Initialization">How the weights of a layer with this activation are drawn.</param>
/// <param name="OnnxOperator">The single ONNX operator the exporter writes, or null when it writes none (Identity) or a sub-graph (SiLU, GELU).</param>
/// <param name="InRegisters">Whether <c>VectorMath</c> has a form of it for one <c>Vector512</c> (the in-register forward pass).</param>
/// <param name="OutputOnly">Whether only an output layer may have it (Softmax, which is not element-wise).</param>
internal sealed record ActivationDefinition(
    Activation Kind,
    string Equation,
    Func<double, double> Reference,
    WeightInitialization Initialization,
    string? OnnxOperator,
    bool InRegisters,
    bool OutputOnly)
{
    /// <summary>Whether every value it produces lies in [-1, 1] (σ, tanh, softmax), so a bound needs no scan of its outputs.</summary>
    public bool BoundedByOne => Kind is Activation.Sigmoid or Activation.Tanh or Activation.Softmax;

    /// <summary>The name of its kernel <c>ActivationKernels.{Kernel}(z, a)</c>.</summary>
    public string Kernel => Kind.ToString();

    /// <summary>The name of its derivative kernel <c>ActivationKernels.{DerivativeKernel}(z, a, delta)</c>: <c>delta ⊙= f'(z)</c>.</summary>
    public string DerivativeKernel => "MultiplyBy" + Kind.ToString() + "Derivative";

    /// <summary>The formula for <paramref name="a"/> and <paramref name="z"/>, e.g. <c>a1 = tanh(z1)</c>.</summary>
    public string EquationFor(string a, string z) => Equation.Replace("{a}", a).Replace("{z}", z);
}

/// <summary>The definitions of the activations, one each (<see cref="ActivationDefinition"/>).</summary>
internal static class ActivationCatalog
{
    /// <summary>Every activation, in the order of the enum's values.</summary>
    public static readonly IReadOnlyList<ActivationDefinition> All =
    [
        new(Activation.Identity, "{a} = {z}", z => z, WeightInitialization.Glorot, null, InRegisters: true, OutputOnly: false),
        new(Activation.Sigmoid, "{a} = σ({z}) = 1 / (1 + e^-{z})", Sigmoid, WeightInitialization.Glorot, "Sigmoid", InRegisters: true, OutputOnly: false),
        new(Activation.Tanh, "{a} = tanh({z})", Math.Tanh, WeightInitialization.Glorot, "Tanh", InRegisters: true, OutputOnly: false),
        new(Activation.ReLU, "{a} = max(0, {z})", z => Math.Max(z, 0), WeightInitialization.He, "Relu", InRegisters: true, OutputOnly: false),
        new(Activation.Softmax, "{a} = softmax({z}) = e^{z} / Σ e^{z} (max-subtracted)", _ => double.NaN, WeightInitialization.Glorot, "Softmax", InRegisters: true, OutputOnly: true),
        new(Activation.LeakyReLU, "{a} = {z} > 0 ? {z} : 0.01 {z}", z => z > 0 ? z : Activations.LeakyReLUSlope * z, WeightInitialization.He, "LeakyRelu", InRegisters: true, OutputOnly: false),
        new(Activation.ELU, "{a} = {z} > 0 ? {z} : e^{z} - 1", z => z > 0 ? z : Math.Exp(z) - 1, WeightInitialization.He, "Elu", InRegisters: false, OutputOnly: false),
        new(Activation.Softplus, "{a} = ln(1 + e^{z})", Softplus, WeightInitialization.Glorot, "Softplus", InRegisters: false, OutputOnly: false),
        new(Activation.SiLU, "{a} = {z} σ({z})", z => z * Sigmoid(z), WeightInitialization.He, null, InRegisters: false, OutputOnly: false),
        new(Activation.GELU, "{a} = GELU({z}) (tanh form)", z => 0.5 * z * (1 + Math.Tanh(Activations.GeluScale * (z + (Activations.GeluCubic * z * z * z)))), WeightInitialization.He, null, InRegisters: false, OutputOnly: false),
    ];

    /// <summary>The definition of <paramref name="activation"/>, or null for a value that is not a member of the enum.</summary>
    public static ActivationDefinition? Find(Activation activation) =>
        (uint)activation < (uint)All.Count ? All[(int)activation] : null;

    /// <summary>The definition of <paramref name="activation"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="activation"/> is not a member of the enum.</exception>
    public static ActivationDefinition Of(Activation activation) =>
        Find(activation) ?? throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an activation NetCompiler defines.");

    private static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    private static double Softplus(double z) => z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z));
}
