using System.ComponentModel;

namespace NetCompiler.Kernels;

/// <summary>
/// The batched input derivatives of a generated network: its per-sample <c>InputGradient</c> and <c>LossInputGradient</c>
/// over a row-major batch, one sample at a time (each sample's derivatives depend on that sample alone). Allocation-free.
/// Called by generated code (hidden from IntelliSense); use the network's <c>InputGradientBatch</c> and
/// <c>LossInputGradientBatch</c>.
/// </summary>
/// <typeparam name="TNet">The generated network.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class InputGradientBatch<TNet>
    where TNet : class, INeuralNetwork<TNet>
{
    /// <summary>
    /// Row s of <paramref name="inputGradients"/> (<c>[count, InputSize]</c>) becomes <c>(∂a_L/∂x)ᵀ g</c> at row s of
    /// <paramref name="inputs"/> (<c>[count, InputSize]</c>) for row s of <paramref name="outputGradients"/> (<c>[count, OutputSize]</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The batch is empty, or a span is not <c>count</c> whole rows; the message names the span.</exception>
    public static void InputGradient(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputGradients, Span<float> inputGradients)
    {
        int inputSize = TNet.InputSize;
        int outputSize = TNet.OutputSize;
        int count = CheckBatch(inputs, outputGradients, nameof(outputGradients), inputGradients);
        for (int sample = 0; sample < count; sample++)
        {
            TNet.InputGradient(
                parameters,
                inputs.Slice(sample * inputSize, inputSize),
                outputGradients.Slice(sample * outputSize, outputSize),
                inputGradients.Slice(sample * inputSize, inputSize));
        }
    }

    /// <summary>
    /// Row s of <paramref name="inputGradients"/> becomes <c>∂J_x/∂x</c> of sample s (its own loss, not divided by the
    /// batch size); returns the sum of the samples' losses.
    /// </summary>
    /// <exception cref="ArgumentException">The batch is empty, or a span is not <c>count</c> whole rows; the message names the span.</exception>
    public static float LossInputGradient(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> inputGradients)
    {
        int inputSize = TNet.InputSize;
        int outputSize = TNet.OutputSize;
        int count = CheckBatch(inputs, targets, nameof(targets), inputGradients);
        double sum = 0;
        for (int sample = 0; sample < count; sample++)
        {
            sum += TNet.LossInputGradient(
                parameters,
                inputs.Slice(sample * inputSize, inputSize),
                targets.Slice(sample * outputSize, outputSize),
                inputGradients.Slice(sample * inputSize, inputSize));
        }

        return (float)sum;
    }

    /// <summary>The number of samples; <paramref name="perOutput"/> and <paramref name="inputGradients"/> must have as many rows as <paramref name="inputs"/>.</summary>
    private static int CheckBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> perOutput, string perOutputName, ReadOnlySpan<float> inputGradients)
    {
        string network = TNet.Description.Name;
        int count = Guard.BatchCount(inputs, perOutput, TNet.InputSize, TNet.OutputSize, network, perOutputName);
        Guard.SampleCount(inputs.Length, inputGradients.Length, TNet.InputSize, TNet.InputSize, network, nameof(inputs), nameof(inputGradients), "InputSize", "InputSize");
        return count;
    }
}
