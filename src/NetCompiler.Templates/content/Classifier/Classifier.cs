using NetCompiler;

namespace NetCompilerClassifier;

/// <summary>
/// 4 inputs -> 16 Tanh neurons -> 3 Softmax outputs (one probability per class), trained with cross-entropy. The
/// NetCompiler source generator writes this class's members (Forward, TrainStep, ...) at build time.
/// </summary>
[Network(Inputs = 4, Loss = Loss.CrossEntropy)]
[Dense(16, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public partial class Classifier;
