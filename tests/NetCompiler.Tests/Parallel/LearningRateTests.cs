using NetCompiler.Kernels.Parallel;
using NetCompiler.Tests.Support;

namespace NetCompiler.Tests.Parallel;

/// <summary>
/// Every training entry point refuses a learning rate that would make the parameters NaN or infinite, as the
/// per-sample <c>TrainStep</c> does: <see cref="TrainingDivergedException"/>, and the parameters bit-identical to
/// before. Covers the batched step, the step with products split by rows, and the step split by samples, at a batch
/// that the split by samples runs serially and at one it splits.
/// </summary>
[Collection(ParallelWorkerCollection.Name)]
public sealed class LearningRateTests
{
    public delegate float TrainingStep(Span<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate);

    public static TheoryData<string, int, float> Cases()
    {
        var data = new TheoryData<string, int, float>();
        foreach (string step in new[] { "TrainStepBatch", "TrainStepBatchParallel", "TrainStepBatchDataParallel" })
        {
            foreach (int batch in new[] { 8, 128 })
            {
                foreach (float learningRate in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, -float.MaxValue })
                {
                    data.Add(step, batch, learningRate);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ALearningRateThatWouldBreakTheParametersThrowsAndChangesNothing(string step, int batch, float learningRate)
    {
        Assert.Equal(batch >= SampleHalves.MinimumBatch, SampleHalves.Splits(batch, ThresholdNet.ParameterCount));
        var parameters = new ThresholdNet(seed: 5).Parameters.ToArray();
        var before = parameters.ToArray();
        var inputs = Numbers.Uniform(batch * ThresholdNet.InputSize, seed: 6);
        var targets = NetworkData.TargetsFor<ThresholdNet>(batch, seed: 7);

        // The per-sample step is the reference: it refuses a non-finite step, and a finite one that would make a parameter
        // infinite; an absurd but finite step whose every update stays finite it applies.
        var perSample = before.ToArray();
        var perSampleError = Record.Exception(() => ThresholdNet.TrainStep(perSample, new float[ThresholdNet.ParameterCount], inputs, targets, learningRate));
        Assert.True(float.IsFinite(learningRate) || perSampleError is TrainingDivergedException);

        var error = Record.Exception(() => Step(step)(parameters, inputs, targets, learningRate));

        if (perSampleError is not null)
        {
            var diverged = Assert.IsType<TrainingDivergedException>(error);
            Assert.StartsWith("ThresholdNet: ", diverged.Message, StringComparison.Ordinal);
            Assert.Contains("The parameters were not changed", diverged.Message, StringComparison.Ordinal);
            Numbers.AssertBitIdentical(before, parameters, "parameters");
        }
        else
        {
            Assert.Null(error);
            Numbers.AssertAllFinite(parameters, "parameters");
        }
    }

    [Theory]
    [InlineData("TrainStepBatch")]
    [InlineData("TrainStepBatchParallel")]
    [InlineData("TrainStepBatchDataParallel")]
    public void HugeButSafeStepsGoThroughTheCheckedUpdateAndAgreeWithThePerSampleStep(string step)
    {
        // Inputs of 1e32 make H Aᵀ too large to prove finite in advance, but a tiny learning rate keeps the step finite:
        // the step takes the checked path and must give what the per-sample TrainStep gives.
        const int batch = 128;
        var inputs = Numbers.Uniform(batch * ThresholdNet.InputSize, seed: 8).Select(x => x * 1e32f).ToArray();
        var targets = NetworkData.TargetsFor<ThresholdNet>(batch, seed: 9);
        var parameters = new ThresholdNet(seed: 10).Parameters.ToArray();
        var expected = parameters.ToArray();
        float expectedLoss = ThresholdNet.TrainStep(expected, new float[ThresholdNet.ParameterCount], inputs, targets, 1e-30f);
        Assert.True(float.IsFinite(expectedLoss));

        float loss = Step(step)(parameters, inputs, targets, 1e-30f);

        Assert.Equal(expectedLoss, loss, expectedLoss * 1e-4f);
        Numbers.AssertAllFinite(parameters, "parameters");
        for (int i = 0; i < parameters.Length; i++)
        {
            Assert.True(Math.Abs(parameters[i] - expected[i]) <= 1e-4f * Math.Max(1f, Math.Abs(expected[i])), $"parameter {i}: {parameters[i]}, per-sample step {expected[i]}");
        }
    }

    private static TrainingStep Step(string name) => name switch
    {
        "TrainStepBatch" => ThresholdNet.TrainStepBatch,
        "TrainStepBatchParallel" => ThresholdNet.TrainStepBatchParallel,
        _ => ThresholdNet.TrainStepBatchDataParallel,
    };
}
