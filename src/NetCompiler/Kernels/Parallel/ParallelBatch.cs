using System.ComponentModel;

namespace NetCompiler.Kernels.Parallel;

/// <summary>
/// The two-core entry points of every generated network (<c>ForwardBatchParallel</c>, <c>TrainStepBatchParallel</c>,
/// <c>TrainStepBatchDataParallel</c>), written once over the network's static kernels. Called by generated code; use
/// the network's methods. <see cref="AccumulateGradientBatch"/> with a <see cref="DropoutMask"/> is the two-core form of
/// the pass the <c>Trainer</c> runs (no generated member wraps it yet).
/// </summary>
/// <typeparam name="TNet">The generated network.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ParallelBatch<TNet>
    where TNet : class, INeuralNetwork<TNet>
{
    /// <summary>Samples <c>[firstSample, endSample)</c> of a batch, a whole number of tiles from the batch's first sample on.</summary>
    private static readonly RowRangeKernel s_forwardTiles = static (parameters, inputs, outputs, _, _, firstSample, endSample) =>
        TNet.ForwardBatch(
            parameters,
            inputs.Slice(firstSample * TNet.InputSize, (endSample - firstSample) * TNet.InputSize),
            outputs.Slice(firstSample * TNet.OutputSize, (endSample - firstSample) * TNet.OutputSize));

    private static readonly BatchGradientKernel s_accumulateGradientBatch = static (parameters, inputs, targets, gradient) =>
        TNet.AccumulateGradientBatch(parameters, inputs, targets, gradient);

    /// <summary>The halves of a batch within samples <c>[firstSample, endSample)</c>, each into its own gradient in <c>scratch</c> (laid out by <see cref="SampleHalves.TrainStep"/>).</summary>
    private static readonly RowRangeKernel s_accumulateHalves = static (parameters, inputs, scratch, samples, _, firstSample, endSample) =>
        SampleHalves.AccumulateHalves(s_accumulateGradientBatch, parameters, inputs, scratch, samples, firstSample, endSample, TNet.InputSize, TNet.OutputSize);

    /// <summary>
    /// <c>ForwardBatch</c> on two cores: a batch of two or more whole tiles is shared out by tiles (this thread takes
    /// them from the first, the worker from the last; no activations pass between the cores); a smaller batch runs
    /// <c>ForwardBatch</c> with its large layer products split by rows.
    /// </summary>
    public static void ForwardBatch(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        string network = TNet.Description.Name;
        Guard.Length(parameters, TNet.ParameterCount, network, "ParameterCount", nameof(parameters));
        int count = Guard.BatchCount(inputs, outputs, TNet.InputSize, TNet.OutputSize, network, nameof(outputs));
        using var parallel = ParallelRows.Enter();
        long work = (long)TNet.ParameterCount * count;
        if (count >= 2 * BatchLayout.TileSamples && ParallelRows.ShouldSplit(work))
        {
            ParallelRows.Run(s_forwardTiles, parameters, inputs, outputs, count, 1f, count, BatchLayout.TileSamples, work);
            return;
        }

        TNet.ForwardBatch(parameters, inputs, outputs);
    }

    /// <summary><c>TrainStepBatch</c> with each layer product large enough to pay for it split by rows between two cores.</summary>
    public static float TrainStep(Span<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate)
    {
        using var parallel = ParallelRows.Enter();
        return TNet.TrainStepBatch(parameters, inputs, targets, learningRate);
    }

    /// <summary>
    /// <c>AccumulateGradientBatch</c> with the network's dropout masks (a network without dropout ignores them), each
    /// layer product large enough to pay for it split by rows between two cores: bit-identical to one core, since the
    /// masks depend on (seed, step, layer, sample, unit) only and every element is computed by one thread.
    /// </summary>
    public static float AccumulateGradientBatch(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> gradient, DropoutMask dropout)
    {
        using var parallel = ParallelRows.Enter();
        return TNet.AccumulateGradientBatch(parameters, inputs, targets, gradient, dropout);
    }

    /// <summary>
    /// <c>TrainStepBatch</c> split by samples: g0 = Σ ∂J/∂θ over the first half of the batch (this thread), g1 over the
    /// second (the worker), then θ ← θ - (η/N)(g0 + g1), each thread over half of θ. Small batches and networks, and
    /// machines without the matrix form, run <c>TrainStepBatch</c>.
    /// </summary>
    public static float TrainStepBySamples(Span<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate)
    {
        string network = TNet.Description.Name;
        Guard.Length(parameters, TNet.ParameterCount, network, "ParameterCount", nameof(parameters));
        int count = Guard.BatchCount(inputs, targets, TNet.InputSize, TNet.OutputSize, network);
        if (!BatchLayout.VectorsAccelerated || !SampleHalves.Splits(count, TNet.ParameterCount))
        {
            return TNet.TrainStepBatch(parameters, inputs, targets, learningRate);
        }

        Guard.ThrowIfBatchNotFinite(inputs, targets, TNet.InputSize, TNet.OutputSize, network);
        return SampleHalves.TrainStep(s_accumulateHalves, s_accumulateGradientBatch, parameters, inputs, targets, count, learningRate, network);
    }
}
