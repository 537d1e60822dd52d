using NetCompiler;

namespace Samples.Regression;

/// <summary>
/// A function approximator: x → two hidden layers of 32 tanh neurons → one linear output, trained with
/// mean squared error. Tanh layers are smooth, so the fitted curve is smooth too.
/// </summary>
[Network(Inputs = 1, Loss = Loss.MeanSquaredError)]
[Dense(32, Activation.Tanh)]
[Dense(32, Activation.Tanh)]
[Dense(1, Activation.Identity)]
public partial class SineNet;
