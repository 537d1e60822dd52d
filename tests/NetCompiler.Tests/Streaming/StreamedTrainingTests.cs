using NetCompiler.Data;
using NetCompiler.Initialization;
using NetCompiler.Tests.Data;
using NetCompiler.Tests.Support;
using NetCompiler.Tests.Training;
using NetCompiler.Training;

namespace NetCompiler.Tests.Streaming;

/// <summary>Training on a sample file streamed: the same weights as in memory when the window holds everything, and corrupt chunks reported.</summary>
[Collection(RunAloneCollection.Name)]
public class StreamedTrainingTests
{
    private static TrainerOptions Options(bool shuffle = true) => new()
    {
        Epochs = 4,
        BatchSize = 16,
        Seed = 11,
        Shuffle = shuffle,
        Optimizer = new Adam(TrainerBlobNet.ParameterCount),
    };

    private static (TrainerBlobNet InMemory, TrainerBlobNet Streamed, TrainingResult MemoryResult, TrainingResult StreamedResult) TrainBoth(int window, bool shuffle)
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "blobs.ncsamples");
        var data = TrainingTestData.Blobs(1000, seed: 2);
        SampleFile.Write(path, data, samplesPerChunk: 64);

        var inMemory = new TrainerBlobNet(seed: 1);
        var memoryResult = new Trainer<TrainerBlobNet>(Options(shuffle)).Fit(inMemory, data);
        var streamed = new TrainerBlobNet(seed: 1);
        using var file = SampleFile.Open(path);
        var streamedResult = new Trainer<TrainerBlobNet>(Options(shuffle)).FitStreamed(streamed, new StreamedTrainingData(file, window));
        return (inMemory, streamed, memoryResult, streamedResult);
    }

    [Fact]
    public void AWindowHoldingEverySampleGivesTheInMemoryWeightsBitForBit()
    {
        var (inMemory, streamed, memoryResult, streamedResult) = TrainBoth(window: 1000, shuffle: true);

        Assert.Equal(inMemory.Parameters.ToArray(), streamed.Parameters.ToArray());
        Assert.Equal(memoryResult.History.Select(e => e.TrainingLoss), streamedResult.History.Select(e => e.TrainingLoss));
        Assert.Equal(memoryResult.History.Select(e => e.TrainingMetric), streamedResult.History.Select(e => e.TrainingMetric));
        Assert.Equal(memoryResult.Steps, streamedResult.Steps);
    }

    [Fact]
    public void ADoubleNetworkStreamedWithAWindowHoldingEverySampleGetsTheInMemoryWeightsBitForBit()
    {
        // The streamed batches are floats, widened to double by the trainer as the in-memory ones are.
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "blobs.ncsamples");
        var data = TrainingTestData.Blobs(200, seed: 2);
        SampleFile.Write(path, data, samplesPerChunk: 64);
        TrainerOptions options = new() { Epochs = 2, BatchSize = 16, Seed = 11, Optimizer = new Adam(DoubleBlobNet.ParameterCount) };

        var inMemory = new DoubleBlobNet(seed: 1);
        new Trainer<DoubleBlobNet, double>(options).Fit(inMemory, data);
        var streamed = new DoubleBlobNet(seed: 1);
        using var file = SampleFile.Open(path);
        new Trainer<DoubleBlobNet, double>(options with { Optimizer = new Adam(DoubleBlobNet.ParameterCount) }).FitStreamed(streamed, new StreamedTrainingData(file, 200));

        Assert.Equal(inMemory.Parameters.ToArray(), streamed.Parameters.ToArray());
    }

    [Fact]
    public void UnshuffledSmallWindowsReadInFileOrderAndGiveTheInMemoryWeights()
    {
        var (inMemory, streamed, _, _) = TrainBoth(window: 100, shuffle: false);

        Assert.Equal(inMemory.Parameters.ToArray(), streamed.Parameters.ToArray());
    }

    [Fact]
    public void SmallShuffledWindowsStillLearnAndAreDeterministic()
    {
        var (_, first, _, result) = TrainBoth(window: 128, shuffle: true);
        var (_, second, _, _) = TrainBoth(window: 128, shuffle: true);

        Assert.Equal(first.Parameters.ToArray(), second.Parameters.ToArray());
        Assert.True(result.History[^1].TrainingMetric > 0.95f, $"accuracy {result.History[^1].TrainingMetric}");
    }

    [Fact]
    public void ACorruptChunkStopsTrainingWithTheFileAndChunk()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "blobs.ncsamples");
        SampleFile.Write(path, TrainingTestData.Blobs(1000, seed: 2), samplesPerChunk: 64);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[64 + (5 * 64 * 5 * 4) + 3] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        using var file = SampleFile.Open(path);

        var error = Assert.Throws<DataFormatException>(() =>
            new Trainer<TrainerBlobNet>(Options()).FitStreamed(new TrainerBlobNet(seed: 1), new StreamedTrainingData(file, 128)));

        Assert.StartsWith($"{path}: chunk 5 of 16", error.Message);
    }

    [Fact]
    public void AValidationSplitIsRefusedForStreamedData()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new Trainer<TrainerBlobNet>(new TrainerOptions { ValidationSplit = 0.2f })
                .FitStreamed(new TrainerBlobNet(seed: 1), new StreamedTrainingData(new NumberedChunks([4, 4], featureCount: 2, targetCount: 3))));

        Assert.StartsWith("TrainerBlobNet: TrainerOptions.ValidationSplit (0.2) does not apply to streamed data", error.Message);
    }

    [Theory]
    [InlineData(128, true)]
    [InlineData(1000, true)]
    [InlineData(100, false)]
    public void AResumedStreamedRunGivesTheWeightsOfAnUninterruptedOneBitForBit(int window, bool shuffle)
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "blobs.ncsamples");
        string latest = Path.Combine(directory.Path, "latest" + CheckpointOptions.Extension);
        SampleFile.Write(path, TrainingTestData.Blobs(1000, seed: 2), samplesPerChunk: 64);
        using var file = SampleFile.Open(path);
        TrainerOptions Options(int epochs) => new()
        {
            Epochs = epochs,
            BatchSize = 24,
            Seed = 5,
            Shuffle = shuffle,
            Optimizer = new Adam(TrainerBlobNet.ParameterCount),
            Schedule = new StepDecay(0.01f, stepSize: 40, gamma: 0.5f),
            ScheduleUnit = ScheduleUnit.Batch,
        };

        var uninterrupted = new TrainerBlobNet(seed: 1);
        var expected = new Trainer<TrainerBlobNet>(Options(5)).FitStreamed(uninterrupted, new StreamedTrainingData(file, window));

        new Trainer<TrainerBlobNet>(Options(2) with { Checkpoints = new CheckpointOptions { LatestPath = latest } })
            .FitStreamed(new TrainerBlobNet(seed: 1), new StreamedTrainingData(file, window));
        var resumed = new TrainerBlobNet(seed: 77);
        var result = new Trainer<TrainerBlobNet>(Options(5)).ResumeStreamed(latest, resumed, new StreamedTrainingData(file, window));

        Assert.Equal(uninterrupted.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(expected.Steps, result.Steps);
        Assert.Equal(expected.History.Select(e => (e.Epoch, e.TrainingLoss, e.TrainingMetric)), result.History.Select(e => (e.Epoch, e.TrainingLoss, e.TrainingMetric)));
    }

    [Fact]
    public void AStreamedCheckpointResumesOnlyOnDataStreamedTheSameWay()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "blobs.ncsamples");
        string latest = Path.Combine(directory.Path, "latest" + CheckpointOptions.Extension);
        var data = TrainingTestData.Blobs(1000, seed: 2);
        SampleFile.Write(path, data, samplesPerChunk: 64);
        using var file = SampleFile.Open(path);
        var options = new TrainerOptions { Epochs = 1, BatchSize = 24, Seed = 5, Checkpoints = new CheckpointOptions { LatestPath = latest } };
        new Trainer<TrainerBlobNet>(options).FitStreamed(new TrainerBlobNet(seed: 1), new StreamedTrainingData(file, 128));
        var net = new TrainerBlobNet(seed: 3);
        float[] before = net.Parameters.ToArray();

        var otherWindow = Assert.Throws<ArgumentException>(() =>
            new Trainer<TrainerBlobNet>(options).ResumeStreamed(latest, net, new StreamedTrainingData(file, 256)));
        var inMemory = Assert.Throws<ArgumentException>(() => new Trainer<TrainerBlobNet>(options).Resume(latest, net, data));

        Assert.Contains("data: checkpoint streamed, 1000 samples in 16 chunks, shuffle window 128, this run streamed, 1000 samples in 16 chunks, shuffle window 256", otherWindow.Message);
        Assert.Contains("data: checkpoint streamed, 1000 samples in 16 chunks, shuffle window 128, this run in memory", inMemory.Message);
        Assert.Equal(before, net.Parameters.ToArray());
    }
}

