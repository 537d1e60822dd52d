using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using NetCompiler.Tests.Support;

namespace NetCompiler.Tests;

/// <summary>
/// 24 → Dense(13, Identity), mean squared error: one product per pass, short enough (depth 24) for one cache panel,
/// so the test below can recompute every float the matrix form writes. 24 columns are one 16-wide and one
/// 8-wide Vector256 block, but one 16-wide Vector512 block and 8 scalar columns.
/// </summary>
[Network(Inputs = 24, Loss = Loss.MeanSquaredError)]
[Dense(13, Activation.Identity)]
public partial class VectorPathNet;

/// <summary>
/// Which path the batched kernels take on this machine, proved by their bits. The register blocks sum each element
/// as one chain of fused multiply-adds over the depth; the columns that fill no vector go to the AVX-512 masked block
/// (split chains) or, with 256-bit vectors, to the scalar tail (separate multiplies and adds); the per-sample kernels
/// sum in yet another order. So with 24 samples (and 24 inputs) the results are bit for bit those of a model in which the columns
/// covered by vectors of this machine's width are fused and the rest are not, and the test checks that the data
/// tells the possible paths apart. Run with <c>DOTNET_EnableAVX512=0</c> (as <c>.ci/run</c> does) it proves the
/// Vector256 blocks ran: a Vector512 block (emulated), the scalar tail or the per-sample fallback would each give
/// other bits. Run with <c>DOTNET_EnableAVX=0</c> (also in <c>.ci/run</c>) it proves the 128-bit blocks ran, and that
/// without FMA they multiply and then add (chains of two roundings) rather than emulate FMA. On AVX-512 machines the
/// batched forward pass computes the first layer straight from the sample-major inputs (<c>InputProduct</c>, another order
/// again), which its own model proves.
/// </summary>
public sealed class BatchVectorPathTests
{
    private const int Samples = 24;
    private const float LearningRate = 0.25f;

    [Fact]
    public void ThisMachineRunsAVectorPath()
    {
        // Without 512-, 256- or 128-bit vectors the batched entry points fall back to the per-sample kernels, and the
        // batched tests compare those with themselves; say so rather than pass silently.
        Assert.True(WidestLanes() > 0, "No vector width is accelerated here: the batched kernels' matrix form is not exercised.");
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0")
        {
            Assert.False(Vector512.IsHardwareAccelerated, "DOTNET_EnableAVX512=0 is set but Vector512 is still accelerated.");
            Assert.True(Vector256.IsHardwareAccelerated, "DOTNET_EnableAVX512=0 is set but Vector256 is not accelerated: the Vector256 blocks are not exercised.");
        }

        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX") == "0")
        {
            Assert.False(Vector256.IsHardwareAccelerated, "DOTNET_EnableAVX=0 is set but Vector256 is still accelerated.");
            Assert.True(Vector128.IsHardwareAccelerated, "DOTNET_EnableAVX=0 is set but Vector128 is not accelerated: the 128-bit blocks are not exercised.");
        }

        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512F") == "0")
        {
            Assert.False(Vector512.IsHardwareAccelerated, "DOTNET_EnableAVX512F=0 is set but Vector512 is still accelerated: this runtime ignores that setting; use DOTNET_EnableAVX512=0.");
        }
    }

    [Fact]
    public void ForwardBatchRunsTheBlocksOfThisMachinesWidestVectors()
    {
        int lanes = WidestLanes();
        var net = new VectorPathNet(seed: 3);
        var inputs = Numbers.Uniform(Samples * VectorPathNet.InputSize, seed: 4);

        var actual = new float[Samples * VectorPathNet.OutputSize];
        VectorPathNet.ForwardBatch(net.Parameters, inputs, actual);

        var perSample = new float[Samples * VectorPathNet.OutputSize];
        for (int s = 0; s < Samples; s++)
        {
            VectorPathNet.Forward(net.Parameters, inputs.AsSpan(s * VectorPathNet.InputSize, VectorPathNet.InputSize), perSample.AsSpan(s * VectorPathNet.OutputSize, VectorPathNet.OutputSize));
        }

        if (lanes == 0)
        {
            Numbers.AssertBitIdentical(perSample, actual, "outputs of the per-sample fallback");
            return;
        }

        var parameters = net.Parameters.ToArray();
        if (Kernels.InputProduct.IsAccelerated)
        {
            // AVX-512: layer 1 straight from the sample-major inputs (InputProduct), not the register tiles.
            var fromInputs = ModelInputProductOutputs(parameters, inputs);
            AssertDistinguishes(fromInputs, ModelOutputs(parameters, inputs, lanes), "outputs of the register tiles");
            AssertDistinguishes(fromInputs, perSample, "outputs of the per-sample kernels");
            Numbers.AssertBitIdentical(fromInputs, actual, "outputs of the product from the sample-major inputs");
            return;
        }

        var expected = ModelOutputs(parameters, inputs, lanes);
        AssertDistinguishes(expected, ModelOutputs(parameters, inputs, OtherLanes(lanes)), "outputs of the other vector width");
        AssertDistinguishes(expected, perSample, "outputs of the per-sample kernels");
        Numbers.AssertBitIdentical(expected, actual, $"outputs of the {lanes * 32}-bit matrix form");
    }

