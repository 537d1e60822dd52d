using System.Globalization;
using NetCompiler.Kernels;

namespace NetCompiler.Onnx;

/// <summary>What the importer found between a dense layer's <c>z</c> and its output: the NetCompiler activation it computes, if any, and how to name it in messages.</summary>
/// <param name="Match">The NetCompiler activation the ONNX nodes compute, or null when they compute none of them.</param>
/// <param name="Description">The ONNX nodes, e.g. <c>Relu</c>, <c>LeakyRelu(alpha=0.02)</c>, <c>SiLU (Sigmoid, Mul)</c>, or <see cref="None"/>.</param>
internal sealed record OnnxActivation(Activation? Match, string Description)
{
    /// <summary>The description of an activation made of no nodes (or pass-through nodes only).</summary>
    public const string None = "none (identity)";
}

/// <summary>
/// An activation written as a sub-graph of element-wise ONNX nodes from one tensor <c>z</c> to one
/// tensor <c>a</c> (other operands are one-element constants). It may be a single node (<c>Relu</c>),
/// a pair (<c>Mul(z, Sigmoid(z))</c> for SiLU) or a formula (GELU's tanh form spelled with <c>Pow</c> or
/// <c>Mul</c>, <c>Add</c>, <c>Tanh</c>). The importer evaluates the sub-graph in double precision at probe
/// points spread over [-8, 8] and compares the values with each NetCompiler activation's formula,
/// so every spelling an exporter chooses is recognised, and a near miss (LeakyRelu with another
/// slope, the erf form of GELU) is not.
/// </summary>
internal static class ElementwiseActivation
{
    /// <summary>
    /// Operators that are the identity on a float <c>[batch, features]</c> tensor at inference (Flatten only with axis 1,
    /// Cast only to FLOAT, Dropout only outside training mode; the reader checks which).
    /// </summary>
    public static readonly HashSet<string> PassThrough = ["Identity", "Dropout", "Flatten", "Cast"];

    private static readonly HashSet<string> Unary =
        ["Identity", "Dropout", "Flatten", "Cast", "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Elu", "Softplus", "Gelu", "Erf", "Exp", "Log", "Sqrt", "Neg", "Abs", "Reciprocal"];

    private static readonly HashSet<string> Binary = ["Add", "Sub", "Mul", "Div", "Pow"];

    private static readonly double[] Probes = [-8, -4.5, -2.25, -1.3, -0.7, -0.31, -0.05, -1e-3, 0, 1e-3, 0.04, 0.27, 0.6, 1.1, 1.9, 3.4, 5.5, 8];

    /// <summary>The most operators or attributes a description lists; the rest are counted.</summary>
    private const int MaxListed = 8;

    /// <summary>Relative tolerance of the comparison at each probe (float constants evaluated in double agree to about 1e-7).</summary>
    private const double Tolerance = 1e-6;

    /// <summary>The NetCompiler activations that are element-wise (all but Softmax), in the order they are tried.</summary>
    private static readonly Activation[] Candidates = [.. ActivationCatalog.All.Where(a => !a.OutputOnly).Select(a => a.Kind)];

    public static bool IsUnary(string opType) => Unary.Contains(opType);

    public static bool IsBinary(string opType) => Binary.Contains(opType);

    /// <summary>
    /// Identifies the function <c>x ↦ value of <paramref name="output"/></c> computed by <paramref name="nodes"/>
    /// (in topological order) from <paramref name="input"/>; <paramref name="scalar"/> gives the value of a constant operand.
    /// </summary>
    public static OnnxActivation Identify(string input, string output, IReadOnlyList<OnnxNode> nodes, Func<string, double> scalar)
    {
        var significant = nodes.Where(n => !PassThrough.Contains(n.OpType)).ToList();
        if (significant.Count == 0)
        {
            return new OnnxActivation(Activation.Identity, OnnxActivation.None);
        }

        var values = Probes.Select(x => Evaluate(input, output, nodes, scalar, x)).ToArray();
        Activation? match = null;
        foreach (var candidate in Candidates)
        {
            if (Agrees(values, x => Reference(candidate, x)))
            {
                match = candidate;
                break;
            }
        }

        string operators = significant.Count <= MaxListed
            ? string.Join(", ", significant.Select(n => n.OpType))
            : $"{string.Join(", ", significant.Take(MaxListed).Select(n => n.OpType))} and {significant.Count - MaxListed} more";
        string description = significant.Count == 1
            ? Describe(significant[0])
            : match is { } matched
                ? $"{matched} ({operators})"
                : operators;
        if (match is null && Agrees(values, ExactGelu, 1e-5))
        {
            description += " (the erf form of GELU; NetCompiler's GELU is the tanh form)";
        }

        return new OnnxActivation(match, description);
    }

