// The networks under test, declared exactly as a user declares them; the generator in
// generator/NetCompiler.Generator emits their code when this project builds.
namespace NetCompiler.Tests;

/// <summary>2 → Dense(2, Sigmoid) → Dense(1, Identity), mean squared error. Small enough to compute by hand.</summary>
[Network(Inputs = 2, Loss = Loss.MeanSquaredError)]
[Dense(2, Activation.Sigmoid)]
[Dense(1, Activation.Identity)]
public partial class SigmoidRegressionNet;

/// <summary>2 → Dense(2, Tanh) → Dense(2, Softmax), cross-entropy. Small enough to compute by hand.</summary>
[Network(Inputs = 2, Loss = Loss.CrossEntropy)]
[Dense(2, Activation.Tanh)]
[Dense(2, Activation.Softmax)]
public partial class TanhSoftmaxNet;

/// <summary>XOR: 2 → Dense(4, Tanh) → Dense(1, Sigmoid), binary cross-entropy.</summary>
[Network(Inputs = 2, Loss = Loss.CrossEntropy)]
[Dense(4, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public partial class XorNet;

/// <summary>Iris: 4 → Dense(16, Tanh) → Dense(3, Softmax), cross-entropy. Every layer is unrolled.</summary>
[Network(Inputs = 4, Loss = Loss.CrossEntropy)]
[Dense(16, Activation.Tanh)]
[Dense(3, Activation.Softmax)]
public partial class IrisNet;

/// <summary>64 → Dense(100, ReLU) → Dense(10, Softmax): both layers exceed the unroll threshold, so they are loops over <c>DenseKernels</c>.</summary>
[Network(Inputs = 64, Loss = Loss.CrossEntropy)]
[Dense(100, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class LoopedNet;

/// <summary>
/// 2 → Dense(2100, Tanh) → Dense(1): the forward scratch (2 × 2100 + 2 floats) and the
/// backpropagation scratch (3 × 2100 + 3) both exceed the 4096-float stack limit, so every kernel
/// rents pooled scratch. Two inputs keep it cheap enough to call thousands of times in a test.
/// </summary>
[Network(Inputs = 2, Loss = Loss.MeanSquaredError)]
[Dense(2100, Activation.Tanh)]
[Dense(1, Activation.Identity)]
public partial class WideNet;

/// <summary>
/// 13 → Dense(101, ELU) → Dense(7, Sigmoid), binary cross-entropy: sizes that leave edge rows in every
/// register block of the batched kernels (101 = 16 × 6 + 5, 13 = 2 × 6 + 1, 7 = 6 + 1).
/// </summary>
[Network(Inputs = 13, Loss = Loss.CrossEntropy)]
[Dense(101, Activation.ELU)]
[Dense(7, Activation.Sigmoid)]
public partial class EdgeTileNet;

/// <summary>9 → Dense(8, GELU) → Dense(6, Softplus) → Dense(4, Softmax), mean squared error through softmax (warning NC0008 suppressed).</summary>
#pragma warning disable NC0008
[Network(Inputs = 9, Loss = Loss.MeanSquaredError)]
[Dense(8, Activation.GELU)]
[Dense(6, Activation.Softplus)]
[Dense(4, Activation.Softmax)]
public partial class SoftmaxRegressionNet;
#pragma warning restore NC0008

/// <summary>
/// 300 → Dense(140, ReLU) → Dense(130, Tanh) → Dense(5, Softmax): depths longer than one 128-deep cache panel in the
/// batched forward (300 = 128 + 128 + 44) and propagation (130 = 128 + 2), and row counts that leave edge tiles.
/// </summary>
[Network(Inputs = 300, Loss = Loss.CrossEntropy)]
[Dense(140, Activation.ReLU)]
[Dense(130, Activation.Tanh)]
[Dense(5, Activation.Softmax)]
public partial class PanelNet;
