using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

/// <summary>
/// y = w x + b trained on y = 2x while validated on y = x, by full-batch gradient descent from
/// w = b = 0 with η = 0.1 over x ∈ {−1, −0.5, 0.5, 1} (mean x² = 0.625). The bias stays 0 and
/// w_k = w_(k−1) + 0.0625 (2 − w_(k−1)), so w_k = 2 − 2 · 0.9375^k: w₁₀ = 0.95108, w₁₁ = 1.01664,
/// w₁₂ = 1.07810. The validation loss ½ (w − 1)² · 0.625 falls until epoch 11 and then rises.
/// </summary>
public class TrainerEarlyStoppingTests
{
    private static readonly float[] Xs = [-1f, -0.5f, 0.5f, 1f];
    private static readonly TrainingData Training = TrainingTestData.Line(Xs, slope: 2f);
    private static readonly TrainingData Validation = TrainingTestData.Line(Xs, slope: 1f);

    [Fact]
    public void StopsAfterPatienceEpochsWithoutImprovementAndRestoresTheBestParameters()
    {
        var (net, result, recorder) = Fit(new EarlyStopping(patience: 3));

        Assert.Equal(11, result.BestEpoch);
        Assert.True(result.StoppedEarly);
        Assert.Equal(14, result.EpochsCompleted);
        Assert.True(result.RestoredBestParameters);
        Assert.Equal(1.01664f, net.Parameters[0], 1e-5f);
        Assert.Equal(0f, net.Parameters[1], 1e-6f);

        // Exactly the parameters reported at the end of epoch 11, whose validation loss is the best.
        int bestEvent = recorder.Events.FindIndex(e => e is { Kind: TrainingProgressKind.Epoch, Epoch: 11 });
        Assert.Equal(recorder.Snapshots[bestEvent], net.Parameters.ToArray());
        Assert.Equal(result.History[10].ValidationLoss, Evaluation.Loss(net, Validation));
        Assert.Equal(result.History.Min(e => e.ValidationLoss), result.Best!.Value.ValidationLoss);
        Assert.Equal(0.5f * 0.016637f * 0.016637f * 0.625f, result.Best!.Value.ValidationLoss!.Value, 1e-6f);
    }

    [Fact]
    public void WithoutRestoreKeepsTheLastParameters()
    {
        var (net, result, recorder) = Fit(new EarlyStopping(patience: 3) { RestoreBestParameters = false });

        Assert.Equal(11, result.BestEpoch);
        Assert.Equal(14, result.EpochsCompleted);
        Assert.False(result.RestoredBestParameters);
        Assert.Equal(recorder.Snapshots[^1], net.Parameters.ToArray());
        Assert.Equal(2f - (2f * MathF.Pow(0.9375f, 14)), net.Parameters[0], 1e-5f);
    }

    [Fact]
    public void CanMonitorTheValidationMetric()
    {
        // Validation MAE = 0.75 |w − 1| is also smallest at epoch 11.
        var (_, result, _) = Fit(new EarlyStopping(patience: 2) { Monitor = EarlyStoppingMonitor.ValidationMetric });

        Assert.Equal(Metric.MeanAbsoluteError, result.Metric);
        Assert.Equal(11, result.BestEpoch);
        Assert.Equal(13, result.EpochsCompleted);
        Assert.Equal(0.75f * 0.016637f, result.Best!.Value.ValidationMetric!.Value, 1e-5f);
    }

    [Fact]
    public void MinDeltaIgnoresSmallImprovements()
    {
        // Validation loss per epoch: 9: 0.0044141, 10: 0.0007479, 11: 0.0000865. With MinDelta 0.001,
        // epoch 10 improves on epoch 9 by 0.0037 (counts) but epoch 11 on epoch 10 by only 0.00066.
        var (_, result, _) = Fit(new EarlyStopping(patience: 2) { MinDelta = 0.001f });

        Assert.Equal(10, result.BestEpoch);
        Assert.Equal(12, result.EpochsCompleted);
    }

    [Fact]
    public void WithoutEarlyStoppingRunsAllEpochsAndBestEpochFollowsTheValidationLoss()
    {
        var (_, result, _) = Fit(null);

        Assert.Equal(30, result.EpochsCompleted);
        Assert.False(result.StoppedEarly);
        Assert.False(result.RestoredBestParameters);
        Assert.Equal(11, result.BestEpoch);
    }

    [Fact]
    public void NeedsValidationData()
    {
        var trainer = new Trainer<TrainerLinearNet>(new TrainerOptions { EarlyStopping = new EarlyStopping(3) });
        var exception = Assert.Throws<ArgumentException>(() => trainer.Fit(new TrainerLinearNet(), Training));
        Assert.StartsWith("TrainerLinearNet: early stopping watches a validation value", exception.Message, StringComparison.Ordinal);

        var both = new Trainer<TrainerLinearNet>(new TrainerOptions { ValidationSplit = 0.5f });
        Assert.Throws<ArgumentException>(() => both.Fit(new TrainerLinearNet(), Training, Validation));
    }

    /// <summary>Runs the scenario of the class comment for up to 30 epochs.</summary>
    internal static (TrainerLinearNet Net, TrainingResult Result, ProgressRecorder Recorder) Fit(
        EarlyStopping? stopping,
        CancellationToken cancellationToken = default,
        Action<TrainingProgress>? onReport = null)
    {
        var net = new TrainerLinearNet([0f, 0f]);
        var recorder = new ProgressRecorder(() => net.Parameters.ToArray()) { OnReport = onReport };
        var trainer = new Trainer<TrainerLinearNet>(new TrainerOptions
        {
            Epochs = 30,
            BatchSize = TrainerOptions.FullBatch,
            Shuffle = false,
            Schedule = 0.1f,
            EarlyStopping = stopping,
        });
        var result = trainer.Fit(net, Training, Validation, recorder, cancellationToken);
        return (net, result, recorder);
    }
}
