using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

public class TrainerProgressTests
{
    private static readonly TrainingData Training = TrainingTestData.Regression(10, seed: 11);
    private static readonly TrainingData Validation = TrainingTestData.Regression(5, seed: 12);

    [Fact]
    public void ReportsEveryBatchThenTheEpochWithItsNumbers()
    {
        // 10 samples in batches of 4 → 3 batches per epoch; 3 epochs → 9 batch events and 3 epoch events.
        var net = new TrainerRegressionNet(seed: 5);
        float[] initial = net.Parameters.ToArray();
        var recorder = new ProgressRecorder(() => net.Parameters.ToArray());
        var trainer = new Trainer<TrainerRegressionNet>(new TrainerOptions
        {
            Epochs = 3,
            BatchSize = 4,
            Shuffle = false,
            Schedule = new StepDecay(0.1f, stepSize: 1, gamma: 0.5f),
        });

        var result = trainer.Fit(net, Training, Validation, recorder);

        Assert.Equal(12, recorder.Events.Count);
        float[] rates = [0.1f, 0.05f, 0.025f];
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            var events = recorder.Events.Skip((epoch - 1) * 4).Take(4).ToArray();
            Assert.Equal(
                [(TrainingProgressKind.Batch, 1), (TrainingProgressKind.Batch, 2), (TrainingProgressKind.Batch, 3), (TrainingProgressKind.Epoch, 3)],
                events.Select(e => (e.Kind, e.Batch)));
            Assert.All(events, e =>
            {
                Assert.Equal((epoch, 3, 3, rates[epoch - 1], Metric.MeanAbsoluteError), (e.Epoch, e.Epochs, e.BatchesPerEpoch, e.LearningRate, e.MetricKind));
                Assert.True(e.SamplesPerSecond > 0 && double.IsFinite(e.SamplesPerSecond));
            });
            Assert.All(events.Take(3), e => Assert.Equal((null, null), (e.ValidationLoss, e.ValidationMetric)));

            // Batch events carry the running training metric: the MAE of each sample so far, taken with the parameters
            // before its own step (those of the previous event), samples 0–3, 4–7 and 8–9 in turn (no shuffle).
            double errorSum = 0;
            int[] firsts = [0, 4, 8];
            for (int batch = 0; batch < 3; batch++)
            {
                int eventIndex = ((epoch - 1) * 4) + batch;
                float[] before = eventIndex == 0 ? initial : recorder.Snapshots[eventIndex - 1];
                int first = firsts[batch];
                int count = Math.Min(4, 10 - first);
                var samples = new TrainingData(Training.Features.Slice(first * 3, count * 3).ToArray(), Training.Targets.Slice(first * 2, count * 2).ToArray(), 3, 2);
                errorSum += Evaluation.MeanAbsoluteError<TrainerRegressionNet>(before, samples) * (double)count;
                Assert.Equal((float)(errorSum / (first + count)), events[batch].Metric!.Value, 1e-6f);
            }

            // The epoch event: the running loss and metric of the last batch, and the validation numbers of the parameters it reports.
            var end = events[3];
            float[] parameters = recorder.Snapshots[(epoch * 4) - 1];
            Assert.Equal(events[2].Loss, end.Loss);
            Assert.Equal(events[2].Metric, end.Metric);
            Assert.Equal(TrainerRegressionNet.ComputeLoss(parameters, Validation.Features, Validation.Targets), end.ValidationLoss);
            Assert.Equal(Evaluation.MeanAbsoluteError<TrainerRegressionNet>(parameters, Validation), end.ValidationMetric);
            Assert.Equal(
                new EpochMetrics(epoch, rates[epoch - 1], end.Loss, end.Metric, end.ValidationLoss, end.ValidationMetric, result.History[epoch - 1].Elapsed),
                result.History[epoch - 1]);
        }

        // The first batch's loss is that of samples 0–3 before any update.
        Assert.Equal(TrainerRegressionNet.ComputeLoss(initial, Training.Features[..12], Training.Targets[..8]), recorder.Events[0].Loss, 1e-6f);
        Assert.Equal(recorder.Events.Select(e => e.Elapsed).Order(), recorder.Events.Select(e => e.Elapsed));
    }

    [Fact]
    public void WithoutBatchReportsOnlyEpochsAreReported()
    {
        var recorder = new ProgressRecorder();
        new Trainer<TrainerRegressionNet>(new TrainerOptions { Epochs = 3, BatchSize = 4, ReportBatches = false, EvaluateTrainingMetric = false })
            .Fit(new TrainerRegressionNet(), Training, progress: recorder);

        Assert.Equal([1, 2, 3], recorder.Events.Select(e => e.Epoch));
        Assert.All(recorder.Events, e => Assert.Equal((TrainingProgressKind.Epoch, (float?)null, (float?)null), (e.Kind, e.Metric, e.ValidationLoss)));
    }

    [Fact]
    public void ABatchScheduleAdvancesEveryStep()
    {
        // η_n = 0.1 · 0.5ⁿ for the n-th step of the run, across epochs.
        var recorder = new ProgressRecorder();
        new Trainer<TrainerRegressionNet>(new TrainerOptions
        {
            Epochs = 3,
            BatchSize = 4,
            Schedule = new ExponentialDecay(0.1f, gamma: 0.5f),
            ScheduleUnit = ScheduleUnit.Batch,
        }).Fit(new TrainerRegressionNet(), Training, progress: recorder);

        Assert.Equal(
            Enumerable.Range(0, 9).Select(n => (float)(0.1 * Math.Pow(0.5, n))),
            recorder.Batches.Select(e => e.LearningRate));
        Assert.Equal([0.1f * 0.25f, 0.1f / 32f, 0.1f / 256f], recorder.Epochs.Select(e => e.LearningRate));
    }

    [Fact]
    public void CallbackIsCalledSynchronouslyForEveryEvent()
    {
        int threadId = Environment.CurrentManagedThreadId;
        var events = new List<(TrainingProgressKind, int)>();
        var progress = TrainingProgress.Callback(e =>
        {
            Assert.Equal(threadId, Environment.CurrentManagedThreadId);
            events.Add((e.Kind, e.Epoch));
        });

        new Trainer<TrainerXorNet>(new TrainerOptions { Epochs = 2, BatchSize = 2 }).Fit(new TrainerXorNet(), TrainingTestData.Xor(), progress: progress);

        Assert.Equal(
            [(TrainingProgressKind.Batch, 1), (TrainingProgressKind.Batch, 1), (TrainingProgressKind.Epoch, 1), (TrainingProgressKind.Batch, 2), (TrainingProgressKind.Batch, 2), (TrainingProgressKind.Epoch, 2)],
            events);
    }
}
