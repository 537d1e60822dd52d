namespace NetCompiler;

/// <summary>
/// Declares a fully connected network on a <c>partial</c> class. The layers are the
/// <see cref="DenseAttribute"/>s on the same class, in the order they are written.
/// At build time the NetCompiler source generator emits forward propagation,
/// backpropagation and training code specialised to exactly this topology.
/// </summary>
/// <example>
/// <code>
/// [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
/// [Dense(16, Activation.Tanh)]
/// [Dense(3, Activation.Softmax)]
/// public partial class IrisNet;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>The number of inputs of one sample (must be positive).</summary>
    public int Inputs { get; set; }

    /// <summary>The loss minimised by training. Defaults to <see cref="Loss.MeanSquaredError"/>.</summary>
    public Loss Loss { get; set; } = Loss.MeanSquaredError;

    /// <summary>
    /// The element type of the network: <see cref="Precision.Single"/> (the default) generates a <c>float</c> network,
    /// <see cref="Precision.Double"/> a <c>double</c> one (implementing <c>INeuralNetwork&lt;TSelf, double&gt;</c>).
    /// </summary>
    /// <example>
    /// <code>
    /// [Network(Inputs = 2, Precision = Precision.Double)]
    /// [Dense(2, Activation.Sigmoid)]
    /// [Dense(2, Activation.Sigmoid)]
    /// public partial class WorkedExample;
    /// </code>
    /// </example>
    public Precision Precision { get; set; } = Precision.Single;

    /// <summary>
    /// A weights file to bake into the assembly at build time, or null (the default) for none: a NetCompiler model
    /// file saved with <see cref="ModelFile"/> (<c>.ncnet</c>), or an ONNX model of a chain of dense layers
    /// (<c>.onnx</c>, read as <see cref="Onnx.OnnxImporter"/> reads it). The file must be an <c>AdditionalFiles</c>
    /// item of the project; name it by its file name or by the end of its path (<c>"iris.ncnet"</c> or
    /// <c>"Models/iris.ncnet"</c>):
    /// <code>
    /// &lt;ItemGroup&gt;
    ///   &lt;AdditionalFiles Include="Models/iris.ncnet" /&gt;
    /// &lt;/ItemGroup&gt;
    /// </code>
    /// </summary>
    /// <remarks>
    /// The generator reads the file when it compiles the project and checks it as <see cref="ModelFile"/> or
    /// <see cref="Onnx.OnnxImporter"/> would at run time: a file that is missing, unreadable, corrupted, or saved from
    /// another topology is a compile-time error (NC0013 to NC0016) on this argument. An ONNX model that keeps its weights
    /// in a side file (external data, as PyTorch's dynamo exporter writes) needs that file as an <c>AdditionalFiles</c> item
    /// too, next to the model (NC0021 otherwise). The parameters become constant
    /// data in the assembly, bit for bit: the generated <c>CreatePretrained()</c> returns a network holding them, and
    /// the static <c>PretrainedParameters</c> span reads them without allocating or opening a file, also under
    /// NativeAOT. The constructors are unchanged (<c>new IrisNet()</c> still initialises from a seed). Rebuilding after
    /// the file changes bakes in the new parameters.
    /// </remarks>
    /// <example>
    /// <code>
    /// [Network(Inputs = 4, Loss = Loss.CrossEntropy, Weights = "iris.ncnet")]
    /// [Dense(16, Activation.Tanh)]
    /// [Dense(3, Activation.Softmax)]
    /// public partial class IrisNet;
    ///
    /// var net = IrisNet.CreatePretrained();
    /// </code>
    /// </example>
    public string? Weights { get; set; }

    /// <summary>
    /// Lets an ONNX <see cref="Weights"/> file that ends in logits (no activation after its last layer) bake into a network
    /// whose output layer is Softmax or Sigmoid, as <see cref="Onnx.OnnxImportOptions.AcceptLogits"/> does at run time.
    /// PyTorch classifiers end at the last <c>nn.Linear</c> (the softmax is in <c>CrossEntropyLoss</c>, the sigmoid in
    /// <c>BCEWithLogitsLoss</c>); without this, such a file is error NC0016, whose message says so. Set without an ONNX
    /// weights file or on a network whose output layer is neither Softmax nor Sigmoid, it is warning NC0022.
    /// </summary>
    /// <example>
    /// <code>
    /// [Network(Inputs = 784, Loss = Loss.CrossEntropy, Weights = "mnist.onnx", AcceptLogits = true)]
    /// [Dense(128, Activation.ReLU)]
    /// [Dense(10, Activation.Softmax)]
    /// public partial class MnistNet;
    /// </code>
    /// </example>
    public bool AcceptLogits { get; set; }
}