/// <summary>Training on a file several times larger than the memory the test allows, measured with the GC's count of allocated bytes.</summary>
[Collection(RunAloneCollection.Name)]
public class StreamedMemoryBudgetTests
{
    [Fact]
    public void TrainsOnAFileEightTimesLargerThanItsMemoryBudget()
    {
        const long Budget = 32L << 20;
        const int Samples = 1 << 20;
        const int Features = 60;
        const int Classes = 4;
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "big.ncsamples");

        // 1 Mi samples of 64 floats: 256 MiB, written a chunk at a time. Class c's features are centred on c.
        SampleFile.Create(path, Features, Classes, writer =>
        {
            var random = new DeterministicRandom(7);
            var features = new float[1024 * Features];
            var targets = new float[1024 * Classes];
            for (int block = 0; block < Samples / 1024; block++)
            {
                Array.Clear(targets);
                for (int k = 0; k < 1024; k++)
                {
                    int label = random.NextInt32(Classes);
                    targets[(k * Classes) + label] = 1f;
                    for (int f = 0; f < Features; f++)
                    {
                        features[(k * Features) + f] = label - 1.5f + (random.NextSingle() - 0.5f);
                    }
                }

                writer.Write(features, targets);
            }
        });
        long fileLength = new FileInfo(path).Length;
        Assert.True(fileLength > 8 * Budget, $"the file has {fileLength} bytes");

        using var file = SampleFile.Open(path);
        var net = new StreamedBudgetNet(seed: 3);
        var trainer = new Trainer<StreamedBudgetNet>(new TrainerOptions
        {
            Epochs = 1,
            BatchSize = 64,
            Seed = 1,
            Optimizer = new Adam(StreamedBudgetNet.ParameterCount),
            EvaluateTrainingMetric = false,
        });
        var data = new StreamedTrainingData(file, shuffleWindow: 32_768);

        GC.Collect();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var result = trainer.FitStreamed(net, data);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.True(allocated < Budget, $"training allocated {allocated} bytes; the budget is {Budget}");
        Assert.Equal(Samples / 64, result.Steps);
        Assert.True(result.History[0].TrainingLoss < 0.1f, $"loss {result.History[0].TrainingLoss}");
    }
}
