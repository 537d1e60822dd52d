using System.Collections.Immutable;

namespace NetCompiler;

/// <summary>One dense layer of a <see cref="NetworkDescription"/>.</summary>
/// <param name="InputSize">The size of the layer's input (the previous layer's size, or the network's inputs).</param>
/// <param name="Size">The number of neurons.</param>
/// <param name="Activation">The activation function.</param>
/// <param name="WeightOffset">Where the weights <c>W[Size, InputSize]</c> (row-major) start in the parameter buffer.</param>
/// <param name="BiasOffset">Where the biases <c>b[Size]</c> start in the parameter buffer.</param>
public sealed record LayerDescription(int InputSize, int Size, Activation Activation, int WeightOffset, int BiasOffset)
{
    /// <summary>The number of weights, <c>Size × InputSize</c>.</summary>
    public int WeightCount => Size * InputSize;

    /// <summary>The number of parameters of this layer: weights then biases.</summary>
    public int ParameterCount => WeightCount + Size;

    /// <summary>
    /// The rate of the <c>[Dropout]</c> declared right after this layer, in (0, 1): during training each of this
    /// layer's outputs is zeroed with that probability and the others scaled by <c>1 / (1 − rate)</c>. 0 (default): none.
    /// </summary>
    public float Dropout { get; init; }
}

/// <summary>
/// The topology of a generated network: its input size, its layers and its loss, with the layout of
/// the flat parameter buffer (for each layer, its weights <c>[out, in]</c> row-major, then its biases).
/// </summary>
public sealed class NetworkDescription : IEquatable<NetworkDescription>
{
    /// <summary>Describes a network; computes the parameter layout from the sizes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputSize"/> or a layer's size is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="layers"/> is empty, or the layers hold more than <see cref="int.MaxValue"/> parameters.</exception>
    public NetworkDescription(string name, int inputSize, Loss loss, params ReadOnlySpan<(int Size, Activation Activation)> layers)
        : this(name, inputSize, loss, WithoutDropout(layers))
    {
    }

    /// <summary>Describes a network whose layers may be followed by dropout (<see cref="LayerDescription.Dropout"/>, 0 for none).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inputSize"/> or a layer's size is not positive, or a dropout rate is outside [0, 1).</exception>
    /// <exception cref="ArgumentException"><paramref name="layers"/> is empty, the output layer has dropout, or the layers hold more than <see cref="int.MaxValue"/> parameters.</exception>
    public NetworkDescription(string name, int inputSize, Loss loss, params ReadOnlySpan<(int Size, Activation Activation, float Dropout)> layers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        if (layers.IsEmpty)
        {
            throw new ArgumentException("A network needs at least one layer.", nameof(layers));
        }

        var builder = ImmutableArray.CreateBuilder<LayerDescription>(layers.Length);
        int offset = 0;
        int previousSize = inputSize;
        for (int i = 0; i < layers.Length; i++)
        {
            var (size, activation, dropout) = layers[i];
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size, nameof(layers));
            if (!(dropout >= 0f && dropout < 1f))
            {
                throw new ArgumentOutOfRangeException(nameof(layers), dropout, $"Layer {i + 1}'s dropout rate must be in [0, 1).");
            }

            if (dropout != 0f && i == layers.Length - 1)
            {
                throw new ArgumentException("The output layer cannot be followed by dropout.", nameof(layers));
            }

            // In 64 bits: each term is below 2^62 and offset is at most int.MaxValue, so nothing here can wrap.
            long weightCount = (long)size * previousSize;
            long end = offset + weightCount + size;
            if (end > int.MaxValue)
            {
                throw new ArgumentException(
                    $"Layers 1 to {i + 1} hold {end} parameters (layer {i + 1} is {previousSize} → {size}); a network holds at most {int.MaxValue}.",
                    nameof(layers));
            }

            builder.Add(new LayerDescription(previousSize, size, activation, offset, offset + (int)weightCount) { Dropout = dropout });
            offset = (int)end;
            previousSize = size;
        }

        Name = name;
        InputSize = inputSize;
        Loss = loss;
        Layers = builder.MoveToImmutable();
        ParameterCount = offset;
    }

    private static (int Size, Activation Activation, float Dropout)[] WithoutDropout(ReadOnlySpan<(int Size, Activation Activation)> layers)
    {
        var withDropout = new (int Size, Activation Activation, float Dropout)[layers.Length];
        for (int i = 0; i < layers.Length; i++)
        {
            withDropout[i] = (layers[i].Size, layers[i].Activation, 0f);
        }

        return withDropout;
    }

    /// <summary>The name of the declaring class.</summary>
    public string Name { get; }

    /// <summary>The number of inputs of one sample.</summary>
    public int InputSize { get; }

    /// <summary>The number of outputs of one sample (the last layer's size).</summary>
    public int OutputSize => Layers[^1].Size;

    /// <summary>The loss minimised by training.</summary>
    public Loss Loss { get; }

    /// <summary>The dense layers, input side first.</summary>
    public ImmutableArray<LayerDescription> Layers { get; }

    /// <summary>The total number of weights and biases.</summary>
    public int ParameterCount { get; }

    /// <summary>The activation of the output layer.</summary>
    public Activation OutputActivation => Layers[^1].Activation;

    /// <summary>
    /// A Keras-style table of the layers: each layer's output size, parameters and forward FLOPs per sample
    /// (2 per weight), then the totals. Invariant culture; lines end with <c>\n</c>.
    /// </summary>
    public string Summary() => NetworkSummary.Format(this);

    /// <summary>A one-line summary, e.g. <c>4 → 16 Tanh dropout 0.2 → 3 Softmax, CrossEntropy, 131 parameters</c>.</summary>
    public override string ToString() =>
        $"{InputSize} → {string.Join(" → ", Layers.Select(l => l.Dropout > 0f ? $"{l.Size} {l.Activation} dropout {l.Dropout.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : $"{l.Size} {l.Activation}"))}, {Loss}, {ParameterCount} parameters";

    /// <summary>True when both describe the same topology and loss (the name is not compared).</summary>
    public bool Equals(NetworkDescription? other) =>
        other is not null && InputSize == other.InputSize && Loss == other.Loss && Layers.SequenceEqual(other.Layers);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as NetworkDescription);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(InputSize);
        hash.Add(Loss);
        foreach (var layer in Layers)
        {
            hash.Add(layer);
        }

        return hash.ToHashCode();
    }
}
