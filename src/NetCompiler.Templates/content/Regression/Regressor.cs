using NetCompiler;

namespace NetCompilerRegression;

/// <summary>
/// 2 inputs -> two layers of 32 Tanh neurons -> 1 linear output, trained with mean squared error. The NetCompiler
/// source generator writes this class's members (Forward, TrainStep, ...) at build time.
/// </summary>
[Network(Inputs = 2, Loss = Loss.MeanSquaredError)]
[Dense(32, Activation.Tanh)]
[Dense(32, Activation.Tanh)]
[Dense(1, Activation.Identity)]
public partial class Regressor;
