using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace NetCompiler.Generator.Diagnostics;

/// <summary>
/// Every diagnostic NetCompiler reports at build time. Each ID has a page under <c>docs/diagnostics/</c>, whose
/// guidance its description repeats, and a row in <c>AnalyzerReleases.Unshipped.md</c>.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "NetCompiler";

    public static readonly DiagnosticDescriptor NetworkClassNotPartial = Error(
        "NC0001",
        "Network class must be partial",
        "The network class '{0}' must be declared partial so NetCompiler can add the generated members; add the 'partial' modifier",
        "NetCompiler adds the network's members (constants, constructors, Forward, TrainStep, ...) to the class from a generated file, which C# allows only when every declaration of the class is partial. Add the 'partial' modifier; other modifiers such as sealed or internal may stay. Nothing is generated for the class until then.");

    public static readonly DiagnosticDescriptor UnsupportedNetworkType = Error(
        "NC0002",
        "Unsupported network type",
        "NetCompiler cannot generate the network '{0}': {1}",
        "NetCompiler generates a non-generic, instantiable partial class in a separate file. A network class cannot be generic (the code is specialised to one topology; declare one class per topology), static (a network is an instance holding its parameters), abstract (Create(seed) constructs it), file-local (the generated members live in another file), a record, or have a primary constructor (the generated constructors set up its parameters); it cannot be nested in a generic type, in a type that is not partial (the generated file re-declares every containing type as partial), or in a file-local type. Do what the message says.");

    public static readonly DiagnosticDescriptor NoLayers = Error(
        "NC0003",
        "Network has no layers",
        "The network '{0}' has no layers; add at least one [Dense(size, activation)] attribute (the last one is the output layer)",
        "The layers of a network are the [Dense] attributes on its class, in the order they are written, input side first; the last one is the output layer. Add at least one [Dense(size, activation)].");

    public static readonly DiagnosticDescriptor InvalidInputSize = Error(
        "NC0004",
        "Input size must be positive",
        "The network '{0}' has Inputs = {1}; set Inputs to the number of features of one sample (a positive number)",
        "Inputs is the number of features of one sample, the length of the input span of Forward; it has no default. Set Inputs to a positive number.");

    public static readonly DiagnosticDescriptor InvalidLayerSize = Error(
        "NC0005",
        "Layer size must be positive",
        "Layer {0} of the network '{1}' has size {2}; a dense layer needs a positive number of neurons",
        "The first argument of [Dense] is the number of neurons of the layer (for the last layer, the number of outputs). Give every layer a positive number of neurons.");

    public static readonly DiagnosticDescriptor SoftmaxOnHiddenLayer = Error(
        "NC0006",
        "Softmax is only allowed on the output layer",
        "Layer {0} of the network '{1}' uses Softmax but is a hidden layer; use Softmax only on the last [Dense] and pick another activation here (for example ReLU or Tanh)",
        "Softmax turns a layer's outputs into class probabilities that sum to 1; it is only meaningful, and only supported (with its fused cross-entropy gradient), on the output layer. Use another activation on hidden layers, for example ReLU or Tanh, and keep Softmax on the last [Dense].");

    public static readonly DiagnosticDescriptor CrossEntropyNeedsSoftmaxOrSigmoid = Error(
        "NC0007",
        "Cross-entropy needs a Softmax or Sigmoid output",
        "The network '{0}' uses Loss.CrossEntropy but its output layer uses {1}; use Activation.Softmax (one class per sample) or Activation.Sigmoid (independent yes/no outputs), or choose Loss.MeanSquaredError",
        "Loss.CrossEntropy compares predicted probabilities with the targets: J = -1/N sum t ln a for a Softmax output (one class per sample), binary cross-entropy per output for a Sigmoid output (independent yes/no outputs). Any other output activation does not produce probabilities, so the loss is undefined and the fused gradient a - t is wrong. Make the output layer Softmax or Sigmoid, or use Loss.MeanSquaredError for regression.");

    public static readonly DiagnosticDescriptor MeanSquaredErrorOverSoftmax = Warning(
        "NC0008",
        "Mean squared error over a Softmax output learns slowly",
        "The network '{0}' trains a Softmax output with Loss.MeanSquaredError, whose gradient vanishes when the prediction is confidently wrong; use Loss.CrossEntropy for classification",
        "With mean squared error the output delta is (a - t) f'(z); the Softmax derivative is close to zero when the network is confidently wrong, so exactly the worst predictions learn the slowest. Cross-entropy with Softmax has the delta a - t, which stays large. Use Loss.CrossEntropy for classification; if mean squared error is intended, add NC0008 to NoWarn.");

    public static readonly DiagnosticDescriptor UnknownActivation = Error(
        "NC0009",
        "Unknown activation",
        "Layer {0} of the network '{1}' uses the activation value {2}, which is not a member of NetCompiler.Activation; use one of the named values",
        "C# lets any integer be cast to an enum, but NetCompiler only knows the named members of NetCompiler.Activation: Identity, Sigmoid, Tanh, ReLU, Softmax (output layer only), LeakyReLU, ELU, Softplus, SiLU, GELU. Use one of them.");

    public static readonly DiagnosticDescriptor UnknownLoss = Error(
        "NC0010",
        "Unknown loss",
        "The network '{0}' uses the loss value {1}, which is not a member of NetCompiler.Loss; use Loss.MeanSquaredError or Loss.CrossEntropy",
        "C# lets any integer be cast to an enum, but NetCompiler only knows the named members of NetCompiler.Loss. Use Loss.MeanSquaredError (the default, for regression) or Loss.CrossEntropy (classification, with a Softmax or Sigmoid output).");

    public static readonly DiagnosticDescriptor UnknownPrecision = Error(
        "NC0030",
        "Unknown precision",
        "The network '{0}' uses the precision value {1}, which is not a member of NetCompiler.Precision; use Precision.Single or Precision.Double",
        "C# lets any integer be cast to an enum, but NetCompiler generates only the named members of NetCompiler.Precision: Precision.Single (float, the default) or Precision.Double (double).");

    public static readonly DiagnosticDescriptor ParameterCountOverflow = Error(
        "NC0011",
        "Too many parameters",
        "The network '{0}' has {1} parameters (or scratch values), more than an int can index ({2}); make the layers smaller",
        "The generated code keeps all weights and biases in one float buffer and indexes it, and each kernel's scratch buffer, with int. A layer with n inputs and m neurons has m*n + m parameters; the scratch holds z, a and delta of every layer. Such a network would not fit in memory as one array anyway: make the layers smaller, or the input narrower.");

    public static readonly DiagnosticDescriptor DenseWithoutNetwork = Warning(
        "NC0012",
        "Dense layers on a class without [Network]",
        "The class '{0}' has [Dense] layers but no [Network] attribute, so no network is generated; add [Network(Inputs = ...)]",
        "[Dense] only describes layers; the network (its input size and loss) is declared by [Network]. Without it nothing is generated, which is almost always a forgotten attribute. Add [Network(Inputs = ...)] or remove the [Dense] attributes.");

    public static readonly DiagnosticDescriptor WeightsFileNotFound = Error(
        "NC0013",
        "Weights file not found among AdditionalFiles",
        "The network '{0}' bakes in the weights file '{1}', but no AdditionalFiles item has that name; add <AdditionalFiles Include=\"{1}\" /> to the project file (Weights names the end of the item's path, for example its file name)",
        "The generator reads only files the project passes to the compiler as AdditionalFiles items. Weights names an item by the end of its path at a folder boundary, ignoring case: \"iris.ncnet\" and \"Models/iris.ncnet\" both name Models/iris.ncnet. Add the item to the project file (its Include path is relative to the project file), correct the name, or remove Weights. The network is still generated, without CreatePretrained() and PretrainedParameters.");

    public static readonly DiagnosticDescriptor WeightsFileAmbiguous = Error(
        "NC0014",
        "Weights file name matches several AdditionalFiles",
        "The weights file '{1}' of the network '{0}' matches {2} AdditionalFiles items ({3}); write more of the path in Weights so that exactly one matches",
        "Weights names an AdditionalFiles item by the end of its path; when several items end that way, the generator does not guess which one is meant (the same item listed twice counts once). Write more of the path in Weights, or remove the item you do not mean.");

    public static readonly DiagnosticDescriptor WeightsFileUnreadable = Error(
        "NC0015",
        "Weights file cannot be read",
        "The weights file '{1}' of the network '{0}' cannot be baked in: {2}",
        "The weights file is read with the runtime's own readers, so it is accepted exactly when ModelFile.Load (.ncnet and any name not ending in .onnx) or OnnxImporter.Load (.onnx) would accept it; the message repeats what they would throw. Save or export the model again and check that the AdditionalFiles item points at it; keep model files out of line-ending conversion (*.ncnet binary in .gitattributes).");

    public static readonly DiagnosticDescriptor WeightsTopologyMismatch = Error(
        "NC0016",
        "Weights file does not fit the network",
        "The weights file '{1}' does not fit the network '{0}': {2}; bake a file saved from a network with this topology, or change the attributes to match the file",
        "A weights file is baked in only when its topology is the declared one, as ModelFile.Load and OnnxImporter.Load require at run time: the same input size, layers, sizes, activations and (for a model file) loss. Declare the topology the file was saved from (ModelFile.ReadDescription prints it), or train and save the declared network again.");

    public static readonly DiagnosticDescriptor WeightsNotFinite = Warning(
        "NC0017",
        "Weights file holds NaN or infinite parameters",
        "The weights file '{1}' of the network '{0}' holds {2} NaN or infinite parameters (the first is parameter {3}, in layer {4}), so the baked-in network computes NaN; was it saved after training diverged?",
        "Model files keep parameters bit for bit, so a network saved after training diverged bakes in unchanged and computes NaN for every input. Train again (a lower learning rate, or the Trainer, which stops before a non-finite update), save and rebuild; to keep the model on purpose, add NC0017 to NoWarn.");

    public static readonly DiagnosticDescriptor WeightsTooLarge = Error(
        "NC0018",
        "Weights file too large to bake in",
        "The weights file '{1}' of the network '{0}' holds {2} parameters, more than NetCompiler bakes into an assembly ({3}); load it at run time with ModelFile.Load or OnnxImporter.Load instead",
        "Baked-in parameters become a string constant in the assembly, and an assembly holds at most 16 MiB of string constants, so a network bakes in at most 2,097,152 parameters. Remove Weights, ship the file beside the program and load it with ModelFile.Load or OnnxImporter.Load.");

    public static readonly DiagnosticDescriptor MemberClashesWithGenerated = Error(
        "NC0019",
        "Member clashes with a generated member",
        "The network '{0}' cannot declare {1} '{2}', because NetCompiler generates a public member of that name{3}; rename or remove it (the generated members are listed in the README)",
        "NetCompiler adds the network's public API to the partial class (the constants such as InputSize and Layer1Size, the constructors, Description, Parameters, Forward, TrainStep, ForwardBatch and the other kernels). A member of the same name (for a method or constructor, the same parameter types) would be a compiler error inside the generated file. Rename or remove the member; overloads with other parameter types are fine.");

    public static readonly DiagnosticDescriptor ClassNameClashesWithGenerated = Error(
        "NC0020",
        "Network class named like a generated member",
        "The network class cannot be named '{0}', because NetCompiler generates a member of that name in it and a member cannot have its class's name; rename the class",
        "A C# member cannot have the name of its enclosing class (CS0542), and NetCompiler adds members such as Forward, Parameters, InputSize or Layer1Size to every network class. Rename the class, for example to ForwardNet.");

    public static readonly DiagnosticDescriptor WeightsSideFileNotFound = Error(
        "NC0021",
        "ONNX side file not found among AdditionalFiles",
        "The weights file '{1}' of the network '{0}' keeps its weights in the side file '{2}', which is not an AdditionalFiles item; add <AdditionalFiles Include=\"{3}\" /> to the project file next to the model",
        "An ONNX model can keep its weights in a side file next to it (external data), as the dynamo exporter (torch.onnx.export(..., dynamo=True)) and onnx.save_model(..., save_as_external_data=True) write them. The generator reads only files the project passes to the compiler, so the side file must be an AdditionalFiles item too, in the folder the model names. The network is still generated, without CreatePretrained() and PretrainedParameters.");

    public static readonly DiagnosticDescriptor AcceptLogitsHasNoEffect = Warning(
        "NC0022",
        "AcceptLogits has no effect",
        "AcceptLogits has no effect on the network '{0}': {1}; remove it",
        "AcceptLogits = true lets an ONNX weights file that ends in logits (PyTorch classifiers keep the softmax in CrossEntropyLoss and the sigmoid in BCEWithLogitsLoss) bake into a network whose output layer is Softmax or Sigmoid. It changes nothing when the network bakes in no weights file, when the file is a NetCompiler model file, or when the output layer is neither Softmax nor Sigmoid. Remove it, or name the ONNX file it is meant for in Weights; to load logits at run time, pass new OnnxImportOptions { AcceptLogits = true } to OnnxImporter.Load.");

    public static readonly DiagnosticDescriptor ModelFileStandardizerNotBaked = Warning(
        "NC0023",
        "The model file's standardizer is not baked in",
        "The weights file '{1}' of the network '{0}' was saved with a standardizer of its {2} input features, which is not baked in: PretrainedParameters expect standardised inputs, so apply the standardizer yourself (read it once with ModelFile.ReadStandardizer, or save the model without it to silence this)",
        "A model file saved with net.Save(path, standardizer) holds the fitted means and standard deviations beside the parameters. Baking reads the parameters only, so CreatePretrained() and PretrainedParameters compute on standardised inputs while raw inputs give other outputs. Standardise the inputs yourself: ModelFile.ReadStandardizer(path) at run time (the file must then be shipped), or the same means and deviations kept in code; or save the model without the standardizer if its inputs are already standardised elsewhere. The parameters are baked in as they are.");

    public static readonly DiagnosticDescriptor InvalidDropoutRate = Error(
        "NC0025",
        "Dropout rate must be between 0 and 1",
        "The network '{0}' has [Dropout({1})]; the rate is the probability of dropping an activation and must be greater than 0 and less than 1",
        "[Dropout(rate)] drops each activation of the layer before it with probability rate while training and scales the others by 1 / (1 - rate), so the rate must be a probability strictly between 0 and 1: 0 would do nothing and 1 would drop every activation.");

    public static readonly DiagnosticDescriptor DropoutBeforeFirstLayer = Error(
        "NC0026",
        "Dropout before the first dense layer",
        "The network '{0}' declares [Dropout] before its first [Dense]; dropout applies to the layer declared just before it, so move it after a hidden [Dense]",
        "A [Dropout] applies to the output of the [Dense] declared just before it (attribute order is layer order). A [Dropout] before the first [Dense] would drop the network's inputs, which NetCompiler does not support; move it after a hidden [Dense].");

    public static readonly DiagnosticDescriptor DropoutAfterOutputLayer = Error(
        "NC0027",
        "Dropout after the output layer",
        "The network '{0}' declares [Dropout] after its last [Dense], the output layer; dropping outputs would corrupt the loss, so move it between two [Dense] attributes",
        "Dropout after the last [Dense] would zero some of the network's outputs during training, so the loss would be computed on corrupted predictions. Dropout belongs between two [Dense] attributes.");

    public static readonly DiagnosticDescriptor RepeatedDropout = Error(
        "NC0028",
        "Two dropouts on one layer",
        "The network '{0}' declares two [Dropout] attributes after layer {1}; keep one (two dropouts in a row act as one with a higher rate)",
        "Each hidden layer can be followed by one [Dropout]. Two in a row act as a single dropout with the rate 1 - (1 - p1)(1 - p2); write that one instead.");

    public static readonly DiagnosticDescriptor WeightsFileStandardizesInput = Error(
        "NC0029",
        "ONNX weights file standardises its input",
        "The weights file '{1}' of the network '{0}' standardises its {2} input features (Sub, then Div) before the first dense layer, which baked-in parameters cannot carry; load it at run time with OnnxImporter.Load(net, path, out Standardizer? standardizer), or export the model without its preprocessing",
        "An ONNX model written by OnnxExporter.Export(net, path, standardizer), or by an exporter that folds a StandardScaler into the graph, starts with Sub(x, mean) then Div(·, std). The parameters a network bakes in are only its dense layers' weights and biases, so baking such a model would silently drop the preprocessing and the network would compute something else on the same raw inputs. Load the model at run time with OnnxImporter.Load(net, path, out Standardizer? standardizer) and standardise the inputs with standardizer.Transform, or bake a model exported without the preprocessing and ship the standardiser in a .ncnet file (ModelFile.Save(net, path, standardizer)). The network is still generated, without CreatePretrained() and PretrainedParameters.");

    /// <summary>
    /// What <see cref="NetworkDeclarationAnalyzer"/> reports: everything about the declaration itself. The generator
    /// reports the rest (NC0013 to NC0018, NC0021, NC0023 and NC0029), which needs the weights files.
    /// </summary>
    public static readonly ImmutableArray<DiagnosticDescriptor> Declaration = ImmutableArray.Create(
        NetworkClassNotPartial, UnsupportedNetworkType, NoLayers, InvalidInputSize, InvalidLayerSize, SoftmaxOnHiddenLayer,
        CrossEntropyNeedsSoftmaxOrSigmoid, MeanSquaredErrorOverSoftmax, UnknownActivation, UnknownLoss, UnknownPrecision, ParameterCountOverflow,
        DenseWithoutNetwork, MemberClashesWithGenerated, ClassNameClashesWithGenerated, AcceptLogitsHasNoEffect,
        InvalidDropoutRate, DropoutBeforeFirstLayer, DropoutAfterOutputLayer, RepeatedDropout);

    private static DiagnosticDescriptor Error(string id, string title, string message, string description) =>
        Create(id, title, message, description, DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Warning(string id, string title, string message, string description) =>
        Create(id, title, message, description, DiagnosticSeverity.Warning);

    // The description carries the guidance of the ID's page in docs/diagnostics, so the editor's tooltip is enough on
    // its own. No help link: it must be an absolute address, and the pages have no public address yet.
    private static DiagnosticDescriptor Create(string id, string title, string message, string description, DiagnosticSeverity severity) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, description: description);
}
