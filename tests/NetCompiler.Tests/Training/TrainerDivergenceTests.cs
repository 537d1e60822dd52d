using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

/// <summary>A NaN or infinite loss, gradient or parameter stops training with the parameters from before the failing step.</summary>
public class TrainerDivergenceTests
{
    [Fact]
    public void NaNInTheDataNamesTheEpochBatchAndSample()
    {
        // 10 samples, batches of 2 in order: sample 5 is in batch 3 (rows 4 and 5).
        var data = TrainingTestData.Regression(10, seed: 3);
        float[] features = data.Features.ToArray();
        features[(5 * 3) + 1] = float.NaN;
        var poisoned = new TrainingData(features, data.Targets.ToArray(), 3, 2);
        var net = new TrainerRegressionNet(seed: 2);
        var recorder = new ProgressRecorder(() => net.Parameters.ToArray());
        var trainer = new Trainer<TrainerRegressionNet>(new TrainerOptions { Epochs = 2, BatchSize = 2, Shuffle = false, Schedule = 0.1f });

        var exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(net, poisoned, progress: recorder));

        Assert.Equal(
            $"TrainerRegressionNet: training diverged in epoch 1 of 2, batch 3 of 5: the loss of training sample 5 is {float.NaN}; input[1] of that sample is {float.NaN}. The parameters are those before this step.",
            exception.Message);
        Assert.Equal(2, recorder.Events.Count);
        Assert.Equal(recorder.Snapshots[^1], net.Parameters.ToArray());
    }

    [Fact]
    public void ALearningRateTooLargeStopsAtTheFirstInfiniteLoss()
    {
        // Full-batch GD on y = 2x with η = 100: w − 2 is multiplied by 1 − 100 · 0.625 = −61.5 per step
        // until the squared error overflows a float.
        var data = TrainingTestData.Line([-1f, -0.5f, 0.5f, 1f], slope: 2f);
        var net = new TrainerLinearNet([0f, 0f]);
        var recorder = new ProgressRecorder(() => net.Parameters.ToArray());
        var trainer = new Trainer<TrainerLinearNet>(new TrainerOptions { Epochs = 100, BatchSize = TrainerOptions.FullBatch, Shuffle = false, Schedule = 100f });

        var exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(net, data, progress: recorder));

        int completedSteps = recorder.Batches.Count();
        Assert.InRange(completedSteps, 9, 12);
        Assert.StartsWith($"TrainerLinearNet: training diverged in epoch {completedSteps + 1} of 100, batch 1 of 1: the loss of training sample ", exception.Message, StringComparison.Ordinal);
        Assert.EndsWith("its inputs and targets are finite, so the parameters have diverged (lower the learning rate). The parameters are those before this step.", exception.Message, StringComparison.Ordinal);
        Assert.Equal(recorder.Snapshots[^1], net.Parameters.ToArray());
        Assert.All(recorder.Snapshots[^1], p => Assert.True(float.IsFinite(p)));
    }

    [Fact]
    public void AnUpdateThatOverflowsIsUndone()
    {
        // w = b = 0, one sample x = 1, t = 2: the gradient is [−2, −2], and η = 3e38 makes θ = 6e38 = ∞.
        var data = new TrainingData([1f], [2f], 1, 1);
        var net = new TrainerLinearNet([0f, 0f]);
        var trainer = new Trainer<TrainerLinearNet>(new TrainerOptions { Epochs = 1, Schedule = 3e38f });

        var exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(net, data));

        Assert.Equal(
            $"TrainerLinearNet: training diverged in epoch 1 of 1, batch 1 of 1: the update made parameter 0 {float.PositiveInfinity} (lower the learning rate). The parameters are those before this step.",
            exception.Message);
        Assert.Equal([0f, 0f], net.Parameters.ToArray());
    }

    [Fact]
    public void AGradientThatOverflowsNamesTheOptimizerAndComponent()
    {
        // w = b = 0, two samples x = 3e38, t = 1: each loss is ½ (finite), each ∂J/∂w = −3e38, and
        // their sum −6e38 overflows to −∞ before the optimizer sees it.
        var data = new TrainingData([3e38f, 3e38f], [1f, 1f], 1, 1);
        var net = new TrainerLinearNet([0f, 0f]);
        var trainer = new Trainer<TrainerLinearNet>(new TrainerOptions { Epochs = 1, BatchSize = 2 });

        var exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(net, data));

        Assert.Equal(
            $"TrainerLinearNet: training diverged in epoch 1 of 1, batch 1 of 1: Sgd: gradient[0] is {float.NegativeInfinity}; the parameters and the optimizer state were not changed. The parameters are those before this step.",
            exception.Message);
        Assert.Equal([0f, 0f], net.Parameters.ToArray());
    }
}
