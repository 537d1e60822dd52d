namespace NetCompiler.Onnx.Tests;

// Small networks that, between them, use every activation NetCompiler has.

/// <summary>Sigmoid, Tanh and ReLU hidden layers; identity (linear) output.</summary>
[Network(Inputs = 5)]
[Dense(7, Activation.Sigmoid)]
[Dense(6, Activation.Tanh)]
[Dense(4, Activation.ReLU)]
[Dense(3)]
public partial class SigmoidTanhReluNet;

/// <summary>LeakyReLU, ELU hidden layers; Softplus output.</summary>
[Network(Inputs = 6)]
[Dense(9, Activation.LeakyReLU)]
[Dense(5, Activation.ELU)]
[Dense(2, Activation.Softplus)]
public partial class LeakyEluSoftplusNet;

/// <summary>SiLU and GELU hidden layers; Softmax output with cross-entropy.</summary>
[Network(Inputs = 4, Loss = Loss.CrossEntropy)]
[Dense(8, Activation.SiLU)]
[Dense(7, Activation.GELU)]
[Dense(3, Activation.Softmax)]
public partial class SiluGeluSoftmaxNet;

/// <summary>One layer: logistic regression with binary cross-entropy (Sigmoid output).</summary>
[Network(Inputs = 3, Loss = Loss.CrossEntropy)]
[Dense(2, Activation.Sigmoid)]
public partial class LogisticNet;

/// <summary>The shape of a typical PyTorch or Keras classifier: ReLU hidden layers, Softmax output.</summary>
[Network(Inputs = 10, Loss = Loss.CrossEntropy)]
[Dense(16, Activation.ReLU)]
[Dense(8, Activation.ReLU)]
[Dense(4, Activation.Softmax)]
public partial class ReluClassifierNet;

/// <summary>A hidden layer without activation (a linear bottleneck), then Tanh.</summary>
[Network(Inputs = 3)]
[Dense(4)]
[Dense(2, Activation.Tanh)]
public partial class LinearBottleneckNet;

/// <summary>The Iris classifier's shape, 4 → 16 Tanh → 3 Softmax with cross-entropy, as issue 13 reports its malformed exports.</summary>
[Network(Inputs = 4, Loss = Loss.CrossEntropy)]
[Dense(16, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public partial class IrisShapedNet;

/// <summary>Sigmoid, Tanh and ReLU hidden layers, Softmax output, in double precision: exported with DOUBLE tensors.</summary>
[Network(Inputs = 5, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
[Dense(7, Activation.Sigmoid)]
[Dense(6, Activation.Tanh)]
[Dense(4, Activation.ReLU)]
[Dense(3, Activation.Softmax)]
public partial class DoubleSigmoidTanhReluSoftmaxNet;

/// <summary>SiLU and GELU hidden layers (built from Sigmoid, Mul, Add and Tanh nodes), identity output, in double precision.</summary>
[Network(Inputs = 4, Precision = Precision.Double)]
[Dense(8, Activation.SiLU)]
[Dense(7, Activation.GELU)]
[Dense(2)]
public partial class DoubleSiluGeluNet;

/// <summary><see cref="SigmoidTanhReluNet"/>'s topology in double precision.</summary>
[Network(Inputs = 5, Precision = Precision.Double)]
[Dense(7, Activation.Sigmoid)]
[Dense(6, Activation.Tanh)]
[Dense(4, Activation.ReLU)]
[Dense(3)]
public partial class DoubleSigmoidTanhReluNet;
