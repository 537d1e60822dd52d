namespace NetCompiler.Tests.Training;

/// <summary>XOR classifier: 2 → 8 tanh → 1 sigmoid, binary cross-entropy.</summary>
[Network(Inputs = 2, Loss = Loss.CrossEntropy)]
[Dense(8, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public partial class TrainerXorNet;

/// <summary>y = w x + b with mean squared error: small enough to reason about by hand (parameters [w, b]).</summary>
[Network(Inputs = 1)]
[Dense(1)]
public partial class TrainerLinearNet;

/// <summary>Three-class classifier for 2-D points: 2 → 8 tanh → 3 softmax, cross-entropy.</summary>
[Network(Inputs = 2, Loss = Loss.CrossEntropy)]
[Dense(8, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public partial class TrainerBlobNet;

/// <summary>Multinomial logistic regression, 2 → 3 softmax: logits are <c>W x + b</c> (parameters W[3, 2] then b[3]).</summary>
[Network(Inputs = 2, Loss = Loss.CrossEntropy)]
[Dense(3, Activation.Softmax)]
public partial class TrainerSoftmaxNet;

/// <summary>Regression with a hidden layer: 3 → 5 tanh → 2 identity, mean squared error.</summary>
[Network(Inputs = 3)]
[Dense(5, Activation.Tanh)]
[Dense(2)]
public partial class TrainerRegressionNet;

/// <summary>
/// The 2-2-2 sigmoid network of the worked backpropagation example (Mazur, "A step by step backpropagation example") in
/// double precision, mean squared error.
/// </summary>
[Network(Inputs = 2, Precision = Precision.Double)]
[Dense(2, Activation.Sigmoid)]
[Dense(2, Activation.Sigmoid)]
public partial class DoubleMazurNet;

/// <summary>XOR classifier in double precision: 2 → 8 tanh → 1 sigmoid, binary cross-entropy.</summary>
[Network(Inputs = 2, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
[Dense(8, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public partial class DoubleXorNet;

/// <summary>Three-class classifier in double precision: 2 → 8 tanh → 3 softmax, cross-entropy.</summary>
[Network(Inputs = 2, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
[Dense(8, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public partial class DoubleBlobNet;