    /// <summary>
    /// <c>Z = W Xᵀ + b 1ᵀ</c> as <c>InputProduct</c> computes it, sample-major: lane L of one 16-lane accumulator sums
    /// <c>t = L, L + 16, …</c> in fused multiply-adds, the last <c>depth % 16</c> columns go to the top lanes of the last 16
    /// read again, then the lanes are added <c>i + (i + 8)</c>, <c>i + (i + 4)</c>, <c>i + (i + 2)</c>, <c>i + (i + 1)</c>,
    /// and the bias added (one rounding).
    /// </summary>
    private static float[] ModelInputProductOutputs(float[] parameters, float[] inputs)
    {
        const int In = VectorPathNet.InputSize;
        const int Out = VectorPathNet.OutputSize;
        var outputs = new float[Samples * Out];
        for (int j = 0; j < Out; j++)
        {
            for (int s = 0; s < Samples; s++)
            {
                var lane = new float[16];
                int full = In - (In % 16);
                for (int t = 0; t < full; t++)
                {
                    lane[t % 16] = MathF.FusedMultiplyAdd(parameters[(j * In) + t], inputs[(s * In) + t], lane[t % 16]);
                }

                for (int l = 16 - (In % 16); l < 16 && In % 16 != 0; l++)
                {
                    int t = In - 16 + l;
                    lane[l] = MathF.FusedMultiplyAdd(parameters[(j * In) + t], inputs[(s * In) + t], lane[l]);
                }

                for (int width = 8; width >= 1; width /= 2)
                {
                    for (int i = 0; i < width; i++)
                    {
                        lane[i] += lane[i + width];
                    }
                }

                outputs[(s * Out) + j] = parameters[VectorPathNet.Layer1BiasOffset + j] + lane[0];
            }
        }

        return outputs;
    }

    [Fact]
    public void TrainStepBatchRunsTheBlocksOfThisMachinesWidestVectors()
    {
        int lanes = WidestLanes();
        var inputs = Numbers.Uniform(Samples * VectorPathNet.InputSize, seed: 5);
        var targets = Numbers.Uniform(Samples * VectorPathNet.OutputSize, seed: 6);
        var initial = new VectorPathNet(seed: 7).Parameters.ToArray();

        var batched = new VectorPathNet(initial);
        VectorPathNet.TrainStepBatch(batched.Parameters, inputs, targets, LearningRate);
        var perSample = new VectorPathNet(initial);
        VectorPathNet.TrainStep(perSample.Parameters, new float[VectorPathNet.ParameterCount], inputs, targets, LearningRate);

        var actualWeights = Weights(batched.Parameters);
        if (lanes == 0)
        {
            Numbers.AssertBitIdentical(Weights(perSample.Parameters), actualWeights, "weights after the per-sample fallback");
            return;
        }

        var expected = ModelWeightsAfterStep(initial, inputs, targets, lanes);
        AssertDistinguishes(expected, ModelWeightsAfterStep(initial, inputs, targets, OtherLanes(lanes)), "weights of the other vector width");
        AssertDistinguishes(expected, Weights(perSample.Parameters), "weights after the per-sample step");
        Numbers.AssertBitIdentical(expected, actualWeights, $"weights after the {lanes * 32}-bit matrix-form step");
    }

    /// <summary>Float lanes of the blocks the generated tiles choose here, or 0 where they fall back to the per-sample kernels.</summary>
    private static int WidestLanes() =>
        Vector512.IsHardwareAccelerated ? Vector512<float>.Count
        : Vector256.IsHardwareAccelerated ? Vector256<float>.Count
        : Vector128.IsHardwareAccelerated ? Vector128<float>.Count
        : 0;

    /// <summary>
    /// Whether the 128-bit blocks fuse their multiply-adds: they do where the machine has FMA (every Arm64, x64 with FMA),
    /// and multiply, then add, where it has not (x64 run with <c>DOTNET_EnableAVX=0</c>, as <c>.ci/run</c> does).
    /// </summary>
    private static bool NarrowestFuses => Fma.IsSupported || AdvSimd.IsSupported;

    // A width whose model differs from this machine's on these sizes: the 512-bit model has masked columns, the others
    // have none (with FMA the 256- and 128-bit models agree, since 24 columns fill both widths' vectors).
    private static int OtherLanes(int lanes) => lanes == Vector512<float>.Count ? Vector256<float>.Count : Vector512<float>.Count;

