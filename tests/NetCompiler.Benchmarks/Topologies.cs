using NetCompiler;

namespace NetCompiler.Benchmarks;

// The benchmarked topologies (issue: 4-16-3, 784-128-10, 784-100-10, 784-256-256-10).

/// <summary>4-16-3: the tiny Iris-sized network.</summary>
[Network(Inputs = 4, Loss = Loss.CrossEntropy)]
[Dense(16, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public partial class Tiny;

/// <summary>784-128-10: the MNIST classic.</summary>
[Network(Inputs = 784, Loss = Loss.CrossEntropy)]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class Mnist128;

/// <summary>784-100-10: odd sizes, so edge tiles matter.</summary>
[Network(Inputs = 784, Loss = Loss.CrossEntropy)]
[Dense(100, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class Mnist100;

/// <summary>784-256-256-10: two wide hidden layers.</summary>
[Network(Inputs = 784, Loss = Loss.CrossEntropy)]
[Dense(256, Activation.ReLU)]
[Dense(256, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class Deep256;

/// <summary>784-1024-1024-10: weights (4.0 MB) beyond L2.</summary>
[Network(Inputs = 784, Loss = Loss.CrossEntropy)]
[Dense(1024, Activation.ReLU)]
[Dense(1024, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class Wide1024;

/// <summary>1024-2048-2048-10: weights (25 MB) beyond L3 of one core's share.</summary>
[Network(Inputs = 1024, Loss = Loss.CrossEntropy)]
[Dense(2048, Activation.ReLU)]
[Dense(2048, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class Wide2048;

/// <summary>4096-4096-10: one 64 MB weight matrix.</summary>
[Network(Inputs = 4096, Loss = Loss.CrossEntropy)]
[Dense(4096, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class Wide4096;

/// <summary>784-128-10 in double precision: its training is measured against the FP64 peak.</summary>
[Network(Inputs = 784, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class Mnist128Double;
