using NetCompiler.Tests.Persistence;
using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

/// <summary>Checkpoints: a resumed run is bit for bit an uninterrupted one; the best model file holds the best epoch's parameters.</summary>
public class CheckpointTests
{
    private static readonly TrainingData Blobs = TrainingTestData.Blobs(90, seed: 4);

    [Fact]
    public void AResumedAdamRunGivesBitIdenticalWeightsToAnUninterruptedOne()
    {
        TrainerOptions Options(int epochs) => new()
        {
            Epochs = epochs,
            BatchSize = 16,
            Seed = 9,
            ValidationSplit = 0.2f,
            Optimizer = new Adam(TrainerBlobNet.ParameterCount),
            Schedule = new CosineAnnealing(0.02f, period: 7),
            ScheduleUnit = ScheduleUnit.Batch,
        };

        AssertResumeEqualsUninterrupted(Options, stopAfter: 3, total: 7, every: 1);
    }

    [Fact]
    public void AResumedMomentumRunWithEarlyStoppingAndSparseCheckpointsGivesBitIdenticalWeights()
    {
        // Checkpoints every 2 epochs: stopped after 5, the checkpoint holds epoch 4, and the resumed run redoes epoch 5.
        TrainerOptions Options(int epochs) => new()
        {
            Epochs = epochs,
            BatchSize = 8,
            Seed = 2,
            ValidationSplit = 0.25f,
            Optimizer = new Sgd(TrainerBlobNet.ParameterCount, momentum: 0.9f),
            Schedule = 0.05f,
            EarlyStopping = new EarlyStopping(patience: 50) { Monitor = EarlyStoppingMonitor.ValidationMetric },
        };

        AssertResumeEqualsUninterrupted(Options, stopAfter: 5, total: 8, every: 2);
    }

    [Fact]
    public void AResumedDoubleAdamRunGivesBitIdenticalWeightsToAnUninterruptedOne()
    {
        // The checkpoint of a double network holds float64 parameters, optimizer moments and best parameters.
        TrainerOptions Options(int epochs) => new()
        {
            Epochs = epochs,
            BatchSize = 16,
            Seed = 9,
            ValidationSplit = 0.2f,
            Optimizer = new Adam(DoubleBlobNet.ParameterCount),
            Schedule = 0.02f,
            EarlyStopping = new EarlyStopping(patience: 50) { RestoreBestParameters = true },
        };

        AssertResumeEqualsUninterrupted<DoubleBlobNet, double>(Options, stopAfter: 3, total: 6, every: 1);
    }

    [Fact]
    public void TheBestModelFileHoldsTheParametersOfTheBestEpochByTheChosenMetric()
    {
        using var directory = new TemporaryDirectory();
        string best = Path.Combine(directory.Path, "best.ncnet");
        TrainerOptions Options(int epochs) => new()
        {
            Epochs = epochs,
            BatchSize = 32,
            Seed = 1,
            ValidationSplit = 0.3f,
            Schedule = 0.3f,
            Metric = Metric.Loss,
            Checkpoints = new CheckpointOptions { BestModelPath = best, BestMetric = Metric.MacroF1 },
        };

        var net = new TrainerBlobNet(seed: 5);
        var result = new Trainer<TrainerBlobNet>(Options(6)).Fit(net, Blobs);

        // The best epoch by validation macro F1 (the first of equals), recomputed from a run of exactly that many epochs.
        var validation = Split(Blobs, 0.3f, seed: 1);
        int bestEpoch = 0;
        float bestF1 = float.NegativeInfinity;
        for (int epoch = 1; epoch <= 6; epoch++)
        {
            var replay = new TrainerBlobNet(seed: 5);
            new Trainer<TrainerBlobNet>(Options(epoch) with { Checkpoints = null }).Fit(replay, Blobs);
            float f1 = Evaluation.ConfusionMatrix(replay, validation).MacroF1;
            if (f1 > bestF1)
            {
                (bestEpoch, bestF1) = (epoch, f1);
            }
        }

        var expected = new TrainerBlobNet(seed: 5);
        new Trainer<TrainerBlobNet>(Options(bestEpoch) with { Checkpoints = null }).Fit(expected, Blobs);
        Assert.Equal(expected.Parameters.ToArray(), ModelFile.Load<TrainerBlobNet>(best).Parameters.ToArray());
        Assert.Equal(6, result.EpochsCompleted);
    }

