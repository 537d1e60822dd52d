using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Kernels.Parallel;

/// <summary>
/// A network's batched gradient: adds <c>Σ_x ∂J_x/∂θ</c> over the samples of <paramref name="inputs"/> and
/// <paramref name="targets"/> to <paramref name="gradient"/> and returns the sum of their losses (the generated
/// <c>AccumulateGradientBatch</c>).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public delegate float BatchGradientKernel(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> gradient);

/// <summary>
/// A gradient-descent step on two cores split by samples (data parallel): the calling thread runs the network's
/// batched gradient on the first half of the batch and <see cref="KernelWorker"/> on the second, each into its own
/// gradient buffer; then the two threads add both buffers into the parameters, each over half of them.
/// <para>
/// The cores exchange only the two gradients, once per step, where the row split of <see cref="ParallelRows"/>
/// exchanges activations and rows of W at every layer; exchanging less is why this split is the faster of the two for
/// large batches (docs/design/kernels.md, "Two cores"). The price: the sums over samples run in two halves, so the result is not bit-identical to
/// the serial step (it agrees within float rounding). It is deterministic: the halves, and the order of every sum, are
/// fixed by the batch size alone, whichever thread computes which half, and whether the worker takes part at all.
/// </para>
/// Called by generated code (hidden from IntelliSense); not meant to be called directly, and may change between versions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SampleHalves
{
    /// <summary>The smallest batch that is split: below it the halves are too small to pay for the hand-off.</summary>
    public const int MinimumBatch = 96;

    /// <summary>Multiply-adds (parameters × samples) below which a step stays on one thread.</summary>
    private const long MinimumWork = 1L << 22;

    private static readonly bool s_hasSecondCore = Environment.ProcessorCount > 1;

    // θ += step · (g0 + g1) over the parameters [first, end).
    private static readonly RowRangeKernel s_apply = static (gradients, _, parameters, parameterCount, step, first, end) =>
        AddScaledSum(gradients.Slice(first, end - first), gradients.Slice(parameterCount + first, end - first), step, parameters.Slice(first, end - first));

    /// <summary>Whether a step of <paramref name="count"/> samples of a network of <paramref name="parameterCount"/> parameters is split.</summary>
    public static bool Splits(int count, int parameterCount) =>
        s_hasSecondCore && count >= MinimumBatch && (long)count * parameterCount >= MinimumWork;

    /// <summary>The first half's sample count: half the batch, rounded down to whole vectors of 16 samples.</summary>
    public static int FirstHalf(int count) => (count / 2) & ~15;

    /// <summary>
    /// One step <c>θ ← θ - (η/N) (g₀ + g₁)</c> where g₀ and g₁ are the gradient sums of the two halves of the batch,
    /// computed by <paramref name="halves"/> (a cached delegate over <see cref="AccumulateHalves"/>). Returns the mean
    /// loss. If a half's loss or deltas are not finite, throws the <see cref="TrainingDivergedException"/> that
    /// <paramref name="whole"/> throws for the whole batch (so it names the sample as the serial step does) and leaves
    /// the parameters unchanged. The inputs and targets must already have been checked.
    /// </summary>
    public static float TrainStep(RowRangeKernel halves, BatchGradientKernel whole, Span<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int count, float learningRate, string network)
    {
        ArgumentNullException.ThrowIfNull(halves);
        ArgumentNullException.ThrowIfNull(whole);
        int parameterCount = parameters.Length;
        GradientDescent.ThrowIfStepNotFinite(learningRate / count, network);
        using var lease = ScratchBuffer.Rent(TargetsOffset(parameterCount) + targets.Length, out Span<float> scratch);
        targets.CopyTo(scratch.Slice(TargetsOffset(parameterCount)));
        try
        {
            // Two chunks of rows = samples: [0, FirstHalf) for this thread, the rest for the worker.
            ParallelRows.Run(halves, parameters, inputs, scratch, count, 1f, count, FirstHalf(count), long.MaxValue);
        }
        catch (TrainingDivergedException)
        {
            // A half numbers its samples from its own first one; the whole batch, run serially, names the sample right.
            whole(parameters, inputs, targets, scratch.Slice(0, parameterCount));
            throw;
        }

        float step = -learningRate / count;
        if (!GradientDescent.StepStaysFinite(step, (double)scratch[(2 * parameterCount) + 2] + scratch[(2 * parameterCount) + 3]))
        {
            // The step could make a parameter infinite: add the halves and let Apply check every parameter before writing any.
            var gradient = scratch.Slice(0, parameterCount);
            var second = scratch.Slice(parameterCount, parameterCount);
            for (int i = 0; i < parameterCount; i++)
            {
                gradient[i] += second[i];
            }

            GradientDescent.Apply(parameters, gradient, learningRate / count, network);
            return (float)(((double)scratch[2 * parameterCount] + scratch[(2 * parameterCount) + 1]) / count);
        }

        // About eight ranges of whole 64-float rows, claimed from both ends.
        int rangeRows = Math.Max(64, (parameterCount / 8) & ~63);
        ParallelRows.Run(s_apply, scratch, default, parameters, parameterCount, step, parameterCount, rangeRows, long.MaxValue);
        return (float)(((double)scratch[2 * parameterCount] + scratch[(2 * parameterCount) + 1]) / count);
    }

    /// <summary>
    /// The halves of a <paramref name="count"/>-sample batch that lie within samples <c>[firstSample, endSample)</c>:
    /// for each, clears its gradient buffer in <paramref name="scratch"/>, adds the half's gradient sum into it with
    /// <paramref name="accumulate"/>, and stores the half's loss sum. <paramref name="scratch"/> holds the two
    /// gradients, the two losses, the two gradients' largest magnitudes and a copy of the targets, as <see cref="TrainStep"/> lays them out.
    /// </summary>
    public static void AccumulateHalves(BatchGradientKernel accumulate, ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, Span<float> scratch, int count, int firstSample, int endSample, int inputSize, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(accumulate);
        int parameterCount = parameters.Length;
        int first = FirstHalf(count);
        for (int half = 0; half < 2; half++)
        {
            int start = half == 0 ? 0 : first;
            int end = half == 0 ? first : count;
            if (start < firstSample || end > endSample)
            {
                continue;
            }

            var gradient = scratch.Slice(half * parameterCount, parameterCount);
            gradient.Clear();
            var targets = scratch.Slice(TargetsOffset(parameterCount) + (start * outputSize), (end - start) * outputSize);
            scratch[(2 * parameterCount) + half] = accumulate(parameters, inputs.Slice(start * inputSize, (end - start) * inputSize), targets, gradient);
            // The largest gradient component, by which TrainStep bounds what the step can add to a parameter.
            scratch[(2 * parameterCount) + 2 + half] = Guard.MaxMagnitude(gradient);
        }
    }

    /// <summary>The scratch layout: the two gradients, the two loss sums, the two largest gradient magnitudes, then the targets.</summary>
    private static int TargetsOffset(int parameterCount) => (2 * parameterCount) + 4;

    /// <summary><c>θ[i] += step · (a[i] + b[i])</c>: the same operations in the vector and the scalar loop, so a result does not depend on where a range starts.</summary>
    private static void AddScaledSum(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float step, Span<float> parameters)
    {
        ref float x = ref MemoryMarshal.GetReference(a);
        ref float y = ref MemoryMarshal.GetReference(b);
        ref float theta = ref MemoryMarshal.GetReference(parameters);
        nuint length = (nuint)parameters.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var scale = Vector512.Create(step);
            for (; i + (nuint)Vector512<float>.Count <= length; i += (nuint)Vector512<float>.Count)
            {
                var sum = Vector512.LoadUnsafe(ref x, i) + Vector512.LoadUnsafe(ref y, i);
                (Vector512.LoadUnsafe(ref theta, i) + (scale * sum)).StoreUnsafe(ref theta, i);
            }
        }

        for (; i < length; i++)
        {
            float sum = System.Runtime.CompilerServices.Unsafe.Add(ref x, i) + System.Runtime.CompilerServices.Unsafe.Add(ref y, i);
            System.Runtime.CompilerServices.Unsafe.Add(ref theta, i) += step * sum;
        }
    }
}
