using System.Numerics;
using NetCompiler.Data;
using NetCompiler.Kernels;

namespace NetCompiler.Onnx;

/// <summary>
/// Writes a generated network as an ONNX model (IR version 8, opset 17) that ONNX Runtime and other
/// ONNX tools run: input <c>"input"</c> float <c>[batch, InputSize]</c>, output <c>"output"</c> float
/// <c>[batch, OutputSize]</c>, and per dense layer a <c>Gemm</c> node (<c>z = input · Wᵀ + b</c>, the weights
/// stored <c>[out, in]</c> exactly as NetCompiler keeps them, with <c>transB = 1</c>) followed by the
/// nodes of its activation. The model computes what <c>Forward</c> computes, with the same formulas:
/// <list type="bullet">
/// <item><c>Sigmoid</c>, <c>Tanh</c>, <c>Relu</c>, <c>Softplus</c>, <c>Elu(alpha = 1)</c>, <c>LeakyRelu(alpha = 0.01)</c>, <c>Softmax(axis = -1)</c>;</item>
/// <item>SiLU as <c>Mul(z, Sigmoid(z))</c>;</item>
/// <item>GELU (tanh form) as <c>Mul</c>/<c>Add</c>/<c>Tanh</c> nodes evaluating <c>0.5 z (1 + tanh(√(2/π) (z + 0.044715 z³)))</c>
/// in the order <see cref="Activations.GELU{T}(T)"/> does;</item>
/// <item>Identity as no node at all.</item>
/// </list>
/// With a <see cref="Standardizer"/>, the model starts with the preprocessing it stands for, <c>Sub(input, mean)</c> then
/// <c>Div(·, std)</c> (initializers <c>preprocess.mean</c> and <c>preprocess.std</c>, <c>[InputSize]</c>; a constant
/// feature, whose standard deviation is 0, is divided by 1 as <see cref="Standardizer.Transform(ReadOnlySpan{float}, Span{float})"/>
/// does), so it takes raw inputs: ONNX Runtime on raw inputs computes <c>Forward</c> of the standardised ones.
/// A double network (<c>[Network(Precision = Precision.Double)]</c>) is written with DOUBLE tensors throughout (input, output,
/// weights, constants), so ONNX Runtime computes it in double; only LeakyRelu's slope is an ONNX float attribute
/// (0.01f, where the network's kernels use 0.01).
/// </summary>
/// <example>
/// <code>
/// var net = new IrisNet(seed: 42);
/// OnnxExporter.Export(net, "iris.onnx");
/// </code>
/// </example>
public static class OnnxExporter
{
    /// <summary>The ONNX IR version of exported models.</summary>
    public const long IrVersion = 8;

    /// <summary>The version of the default ONNX operator set exported models import.</summary>
    public const long OpsetVersion = 17;

    /// <summary>The name of the model's input, float <c>[batch, InputSize]</c>.</summary>
    public const string InputName = "input";

    /// <summary>The name of the model's output, float <c>[batch, OutputSize]</c>.</summary>
    public const string OutputName = "output";

    /// <summary>The symbolic name of the batch dimension of the input and the output.</summary>
    public const string BatchDimension = "batch";

    /// <summary>Writes <paramref name="net"/> (its topology and current parameters) as an ONNX model to <paramref name="stream"/>.</summary>
    public static void Export<TNet>(TNet net, Stream stream)
        where TNet : class, INeuralNetwork<TNet> => Export<TNet, float>(net, stream, standardizer: null);

    /// <summary>Writes <paramref name="net"/> as an ONNX model to the file <paramref name="path"/> (created or overwritten).</summary>
    public static void Export<TNet>(TNet net, string path)
        where TNet : class, INeuralNetwork<TNet> => Export<TNet, float>(net, path, standardizer: null);

    /// <summary>
    /// Writes <paramref name="net"/> as an ONNX model to <paramref name="stream"/>, with the preprocessing of its inputs,
    /// <paramref name="standardizer"/>, as <c>Sub</c>/<c>Div</c> nodes before the first <c>Gemm</c> (none when null).
    /// </summary>
    /// <exception cref="ArgumentException">The standardiser's feature count is not the network's <c>InputSize</c>.</exception>
    public static void Export<TNet>(TNet net, Stream stream, Standardizer? standardizer)
        where TNet : class, INeuralNetwork<TNet> => Export<TNet, float>(net, stream, standardizer);

