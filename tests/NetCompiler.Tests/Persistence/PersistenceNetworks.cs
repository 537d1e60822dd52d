namespace NetCompiler.Tests.Persistence;

/// <summary>The reference network of the persistence tests: 4 → 16 Tanh → 3 Softmax, cross-entropy, 131 parameters.</summary>
[Network(Inputs = 4, Loss = Loss.CrossEntropy)]
[Dense(16, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public partial class PersistIrisNet;

/// <summary>The same topology as <see cref="PersistIrisNet"/> under another name: its models load into it.</summary>
[Network(Inputs = 4, Loss = Loss.CrossEntropy)]
[Dense(16, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public partial class PersistIrisTwinNet;

/// <summary>Differs from <see cref="PersistIrisNet"/> in layer 1's size, layer 2's activation and the loss.</summary>
[Network(Inputs = 4, Loss = Loss.MeanSquaredError)]
[Dense(8, Activation.Tanh)]
[Dense(3, Activation.Sigmoid)]
public partial class PersistIrisVariantNet;

/// <summary>Differs from <see cref="PersistIrisNet"/> only in its input size.</summary>
[Network(Inputs = 5, Loss = Loss.CrossEntropy)]
[Dense(16, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public partial class PersistIrisFiveInputNet;

/// <summary>Has one layer more than <see cref="PersistIrisNet"/>.</summary>
[Network(Inputs = 4, Loss = Loss.CrossEntropy)]
[Dense(16, Activation.Tanh)]
[Dense(16, Activation.ReLU)]
[Dense(3, Activation.Softmax)]
public partial class PersistIrisDeepNet;

/// <summary>A tiny network (2 → 2 Sigmoid → 1 Sigmoid, MSE, 9 parameters) whose model file is 106 bytes, small enough to cut and flip exhaustively.</summary>
[Network(Inputs = 2)]
[Dense(2, Activation.Sigmoid)]
[Dense(1, Activation.Sigmoid)]
public partial class PersistTinyNet;

/// <summary>An MNIST-sized network (784 → 128 ReLU → 10, 101 770 parameters, 407 080 bytes of them) for chunking and allocation tests.</summary>
[Network(Inputs = 784)]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Identity)]
public partial class PersistWideNet;

/// <summary><see cref="PersistIrisNet"/>'s topology in double precision: its files are version 3 with float64 parameters.</summary>
[Network(Inputs = 4, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
[Dense(16, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public partial class PersistIrisDoubleNet;
