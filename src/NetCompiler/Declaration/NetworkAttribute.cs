namespace NetCompiler;

/// <summary>
/// Declares a fully connected network on a <c>partial</c> class. The layers are the
/// <see cref="DenseAttribute"/>s on the same class, in the order they are written.
/// At build time the NetCompiler source generator emits forward propagation,
/// backpropagation and training code specialised to exactly this topology.
/// </summary>
/// <example>
/// <code>
/// [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
/// [Dense(16, Activation.Tanh)]
/// [Dense(3, Activation.Softmax)]
/// public partial class IrisNet;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>The number of inputs of one sample (must be positive).</summary>
    public int Inputs { get; set; }

    /// <summary>The loss minimised by training. Defaults to <see cref="Loss.MeanSquaredError"/>.</summary>
    public Loss Loss { get; set; } = Loss.MeanSquaredError;
}