    /// <summary>
    /// Writes a network of any precision as an ONNX model to <paramref name="stream"/> (FLOAT tensors for a float network, DOUBLE
    /// for a double one), with the preprocessing of its inputs, <paramref name="standardizer"/>, when it is not null.
    /// </summary>
    /// <exception cref="ArgumentException">The standardiser's feature count is not the network's <c>InputSize</c>.</exception>
    public static void Export<TNet, T>(INeuralNetwork<TNet, T> net, Stream stream, Standardizer? standardizer = null)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(OnnxSerializer.Encode(BuildModel<T>(TNet.Description, net.Parameters, standardizer)));
    }

    /// <summary>
    /// Writes <paramref name="net"/> as an ONNX model to the file <paramref name="path"/> (created or overwritten), with the
    /// preprocessing of its inputs, <paramref name="standardizer"/>, as <c>Sub</c>/<c>Div</c> nodes before the first <c>Gemm</c>.
    /// </summary>
    /// <example>
    /// <code>
    /// var standardizer = Standardizer.Fit(train);
    /// // ... train on standardizer.Transform(train) ...
    /// OnnxExporter.Export(net, "iris.onnx", standardizer);  // the model takes raw measurements
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException">The standardiser's feature count is not the network's <c>InputSize</c>.</exception>
    public static void Export<TNet>(TNet net, string path, Standardizer? standardizer)
        where TNet : class, INeuralNetwork<TNet> => Export<TNet, float>(net, path, standardizer);

    /// <summary>
    /// Writes a network of any precision as an ONNX model to the file <paramref name="path"/> (created or overwritten): FLOAT
    /// tensors for a float network, DOUBLE for a double one, with <paramref name="standardizer"/>'s preprocessing when it is not null.
    /// </summary>
    /// <exception cref="ArgumentException">The standardiser's feature count is not the network's <c>InputSize</c>.</exception>
    public static void Export<TNet, T>(INeuralNetwork<TNet, T> net, string path, Standardizer? standardizer = null)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] model = OnnxSerializer.Encode(BuildModel<T>(TNet.Description, net.Parameters, standardizer));
        File.WriteAllBytes(path, model);
    }

    /// <summary>
    /// The ONNX model of a network with <paramref name="parameters"/> laid out as <paramref name="description"/> says,
    /// its input standardised by <paramref name="standardizer"/> first when there is one; its tensors are FLOAT, or DOUBLE when
    /// <typeparamref name="T"/> is double.
    /// </summary>
    internal static OnnxModel BuildModel<T>(NetworkDescription description, ReadOnlySpan<T> parameters, Standardizer? standardizer = null)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (standardizer is not null && standardizer.FeatureCount != description.InputSize)
        {
            throw new ArgumentException(
                $"{description.Name}: the standardizer has {standardizer.FeatureCount} features but the network takes {description.InputSize} inputs (InputSize).",
                nameof(standardizer));
        }

        if (parameters.Length != description.ParameterCount)
        {
            throw new ArgumentException(
                $"{description.Name}: parameters has {parameters.Length} {Guard.ElementNames<T>()} but must have {description.ParameterCount} (ParameterCount).",
                nameof(parameters));
        }

        var graph = new OnnxGraph { Name = description.Name };
        bool isDouble = typeof(T) == typeof(double);
        var elementType = isDouble ? OnnxDataType.Double : OnnxDataType.Float;
        graph.Inputs.Add(OnnxValueInfo.Tensor(InputName, elementType, BatchDimension, description.InputSize));
        graph.Outputs.Add(OnnxValueInfo.Tensor(OutputName, elementType, BatchDimension, description.OutputSize));
        var builder = new GraphBuilder(graph, isDouble);

        string previous = standardizer is null ? InputName : AddStandardization(builder, standardizer);
        for (int index = 0; index < description.Layers.Length; index++)
        {
            var layer = description.Layers[index];
            bool isOutput = index == description.Layers.Length - 1;
            string prefix = $"dense{index + 1}";
            string weights = builder.Initializer($"{prefix}.weight", Values(parameters.Slice(layer.WeightOffset, layer.WeightCount)), layer.Size, layer.InputSize);
            string bias = builder.Initializer($"{prefix}.bias", Values(parameters.Slice(layer.BiasOffset, layer.Size)), layer.Size);

            // z = previous · Wᵀ + b, with W stored [out, in] as NetCompiler keeps it.
            string z = isOutput && layer.Activation == Activation.Identity ? OutputName : $"{prefix}.z";
            builder.Node("Gemm", $"{prefix}/Gemm", [previous, weights, bias], z, OnnxAttribute.Int("transB", 1));

            string a = isOutput ? OutputName : $"{prefix}.a";
            AddActivation(builder, layer.Activation, prefix, z, a);
            previous = layer.Activation == Activation.Identity ? z : a;
        }

        var model = new OnnxModel
        {
            IrVersion = IrVersion,
            ProducerName = "NetCompiler",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString(3) ?? string.Empty,
            Graph = graph,
        };
        model.OperatorSets.Add(new OnnxOperatorSet(string.Empty, OpsetVersion));
        return model;
    }

    /// <summary>Parameters as doubles (exact for floats); the builder writes them back in the model's element type.</summary>
    private static double[] Values<T>(ReadOnlySpan<T> parameters)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var values = new double[parameters.Length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = double.CreateTruncating(parameters[i]);
        }

        return values;
    }

    /// <summary><c>x' = (x − mean) / std</c> per feature, as <see cref="Standardizer.Transform(ReadOnlySpan{float}, Span{float})"/> computes it; returns x'.</summary>
    private static string AddStandardization(GraphBuilder builder, Standardizer standardizer)
    {
        double[] mean = [.. standardizer.Mean.ToArray().Select(m => (double)m)];
        double[] divisors = [.. standardizer.Divisors.ToArray().Select(d => (double)d)];
        string meanName = builder.Initializer("preprocess.mean", mean, mean.Length);
        string stdName = builder.Initializer("preprocess.std", divisors, mean.Length);
        builder.Node("Sub", "preprocess/Sub", [InputName, meanName], "preprocess.centred");
        builder.Node("Div", "preprocess/Div", ["preprocess.centred", stdName], "preprocess.standardized");
        return "preprocess.standardized";
    }

    private static void AddActivation(GraphBuilder builder, Activation activation, string prefix, string z, string a)
    {
        switch (activation)
        {
            case Activation.Identity:
                break;
            case Activation.LeakyReLU:
                builder.Node("LeakyRelu", $"{prefix}/LeakyRelu", [z], a, OnnxAttribute.Float("alpha", Activations.LeakyReLUSlope));
                break;
            case Activation.ELU:
                builder.Node("Elu", $"{prefix}/Elu", [z], a, OnnxAttribute.Float("alpha", 1f));
                break;
            case Activation.Softmax:
                builder.Node("Softmax", $"{prefix}/Softmax", [z], a, OnnxAttribute.Int("axis", -1));
                break;
            case Activation.SiLU:
                // z σ(z)
                builder.Node("Sigmoid", $"{prefix}/SiLU/Sigmoid", [z], $"{prefix}.sigmoid");
                builder.Node("Mul", $"{prefix}/SiLU/Mul", [z, $"{prefix}.sigmoid"], a);
                break;
            case Activation.GELU:
                AddGelu(builder, prefix, z, a);
                break;
            default:
                // Sigmoid, Tanh, ReLU, Softplus: one operator without attributes.
                string op = ActivationCatalog.Find(activation)?.OnnxOperator ?? throw new NotSupportedException($"Activation {activation} has no ONNX export.");
                builder.Node(op, $"{prefix}/{op}", [z], a);
                break;
        }
    }

    /// <summary>
    /// <c>0.5 z (1 + tanh(√(2/π) (z + 0.044715 z³)))</c> from primitives (opset 17 has no Gelu), in the
    /// evaluation order of <see cref="Activations.GELU{T}(T)"/>: <c>u = c1 (z + ((c3 z) z) z)</c>,
    /// then <c>(0.5 z) (1 + tanh u)</c>.
    /// </summary>
    private static void AddGelu(GraphBuilder builder, string prefix, string z, string a)
    {
        string half = builder.Scalar("gelu.half", 0.5);
        string one = builder.Scalar("gelu.one", 1);
        string cubic = builder.Scalar("gelu.cubic", Activations.GeluCubicExact);
        string scale = builder.Scalar("gelu.scale", Activations.GeluScaleExact);
        string p = $"{prefix}/GELU";
        builder.Node("Mul", $"{p}/CubicZ", [cubic, z], $"{prefix}.gelu.cz");
        builder.Node("Mul", $"{p}/CubicZ2", [$"{prefix}.gelu.cz", z], $"{prefix}.gelu.czz");
        builder.Node("Mul", $"{p}/CubicZ3", [$"{prefix}.gelu.czz", z], $"{prefix}.gelu.czzz");
        builder.Node("Add", $"{p}/Inner", [z, $"{prefix}.gelu.czzz"], $"{prefix}.gelu.inner");
        builder.Node("Mul", $"{p}/Scale", [scale, $"{prefix}.gelu.inner"], $"{prefix}.gelu.u");
        builder.Node("Tanh", $"{p}/Tanh", [$"{prefix}.gelu.u"], $"{prefix}.gelu.t");
        builder.Node("Add", $"{p}/OnePlus", [one, $"{prefix}.gelu.t"], $"{prefix}.gelu.onePlusT");
        builder.Node("Mul", $"{p}/HalfZ", [half, z], $"{prefix}.gelu.halfZ");
        builder.Node("Mul", $"{p}/Product", [$"{prefix}.gelu.halfZ", $"{prefix}.gelu.onePlusT"], a);
    }

    /// <summary>
    /// Adds nodes and initializers to a graph; shared scalar constants are added once. Values come as doubles and are
    /// written as DOUBLE tensors when <paramref name="isDouble"/>, otherwise rounded to FLOAT (exact for a float network's).
    /// </summary>
    private sealed class GraphBuilder(OnnxGraph graph, bool isDouble)
    {
        private readonly HashSet<string> _initializerNames = [];

        public string Initializer(string name, double[] values, params long[] dims)
        {
            graph.Initializers.Add(isDouble
                ? OnnxTensor.FromDoublesRaw(name, values, dims)
                : OnnxTensor.FromFloatsRaw(name, [.. values.Select(v => (float)v)], dims));
            _initializerNames.Add(name);
            return name;
        }

        public string Scalar(string name, double value) =>
            _initializerNames.Contains(name) ? name : Initializer(name, [value]);

        public void Node(string opType, string name, string[] inputs, string output, params OnnxAttribute[] attributes) =>
            graph.Nodes.Add(new OnnxNode(opType, name, inputs, [output], attributes));
    }
}