    private static float[] Weights(ReadOnlySpan<float> parameters) =>
        parameters.Slice(VectorPathNet.Layer1WeightOffset, VectorPathNet.Layer1WeightCount).ToArray();

    /// <summary>
    /// <c>Σ_t a[t] · b[t]</c> as a tile computes column <paramref name="column"/> of <paramref name="columns"/> in row
    /// <paramref name="row"/>: one fused chain where the column lies in a whole vector of <paramref name="lanes"/>. The
    /// columns left over go, with 512-bit vectors, to the AVX-512 masked block (<c>MaskedBlock</c>): fused, with two
    /// chains (even and odd t) per row for rows in groups of four, four chains for a row left over — 13 rows are a
    /// 12-row tile (three groups) and a 1-row tile; with 256-bit vectors, to the scalar tail: separate multiplies and adds.
    /// Returns whether the sum was fused.
    /// </summary>
    private static bool Product(Func<int, float> a, Func<int, float> b, int depth, int row, int column, int columns, int lanes, out float sum)
    {
        sum = 0f;
        if (lanes == Vector128<float>.Count && !NarrowestFuses && column < columns - (columns % lanes))
        {
            for (int t = 0; t < depth; t++)
            {
                sum += a(t) * b(t);
            }

            return false;
        }

        if (column < columns - (columns % lanes))
        {
            for (int t = 0; t < depth; t++)
            {
                sum = MathF.FusedMultiplyAdd(a(t), b(t), sum);
            }

            return true;
        }

        if (lanes == Vector512<float>.Count)
        {
            int chains = row < 12 ? 2 : 4;
            var partial = new float[chains];
            int full = depth - (depth % chains);
            for (int t = 0; t < full; t++)
            {
                partial[t % chains] = MathF.FusedMultiplyAdd(a(t), b(t), partial[t % chains]);
            }

            for (int t = full; t < depth; t++)
            {
                partial[0] = MathF.FusedMultiplyAdd(a(t), b(t), partial[0]);
            }

            sum = chains == 2 ? partial[0] + partial[1] : (partial[0] + partial[1]) + (partial[2] + partial[3]);
            return true;
        }

        for (int t = 0; t < depth; t++)
        {
            sum += a(t) * b(t);
        }

        return false;
    }

    /// <summary><c>C + alpha · sum</c> as a block stores it (one rounding) or as the scalar tail does (two).</summary>
    private static float Store(bool fused, float alpha, float sum, float c) =>
        fused ? MathF.FusedMultiplyAdd(alpha, sum, c) : c + (alpha * sum);

    /// <summary>Z = W X + b 1ᵀ (identity activation), sample-major like the outputs of <c>ForwardBatch</c>.</summary>
    private static float[] ModelOutputs(float[] parameters, float[] inputs, int lanes)
    {
        const int In = VectorPathNet.InputSize;
        const int Out = VectorPathNet.OutputSize;
        var outputs = new float[Samples * Out];
        for (int j = 0; j < Out; j++)
        {
            for (int s = 0; s < Samples; s++)
            {
                bool fused = Product(t => parameters[(j * In) + t], t => inputs[(s * In) + t], In, j, s, Samples, lanes, out float sum);
                outputs[(s * Out) + j] = Store(fused, 1f, sum, parameters[VectorPathNet.Layer1BiasOffset + j]);
            }
        }

        return outputs;
    }

    /// <summary>W + (-η/N) H Xᵀ with H = Z - T (mean squared error through the identity), the columns of W being the vector dimension.</summary>
    private static float[] ModelWeightsAfterStep(float[] parameters, float[] inputs, float[] targets, int lanes)
    {
        const int In = VectorPathNet.InputSize;
        const int Out = VectorPathNet.OutputSize;
        var z = ModelOutputs(parameters, inputs, lanes);
        float step = -LearningRate / Samples;
        var weights = new float[Out * In];
        for (int j = 0; j < Out; j++)
        {
            for (int k = 0; k < In; k++)
            {
                bool fused = Product(s => z[(s * Out) + j] - targets[(s * Out) + j], s => inputs[(s * In) + k], Samples, j, k, In, lanes, out float sum);
                weights[(j * In) + k] = Store(fused, step, sum, parameters[(j * In) + k]);
            }
        }

        return weights;
    }

    /// <summary>The test proves a path only if the data gives the alternative different bits somewhere.</summary>
    private static void AssertDistinguishes(float[] expected, float[] alternative, string what)
    {
        Assert.False(
            expected.AsSpan().SequenceEqual(alternative),
            $"The data does not tell this machine's path from the {what}: every value is bit-identical, so the test would prove nothing.");
    }
}
