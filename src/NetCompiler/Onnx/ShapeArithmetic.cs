using System.Globalization;

namespace NetCompiler.Onnx;

/// <summary>
/// One element of a shape the graph computes: a number, the batch (axis 0 of the graph input, however large), or
/// unknown (a symbolic dimension other than the batch).
/// </summary>
internal readonly record struct ShapeTerm(long? Value, bool IsBatch)
{
    public static ShapeTerm Batch => new(null, true);

    public static ShapeTerm Unknown => new(null, false);

    public static ShapeTerm Of(long value) => new(value, false);

    public override string ToString() => IsBatch ? "batch" : Value?.ToString(CultureInfo.InvariantCulture) ?? "?";
}

/// <summary>
/// Evaluates the integer sub-graphs exporters write to compute a <c>Reshape</c>'s target shape at run time, such as
/// <c>x.view(x.size(0), -1)</c>: <c>Shape → Gather → Unsqueeze → Concat</c> (TorchScript) or <c>Shape(start, end) →
/// Concat</c> (dynamo), with <c>Constant</c> nodes, initializers, <c>Squeeze</c>, <c>Slice</c>, <c>Cast</c>,
/// <c>Identity</c> and <c>Reshape</c> of such vectors. Values are scalars or vectors of <see cref="ShapeTerm"/>s; a
/// sub-graph it cannot follow evaluates to null, never to a guess.
/// </summary>
internal sealed class ShapeArithmetic(
    Func<string, OnnxNode?> producerOf,
    Func<string, OnnxTensor?> constantOf,
    Func<string, ShapeTerm[]?> shapeOf,
    long opset)
{
    /// <summary>How many nodes deep an evaluation may go; exporters use four or five.</summary>
    private const int MaxDepth = 32;

    /// <summary>The most terms a value may have (a shape has a handful), so a hostile graph of Concats cannot grow one without bound.</summary>
    private const int MaxTerms = 64;

    private static readonly HashSet<string> Operators = ["Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast", "Identity", "Reshape"];

    /// <summary>Whether <paramref name="node"/> is an operator of shape arithmetic (a <c>Reshape</c> only when it reshapes an integer vector).</summary>
    public static bool IsShapeOperator(OnnxNode node) => node.IsDefaultDomain && Operators.Contains(node.OpType);

    /// <summary>The value of <paramref name="tensor"/> as a vector of terms (a scalar as one term), or null when it cannot be followed.</summary>
    public ShapeTerm[]? EvaluateVector(string tensor) => Evaluate(tensor, 0, [])?.Terms;

    /// <summary>The value of <paramref name="tensor"/>; each tensor is evaluated once per call (<paramref name="known"/>), so shared inputs cost nothing twice.</summary>
    private Value? Evaluate(string tensor, int depth, Dictionary<string, Value?> known)
    {
        if (!known.TryGetValue(tensor, out var value))
        {
            value = Compute(tensor, depth, known);
            known[tensor] = value is { Terms.Length: > MaxTerms } ? null : value;
        }

        return known[tensor];
    }

    private Value? Compute(string tensor, int depth, Dictionary<string, Value?> known)
    {
        if (constantOf(tensor) is { } constant)
        {
            return constant.TryGetIntegers() is { } integers
                ? new Value([.. integers.Select(ShapeTerm.Of)], IsScalar: constant.Dims.Count == 0)
                : null;
        }

        if (depth > MaxDepth || producerOf(tensor) is not { } node || !IsShapeOperator(node))
        {
            return null;
        }

        Value? Input(int index) => index < node.Inputs.Count && node.Inputs[index].Length > 0 ? Evaluate(node.Inputs[index], depth + 1, known) : null;

        return node.OpType switch
        {
            "Shape" => ShapeOf(node),
            "Gather" => Gather(node, Input(0), Input(1)),
            "Unsqueeze" => Input(0) is { IsScalar: true } scalar && Axes(node, Input(1)) is [0 or -1] ? scalar with { IsScalar = false } : null,
            "Squeeze" => Input(0) is { IsScalar: false, Terms.Length: 1 } vector && Axes(node, Input(1)) is null or [0 or -1] ? vector with { IsScalar = true } : null,
            "Concat" => node.GetInt("axis", 0) is 0 or -1 && node.Inputs.Select((_, i) => Input(i)).ToList() is var parts && parts.All(p => p is { IsScalar: false })
                ? new Value([.. parts.SelectMany(p => p!.Terms)], IsScalar: false)
                : null,
            "Slice" => Slice(node, Input(0), Input(1), Input(2), Input(3), Input(4)),
            "Cast" => node.GetInt("to", 0) is (long)OnnxDataType.Int64 or (long)OnnxDataType.Int32 ? Input(0) : null,
            "Identity" => Input(0),
            "Reshape" => Input(0) is { Terms.Length: 1 } single && Input(1)?.Terms is [{ Value: -1 or 1 }] ? single with { IsScalar = false } : null,
            _ => null,
        };
    }

    private Value? ShapeOf(OnnxNode node)
    {
        if (node.Inputs.Count == 0 || shapeOf(node.Inputs[0]) is not { } shape)
        {
            return null;
        }

        // Opset 15 added start and end (negative counts from the end; both clamped to the rank).
        return Range(shape, node.GetInt("start", 0), node.GetInt("end", shape.Length));
    }

    private static Value? Gather(OnnxNode node, Value? data, Value? indices)
    {
        if (node.GetInt("axis", 0) != 0 || data is not { IsScalar: false } vector || indices is null)
        {
            return null;
        }

        var picked = new List<ShapeTerm>();
        foreach (var index in indices.Terms)
        {
            long at = index.Value is long i && i < 0 ? i + vector.Terms.Length : index.Value ?? -1;
            if (at < 0 || at >= vector.Terms.Length)
            {
                return null;
            }

            picked.Add(vector.Terms[(int)at]);
        }

        return new Value([.. picked], indices.IsScalar);
    }

    private Value? Slice(OnnxNode node, Value? data, Value? starts, Value? ends, Value? axes, Value? steps)
    {
        if (data is not { IsScalar: false } vector)
        {
            return null;
        }

        // Before opset 10 the bounds are attributes.
        long? start = opset < 10 ? Single(node.FindAttribute("starts")?.Ints) : Single(starts?.Terms);
        long? end = opset < 10 ? Single(node.FindAttribute("ends")?.Ints) : Single(ends?.Terms);
        long? axis = opset < 10 ? Single(node.FindAttribute("axes")?.Ints) ?? 0 : axes is null ? 0 : Single(axes.Terms);
        long? step = steps is null ? 1 : Single(steps.Terms);
        if (start is not long s || end is not long e || axis is not (0 or -1) || step != 1)
        {
            return null;
        }

        return Range(vector.Terms, s, e);
    }

    /// <summary>The terms from <paramref name="start"/> to <paramref name="end"/> (exclusive; negative counts from the end; both clamped), as a vector.</summary>
    private static Value Range(ShapeTerm[] terms, long start, long end)
    {
        int Clamp(long index) => (int)Math.Min(Math.Max(index < 0 ? index + terms.Length : index, 0), terms.Length);
        int from = Clamp(start), to = Clamp(end);
        return new Value([.. terms.Skip(from).Take(Math.Max(0, to - from))], IsScalar: false);
    }

    /// <summary>The axes of an Unsqueeze or Squeeze: an input from opset 13 on, an attribute before; null when there are none.</summary>
    private long[]? Axes(OnnxNode node, Value? input) =>
        opset >= 13
            ? input?.Terms.Select(t => t.Value ?? long.MinValue).ToArray()
            : node.FindAttribute("axes")?.Ints.ToArray();

    private static long? Single(IEnumerable<long>? values) => values?.ToList() is [long value] ? value : null;

    private static long? Single(ShapeTerm[]? terms) => terms is [{ Value: long value }] ? value : null;

    /// <summary>A scalar (one term) or a vector of terms.</summary>
    private sealed record Value(ShapeTerm[] Terms, bool IsScalar);
}
