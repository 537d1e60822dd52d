using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

// Training: one mini-batch gradient-descent step (seed 001 §3). Full-batch gradient descent, SGD and
// mini-batch GD are all this step, called with the whole set, one sample, or M samples.
internal static partial class NetworkEmitter
{
    private static void WriteTrainStep(CodeWriter writer, NetworkLayout layout)
    {
        writer.Summary("One gradient-descent step over a batch stored row-major: <c>θ ← θ - η (1/N) Σ_x ∂J_x/∂θ</c>. <paramref name=\"gradient\"/> is scratch of <c>ParameterCount</c> floats. Returns the mean loss before the update. If a loss or gradient is not finite it throws <see cref=\"global::NetCompiler.TrainingDivergedException\"/> and leaves <paramref name=\"parameters\"/> unchanged.");
        using (writer.Block($"public static float TrainStep({Span} parameters, {Span} gradient, {ReadOnlySpan} inputs, {ReadOnlySpan} targets, float learningRate)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            WriteLengthCheck(writer, "gradient", "ParameterCount");
            writer.Line($"int count = {Kernels}.Guard.BatchCount(inputs, targets, InputSize, OutputSize, NetworkName);");
            writer.Line($"{Kernels}.Guard.ThrowIfBatchNotFinite(inputs, targets, InputSize, OutputSize, NetworkName);");
            WriteScratch(writer, "BackpropagationScratchLength", layout.BackpropagationScratchLength);
            writer.Line();
            writer.Line("// Σ_x ∂J_x/∂θ over the batch.");
            writer.Line("gradient.Clear();");
            WriteGradientSumLoop(writer, "totalLoss", "BackpropagateSample(parameters, input, target, gradient, scratch)");

            writer.Line();
            writer.Line("// θ ← θ - (η/N) Σ_x ∂J_x/∂θ: the mean gradient, applied only if every component is finite.");
            writer.Line($"{Kernels}.GradientDescent.Apply(parameters, gradient, learningRate / count, NetworkName);");
            writer.Line("return (float)(totalLoss / count);");
        }
    }

    /// <summary>
    /// Writes <c>double {sum} = 0;</c> and the loop that adds each sample's gradient with <paramref name="call"/> (which
    /// sees <c>input</c> and <c>target</c>) and its loss to <paramref name="sum"/>, refusing a non-finite loss.
    /// </summary>
    private static void WriteGradientSumLoop(CodeWriter writer, string sum, string call)
    {
        writer.Line($"double {sum} = 0;");
        using (writer.Block("for (int sample = 0; sample < count; sample++)"))
        {
            writer.Line("var input = inputs.Slice(sample * InputSize, InputSize);");
            writer.Line("var target = targets.Slice(sample * OutputSize, OutputSize);");
            writer.Line($"float loss = {call};");
            using (writer.Block("if (!float.IsFinite(loss))"))
            {
                writer.Line($"{Kernels}.Guard.ThrowNonFiniteLoss(NetworkName, sample, loss, input, target);");
            }

            writer.Line($"{sum} += loss;");
        }
    }
}
