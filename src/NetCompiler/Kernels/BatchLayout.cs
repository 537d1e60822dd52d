using System.Runtime.Intrinsics;

namespace NetCompiler.Kernels;

/// <summary>How the generated batched kernels (<c>ForwardBatch</c>, <c>TrainStepBatch</c>, <c>AccumulateGradientBatch</c>) cut a batch.</summary>
public static class BatchLayout
{
    /// <summary>
    /// Samples per tile of <c>ForwardBatch</c>: each tile of a batch is computed on its own, 64 samples being four
    /// <see cref="Vector512{T}"/> per row of a register block. <c>ForwardBatchParallel</c> shares whole tiles between two cores.
    /// </summary>
    public const int TileSamples = 64;

    /// <summary>
    /// Whether this machine runs the matrix form with register blocks (it has 512-, 256- or 128-bit vectors: every x64
    /// and Arm64 machine); elsewhere the batched kernels run the per-sample kernels sample by sample. A constant for the JIT.
    /// </summary>
    public static bool VectorsAccelerated => Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated || Vector128.IsHardwareAccelerated;
}
