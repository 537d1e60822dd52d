using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetCompiler.Generator.Model;

/// <summary>
/// The public members the generator adds to a network class, by name and, for methods and constructors, by parameter
/// types: the user's part of the class may not declare a member that would clash with one of them. The README's list of
/// reserved names and a test keep to this list.
/// </summary>
internal static class GeneratedMembers
{
    private const string ReadOnlySpan = "System.ReadOnlySpan<float>";
    private const string Span = "System.Span<float>";
    private const string DropoutMask = "NetCompiler.DropoutMask";

    /// <summary>The constants, properties and methods the generator adds to every network, by name.</summary>
    public static readonly string[] Names =
    [
        "InputSize", "OutputSize", "LayerCount", "ParameterCount", "Description", "Parameters",
        "Forward", "AccumulateGradient", "ComputeLoss", "TrainStep",
        "ForwardBatch", "TrainStepBatch", "AccumulateGradientBatch",
        "ForwardBatchParallel", "TrainStepBatchParallel", "TrainStepBatchDataParallel",
        "InputGradient", "InputGradientBatch", "Jacobian", "LossInputGradient", "LossInputGradientBatch",
    ];

    /// <summary>The members added to a network with baked-in weights (<c>[Network(Weights = "...")]</c>).</summary>
    public static readonly string[] PretrainedNames = ["PretrainedParameters", "CreatePretrained"];

    /// <summary>The per-layer constants, <c>{n}</c> standing for the layer number.</summary>
    public static readonly string[] LayerPatterns =
    [
        "Layer{n}Size", "Layer{n}InputSize", "Layer{n}WeightOffset", "Layer{n}WeightCount", "Layer{n}BiasOffset",
    ];

    /// <summary>The parameter types of each generated method and of the constructors (<c>.ctor</c>); a user overload with other types does not clash.</summary>
    public static readonly IReadOnlyDictionary<string, string[][]> MethodSignatures = new Dictionary<string, string[][]>
    {
        [".ctor"] = [["int"], [ReadOnlySpan]],
        ["Forward"] = [[ReadOnlySpan, Span], [ReadOnlySpan, ReadOnlySpan, Span]],
        ["AccumulateGradient"] = [[ReadOnlySpan, ReadOnlySpan, Span], [ReadOnlySpan, ReadOnlySpan, ReadOnlySpan, Span]],
        ["ComputeLoss"] = [[ReadOnlySpan, ReadOnlySpan], [ReadOnlySpan, ReadOnlySpan, ReadOnlySpan]],
        ["TrainStep"] = [[ReadOnlySpan, ReadOnlySpan, "float"], [Span, Span, ReadOnlySpan, ReadOnlySpan, "float"]],
        ["ForwardBatch"] = [[ReadOnlySpan, ReadOnlySpan, Span]],
        ["TrainStepBatch"] = [[Span, ReadOnlySpan, ReadOnlySpan, "float"]],
        ["AccumulateGradientBatch"] = [[ReadOnlySpan, ReadOnlySpan, ReadOnlySpan, Span]],
        ["ForwardBatchParallel"] = [[ReadOnlySpan, ReadOnlySpan, Span]],
        ["TrainStepBatchParallel"] = [[Span, ReadOnlySpan, ReadOnlySpan, "float"]],
        ["TrainStepBatchDataParallel"] = [[Span, ReadOnlySpan, ReadOnlySpan, "float"]],
        ["InputGradient"] = [[ReadOnlySpan, ReadOnlySpan, Span], [ReadOnlySpan, ReadOnlySpan, ReadOnlySpan, Span]],
        ["InputGradientBatch"] = [[ReadOnlySpan, ReadOnlySpan, ReadOnlySpan, Span]],
        ["Jacobian"] = [[ReadOnlySpan, Span], [ReadOnlySpan, ReadOnlySpan, Span], [ReadOnlySpan, ReadOnlySpan, Span, "NetCompiler.JacobianMode"]],
        ["LossInputGradient"] = [[ReadOnlySpan, ReadOnlySpan, Span], [ReadOnlySpan, ReadOnlySpan, ReadOnlySpan, Span]],
        ["LossInputGradientBatch"] = [[ReadOnlySpan, ReadOnlySpan, ReadOnlySpan, Span]],
        ["CreatePretrained"] = [[]],
    };

    /// <summary>The methods added to a network with a <c>[Dropout]</c>: the gradient overloads that take the dropout mask the Trainer draws.</summary>
    public static readonly IReadOnlyDictionary<string, string[][]> DropoutMethodSignatures = new Dictionary<string, string[][]>
    {
        ["AccumulateGradient"] = [[ReadOnlySpan, ReadOnlySpan, ReadOnlySpan, Span, DropoutMask]],
        ["AccumulateGradientBatch"] = [[ReadOnlySpan, ReadOnlySpan, ReadOnlySpan, Span, DropoutMask]],
    };

    /// <summary>
    /// The parameter types of the generated overloads of <paramref name="name"/>, with the dropout ones when the network
    /// has a <c>[Dropout]</c>, for a network of element type <paramref name="element"/> (<c>float</c> or <c>double</c>: the
    /// lists above are written for float); null for a name that is not a generated method.
    /// </summary>
    public static IEnumerable<string[]>? SignaturesOf(string name, bool hasDropout, string element)
    {
        bool generated = MethodSignatures.TryGetValue(name, out var signatures);
        IEnumerable<string[]>? all = hasDropout && DropoutMethodSignatures.TryGetValue(name, out var dropout)
            ? generated ? signatures.Concat(dropout) : dropout
            : generated ? signatures : null;
        return element == "float" || all is null
            ? all
            : all.Select(signature => signature.Select(type => type == "float" ? element : type.Replace("<float>", $"<{element}>")).ToArray());
    }

    /// <summary>Every member name the generator adds to a network of <paramref name="layers"/> layers.</summary>
    public static HashSet<string> NamesFor(int layers, bool pretrained)
    {
        var names = new HashSet<string>(Names, System.StringComparer.Ordinal);
        if (pretrained)
        {
            names.UnionWith(PretrainedNames);
        }

        for (int layer = 1; layer <= layers; layer++)
        {
            string n = layer.ToString(CultureInfo.InvariantCulture);
            names.UnionWith(LayerPatterns.Select(pattern => pattern.Replace("{n}", n)));
        }

        return names;
    }
}
