using System.Numerics;
using NetCompiler.Data;

namespace NetCompiler.Onnx;

/// <summary>
/// Loads the weights of an ONNX model of a multilayer perceptron into a generated network, e.g. one
/// trained in PyTorch (the TorchScript exporter writes <c>nn.Linear</c> as <c>Gemm</c> with <c>transB = 1</c>, weights
/// <c>[out, in]</c>; the dynamo exporter as <c>Gemm</c> or <c>MatMul(x, Transpose(W))</c> then <c>Add</c>, often with
/// the weights in a side file) or Keras (tf2onnx writes <c>MatMul</c> with weights <c>[in, out]</c>, then <c>Add</c>),
/// or exported by <see cref="OnnxExporter"/>.
/// </summary>
/// <remarks>
/// <para>The importer walks the graph from its input. The input may have any rank whose row-major flattening has the
/// network's features (<c>[N, 1, 28, 28]</c> for 784, with a symbolic or fixed batch), flattened by <c>Flatten(axis = 1)</c>,
/// a <c>Reshape</c> to a constant <c>[-1, F]</c>, <c>[N, F]</c> or <c>[0, -1]</c>, or the shape arithmetic of
/// <c>x.view(x.size(0), -1)</c> (<c>Shape</c>, <c>Gather</c>, <c>Unsqueeze</c>, <c>Concat</c>, ...); a <c>Transpose</c> or
/// a reshape that is not one row per sample is refused, since it reorders or mixes features. Then per layer a
/// <c>Gemm</c> (alpha = beta = 1) or a <c>MatMul</c> and bias <c>Add</c>, then the activation (see below);
/// <c>Identity</c>, inference <c>Dropout</c>, <c>Cast</c> to float and <c>Flatten</c> nodes pass through. Weights are
/// initializers, <c>Constant</c> nodes or <c>Transpose(W)</c> of one, FLOAT, in <c>float_data</c>, little-endian
/// <c>raw_data</c> or a side file (external data, read relative to the model file by <see cref="Load{TNet}(TNet, string, OnnxImportOptions?)"/>;
/// a location that is absolute or leaves the model's folder, or a range beyond the side file, is refused); weights stored
/// <c>[in, out]</c> are transposed into NetCompiler's <c>[out, in]</c>. A layer without a bias gets zeros.</para>
/// <para>An activation is recognised by what it computes, however it is spelled: <c>Relu</c>, <c>Sigmoid</c>,
/// <c>Tanh</c>, <c>LeakyRelu</c> (alpha 0.01), <c>Elu</c> (alpha 1), <c>Softplus</c>, <c>Mul(z, Sigmoid(z))</c> for SiLU,
/// GELU's tanh form as <c>Gelu(approximate = "tanh")</c> or spelled with <c>Pow</c>/<c>Mul</c>/<c>Add</c>/<c>Tanh</c>,
/// and <c>Softmax</c> over the last axis. A model that ends in logits (as PyTorch classifiers trained with
/// <c>CrossEntropyLoss</c> or <c>BCEWithLogitsLoss</c> do) loads into a network whose output layer is Softmax or Sigmoid
/// only with <see cref="OnnxImportOptions.AcceptLogits"/>.</para>
/// <para>Before the first dense layer the graph may standardise each feature, <c>Sub(x, mean)</c> then <c>Div(·, std)</c>
/// (or <c>Mul(·, 1 / std)</c>), constants with one value per feature, as <see cref="OnnxExporter.Export{TNet}(TNet, string, Standardizer?)"/>
/// writes it: the overloads with an <c>out Standardizer?</c> give it back, and the others refuse such a graph rather than
/// drop its preprocessing. Any other arithmetic on the input is refused.</para>
/// <para>The layers found are compared with the network's <see cref="INeuralNetwork{TSelf, T}.Description"/>;
/// any difference throws <see cref="OnnxModelMismatchException"/> listing all of them. Data that is
/// not such a model throws <see cref="InvalidDataException"/> (with the byte offset for malformed
/// protobuf). In every failure the network's parameters are left unchanged: they are written only
/// once the whole model has been read and checked.</para>
/// <para>What a file can make the importer do is bounded, so an untrusted file costs time and memory in proportion to its
/// size and no more: a model may be at most <see cref="MaxModelBytes"/> long, its graph may have at most
/// <see cref="MaxNodeCount"/> nodes and the model at most <see cref="MaxEntryCount"/> entries; a model beyond a bound
/// throws <see cref="InvalidDataException"/> naming it, before the decoder allocates for what exceeds it. The graph walk
/// is linear in the number of nodes and edges.</para>
/// </remarks>
/// <example>
/// <code>
/// var net = new IrisNet();
/// OnnxImporter.Load(net, "iris_from_pytorch.onnx", new OnnxImportOptions { AcceptLogits = true });
/// </code>
/// </example>
public static class OnnxImporter
{
    /// <summary>The longest model, in bytes, the importer reads: 1 GiB (268 million float32 weights). Protobuf, and so ONNX, stops at 2 GiB.</summary>
    public const int MaxModelBytes = OnnxSerializer.MaxModelBytes;

