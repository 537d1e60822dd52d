namespace NetCompiler;

/// <summary>
/// Inverted dropout (Srivastava et al., "Dropout: a simple way to prevent neural networks from overfitting") on the
/// output of the <c>[Dense]</c> declared just before it: while training, each of that layer's activations is set to 0
/// with probability <see cref="Rate"/> and the others are scaled by <c>1 / (1 − rate)</c>, with a mask drawn from the
/// trainer's seed, the step and the sample (<see cref="DropoutMask"/>), so the same seed trains the same weights.
/// <c>Forward</c> and the loss are the identity: the scaling during training keeps the expected activation equal.
/// </summary>
/// <example>
/// <code>
/// [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
/// [Dense(16, Activation.ReLU)]
/// [Dropout(0.2)]
/// [Dense(3, Activation.Softmax)]
/// public partial class IrisNet;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : Attribute
{
    /// <summary>Drops each activation of the preceding layer with probability <paramref name="rate"/>, in (0, 1).</summary>
    public DropoutAttribute(double rate) => Rate = rate;

    /// <summary>The probability that an activation is dropped during a training step.</summary>
    public double Rate { get; }
}
