namespace NetCompiler;

/// <summary>
/// One fully connected layer, <c>a = f(W a_prev + b)</c>. Write one attribute per layer, input side
/// first; the last one is the output layer.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>Declares a layer of <paramref name="size"/> neurons with the activation <paramref name="activation"/>.</summary>
    /// <param name="size">The number of neurons (must be positive).</param>
    /// <param name="activation">The activation function <c>f</c>.</param>
    public DenseAttribute(int size, Activation activation = Activation.Identity)
    {
        Size = size;
        Activation = activation;
    }

    /// <summary>The number of neurons.</summary>
    public int Size { get; }

    /// <summary>The activation function.</summary>
    public Activation Activation { get; }
}