    /// <summary>The most nodes a model's graph may have: 131 072. A dense layer takes one to a dozen (GELU spelled out, with its constants).</summary>
    public const int MaxNodeCount = OnnxSerializer.MaxNodeCount;

    /// <summary>
    /// The most entries a model may hold: 1 048 576 messages (nodes, attributes, tensors, graph inputs and outputs, their
    /// dimensions, operator sets), node input and output names, and repeated integers such as dimensions. The values of
    /// tensors are not entries: this bounds the bookkeeping, not the size of the weights.
    /// </summary>
    public const int MaxEntryCount = OnnxSerializer.MaxEntryCount;

    /// <summary>Reads an ONNX model from <paramref name="stream"/> (to its end) and loads its weights into <paramref name="net"/>.</summary>
    /// <param name="net">The network that receives the weights.</param>
    /// <param name="stream">The model. A model whose weights are in a side file (external data) must be loaded from its file instead.</param>
    /// <param name="options">What to accept beyond an exact match, e.g. <see cref="OnnxImportOptions.AcceptLogits"/>; null for the defaults.</param>
    /// <exception cref="InvalidDataException">The data is not an ONNX model of a chain of dense layers, keeps weights in a side file, or exceeds a bound (<see cref="MaxModelBytes"/>, <see cref="MaxNodeCount"/>, <see cref="MaxEntryCount"/>).</exception>
    /// <exception cref="OnnxModelMismatchException">The model's layers differ from <typeparamref name="TNet"/>'s.</exception>
    public static void Load<TNet>(TNet net, Stream stream, OnnxImportOptions? options = null)
        where TNet : class, INeuralNetwork<TNet> => Load<TNet, float>(net, stream, options);

