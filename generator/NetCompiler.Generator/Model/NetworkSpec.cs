namespace NetCompiler.Generator.Model;

/// <summary>One dense layer as declared: its size, its activation, and the rate of the <c>[Dropout]</c> after it (0: none).</summary>
internal readonly record struct LayerSpec(int Size, ActivationKind Activation, float Dropout = 0f);

/// <summary>A type that contains the network class, written as <c>partial {Keyword} {Name}</c> (Name escaped as an identifier).</summary>
internal readonly record struct ContainingTypeSpec(string Keyword, string Name);

/// <summary>
/// Everything the emitter needs to know about one declared network, as plain values only (no symbols
/// or syntax), so the incremental pipeline can cache it and compare it cheaply.
/// <see cref="Weights"/> is set once the weights file named by <c>[Network(Weights = "...")]</c> has been read
/// and checked against the topology; it is null for a network without one.
/// </summary>
internal sealed record NetworkSpec(
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string ClassName,
    string DisplayName,
    int InputSize,
    LossKind Loss,
    EquatableArray<LayerSpec> Layers,
    BakedWeights? Weights = null,
    PrecisionKind Precision = PrecisionKind.Single)
{
    /// <summary>The C# keyword of the element type: <c>float</c> or <c>double</c>.</summary>
    public string Element => Precision == PrecisionKind.Double ? "double" : "float";

    /// <summary>The fully qualified name with <c>global::</c>, e.g. <c>global::Samples.IrisNet</c>.</summary>
    public string FullyQualifiedName =>
        "global::" + (Namespace is null ? string.Empty : Namespace + ".") + string.Join(".", ContainingTypeNames());

    /// <summary>The hint name of the generated file, unique per type: <c>Samples.Outer.IrisNet.g.cs</c>.</summary>
    public string HintName =>
        ((Namespace is null ? string.Empty : Namespace + ".") + string.Join(".", ContainingTypeNames()) + ".g.cs").Replace("@", string.Empty);

    private System.Collections.Generic.IEnumerable<string> ContainingTypeNames()
    {
        foreach (var type in ContainingTypes)
        {
            yield return type.Name;
        }

        yield return ClassName;
    }
}
