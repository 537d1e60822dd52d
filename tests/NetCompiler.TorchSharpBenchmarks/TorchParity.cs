using NetCompiler.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace NetCompiler.TorchSharpBenchmarks;

/// <summary>
/// Checks, before anything is timed, that TorchSharp loaded and trains the same network: from NetCompiler's parameters,
/// one step of each engine on the same batch gives the same loss before the step and the same loss after it (and for SGD
/// the same parameters), within float rounding, while the step itself changes the loss by far more than that.
/// Throws when they differ; prints what it compared.
/// </summary>
internal static class TorchParity
{
    /// <summary>One SGD step (rate 0.5): <c>TrainStepBatch</c> against <c>torch.optim.SGD</c>.</summary>
    public static void CheckSgdStep<TNet>(TorchMlp torchMlp, ReadOnlySpan<float> parameters, float[] inputs, float[] targets, int batch)
        where TNet : class, INeuralNetwork<TNet>
    {
        const float rate = 0.5f;
        var updated = parameters.ToArray();
        float lossBefore = TNet.TrainStepBatch(updated, Rows(inputs, batch, TNet.InputSize), Rows(targets, batch, TNet.OutputSize), rate);
        torchMlp.Load(parameters);
        using var sgd = optim.SGD(torchMlp.Model.parameters(), rate);
        Compare<TNet>("SGD", torchMlp, sgd, lossBefore, updated, inputs, targets, batch, parameterTolerance: 1e-5f);
    }

    /// <summary>One Adam step (rate 1e-3, first step): <c>AccumulateGradientBatch</c> and <see cref="Adam"/> against <c>torch.optim.Adam</c>.</summary>
    public static void CheckAdamStep<TNet>(TorchMlp torchMlp, ReadOnlySpan<float> parameters, float[] inputs, float[] targets, int batch)
        where TNet : class, INeuralNetwork<TNet>
    {
        const float rate = 1e-3f;
        var updated = parameters.ToArray();
        var gradient = new float[TNet.ParameterCount];
        float lossBefore = TNet.AccumulateGradientBatch(updated, Rows(inputs, batch, TNet.InputSize), Rows(targets, batch, TNet.OutputSize), gradient) / batch;
        new Adam(TNet.ParameterCount).Step(updated, gradient, rate, gradientScale: 1f / batch);
        torchMlp.Load(parameters);
        using var adam = optim.Adam(torchMlp.Model.parameters(), rate);

        // The first Adam step moves every parameter by about the rate times the sign of its gradient, so a gradient
        // element that is zero up to rounding may step either way: only the losses are compared tightly.
        Compare<TNet>("Adam", torchMlp, adam, lossBefore, updated, inputs, targets, batch, parameterTolerance: 2 * rate);
    }

    private static void Compare<TNet>(
        string optimizer, TorchMlp torchMlp, optim.Optimizer torchOptimizer, float lossBefore, float[] updated,
        float[] inputs, float[] targets, int batch, float parameterTolerance)
        where TNet : class, INeuralNetwork<TNet>
    {
        float torchLossBefore, torchLossAfter;
        using (NewDisposeScope())
        {
            var (x, classes) = TorchMlp.Batch(inputs, targets, TNet.InputSize, TNet.OutputSize, 0, batch);
            torchLossBefore = torchMlp.TrainStep(torchOptimizer, x, classes).Loss.item<float>();
            using var noGrad = no_grad();
            torchLossAfter = torchMlp.Criterion.forward(torchMlp.Model.forward(x), classes).item<float>();
        }

        float lossAfter = TNet.AccumulateGradientBatch(
            updated, Rows(inputs, batch, TNet.InputSize), Rows(targets, batch, TNet.OutputSize), new float[TNet.ParameterCount]) / batch;
        float maxParameterDifference = MaxDifference(updated, torchMlp.Read());
        Console.WriteLine(
            $"// Parity {TNet.Description.Name} batch {batch}, one {optimizer} step: loss before {lossBefore:G7} (TorchSharp {torchLossBefore:G7}), " +
            $"after {lossAfter:G7} (TorchSharp {torchLossAfter:G7}); largest parameter difference {maxParameterDifference:G3}");

        float lossTolerance = 1e-5f * lossBefore;
        if (MathF.Abs(lossBefore - torchLossBefore) > lossTolerance || MathF.Abs(lossAfter - torchLossAfter) > lossTolerance
            || MathF.Abs(lossBefore - lossAfter) < 100 * lossTolerance || maxParameterDifference > parameterTolerance)
        {
            throw new InvalidOperationException(
                $"TorchSharp and NetCompiler disagree on one {optimizer} step of {TNet.Description.Name} at batch {batch}: loss before " +
                $"{torchLossBefore} vs {lossBefore}, after {torchLossAfter} vs {lossAfter}, largest parameter difference {maxParameterDifference}.");
        }
    }

    private static ReadOnlySpan<float> Rows(float[] data, int rows, int width) => data.AsSpan(0, rows * width);

    private static float MaxDifference(float[] a, float[] b)
    {
        float max = 0f;
        for (int i = 0; i < a.Length; i++)
        {
            max = MathF.Max(max, MathF.Abs(a[i] - b[i]));
        }

        return max;
    }
}
