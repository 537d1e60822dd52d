using Microsoft.CodeAnalysis;

namespace NetCompiler.Generator.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. Each ID has a page under <c>docs/diagnostics/</c> and a
/// row in <c>AnalyzerReleases.Unshipped.md</c>.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "NetCompiler";
    // Relative to the repository root; every ID has its own page there.
    private const string HelpLinkBase = "docs/diagnostics/";

    public static readonly DiagnosticDescriptor NetworkClassNotPartial = Error(
        "NC0001",
        "Network class must be partial",
        "The network class '{0}' must be declared partial so NetCompiler can add the generated members; add the 'partial' modifier");

    public static readonly DiagnosticDescriptor UnsupportedNetworkType = Error(
        "NC0002",
        "Unsupported network type",
        "NetCompiler cannot generate the network '{0}': {1}");

    public static readonly DiagnosticDescriptor NoLayers = Error(
        "NC0003",
        "Network has no layers",
        "The network '{0}' has no layers; add at least one [Dense(size, activation)] attribute (the last one is the output layer)");

    public static readonly DiagnosticDescriptor InvalidInputSize = Error(
        "NC0004",
        "Input size must be positive",
        "The network '{0}' has Inputs = {1}; set Inputs to the number of features of one sample (a positive number)");

    public static readonly DiagnosticDescriptor InvalidLayerSize = Error(
        "NC0005",
        "Layer size must be positive",
        "Layer {0} of the network '{1}' has size {2}; a dense layer needs a positive number of neurons");

    public static readonly DiagnosticDescriptor SoftmaxOnHiddenLayer = Error(
        "NC0006",
        "Softmax is only allowed on the output layer",
        "Layer {0} of the network '{1}' uses Softmax but is a hidden layer; use Softmax only on the last [Dense] and pick another activation here (for example ReLU or Tanh)");

    public static readonly DiagnosticDescriptor CrossEntropyNeedsSoftmaxOrSigmoid = Error(
        "NC0007",
        "Cross-entropy needs a Softmax or Sigmoid output",
        "The network '{0}' uses Loss.CrossEntropy but its output layer uses {1}; use Activation.Softmax (one class per sample) or Activation.Sigmoid (independent yes/no outputs), or choose Loss.MeanSquaredError");

    public static readonly DiagnosticDescriptor MeanSquaredErrorOverSoftmax = Warning(
        "NC0008",
        "Mean squared error over a Softmax output learns slowly",
        "The network '{0}' trains a Softmax output with Loss.MeanSquaredError, whose gradient vanishes when the prediction is confidently wrong; use Loss.CrossEntropy for classification");

    public static readonly DiagnosticDescriptor UnknownActivation = Error(
        "NC0009",
        "Unknown activation",
        "Layer {0} of the network '{1}' uses the activation value {2}, which is not a member of NetCompiler.Activation; use one of the named values");

    public static readonly DiagnosticDescriptor UnknownLoss = Error(
        "NC0010",
        "Unknown loss",
        "The network '{0}' uses the loss value {1}, which is not a member of NetCompiler.Loss; use Loss.MeanSquaredError or Loss.CrossEntropy");

    public static readonly DiagnosticDescriptor ParameterCountOverflow = Error(
        "NC0011",
        "Too many parameters",
        "The network '{0}' has {1} parameters (or scratch values), more than an int can index ({2}); make the layers smaller");

    public static readonly DiagnosticDescriptor DenseWithoutNetwork = Warning(
        "NC0012",
        "Dense layers on a class without [Network]",
        "The class '{0}' has [Dense] layers but no [Network] attribute, so no network is generated; add [Network(Inputs = ...)]");

    public static readonly DiagnosticDescriptor WeightsFileNotFound = Error(
        "NC0013",
        "Weights file not found among AdditionalFiles",
        "The network '{0}' bakes in the weights file '{1}', but no AdditionalFiles item has that name; add <AdditionalFiles Include=\"{1}\" /> to the project file (Weights names the end of the item's path, for example its file name)");

    public static readonly DiagnosticDescriptor WeightsFileAmbiguous = Error(
        "NC0014",
        "Weights file name matches several AdditionalFiles",
        "The weights file '{1}' of the network '{0}' matches {2} AdditionalFiles items ({3}); write more of the path in Weights so that exactly one matches");

    public static readonly DiagnosticDescriptor WeightsFileUnreadable = Error(
        "NC0015",
        "Weights file cannot be read",
        "The weights file '{1}' of the network '{0}' cannot be baked in: {2}");

    public static readonly DiagnosticDescriptor WeightsTopologyMismatch = Error(
        "NC0016",
        "Weights file does not fit the network",
        "The weights file '{1}' does not fit the network '{0}': {2}; bake a file saved from a network with this topology, or change the attributes to match the file");

    public static readonly DiagnosticDescriptor WeightsNotFinite = Warning(
        "NC0017",
        "Weights file holds NaN or infinite parameters",
        "The weights file '{1}' of the network '{0}' holds {2} NaN or infinite parameters (the first is parameter {3}, in layer {4}), so the baked-in network computes NaN; was it saved after training diverged?");

    public static readonly DiagnosticDescriptor WeightsTooLarge = Error(
        "NC0018",
        "Weights file too large to bake in",
        "The weights file '{1}' of the network '{0}' holds {2} parameters, more than NetCompiler bakes into an assembly ({3}); load it at run time with ModelFile.Load or OnnxImporter.Load instead");

    public static readonly DiagnosticDescriptor MemberClashesWithGenerated = Error(
        "NC0019",
        "Member clashes with a generated member",
        "The network '{0}' cannot declare {1} '{2}', because NetCompiler generates a public member of that name{3}; rename or remove it (the generated members are listed in the README)");

    public static readonly DiagnosticDescriptor ClassNameClashesWithGenerated = Error(
        "NC0020",
        "Network class named like a generated member",
        "The network class cannot be named '{0}', because NetCompiler generates a member of that name in it and a member cannot have its class's name; rename the class");

    public static readonly DiagnosticDescriptor InvalidDropoutRate = Error(
        "NC0025",
        "Dropout rate must be between 0 and 1",
        "The network '{0}' has [Dropout({1})]; the rate is the probability of dropping an activation and must be greater than 0 and less than 1");

    public static readonly DiagnosticDescriptor DropoutBeforeFirstLayer = Error(
        "NC0026",
        "Dropout before the first dense layer",
        "The network '{0}' declares [Dropout] before its first [Dense]; dropout applies to the layer declared just before it, so move it after a hidden [Dense]");

    public static readonly DiagnosticDescriptor DropoutAfterOutputLayer = Error(
        "NC0027",
        "Dropout after the output layer",
        "The network '{0}' declares [Dropout] after its last [Dense], the output layer; dropping outputs would corrupt the loss, so move it between two [Dense] attributes");

    public static readonly DiagnosticDescriptor RepeatedDropout = Error(
        "NC0028",
        "Two dropouts on one layer",
        "The network '{0}' declares two [Dropout] attributes after layer {1}; keep one (two dropouts in a row act as one with a higher rate)");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        Create(id, title, message, DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        Create(id, title, message, DiagnosticSeverity.Warning);

    private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
        new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");
}
