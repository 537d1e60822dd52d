using System.Globalization;

namespace NetCompiler.Onnx;

/// <summary>One dense layer read from an ONNX graph, its weights already in NetCompiler's <c>[out, in]</c> layout.</summary>
/// <remarks>The values are doubles: a FLOAT model's widened exactly, a DOUBLE model's as stored.</remarks>
internal sealed record OnnxDenseLayer(int InputSize, int Size, double[] Weights, double[] Bias, OnnxActivation Activation);

/// <summary>
/// The per-feature standardisation a graph applies to its input before the first dense layer,
/// <c>x' = (x − Mean) / Divisor</c> (<c>Sub</c> then <c>Div</c>, or <c>Mul</c> by the reciprocals), one value per feature.
/// </summary>
internal sealed record OnnxStandardization(float[] Mean, float[] Divisor);

/// <summary>
/// What an ONNX graph of a multilayer perceptron holds: its dense layers, the standardisation of its input, if any, and
/// whether it computes in DOUBLE (its input's element type) rather than FLOAT.
/// </summary>
internal sealed record OnnxMlp(IReadOnlyList<OnnxDenseLayer> Layers, OnnxStandardization? Standardization, bool IsDouble);

/// <summary>
/// Reads an ONNX graph as a chain of dense layers, the way PyTorch and Keras (tf2onnx) export an MLP:
/// from the graph's input, flattened to <c>[batch, features]</c> if it has more axes (<c>Flatten</c>, or a
/// <c>Reshape</c> whose target <see cref="ShapeArithmetic"/> evaluates), per layer either <c>Gemm</c> (weights
/// <c>[out, in]</c> with <c>transB = 1</c>, or <c>[in, out]</c> without; alpha = beta = 1) or <c>MatMul</c> (weights
/// <c>[in, out]</c>) then <c>Add</c> (bias), then the activation: element-wise nodes (see <see cref="ElementwiseActivation"/>)
/// and/or a <c>Softmax</c> over the last axis; FLOAT or DOUBLE throughout. <c>Identity</c>, inference <c>Dropout</c>, <c>Cast</c> to the model's element type and
/// <c>Flatten(axis = 1)</c> pass through. Before the first layer, a per-feature standardisation <c>Sub(x, mean)</c> then
/// <c>Div(·, std)</c> (or <c>Mul(·, 1 / std)</c>), each constant with one value per feature, is read as an
/// <see cref="OnnxStandardization"/>. Weights are initializers, <c>Constant</c> nodes or <c>Transpose(W)</c> of one
/// (external data is read before, by <see cref="OnnxExternalData"/>). Anything else throws
/// <see cref="InvalidDataException"/> naming the node.
/// </summary>
internal sealed class OnnxMlpReader
{
    private readonly OnnxGraph _graph;
    private readonly long _opset;
    private readonly Dictionary<string, OnnxTensor> _constants = [];
    private readonly Dictionary<string, List<OnnxNode>> _consumers = [];
    private readonly Dictionary<string, OnnxNode> _producers = [];
    private readonly HashSet<string> _graphOutputs;
    private readonly ShapeArithmetic _shapes;

    /// <summary>The shapes of the graph input and of the tensors it becomes before the first dense layer (null when unknown).</summary>
    private readonly Dictionary<string, ShapeTerm[]?> _inputShapes = [];

    /// <summary>The most items a message lists (nodes, tensors, inputs); the rest are counted.</summary>
    private const int MaxListed = 8;

    /// <summary>Whether the graph's input is DOUBLE (the model computes in double); FLOAT otherwise.</summary>
    private bool _isDouble;

