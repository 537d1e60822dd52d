using NetCompiler;

namespace Samples.Iris;

/// <summary>
/// The classifier: 4 measurements → 16 tanh neurons → 3 softmax outputs (one probability per species),
/// trained with cross-entropy. The NetCompiler generator writes the rest of this class at build time
/// (Iris.csproj sets EmitCompilerGeneratedFiles, so you can read the emitted code in
/// obj/Debug/net10.0/generated/NetCompiler.Generator/NetCompiler.Generator.NetworkGenerator/Samples.Iris.IrisNet.g.cs).
/// </summary>
[Network(Inputs = 4, Loss = Loss.CrossEntropy)]
[Dense(16, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public partial class IrisNet;
