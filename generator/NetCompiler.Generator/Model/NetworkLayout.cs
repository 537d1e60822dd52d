using System.Collections.Generic;
using System.Linq;

namespace NetCompiler.Generator.Model;

/// <summary>
/// One layer with everything the emitter derives from the declaration: its number (1-based, the input being
/// layer 0, as in Wichmann, "General feed forward neural networks"; see docs/papers.md), sizes, offsets in the
/// parameter buffer and the names used in generated code.
/// </summary>
internal sealed class LayerLayout
{
    /// <summary>
    /// Layers with at most this many weights have their matrix products written out term by term
    /// (no loops, constant indices); larger layers use loops over vector kernels.
    /// </summary>
    public const int UnrollThreshold = 64;

    public LayerLayout(int number, int inputSize, LayerSpec spec, int weightOffset)
    {
        Number = number;
        InputSize = inputSize;
        Size = spec.Size;
        Activation = spec.Activation;
        WeightOffset = weightOffset;
    }

    public int Number { get; }

    public int InputSize { get; }

    public int Size { get; }

    public ActivationKind Activation { get; }

    public int WeightOffset { get; }

    public int WeightCount => Size * InputSize;

    public int BiasOffset => WeightOffset + WeightCount;

    public int ParameterCount => WeightCount + Size;

    public bool Unrolled => WeightCount <= UnrollThreshold;

    /// <summary>The prefix of this layer's constants, e.g. <c>Layer2</c>.</summary>
    public string Prefix => "Layer" + Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string SizeConstant => Prefix + "Size";

    public string InputSizeConstant => Prefix + "InputSize";

    public string WeightOffsetConstant => Prefix + "WeightOffset";

    public string WeightCountConstant => Prefix + "WeightCount";

    public string BiasOffsetConstant => Prefix + "BiasOffset";

    /// <summary>Names of this layer's scratch spans: <c>z2</c>, <c>a2</c>, <c>delta2</c>.</summary>
    public string Z => "z" + Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string A => "a" + Number.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string Delta => "delta" + Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The layers of a network with offsets computed, and the derived totals.</summary>
internal sealed class NetworkLayout
{
    /// <summary>Kernels whose scratch fits in this many floats use <c>stackalloc</c>; larger ones rent from the pool.</summary>
    public const int StackallocLimit = 4096;

    public NetworkLayout(NetworkSpec spec)
    {
        Spec = spec;
        var layers = new List<LayerLayout>();
        int offset = 0;
        int previous = spec.InputSize;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = new LayerLayout(i + 1, previous, spec.Layers[i], offset);
            layers.Add(layer);
            offset += layer.ParameterCount;
            previous = layer.Size;
        }

        Layers = layers;
        ParameterCount = offset;
    }

    public NetworkSpec Spec { get; }

    public IReadOnlyList<LayerLayout> Layers { get; }

    public LayerLayout Output => Layers[Layers.Count - 1];

    public int ParameterCount { get; }

    /// <summary>Floats needed for z and a of every layer (the forward pass).</summary>
    public int ForwardScratchLength => 2 * Layers.Sum(l => l.Size);

    /// <summary>Floats needed for z, a and δ of every layer (the backward pass).</summary>
    public int BackpropagationScratchLength => 3 * Layers.Sum(l => l.Size);
}