    [Fact]
    public void ACheckpointOfOtherSettingsIsRefusedAndChangesNothing()
    {
        using var directory = new TemporaryDirectory();
        string latest = Path.Combine(directory.Path, "latest.ncckpt");
        var options = new TrainerOptions { Epochs = 2, BatchSize = 16, Seed = 3, Checkpoints = new CheckpointOptions { LatestPath = latest } };
        new Trainer<TrainerBlobNet>(options).Fit(new TrainerBlobNet(seed: 1), Blobs);

        var net = new TrainerBlobNet(seed: 8);
        float[] before = net.Parameters.ToArray();
        var exception = Assert.Throws<ArgumentException>(() => new Trainer<TrainerBlobNet>(options with { Seed = 4, BatchSize = 8 }).Resume(latest, net, Blobs));
        Assert.Contains("Seed: checkpoint 3, this run 4; BatchSize: checkpoint 16, this run 8", exception.Message, StringComparison.Ordinal);
        Assert.Equal(before, net.Parameters.ToArray());

        var adam = Assert.Throws<ArgumentException>(() => new Trainer<TrainerBlobNet>(options with { Optimizer = new Adam(TrainerBlobNet.ParameterCount) }).Resume(latest, net, Blobs));
        Assert.Contains("optimizer: checkpoint NetCompiler.Training.Sgd, this run NetCompiler.Training.Adam", adam.Message, StringComparison.Ordinal);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void ACorruptedCheckpointIsRefusedAndChangesNothing()
    {
        using var directory = new TemporaryDirectory();
        string latest = Path.Combine(directory.Path, "latest.ncckpt");
        var options = new TrainerOptions { Epochs = 1, Seed = 3, Checkpoints = new CheckpointOptions { LatestPath = latest } };
        new Trainer<TrainerBlobNet>(options).Fit(new TrainerBlobNet(seed: 1), Blobs);
        byte[] bytes = File.ReadAllBytes(latest);
        bytes[^10] ^= 0x40;
        File.WriteAllBytes(latest, bytes);

        var net = new TrainerBlobNet(seed: 8);
        float[] before = net.Parameters.ToArray();
        var exception = Assert.Throws<ModelFormatException>(() => new Trainer<TrainerBlobNet>(options).Resume(latest, net, Blobs));
        Assert.Contains("training state whose checksum does not match", exception.Message, StringComparison.Ordinal);
        Assert.Equal(before, net.Parameters.ToArray());

        var model = Path.Combine(directory.Path, "model.ncnet");
        net.Save(model);
        var notACheckpoint = Assert.Throws<ModelFormatException>(() => new Trainer<TrainerBlobNet>(options).Resume(model, net, Blobs));
        Assert.Contains("is not a NetCompiler checkpoint", notACheckpoint.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABestMetricOtherThanTheLossNeedsValidationData()
    {
        var options = new TrainerOptions { Checkpoints = new CheckpointOptions { BestModelPath = "unused.ncnet", BestMetric = Metric.Accuracy } };
        var exception = Assert.Throws<ArgumentException>(() => new Trainer<TrainerBlobNet>(options).Fit(new TrainerBlobNet(seed: 1), Blobs));
        Assert.Contains("BestMetric (Accuracy) is measured on validation data", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new Trainer<TrainerBlobNet>(new TrainerOptions { Checkpoints = new CheckpointOptions() }).Fit(new TrainerBlobNet(seed: 1), Blobs));
    }

    /// <summary>
    /// Trains <paramref name="total"/> epochs uninterrupted; then <paramref name="stopAfter"/> epochs with a checkpoint every
    /// <paramref name="every"/>, and resumes from it with a fresh network, optimizer and trainer: the parameters, the
    /// optimizer's step count and the history's losses must be bit-identical.
    /// </summary>
    private static void AssertResumeEqualsUninterrupted(Func<int, TrainerOptions> options, int stopAfter, int total, int every) =>
        AssertResumeEqualsUninterrupted<TrainerBlobNet, float>(options, stopAfter, total, every);

    private static void AssertResumeEqualsUninterrupted<TNet, T>(Func<int, TrainerOptions> options, int stopAfter, int total, int every)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        using var directory = new TemporaryDirectory();
        string latest = Path.Combine(directory.Path, "latest" + CheckpointOptions.Extension);

        var uninterrupted = TNet.Create(6);
        var uninterruptedOptions = options(total);
        var expected = new Trainer<TNet, T>(uninterruptedOptions).Fit(uninterrupted, Blobs);

        var first = TNet.Create(6);
        new Trainer<TNet, T>(options(stopAfter) with { Checkpoints = new CheckpointOptions { LatestPath = latest, EveryEpochs = every } }).Fit(first, Blobs);

        var resumed = TNet.Create(99);
        var resumedOptions = options(total);
        var result = new Trainer<TNet, T>(resumedOptions).Resume(latest, resumed, Blobs);

        Assert.Equal(uninterrupted.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(uninterruptedOptions.Optimizer!.StepCount, resumedOptions.Optimizer!.StepCount);
        Assert.Equal(expected.Steps, result.Steps);
        Assert.Equal(expected.BestEpoch, result.BestEpoch);
        Assert.Equal(expected.History.Select(e => (e.Epoch, e.TrainingLoss, e.ValidationLoss, e.ValidationMetric)), result.History.Select(e => (e.Epoch, e.TrainingLoss, e.ValidationLoss, e.ValidationMetric)));
    }

    /// <summary>The validation part of the trainer's seeded split (same seed, same fraction).</summary>
    private static TrainingData Split(TrainingData data, float fraction, int seed)
    {
        var random = new Initialization.DeterministicRandom(seed);
        int count = data.Count;
        int validationCount = Math.Clamp((int)(count * (double)fraction), 1, count - 1);
        int[] order = [.. Enumerable.Range(0, count)];
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.NextInt32(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        int[] rows = order[..validationCount];
        Array.Sort(rows);
        return TrainingData.FromRows(data, rows);
    }
}
