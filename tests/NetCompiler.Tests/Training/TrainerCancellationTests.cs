using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

public class TrainerCancellationTests
{
    [Fact]
    public void StopsBetweenBatchesWithTheParametersOfTheLastCompletedStep()
    {
        // 10 samples in batches of 4: 3 batches per epoch. Cancel after the 5th step (epoch 2, batch 2).
        var data = TrainingTestData.Regression(10, seed: 7);
        var net = new TrainerRegressionNet(seed: 1);
        using var cancellation = new CancellationTokenSource();
        int batches = 0;
        var recorder = new ProgressRecorder(() => net.Parameters.ToArray())
        {
            OnReport = e =>
            {
                if (e.Kind == TrainingProgressKind.Batch && ++batches == 5)
                {
                    cancellation.Cancel();
                }
            },
        };
        var trainer = new Trainer<TrainerRegressionNet>(new TrainerOptions { Epochs = 10, BatchSize = 4, Schedule = 0.1f });

        var result = trainer.Fit(net, data, progress: recorder, cancellationToken: cancellation.Token);

        Assert.True(result.Cancelled);
        Assert.False(result.StoppedEarly);
        Assert.Equal(5, result.Steps);
        Assert.Equal(1, result.EpochsCompleted);
        var last = recorder.Events[^1];
        Assert.Equal((TrainingProgressKind.Batch, 2, 2), (last.Kind, last.Epoch, last.Batch));
        Assert.Equal(recorder.Snapshots[^1], net.Parameters.ToArray());
    }

    [Fact]
    public void WithRestoreBestPutsBackTheBestEpoch()
    {
        // The early-stopping scenario (best epoch 11, patience large), cancelled after epoch 13.
        using var cancellation = new CancellationTokenSource();
        var (net, result, recorder) = TrainerEarlyStoppingTests.Fit(
            new EarlyStopping(patience: 100),
            cancellation.Token,
            e =>
            {
                if (e is { Kind: TrainingProgressKind.Epoch, Epoch: 13 })
                {
                    cancellation.Cancel();
                }
            });

        Assert.True(result.Cancelled);
        Assert.Equal(13, result.Steps);
        Assert.Equal(13, result.EpochsCompleted);
        Assert.True(result.RestoredBestParameters);
        int bestEvent = recorder.Events.FindIndex(e => e is { Kind: TrainingProgressKind.Epoch, Epoch: 11 });
        Assert.Equal(recorder.Snapshots[bestEvent], net.Parameters.ToArray());
    }

    [Fact]
    public void AnAlreadyCancelledTokenTakesNoStep()
    {
        var net = new TrainerXorNet(seed: 1);
        float[] before = net.Parameters.ToArray();

        var result = new Trainer<TrainerXorNet>().Fit(net, TrainingTestData.Xor(), cancellationToken: new CancellationToken(canceled: true));

        Assert.True(result.Cancelled);
        Assert.Equal(0, result.Steps);
        Assert.Empty(result.History);
        Assert.Equal(0, result.BestEpoch);
        Assert.Null(result.Best);
        Assert.Equal(before, net.Parameters.ToArray());
    }
}