    private OnnxMlpReader(OnnxGraph graph, long opset)
    {
        _graph = graph;
        _opset = opset;
        _graphOutputs = [.. graph.Outputs.Select(o => o.Name)];
        _shapes = new ShapeArithmetic(
            name => _producers.TryGetValue(name, out var node) ? node : null,
            name => _constants.TryGetValue(name, out var tensor) ? tensor : null,
            name => _inputShapes.TryGetValue(name, out var shape) ? shape : null,
            opset);
        foreach (var tensor in graph.Initializers)
        {
            _constants[tensor.Name] = tensor;
        }

        // Constants, weights transposed by a node (the dynamo exporter's MatMul(x, Transpose(W))) and the integer
        // arithmetic that computes a Reshape's target shape are read where they are used, not walked as the chain.
        var shapeTensors = new HashSet<string>();
        var setAside = new HashSet<OnnxNode>();
        foreach (var node in graph.Nodes)
        {
            foreach (string output in node.Outputs.Where(o => o.Length > 0))
            {
                if (_producers.ContainsKey(output))
                {
                    throw Invalid($"The tensor '{output}' is produced by more than one node; an ONNX graph assigns each tensor once.");
                }

                _producers[output] = node;
            }

            bool isConstant = node.OpType == "Constant" && node.IsDefaultDomain;
            if ((isConstant ? ConstantValue(node) : TransposedConstant(node)) is { } value)
            {
                _constants[node.Outputs[0]] = value;
                setAside.Add(node);
            }
            else if (isConstant)
            {
                setAside.Add(node);
            }
            else if (IsShapeArithmetic(node, shapeTensors))
            {
                shapeTensors.UnionWith(node.Outputs);
                setAside.Add(node);
            }
        }

        foreach (var node in graph.Nodes.Where(n => !setAside.Contains(n)))
        {
            foreach (string input in node.Inputs.Where(i => i.Length > 0).Distinct())
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    _consumers[input] = list = [];
                }

                list.Add(node);
            }
        }
    }

    /// <summary>Whether <paramref name="node"/> computes integers of a shape: a <c>Shape</c>, or shape arithmetic over such results and integer constants.</summary>
    private bool IsShapeArithmetic(OnnxNode node, HashSet<string> shapeTensors)
    {
        if (!ShapeArithmetic.IsShapeOperator(node) || node.Outputs.Count != 1 || node.Outputs[0].Length == 0)
        {
            return false;
        }

        if (node.OpType == "Shape")
        {
            return true;
        }

        var inputs = node.Inputs.Where(i => i.Length > 0).ToList();
        return inputs.Any(shapeTensors.Contains)
            && inputs.All(i => shapeTensors.Contains(i) || (_constants.TryGetValue(i, out var t) && t.TryGetIntegers() is not null));
    }

    /// <summary>
    /// The tensor <c>Transpose(W)</c> computes when W is a constant matrix (the dynamo exporter writes <c>nn.Linear</c>
    /// as <c>MatMul(x, Transpose(W, perm = [1, 0]))</c>, and leaves large weights unfolded), or null for any other node.
    /// </summary>
    private OnnxTensor? TransposedConstant(OnnxNode node)
    {
        if (node.OpType != "Transpose" || !node.IsDefaultDomain || node.Inputs.Count != 1 || node.Outputs.Count != 1 || node.Outputs[0].Length == 0
            || !_constants.TryGetValue(node.Inputs[0], out var matrix) || matrix.Dims.Count != 2 || matrix.DataType is not ((int)OnnxDataType.Float or (int)OnnxDataType.Double)
            || node.FindAttribute("perm") is { } perm && !perm.Ints.SequenceEqual([1L, 0L]))
        {
            return null;
        }

        int rows = (int)matrix.Dims[0], columns = (int)matrix.Dims[1];
        return matrix.DataType == (int)OnnxDataType.Double
            ? OnnxTensor.FromDoublesRaw(node.Outputs[0], Transpose(matrix.ToDoubles(), rows, columns), columns, rows)
            : OnnxTensor.FromFloatsRaw(node.Outputs[0], Transpose(matrix.ToFloats(), rows, columns), columns, rows);
    }

    /// <summary>The dense layers of <paramref name="model"/>'s graph, input side first, and the standardisation of its input.</summary>
    public static OnnxMlp Read(OnnxModel model)
    {
        var graph = model.Graph ?? throw Invalid("The data holds no ONNX graph (ModelProto.graph is missing); it is not an ONNX model, or it is cut short.");
        var opset = model.OperatorSets.LastOrDefault(s => s.Domain is "" or "ai.onnx")
            ?? throw Invalid("The model imports no version of the default ONNX operator set (ModelProto.opset_import is missing); it is not a complete ONNX model.");
        return new OnnxMlpReader(graph, opset.Version).ReadLayers();
    }

    private OnnxMlp ReadLayers()
    {
        var inputs = _graph.Inputs.Where(i => !_constants.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
        {
            throw Invalid($"The graph has {inputs.Count} inputs ({List(inputs.Select(i => $"'{i.Name}'"))}); a NetCompiler network has one, [batch, features].");
        }

        if (_graph.Outputs.Count != 1)
        {
            throw Invalid($"The graph has {_graph.Outputs.Count} outputs ({List(_graph.Outputs.Select(o => $"'{o.Name}'"))}); a NetCompiler network has one, [batch, outputs].");
        }

        var (flattened, declaredFeatures) = ReadInput(inputs[0]);
        var (standardization, standardized) = ReadStandardization(flattened, declaredFeatures);
        var (preprocessing, current) = ReadElementwise(standardized, "the input");
        if (preprocessing.Match != Activation.Identity)
        {
            throw Invalid($"The graph transforms its input ({preprocessing.Description}) before the first dense layer; a NetCompiler network starts with a dense layer.");
        }

        var layers = new List<OnnxDenseLayer>();
        var denseNodes = new HashSet<OnnxNode>();
        while (true)
        {
            var consumers = ConsumersOf(current);
            if (consumers.Count == 0)
            {
                if (!_graphOutputs.Contains(current))
                {
                    throw Invalid($"The tensor '{current}' is neither used by a node nor a graph output.");
                }

                break;
            }

            string where = layers.Count == 0 ? "the input" : $"layer {layers.Count}";
            if (_graphOutputs.Contains(current))
            {
                throw Invalid($"The graph output '{current}' is also used by {Display(consumers)}; NetCompiler reads a single chain of dense layers.");
            }

            if (consumers.Count > 1)
            {
                throw Invalid($"The graph branches after {where}: '{current}' is used by {Display(consumers)}; NetCompiler reads a single chain of dense layers.");
            }

            if (!denseNodes.Add(consumers[0]))
            {
                throw Invalid($"The graph has a cycle: {Describe(consumers[0])} is reached again after {where}; an ONNX graph is acyclic.");
            }

            int number = layers.Count + 1;
            int previousSize = layers.Count == 0 ? declaredFeatures ?? -1 : layers[^1].Size;
            var layer = ReadDense(consumers[0], current, number, previousSize, out string z);
            var (activation, output) = ReadActivation(z, number);
            layers.Add(layer with { Activation = activation });
            current = output;
        }

        if (layers.Count == 0)
        {
            throw Invalid($"The graph has no dense layer: its input '{inputs[0].Name}' is its output.");
        }

        if (standardization is not null && standardization.Mean.Length != layers[0].InputSize)
        {
            throw Invalid($"The graph standardises {standardization.Mean.Length} features before the first dense layer, which reads {layers[0].InputSize}; a standardisation has one mean and one standard deviation per feature.");
        }

        return new OnnxMlp(layers, standardization, _isDouble);
    }

    /// <summary>
    /// The per-feature standardisation of the input, <c>Sub(x, mean)</c> then <c>Div(·, std)</c> or <c>Mul(·, 1 / std)</c>
    /// with constants of one value per feature (shape <c>[F]</c> or <c>[1, F]</c>), and the tensor after it; or null and
    /// <paramref name="input"/> when the input goes on without one. A <c>Sub</c> or <c>Div</c> of the input by a per-feature
    /// constant that is not such a standardisation (wrong length, the input as the second operand, a <c>Sub</c> without the
    /// division, a standard deviation that is not positive and finite) is refused.
    /// </summary>
    private (OnnxStandardization? Standardization, string Output) ReadStandardization(string input, int? declaredFeatures)
    {
        if (_graphOutputs.Contains(input) || ConsumersOf(input) is not [{ IsDefaultDomain: true, OpType: "Sub" or "Div" or "Mul" } sub] || sub.Inputs.Count != 2
            || sub.Inputs.Count(i => i == input) != 1 || !_constants.TryGetValue(sub.Inputs[sub.Inputs[0] == input ? 1 : 0], out var meanTensor)
            || !IsPerFeature(meanTensor, declaredFeatures))
        {
            return (null, input);
        }

        if (declaredFeatures is int features && meanTensor.ElementCount() != features)
        {
            throw Invalid($"{Capitalize(Describe(sub))} combines the input, which has {features} features, with the constant '{meanTensor.Name}' of the shape {Shape(meanTensor.Dims)} before the first dense layer; a standardisation has one mean and one standard deviation per feature.");
        }

        const string Expected = "NetCompiler reads a standardisation of the input as Sub(input, mean) then Div(·, std) (or Mul(·, 1 / std)), one mean and one standard deviation per feature";
        if (sub.OpType != "Sub" || sub.Inputs[0] != input)
        {
            throw Invalid($"{Capitalize(Describe(sub))} combines the input with the per-feature constant '{meanTensor.Name}' before the first dense layer ({ElementwiseActivation.Describe(sub)} with the input as operand {(sub.Inputs[0] == input ? 1 : 2)}); {Expected}.");
        }

        float[] mean = PerFeature(meanTensor, sub, "mean");
        string centred = OutputOf(sub, "the Sub of the input standardisation");
        if (_graphOutputs.Contains(centred) || ConsumersOf(centred) is not [{ IsDefaultDomain: true, OpType: "Div" or "Mul" } scale] || scale.Inputs.Count != 2
            || scale.Inputs[0] != centred || scale.Inputs[1] == centred || !_constants.TryGetValue(scale.Inputs[1], out var scaleTensor))
        {
            string next = _graphOutputs.Contains(centred) ? "is the graph output" : $"goes to {Display(ConsumersOf(centred))}";
            throw Invalid($"{Capitalize(Describe(sub))} subtracts the per-feature constant '{meanTensor.Name}' from the input, and its result {next} instead of a Div (or Mul) by a per-feature constant; {Expected}.");
        }

        if (scaleTensor.ElementCount() != mean.Length)
        {
            throw Invalid($"{Capitalize(Describe(scale))} scales the centred input by '{scaleTensor.Name}', which has the shape {Shape(scaleTensor.Dims)}, but the mean '{meanTensor.Name}' has {mean.Length} values; {Expected}.");
        }

        float[] factors = PerFeature(scaleTensor, scale, scale.OpType == "Div" ? "standard deviation" : "reciprocal of the standard deviation");
        var divisor = new float[factors.Length];
        for (int i = 0; i < factors.Length; i++)
        {
            divisor[i] = scale.OpType == "Div" ? factors[i] : 1f / factors[i];
            if (!(divisor[i] > 0 && !float.IsInfinity(divisor[i])))
            {
                throw Invalid(string.Format(CultureInfo.InvariantCulture, "{0} {1} feature {2} by {3:R}; a standardisation divides each feature by a positive, finite standard deviation.", Capitalize(Describe(scale)), scale.OpType == "Div" ? "divides" : "multiplies", i, factors[i]));
            }
        }

        return (new OnnxStandardization(mean, divisor), OutputOf(scale, "the Div of the input standardisation"));
    }

    /// <summary>
    /// Whether <paramref name="tensor"/> is a float constant meant per feature: more than one value, or exactly as many as
    /// the input's features (a one-element constant for more features is a scalar, read as part of an activation).
    /// </summary>
    private static bool IsPerFeature(OnnxTensor tensor, int? declaredFeatures) =>
        tensor.DataType is (int)OnnxDataType.Float or (int)OnnxDataType.Double && (tensor.ElementCount() > 1 || tensor.ElementCount() == declaredFeatures);

    /// <summary>The values of a per-feature constant, after checking its shape is <c>[F]</c> or <c>[1, F]</c> and its values finite.</summary>
    private static float[] PerFeature(OnnxTensor tensor, OnnxNode node, string role)
    {
        long count = tensor.ElementCount();
        bool shapeFits = tensor.Dims.Count switch
        {
            1 => true,
            2 => tensor.Dims[0] == 1,
            _ => false,
        };
        if (!shapeFits)
        {
            throw Invalid($"{Capitalize(Describe(node))}: the {role} '{tensor.Name}' has the shape {Shape(tensor.Dims)}; a per-feature standardisation holds one value per feature, [{count}] or [1, {count}].");
        }

        double[] stored = tensor.ToDoubles();
        int bad = Array.FindIndex(stored, v => double.IsNaN(v) || double.IsInfinity(v));
        if (bad >= 0)
        {
            throw Invalid(string.Format(CultureInfo.InvariantCulture, "{0}: the {1} '{2}' holds {3} for feature {4}; a standardisation's statistics are finite.", Capitalize(Describe(node)), role, tensor.Name, stored[bad], bad));
        }

        // The statistics become a Standardizer, which holds floats: a DOUBLE model's must be floats widened.
        int inexact = Array.FindIndex(stored, v => (double)(float)v != v);
        if (inexact >= 0)
        {
            throw Invalid(string.Format(CultureInfo.InvariantCulture, "{0}: the {1} '{2}' holds {3:R} for feature {4}, which a float cannot hold; NetCompiler's Standardizer keeps float statistics.", Capitalize(Describe(node)), role, tensor.Name, stored[inexact], inexact));
        }

        return [.. stored.Select(v => (float)v)];
    }

    /// <summary>
    /// Follows the graph input through the nodes that flatten each sample or pass it on unchanged (<c>Flatten</c>, a
    /// <c>Reshape</c> to <c>[batch, features]</c>, <c>Identity</c>, inference <c>Dropout</c>, a <c>Cast</c> to float) to
    /// the tensor the first layer reads, <c>[batch, features]</c>; returns it and the features when the shape fixes them.
    /// </summary>
    private (string Tensor, int? Features) ReadInput(OnnxValueInfo input)
    {
        var shape = InputShape(input);
        long? fixedBatch = input.Shape is [{ Value: long batch }, ..] ? batch : null;
        string current = input.Name;
        _inputShapes[current] = shape;
        while (!_graphOutputs.Contains(current) && ConsumersOf(current) is [{ IsDefaultDomain: true } node])
        {
            ShapeTerm[]? reshaped;
            if (node.OpType == "Transpose")
            {
                throw Invalid($"{Capitalize(Describe(node))} transposes the input ({ElementwiseActivation.Describe(node)}) before the first dense layer; that reorders the features of each sample, and NetCompiler's first layer reads them in the input's row-major order, so the graph cannot be imported as it is (transpose the data before it reaches the network instead).");
            }
            else if (node.OpType == "Flatten")
            {
                reshaped = Flatten(node, shape);
            }
            else if (node.OpType == "Reshape")
            {
                reshaped = Reshape(node, shape, fixedBatch);
            }
            else if (IsPassThrough(node))
            {
                reshaped = shape;
            }
            else
            {
                break;
            }

            current = OutputOf(node, "a node before the first dense layer");
            shape = reshaped;
            _inputShapes[current] = shape;
        }

        if (shape is { Length: not 2 })
        {
            throw Invalid($"The graph input '{input.Name}' has the shape {Shape(InputDimensions(input))} and reaches the first dense layer as {Shape(shape)}; NetCompiler networks take [batch, features], so a graph whose input has more dimensions must flatten it first (Flatten, or a Reshape to [batch, features] such as x.view(x.size(0), -1)).");
        }

        return (current, shape?[1].Value is long features and > 0 and <= int.MaxValue ? (int)features : null);
    }

    /// <summary>Checks the graph input is a float or double tensor with a batch axis (and notes which); its shape as terms (axis 0 the batch), or null when not given.</summary>
    private ShapeTerm[]? InputShape(OnnxValueInfo input)
    {
        if (input.ElementType is not (0 or (int)OnnxDataType.Float or (int)OnnxDataType.Double))
        {
            throw Invalid($"The graph input '{input.Name}' has element type {input.ElementType}; NetCompiler networks take FLOAT (1) or DOUBLE (11) inputs.");
        }

        _isDouble = input.ElementType == (int)OnnxDataType.Double;

        if (input.Shape is null)
        {
            return null;
        }

        if (input.Shape.Count < 2)
        {
            throw Invalid($"The graph input '{input.Name}' has the shape {Shape(input.Shape)}; NetCompiler networks take [batch, features].");
        }

        return [ShapeTerm.Batch, .. input.Shape.Skip(1).Select(d => d.Value is long value and >= 0 ? ShapeTerm.Of(value) : ShapeTerm.Unknown)];
    }

    private static IEnumerable<string> InputDimensions(OnnxValueInfo input) => input.Shape?.Select(d => d.ToString()) ?? ["?"];

    /// <summary><c>Flatten(axis = 1)</c> (or the negative axis naming the same one): <c>[batch, d1, d2, ...]</c> becomes <c>[batch, d1·d2·...]</c>.</summary>
    private static ShapeTerm[] Flatten(OnnxNode node, ShapeTerm[]? shape)
    {
        long axis = node.GetInt("axis", 1);
        long normalized = axis < 0 && shape is not null ? axis + shape.Length : axis;
        if (normalized != 1)
        {
            throw Invalid($"{Capitalize(Describe(node))} flattens the input {Shape(shape ?? [])} from axis {axis}; only Flatten(axis = 1) gives [batch, features], one row per sample.");
        }

        return [ShapeTerm.Batch, FeatureCount(shape)];
    }

    /// <summary>
    /// A <c>Reshape</c> of the input to <c>[batch, features]</c>: its target shape, constant or computed from the input's
    /// shape, must keep the batch (<c>batch</c>, <c>0</c>, or <c>-1</c> with the features given, or the input's fixed
    /// batch size) and give each sample's features in one row, as many as the sample has.
    /// </summary>
    private ShapeTerm[] Reshape(OnnxNode node, ShapeTerm[]? shape, long? fixedBatch)
    {
        var target = node.Inputs.Count >= 2 && node.Inputs[1].Length > 0 ? _shapes.EvaluateVector(node.Inputs[1]) : null;
        if (target is null)
        {
            throw Invalid($"{Capitalize(Describe(node))} reshapes the input to a shape computed by nodes NetCompiler cannot follow ('{(node.Inputs.Count >= 2 ? node.Inputs[1] : string.Empty)}'); it reads reshapes to [batch, features] from a constant shape or from Shape, Gather, Unsqueeze, Concat and Constant nodes.");
        }

        // With allowzero = 0 (the default), a 0 copies the input's dimension at that position.
        bool copiesZeros = node.GetInt("allowzero", 0) == 0;
        var resolved = target.Select((term, i) => copiesZeros && term.Value == 0
            ? (shape is not null && i < shape.Length ? shape[i] : i == 0 ? ShapeTerm.Batch : ShapeTerm.Unknown)
            : term).ToArray();
        var features = FeatureCount(shape);
        if (resolved.Length == 2)
        {
            var (rows, columns) = (resolved[0], resolved[1]);
            bool keepsBatch = rows.IsBatch || (rows.Value is long fixedRows && fixedRows > 0 && fixedRows == fixedBatch);
            if (keepsBatch && columns.Value == -1)
            {
                return [ShapeTerm.Batch, features];
            }

            bool columnsFit = columns.Value is long count && count > 0 && (features.Value is null || features.Value == count);
            if ((keepsBatch || rows.Value == -1) && columnsFit)
            {
                return [ShapeTerm.Batch, columns];
            }

            // [0, 0] (or [batch, 0]) of a [batch, features] input: the identity.
            if (keepsBatch && copiesZeros && target[1].Value == 0 && shape is { Length: 2 })
            {
                return [ShapeTerm.Batch, shape[1]];
            }
        }

        throw Invalid($"{Capitalize(Describe(node))} reshapes the input {Shape(shape ?? [])} to {Shape(target)}, which is not [batch, features] with each sample's {features} features in one row; NetCompiler accepts only reshapes that flatten each sample in row-major order (to [-1, features], [batch, features], [0, -1] or x.view(x.size(0), -1)), not ones that split samples, merge them or reorder features.");
    }

    /// <summary>The number of features of one sample of <paramref name="shape"/> (the product of its axes after the batch), or unknown.</summary>
    private static ShapeTerm FeatureCount(ShapeTerm[]? shape)
    {
        if (shape is null)
        {
            return ShapeTerm.Unknown;
        }

        long product = 1;
        foreach (var term in shape.Skip(1))
        {
            if (term.Value is not long value || (value > 0 && product > int.MaxValue / value))
            {
                return ShapeTerm.Unknown;
            }

            product *= value;
        }

        return ShapeTerm.Of(product);
    }

    private OnnxDenseLayer ReadDense(OnnxNode node, string input, int number, int previousSize, out string z)
    {
        if (!node.IsDefaultDomain || node.OpType is not ("Gemm" or "MatMul"))
        {
            string after = number == 1 ? "the input" : $"layer {number - 1}";
            string why = node.OpType switch
            {
                "Transpose" when node.IsDefaultDomain => "Transpose reorders the features, which a chain of dense layers cannot do",
                "Dropout" when node.IsDefaultDomain => "this Dropout is in training mode (or its mask is used), so it is not the identity",
                "Cast" when node.IsDefaultDomain => $"only a Cast to the model's element type ({(_isDouble ? "DOUBLE" : "FLOAT")}), which changes nothing, is read as the identity",
                _ => $"{(node.IsDefaultDomain ? node.OpType : $"{node.Domain}.{node.OpType}")} is not supported",
            };
            throw Invalid($"{Capitalize(Describe(node))} reads '{input}' after {after}, where a dense layer (Gemm, or MatMul then Add) was expected; {why}.");
        }

        string where = $"layer {number} ({Describe(node)})";
        if (node.Inputs.Count < 2 || node.Inputs[0] != input)
        {
            throw Invalid($"{Capitalize(where)} must take '{input}' as its first input and weights as its second.");
        }

        var weightTensor = Constant(node.Inputs[1], where, "weights");
        if (weightTensor.Dims.Count != 2)
        {
            throw Invalid($"{Capitalize(where)}: the weights '{weightTensor.Name}' have the shape {Shape(weightTensor.Dims)}; a dense layer's weights are a matrix.");
        }

        double[] stored = ValuesOf(weightTensor);
        bool outByIn = false;
        double[]? bias = null;
        if (node.OpType == "Gemm")
        {
            if (node.GetInt("transA", 0) != 0)
            {
                throw Invalid($"{Capitalize(where)} has transA = 1; NetCompiler reads Gemm(input, weights) with the input untransposed.");
            }

            float alpha = node.GetFloat("alpha", 1f), beta = node.GetFloat("beta", 1f);
            if (alpha != 1f || beta != 1f)
            {
                throw Invalid($"{Capitalize(where)} has alpha = {alpha.ToString("R", CultureInfo.InvariantCulture)}, beta = {beta.ToString("R", CultureInfo.InvariantCulture)}; NetCompiler reads Gemm with alpha = beta = 1.");
            }

            outByIn = node.GetInt("transB", 0) != 0;
        }

        int size = (int)(outByIn ? weightTensor.Dims[0] : weightTensor.Dims[1]);
        int inputSize = (int)(outByIn ? weightTensor.Dims[1] : weightTensor.Dims[0]);
        if (size == 0 || inputSize == 0)
        {
            throw Invalid($"{Capitalize(where)}: the weights '{weightTensor.Name}' have the empty shape {Shape(weightTensor.Dims)}.");
        }

        if (previousSize >= 0 && inputSize != previousSize)
        {
            string previous = number == 1 ? $"the input has {previousSize} features" : $"layer {number - 1} has {previousSize} units";
            throw Invalid($"{Capitalize(where)}: the weights '{weightTensor.Name}' take {inputSize} inputs but {previous}; the model is inconsistent.");
        }

        z = OutputOf(node, $"the dense node of layer {number}");
        if (node.OpType == "Gemm" && node.Inputs.Count >= 3 && node.Inputs[2].Length > 0)
        {
            bias = ReadBias(Constant(node.Inputs[2], where, "bias"), size, where);
        }
        else if (TryReadBiasAdd(z, size, where) is var (addBias, addOutput))
        {
            bias = addBias;
            z = addOutput;
        }

        double[] weights = outByIn ? stored : Transpose(stored, rows: inputSize, columns: size);
        return new OnnxDenseLayer(inputSize, size, weights, bias ?? new double[size], new OnnxActivation(null, string.Empty));
    }

    /// <summary>The bias of a MatMul layer (or a Gemm without C): <c>Add(product, b)</c> or <c>Add(b, product)</c>, b holding one value per unit.</summary>
    private (double[] Bias, string Output)? TryReadBiasAdd(string product, int size, string where)
    {
        if (_graphOutputs.Contains(product) || ConsumersOf(product) is not [{ OpType: "Add", IsDefaultDomain: true } add] || add.Inputs.Count != 2)
        {
            return null;
        }

        string other = add.Inputs[0] == product ? add.Inputs[1] : add.Inputs[0];
        if (other == product || !_constants.TryGetValue(other, out var tensor) || tensor.ElementCount() != size)
        {
            return null;
        }

        return (ReadBias(tensor, size, where), OutputOf(add, $"the bias Add of {where}"));
    }

    private double[] ReadBias(OnnxTensor tensor, int size, string where)
    {
        bool shapeFits = tensor.Dims.Count switch
        {
            1 => tensor.Dims[0] == size,
            2 => tensor.Dims[0] == 1 && tensor.Dims[1] == size,
            _ => false,
        };
        if (!shapeFits)
        {
            throw Invalid($"{Capitalize(where)}: the bias '{tensor.Name}' has the shape {Shape(tensor.Dims)} but the layer has {size} units.");
        }

        return ValuesOf(tensor);
    }

    /// <summary>
    /// The values of a weight or bias tensor as doubles, after checking it has the graph input's element type (FLOAT, or
    /// DOUBLE for a double model): ONNX's Gemm and MatMul take operands of one type.
    /// </summary>
    private double[] ValuesOf(OnnxTensor tensor)
    {
        var other = _isDouble ? OnnxDataType.Float : OnnxDataType.Double;
        if (tensor.DataType == (int)other)
        {
            string input = _isDouble ? "DOUBLE (11)" : "FLOAT (1)";
            throw Invalid($"The weight tensor '{tensor.Name}' has data type {OnnxTensor.DescribeDataType(tensor.DataType)}, but the graph input is {input}; a model's weights have the element type of its input.");
        }

        return _isDouble ? tensor.ToDoubles() : [.. tensor.ToFloats().Select(value => (double)value)];
    }

    /// <summary>The activation after <paramref name="z"/>: element-wise nodes, then optionally a Softmax over the last axis (then pass-through nodes).</summary>
    private (OnnxActivation Activation, string Output) ReadActivation(string z, int number)
    {
        var (elementwise, exit) = ReadElementwise(z, $"layer {number}");
        if (_graphOutputs.Contains(exit) || ConsumersOf(exit) is not [{ OpType: "Softmax", IsDefaultDomain: true } softmax])
        {
            return (elementwise, exit);
        }

        long axis = softmax.GetInt("axis", _opset >= 13 ? -1 : 1);
        var (after, output) = ReadElementwise(OutputOf(softmax, $"the Softmax of layer {number}"), $"layer {number}");
        bool isSoftmax = elementwise.Match == Activation.Identity && after.Match == Activation.Identity && axis is -1 or 1;
        if (isSoftmax)
        {
            return (new OnnxActivation(Activation.Softmax, "Softmax"), output);
        }

        var parts = new[] { elementwise, new OnnxActivation(null, ElementwiseActivation.Describe(softmax)), after }
            .Where(p => p.Description != OnnxActivation.None)
            .Select(p => p.Description);
        return (new OnnxActivation(null, string.Join(", then ", parts)), output);
    }

    /// <summary>
    /// The largest sub-graph of element-wise nodes fed only by <paramref name="start"/> (and one-element
    /// constants), its single result, and the activation it computes.
    /// </summary>
    private (OnnxActivation Activation, string Output) ReadElementwise(string start, string where)
    {
        // A breadth-first walk over the consumer index: each node and each tensor is visited once (the node set, not a
        // list, answers "seen?"), so a chain of N pass-through nodes costs O(N), not O(N²).
        var tensors = new List<string> { start };
        var inRegion = new HashSet<string> { start };
        var nodes = new List<OnnxNode>();
        var nodeSet = new HashSet<OnnxNode>();
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out string? tensor))
        {
            foreach (var node in ConsumersOf(tensor))
            {
                if (!nodeSet.Contains(node) && IsElementwise(node, inRegion))
                {
                    nodes.Add(node);
                    nodeSet.Add(node);
                    if (inRegion.Add(node.Outputs[0]))
                    {
                        tensors.Add(node.Outputs[0]);
                        queue.Enqueue(node.Outputs[0]);
                    }
                }
            }
        }

        var exits = tensors.Where(t => _graphOutputs.Contains(t) || ConsumersOf(t).Any(c => !nodeSet.Contains(c))).ToList();
        if (exits.Count == 0)
        {
            throw Invalid($"The result of {where} is never used: no node outside its activation reads it and it is not a graph output.");
        }

        if (exits.Count > 1)
        {
            throw Invalid($"The graph branches after {where}: {List(exits.Select(e => $"'{e}'"))} are all used further on; NetCompiler reads a single chain of dense layers.");
        }

        string exit = exits[0];
        var live = LiveNodes(nodes, exit);
        return (ElementwiseActivation.Identify(start, exit, live, ScalarValue), exit);
    }

    private bool IsElementwise(OnnxNode node, HashSet<string> inRegion)
    {
        if (!node.IsDefaultDomain || node.Inputs.Count == 0 || node.Outputs.Count == 0 || node.Outputs[0].Length == 0)
        {
            return false;
        }

        if (ElementwiseActivation.IsUnary(node.OpType))
        {
            return inRegion.Contains(node.Inputs[0])
                && (node.OpType != "Flatten" || node.GetInt("axis", 1) == 1)
                && (!ElementwiseActivation.PassThrough.Contains(node.OpType) || IsPassThrough(node) || node.OpType == "Flatten");
        }

        return ElementwiseActivation.IsBinary(node.OpType)
            && node.Inputs.Count == 2
            && node.Inputs.All(i => inRegion.Contains(i) || (_constants.TryGetValue(i, out var t) && t.TryGetScalar() is not null));
    }

    /// <summary>
    /// Whether <paramref name="node"/> passes its input on unchanged at inference: <c>Identity</c>, a <c>Cast</c> to the
    /// model's element type (FLOAT, or DOUBLE for a double model), or a <c>Dropout</c> whose training_mode is absent or a constant false and whose mask is unused
    /// (its ratio does not matter: at inference Dropout is the identity).
    /// </summary>
    private bool IsPassThrough(OnnxNode node)
    {
        if (!node.IsDefaultDomain || node.Inputs.Count == 0)
        {
            return false;
        }

        switch (node.OpType)
        {
            case "Identity":
                return node.Inputs.Count == 1;
            case "Cast":
                return node.Inputs.Count == 1 && node.GetInt("to", 0) == (long)(_isDouble ? OnnxDataType.Double : OnnxDataType.Float);
            case "Dropout":
                bool ratioConstant = node.Inputs.Count < 2 || node.Inputs[1].Length == 0 || _constants.ContainsKey(node.Inputs[1]);
                bool inference = node.Inputs.Count < 3 || node.Inputs[2].Length == 0
                    || (_constants.TryGetValue(node.Inputs[2], out var mode) && mode.TryGetScalar() == 0);
                bool maskUnused = node.Outputs.Count < 2 || node.Outputs[1].Length == 0
                    || (ConsumersOf(node.Outputs[1]).Count == 0 && !_graphOutputs.Contains(node.Outputs[1]));
                return node.Inputs.Count <= 3 && ratioConstant && inference && maskUnused;
            default:
                return false;
        }
    }

    /// <summary>The nodes <paramref name="exit"/> depends on, in their original (topological) order.</summary>
    private static List<OnnxNode> LiveNodes(List<OnnxNode> nodes, string exit)
    {
        var needed = new HashSet<string> { exit };
        var live = new List<OnnxNode>();
        for (int i = nodes.Count - 1; i >= 0; i--)
        {
            if (needed.Contains(nodes[i].Outputs[0]))
            {
                live.Add(nodes[i]);
                needed.UnionWith(nodes[i].Inputs);
            }
        }

        live.Reverse();
        return live;
    }

    private double ScalarValue(string name) => _constants[name].TryGetScalar() ?? double.NaN;

    private OnnxTensor Constant(string name, string where, string role) =>
        _constants.TryGetValue(name, out var tensor)
            ? tensor
            : throw Invalid($"{Capitalize(where)}: its {role} '{name}' {(role == "bias" ? "is" : "are")} not an initializer or a Constant; NetCompiler reads weights stored in the model.");

    private IReadOnlyList<OnnxNode> ConsumersOf(string tensor) => _consumers.TryGetValue(tensor, out var list) ? list : [];

    /// <summary>The tensor of a <c>Constant</c> node (value, value_float, value_floats, value_int or value_ints), or null for other kinds.</summary>
    private static OnnxTensor? ConstantValue(OnnxNode node)
    {
        if (node.Outputs.Count == 0 || node.Outputs[0].Length == 0)
        {
            return null;
        }

        string name = node.Outputs[0];
        if (node.FindAttribute("value") is { T: { } tensor })
        {
            tensor.Name = tensor.Name.Length > 0 ? tensor.Name : name;
            return tensor;
        }

        if (node.FindAttribute("value_float") is { } single)
        {
            return OnnxTensor.FromFloatsPacked(name, [single.F]);
        }

        if (node.FindAttribute("value_floats") is { } list)
        {
            return OnnxTensor.FromFloatsPacked(name, [.. list.Floats], list.Floats.Count);
        }

        // value_int and value_ints: the integers of a shape (as the dynamo exporter writes [-1] or a fixed target shape).
        List<long>? integers = node.FindAttribute("value_int") is { } one ? [one.I] : node.FindAttribute("value_ints")?.Ints;
        if (integers is null)
        {
            return null;
        }

        var shape = new OnnxTensor { Name = name, DataType = (int)OnnxDataType.Int64 };
        if (node.FindAttribute("value_ints") is not null)
        {
            shape.Dims.Add(integers.Count);
        }

        shape.IntegerData.AddRange(integers);
        return shape;
    }

    private static TValue[] Transpose<TValue>(TValue[] matrix, int rows, int columns)
    {
        var transposed = new TValue[matrix.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                transposed[(c * rows) + r] = matrix[(r * columns) + c];
            }
        }

        return transposed;
    }

    private static string Describe(OnnxNode node) => $"node {node.Display}";

    private static string Display(IReadOnlyList<OnnxNode> nodes) => List(nodes.Select(Describe));

    /// <summary>Dimensions as messages show them, e.g. <c>[batch, 4]</c>, listing at most <see cref="MaxListed"/>.</summary>
    private static string Shape<T>(IEnumerable<T> dimensions) => $"[{List(dimensions.Select(d => string.Format(CultureInfo.InvariantCulture, "{0}", d)))}]";

    /// <summary>The items joined by commas, at most <see cref="MaxListed"/> of them then how many more, so a hostile graph cannot make a message huge.</summary>
    private static string List(IEnumerable<string> items)
    {
        var shown = new List<string>();
        int count = 0;
        foreach (string item in items)
        {
            if (count++ < MaxListed)
            {
                shown.Add(item);
            }
        }

        return count > MaxListed ? $"{string.Join(", ", shown)} and {count - MaxListed} more" : string.Join(", ", shown);
    }

    /// <summary>
    /// The first output of <paramref name="node"/>, whose result the chain continues with, or an error naming the node and
    /// its <paramref name="role"/> when it has none (no output, or an empty name, which ONNX uses for an omitted optional output).
    /// </summary>
    private static string OutputOf(OnnxNode node, string role)
    {
        if (node.Outputs.Count == 0 || node.Outputs[0].Length == 0)
        {
            string what = node.Outputs.Count == 0 ? "has no output" : "has an empty first output name";
            throw Invalid($"{Capitalize(Describe(node))}, {role}, {what}; the chain of dense layers continues with its result.");
        }

        return node.Outputs[0];
    }

    private static string Capitalize(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static InvalidDataException Invalid(string message) => new($"Cannot read the ONNX model as a NetCompiler network: {message}");
}
