using NetCompiler;

namespace Samples.Mnist;

/// <summary>
/// The classic MNIST multilayer perceptron: 784 pixels → 128 ReLU neurons → 10 softmax outputs (one
/// probability per digit), trained with cross-entropy. 101,770 parameters.
/// </summary>
[Network(Inputs = 784, Loss = Loss.CrossEntropy)]
[Dense(128, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class MnistNet;
