// Networks whose layer products exercise the row split of the parallel batched kernels.
namespace NetCompiler.Tests.Parallel;

/// <summary>
/// 30 → Dense(24, Tanh) → Dense(37, ReLU) → Dense(35, Sigmoid), binary cross-entropy: 24 rows are exactly two
/// 12-row tiles, 37 are three tiles and a 1-row edge, 35 are two tiles and 6- and 5-row edges, and 30 (the rows
/// that propagation into layer 1 would have) are never propagated.
/// </summary>
[Network(Inputs = 30, Loss = Loss.CrossEntropy)]
[Dense(24, Activation.Tanh)]
[Dense(37, Activation.ReLU)]
[Dense(35, Activation.Sigmoid)]
public partial class TileEdgesNet;

/// <summary>
/// 400 → Dense(256, ReLU) → Dense(10, Softmax): layer 1's products cost 256 × 400 multiply-adds per sample, so they
/// cross the default split threshold at a batch size the tests can name, within one 64-sample tile (41 samples).
/// </summary>
[Network(Inputs = 400, Loss = Loss.CrossEntropy)]
[Dense(256, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class ThresholdNet;

/// <summary>
/// 100 → Dense(64, Tanh) → Dense(48, Sigmoid) → Dense(30, Identity), mean squared error: three layers, and a loss that
/// runs per sample (not the matrix-form softmax cross-entropy), for the step split by samples. 11,054 parameters:
/// batches of 380 samples and more are split.
/// </summary>
[Network(Inputs = 100, Loss = Loss.MeanSquaredError)]
[Dense(64, Activation.Tanh)]
[Dense(48, Activation.Sigmoid)]
[Dense(30, Activation.Identity)]
public partial class ThreeLayerRegressionNet;