    /// <summary>
    /// <see cref="Load{TNet}(TNet, Stream, OnnxImportOptions?)"/> for a network of any precision: a float network reads a model
    /// of FLOAT tensors, a double network (<c>[Network(Precision = Precision.Double)]</c>) one of DOUBLE tensors.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is not an ONNX model of a chain of dense layers, keeps weights in a side file, or exceeds a bound.</exception>
    /// <exception cref="OnnxModelMismatchException">The model's layers or element type differ from <typeparamref name="TNet"/>'s.</exception>
    public static void Load<TNet, T>(INeuralNetwork<TNet, T> net, Stream stream, OnnxImportOptions? options = null)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = ReadModel(stream);
        Load(net, buffer.GetBuffer().AsSpan(0, (int)buffer.Length), sideFiles: null, options ?? new OnnxImportOptions(), wantsStandardizer: false);
    }

    /// <summary>
    /// Reads the ONNX model in the file <paramref name="path"/> and loads its weights into <paramref name="net"/>. Weights
    /// stored in side files (external data, as the dynamo exporter writes them) are read from the model's folder.
    /// </summary>
    /// <param name="net">The network that receives the weights.</param>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <param name="options">What to accept beyond an exact match, e.g. <see cref="OnnxImportOptions.AcceptLogits"/>; null for the defaults.</param>
    /// <exception cref="InvalidDataException">The file is not an ONNX model of a chain of dense layers, names a side file that is missing, outside the model's folder or too short, or exceeds a bound (<see cref="MaxModelBytes"/>, <see cref="MaxNodeCount"/>, <see cref="MaxEntryCount"/>).</exception>
    /// <exception cref="OnnxModelMismatchException">The model's layers differ from <typeparamref name="TNet"/>'s.</exception>
    public static void Load<TNet>(TNet net, string path, OnnxImportOptions? options = null)
        where TNet : class, INeuralNetwork<TNet> => Load<TNet, float>(net, path, options);

    /// <summary>
    /// <see cref="Load{TNet}(TNet, string, OnnxImportOptions?)"/> for a network of any precision: a float network reads a model
    /// of FLOAT tensors, a double network one of DOUBLE tensors.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not an ONNX model of a chain of dense layers, names a side file that is missing, outside the model's folder or too short, or exceeds a bound.</exception>
    /// <exception cref="OnnxModelMismatchException">The model's layers or element type differ from <typeparamref name="TNet"/>'s.</exception>
    public static void Load<TNet, T>(INeuralNetwork<TNet, T> net, string path, OnnxImportOptions? options = null)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        using var buffer = ReadModel(file);
        Load(net, buffer.GetBuffer().AsSpan(0, (int)buffer.Length), new OnnxSideFileFolder(path), options ?? new OnnxImportOptions(), wantsStandardizer: false);
    }

    /// <summary>
    /// Reads an ONNX model from <paramref name="stream"/> (to its end), loads its weights into <paramref name="net"/> and gives
    /// back the standardisation the graph applies to its input before the first dense layer (<c>Sub</c> then <c>Div</c>, as
    /// <see cref="OnnxExporter.Export{TNet}(TNet, Stream, Standardizer?)"/> writes it), or null when it applies none.
    /// </summary>
    /// <param name="net">The network that receives the weights.</param>
    /// <param name="stream">The model. A model whose weights are in a side file (external data) must be loaded from its file instead.</param>
    /// <param name="standardizer">The graph's input standardisation; apply its <see cref="Standardizer.Transform(ReadOnlySpan{float}, Span{float})"/> to raw inputs before <c>Forward</c>.</param>
    /// <param name="options">What to accept beyond an exact match, e.g. <see cref="OnnxImportOptions.AcceptLogits"/>; null for the defaults.</param>
    /// <exception cref="InvalidDataException">The data is not an ONNX model of a chain of dense layers (with, optionally, a per-feature standardisation of its input), keeps weights in a side file, or exceeds a bound.</exception>
    /// <exception cref="OnnxModelMismatchException">The model's layers differ from <typeparamref name="TNet"/>'s.</exception>
    public static void Load<TNet>(TNet net, Stream stream, out Standardizer? standardizer, OnnxImportOptions? options = null)
        where TNet : class, INeuralNetwork<TNet> => Load<TNet, float>(net, stream, out standardizer, options);

    /// <summary>The standardiser-returning load for a network of any precision (FLOAT models for float networks, DOUBLE for double ones).</summary>
    /// <exception cref="InvalidDataException">The data is not an ONNX model of a chain of dense layers (with, optionally, a per-feature standardisation of its input), or exceeds a bound.</exception>
    /// <exception cref="OnnxModelMismatchException">The model's layers or element type differ from <typeparamref name="TNet"/>'s.</exception>
    public static void Load<TNet, T>(INeuralNetwork<TNet, T> net, Stream stream, out Standardizer? standardizer, OnnxImportOptions? options = null)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = ReadModel(stream);
        standardizer = Load(net, buffer.GetBuffer().AsSpan(0, (int)buffer.Length), sideFiles: null, options ?? new OnnxImportOptions(), wantsStandardizer: true);
    }

    /// <summary>
    /// Reads the ONNX model in the file <paramref name="path"/>, loads its weights into <paramref name="net"/> and gives back
    /// the standardisation the graph applies to its input before the first dense layer, or null when it applies none.
    /// </summary>
    /// <param name="net">The network that receives the weights.</param>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <param name="standardizer">The graph's input standardisation; apply its <see cref="Standardizer.Transform(ReadOnlySpan{float}, Span{float})"/> to raw inputs before <c>Forward</c>.</param>
    /// <param name="options">What to accept beyond an exact match, e.g. <see cref="OnnxImportOptions.AcceptLogits"/>; null for the defaults.</param>
    /// <exception cref="InvalidDataException">The file is not an ONNX model of a chain of dense layers (with, optionally, a per-feature standardisation of its input), names a side file that is missing, outside the model's folder or too short, or exceeds a bound.</exception>
    /// <exception cref="OnnxModelMismatchException">The model's layers differ from <typeparamref name="TNet"/>'s.</exception>
    public static void Load<TNet>(TNet net, string path, out Standardizer? standardizer, OnnxImportOptions? options = null)
        where TNet : class, INeuralNetwork<TNet> => Load<TNet, float>(net, path, out standardizer, options);

    /// <summary>The standardiser-returning load for a network of any precision (FLOAT models for float networks, DOUBLE for double ones).</summary>
    /// <exception cref="InvalidDataException">The data is not an ONNX model of a chain of dense layers (with, optionally, a per-feature standardisation of its input), or exceeds a bound.</exception>
    /// <exception cref="OnnxModelMismatchException">The model's layers or element type differ from <typeparamref name="TNet"/>'s.</exception>
    public static void Load<TNet, T>(INeuralNetwork<TNet, T> net, string path, out Standardizer? standardizer, OnnxImportOptions? options = null)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        using var buffer = ReadModel(file);
        standardizer = Load(net, buffer.GetBuffer().AsSpan(0, (int)buffer.Length), new OnnxSideFileFolder(path), options ?? new OnnxImportOptions(), wantsStandardizer: true);
    }

    /// <summary>The rest of <paramref name="stream"/>, or <see cref="InvalidDataException"/> as soon as it proves longer than <see cref="MaxModelBytes"/>.</summary>
    private static MemoryStream ReadModel(Stream stream)
    {
        long? known = stream.CanSeek ? Math.Max(0, stream.Length - stream.Position) : null;
        if (known > MaxModelBytes)
        {
            throw TooLong($"{known} bytes");
        }

        var buffer = new MemoryStream(known is long length ? (int)length : 0);
        byte[] chunk = new byte[81_920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxModelBytes)
            {
                buffer.Dispose();
                throw TooLong($"more than {MaxModelBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer;
    }

    private static InvalidDataException TooLong(string length) =>
        new($"Cannot read the ONNX model as a NetCompiler network: The ONNX model is {length} long; NetCompiler reads models of at most {MaxModelBytes} bytes (OnnxImporter.MaxModelBytes).");

    /// <summary>
    /// Reads the model, checks it against <typeparamref name="TNet"/> and only then writes the parameters. A graph that
    /// standardises its input is refused when the caller did not ask for the standardiser (<paramref name="wantsStandardizer"/>),
    /// so the preprocessing is never silently dropped.
    /// </summary>
    private static Standardizer? Load<TNet, T>(INeuralNetwork<TNet, T> net, ReadOnlySpan<byte> data, OnnxSideFiles? sideFiles, OnnxImportOptions options, bool wantsStandardizer)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var model = OnnxSerializer.Decode(data);
        OnnxExternalData.Resolve(model, sideFiles);
        var mlp = OnnxMlpReader.Read(model);
        T[] parameters = Arrange<T>(TNet.Description, mlp, options);
        if (mlp.Standardization is { } standardization && !wantsStandardizer)
        {
            throw new InvalidDataException(
                $"The ONNX model standardises its {standardization.Mean.Length} input features (Sub, then Div) before the first dense layer, and {TNet.Description.Name} would compute something else on the same inputs without it; load it with OnnxImporter.Load(net, path, out Standardizer? standardizer, options) and apply standardizer.Transform to the inputs before Forward.");
        }

        // Sub(x, mean) then Div(·, d) is exactly Standardizer(mean, d).Transform: a divisor is a positive standard deviation.
        var standardizer = mlp.Standardization is { } s ? new Standardizer(s.Mean, s.Divisor) : null;
        parameters.CopyTo(net.Parameters);
        return standardizer;
    }

    /// <summary>The parameter buffer of <paramref name="description"/> filled from the layers of <paramref name="mlp"/> (of the network's element type), or a mismatch listing every difference.</summary>
    internal static T[] Arrange<T>(NetworkDescription description, OnnxMlp mlp, OnnxImportOptions options)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var layers = mlp.Layers;
        var differences = new List<string>();
        bool networkIsDouble = typeof(T) == typeof(double);
        if (mlp.IsDouble != networkIsDouble)
        {
            differences.Add($"element type: ONNX {(mlp.IsDouble ? "DOUBLE" : "FLOAT")}, network {(networkIsDouble ? "double (Precision.Double)" : "float (Precision.Single)")}");
        }

        if (layers[0].InputSize != description.InputSize)
        {
            differences.Add($"input: ONNX has {layers[0].InputSize} features, network has {description.InputSize}");
        }

        if (layers.Count != description.Layers.Length)
        {
            differences.Add($"ONNX has {layers.Count} dense layers, network has {description.Layers.Length}");
        }

        for (int i = 0; i < Math.Min(layers.Count, description.Layers.Length); i++)
        {
            var onnx = layers[i];
            var layer = description.Layers[i];
            if (onnx.Size != layer.Size)
            {
                differences.Add($"layer {i + 1}: ONNX has {onnx.Size} units, network has {layer.Size}");
            }

            bool logits = OnnxLogits.EndsInLogitsFor(onnx.Activation.Match, layer.Activation, isOutputOfBoth: i == layers.Count - 1 && i == description.Layers.Length - 1);
            if (logits && !options.AcceptLogits)
            {
                differences.Add(OnnxLogits.Difference(i + 1, layer.Activation, "import with new OnnxImportOptions { AcceptLogits = true }"));
            }
            else if (onnx.Activation.Match != layer.Activation && !logits)
            {
                differences.Add($"layer {i + 1} activation: ONNX {onnx.Activation.Description}, network {layer.Activation}");
            }
        }

        if (differences.Count > 0)
        {
            throw new OnnxModelMismatchException(description, differences);
        }

        var parameters = new T[description.ParameterCount];
        for (int i = 0; i < layers.Count; i++)
        {
            Copy(layers[i].Weights, parameters.AsSpan(description.Layers[i].WeightOffset));
            Copy(layers[i].Bias, parameters.AsSpan(description.Layers[i].BiasOffset));
        }

        return parameters;

        // The reader's doubles are the model's values: a FLOAT model's widened, so rounding them back is exact.
        static void Copy(double[] values, Span<T> destination)
        {
            for (int i = 0; i < values.Length; i++)
            {
                destination[i] = T.CreateTruncating(values[i]);
            }
        }
    }
}
