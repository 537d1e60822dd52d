using NetCompiler.Training;
using static NetCompiler.Tests.Training.TrainingTestData;

namespace NetCompiler.Tests.Training;

/// <summary>The trainer's steps against the generated network's own TrainStep, and its determinism.</summary>
public class TrainerEquivalenceTests
{
    [Fact]
    public void BatchSizeOneWithoutShufflingIsBitIdenticalToOneTrainStepPerSample()
    {
        var data = Regression(12, seed: 1);
        var net = new TrainerRegressionNet(seed: 3);
        var trainer = new Trainer<TrainerRegressionNet>(new TrainerOptions { Epochs = 3, BatchSize = 1, Shuffle = false, Schedule = 0.05f });
        var result = trainer.Fit(net, data);

        var reference = new TrainerRegressionNet(seed: 3);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            double lossSum = 0;
            for (int sample = 0; sample < data.Count; sample++)
            {
                lossSum += reference.TrainStep(data.Features.Slice(sample * 3, 3), data.Targets.Slice(sample * 2, 2), 0.05f);
            }

            Assert.Equal((float)(lossSum / data.Count), result.History[epoch].TrainingLoss);
        }

        Assert.Equal(reference.Parameters.ToArray(), net.Parameters.ToArray());
        Assert.Equal(36, result.Steps);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FullBatchEqualsTrainStepOnTheWholeSet(bool shuffle)
    {
        var data = Regression(20, seed: 2);
        var net = new TrainerRegressionNet(seed: 4);
        var trainer = new Trainer<TrainerRegressionNet>(new TrainerOptions { Epochs = 5, BatchSize = TrainerOptions.FullBatch, Shuffle = shuffle, Schedule = 0.2f });
        var result = trainer.Fit(net, data);

        var reference = new TrainerRegressionNet(seed: 4);
        for (int epoch = 0; epoch < 5; epoch++)
        {
            float loss = reference.TrainStep(data.Features, data.Targets, 0.2f);
            Assert.Equal(loss, result.History[epoch].TrainingLoss, 1e-6f);
        }

        // Only the order of the sum and the rounding of 1/N differ: (η/N)Σg versus η((1/N)Σg).
        AssertClose(reference.Parameters, net.Parameters, 1e-6f);
        Assert.Equal(5, result.Steps);
    }

    [Fact]
    public void EpochLossIsTheSampleWeightedMeanOverUnevenBatches()
    {
        // 10 samples in batches of 3 (3, 3, 3, 1) with learning rate 0: the parameters never change,
        // so each epoch's mean loss must be the loss of the whole set.
        var data = Regression(10, seed: 5);
        var net = new TrainerRegressionNet(seed: 6);
        float[] initial = net.Parameters.ToArray();
        var recorder = new ProgressRecorder();
        var result = new Trainer<TrainerRegressionNet>(new TrainerOptions { Epochs = 2, BatchSize = 3, Schedule = 0f })
            .Fit(net, data, progress: recorder);

        float expected = TrainerRegressionNet.ComputeLoss(initial, data.Features, data.Targets);
        Assert.All(result.History, epoch => Assert.Equal(expected, epoch.TrainingLoss, 1e-6f));
        Assert.Equal(4, recorder.Events[0].BatchesPerEpoch);
        Assert.Equal(initial, net.Parameters.ToArray());
    }

    [Fact]
    public void SameSeedGivesBitIdenticalTrainingAnotherSeedDoesNot()
    {
        var data = Blobs(60, seed: 3);
        float[] first = Train(seed: 42, out var firstResult);
        float[] second = Train(seed: 42, out var secondResult);
        float[] other = Train(seed: 43, out _);

        Assert.Equal(first, second);
        Assert.Equal(firstResult.History.Select(e => (e.TrainingLoss, e.ValidationLoss)), secondResult.History.Select(e => (e.TrainingLoss, e.ValidationLoss)));
        Assert.NotEqual(first, other);

        float[] Train(int seed, out TrainingResult result)
        {
            var net = new TrainerBlobNet(seed: 1);
            var options = new TrainerOptions
            {
                Epochs = 4,
                BatchSize = 8,
                Seed = seed,
                ValidationSplit = 0.2f,
                Optimizer = new Adam(TrainerBlobNet.ParameterCount),
                Schedule = 0.01f,
            };
            result = new Trainer<TrainerBlobNet>(options).Fit(net, data);
            return net.Parameters.ToArray();
        }
    }

    [Fact]
    public void ValidationSplitPartitionsTheData()
    {
        // 10 samples, 30 % held out: 7 train (batches of 2: 4 batches) and 3 validate. With learning
        // rate 0, 7 × training loss + 3 × validation loss must equal 10 × the loss of all samples.
        var data = Blobs(10, seed: 4);
        var net = new TrainerBlobNet(seed: 2);
        float whole = Evaluation.Loss(net, data);
        var recorder = new ProgressRecorder();
        var result = new Trainer<TrainerBlobNet>(new TrainerOptions { Epochs = 1, BatchSize = 2, ValidationSplit = 0.3f, Schedule = 0f })
            .Fit(net, data, progress: recorder);

        Assert.Equal(4, recorder.Events[0].BatchesPerEpoch);
        var epoch = result.History[0];
        Assert.Equal(10 * whole, (7 * epoch.TrainingLoss) + (3 * epoch.ValidationLoss!.Value), 1e-5f);
    }
}