    /// <summary>A node as messages show it: its operator, with its attributes when it has any, e.g. <c>LeakyRelu(alpha=0.02)</c>.</summary>
    public static string Describe(OnnxNode node)
    {
        if (node.Attributes.Count == 0)
        {
            return node.OpType;
        }

        var attributes = node.Attributes.Take(MaxListed).Select(a => a.Type switch
        {
            OnnxAttributeType.Float => $"{a.Name}={a.F.ToString("R", CultureInfo.InvariantCulture)}",
            OnnxAttributeType.Int => $"{a.Name}={a.I.ToString(CultureInfo.InvariantCulture)}",
            OnnxAttributeType.String => $"{a.Name}={System.Text.Encoding.UTF8.GetString(a.S)}",
            OnnxAttributeType.Ints => $"{a.Name}=[{string.Join(", ", a.Ints.Take(MaxListed).Select(i => i.ToString(CultureInfo.InvariantCulture)))}{(a.Ints.Count > MaxListed ? ", ..." : string.Empty)}]",
            _ => a.Name,
        });
        string more = node.Attributes.Count > MaxListed ? $" and {node.Attributes.Count - MaxListed} more" : string.Empty;
        return $"{node.OpType}({string.Join(", ", attributes)}{more})";
    }

    private static bool Agrees(double[] values, Func<double, double> reference, double tolerance = Tolerance)
    {
        for (int i = 0; i < Probes.Length; i++)
        {
            double expected = reference(Probes[i]);
            if (!(Math.Abs(values[i] - expected) <= tolerance * Math.Max(1, Math.Abs(expected))))
            {
                return false;
            }
        }

        return true;
    }

    private static double Evaluate(string input, string output, IReadOnlyList<OnnxNode> nodes, Func<string, double> scalar, double x)
    {
        var values = new Dictionary<string, double> { [input] = x };
        double Operand(string name) => values.TryGetValue(name, out double value) ? value : scalar(name);

        foreach (var node in nodes)
        {
            double a = Operand(node.Inputs[0]);
            double result = node.OpType switch
            {
                "Identity" or "Dropout" or "Flatten" or "Cast" => a,
                "Relu" => Math.Max(a, 0),
                "Sigmoid" => ActivationCatalog.Of(Activation.Sigmoid).Reference(a),
                "Tanh" => Math.Tanh(a),
                "LeakyRelu" => a >= 0 ? a : node.GetFloat("alpha", 0.01f) * a,
                "Elu" => a >= 0 ? a : node.GetFloat("alpha", 1f) * (Math.Exp(a) - 1),
                "Softplus" => ActivationCatalog.Of(Activation.Softplus).Reference(a),
                "Gelu" => node.GetString("approximate", "none") == "tanh" ? 0.5 * a * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (a + (0.044715 * a * a * a)))) : ExactGelu(a),
                "Erf" => Erf(a),
                "Exp" => Math.Exp(a),
                "Log" => Math.Log(a),
                "Sqrt" => Math.Sqrt(a),
                "Neg" => -a,
                "Abs" => Math.Abs(a),
                "Reciprocal" => 1 / a,
                "Add" => a + Operand(node.Inputs[1]),
                "Sub" => a - Operand(node.Inputs[1]),
                "Mul" => a * Operand(node.Inputs[1]),
                "Div" => a / Operand(node.Inputs[1]),
                "Pow" => Math.Pow(a, Operand(node.Inputs[1])),
                _ => double.NaN,
            };
            values[node.Outputs[0]] = result;
        }

        return values.TryGetValue(output, out double y) ? y : double.NaN;
    }

    /// <summary>The NetCompiler formulas of <see cref="Activations"/>, in double precision with the same float constants.</summary>
    private static double Reference(Activation activation, double z) => ActivationCatalog.Find(activation)?.Reference(z) ?? double.NaN;

    private static double ExactGelu(double z) => 0.5 * z * (1 + Erf(z / Math.Sqrt(2)));

    /// <summary>erf by the Chebyshev fit of erfc in Numerical Recipes (fractional error below 1.2e-7), enough to tell the erf form of GELU apart.</summary>
    private static double Erf(double x)
    {
        ReadOnlySpan<double> coefficients = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
        double z = Math.Abs(x);
        double t = 1 / (1 + (0.5 * z));
        double polynomial = 0;
        for (int i = coefficients.Length - 1; i >= 0; i--)
        {
            polynomial = coefficients[i] + (t * polynomial);
        }

        double erfc = t * Math.Exp((-z * z) + polynomial);
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}
