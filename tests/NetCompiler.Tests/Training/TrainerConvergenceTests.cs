using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

/// <summary>Real training runs reach a target quality.</summary>
public class TrainerConvergenceTests
{
    [Fact]
    public void XorWithAdamReachesFullAccuracy()
    {
        var data = TrainingTestData.Xor();
        var net = new TrainerXorNet(seed: 1);
        var trainer = new Trainer<TrainerXorNet>(new TrainerOptions
        {
            Epochs = 400,
            BatchSize = 4,
            Optimizer = new Adam(TrainerXorNet.ParameterCount),
            Schedule = 0.05f,
        });

        var result = trainer.Fit(net, data);

        Assert.Equal(Metric.Accuracy, result.Metric);
        Assert.Equal(1f, Evaluation.Accuracy(net, data));
        Assert.Equal(1f, result.History[^1].TrainingMetric);
        Assert.True(Evaluation.Loss(net, data) < 0.05f, $"loss {Evaluation.Loss(net, data)}");
    }

    [Fact]
    public void ThreeBlobsWithAdamAndMiniBatchesClassifyHeldOutPoints()
    {
        var data = TrainingTestData.Blobs(150, seed: 7);
        var test = TrainingTestData.Blobs(60, seed: 99);
        var net = new TrainerBlobNet(seed: 2);
        var trainer = new Trainer<TrainerBlobNet>(new TrainerOptions
        {
            Epochs = 30,
            BatchSize = 16,
            ValidationSplit = 0.2f,
            Optimizer = new Adam(TrainerBlobNet.ParameterCount) { WeightDecay = 1e-4f, DecoupledWeightDecay = true },
            Schedule = new CosineAnnealing(0.02f, period: 30, minimumLearningRate: 0.002f),
        });

        var result = trainer.Fit(net, data);

        Assert.True(result.History[^1].ValidationMetric >= 0.95f, $"validation accuracy {result.History[^1].ValidationMetric}");
        var confusion = Evaluation.ConfusionMatrix(net, test);
        Assert.Equal(60, confusion.Total);
        Assert.True(confusion.Accuracy >= 0.95f, confusion.ToString());
        Assert.True(result.History[^1].TrainingLoss < result.History[0].TrainingLoss / 4);
    }

    [Fact]
    public void RegressionWithNesterovMomentumAndClippingLowersTheError()
    {
        var data = TrainingTestData.Regression(200, seed: 21);
        var test = TrainingTestData.Regression(50, seed: 22);
        var net = new TrainerRegressionNet(seed: 3);
        float before = Evaluation.MeanAbsoluteError(net, test);
        var trainer = new Trainer<TrainerRegressionNet>(new TrainerOptions
        {
            Epochs = 40,
            BatchSize = 10,
            Optimizer = new Sgd(TrainerRegressionNet.ParameterCount, momentum: 0.9f, nesterov: true) { MaxGradientNorm = 5f },
            Schedule = new StepDecay(0.05f, stepSize: 20, gamma: 0.2f),
        });

        var result = trainer.Fit(net, data);

        float after = Evaluation.MeanAbsoluteError(net, test);
        Assert.Equal(Metric.MeanAbsoluteError, result.Metric);
        Assert.True(after < 0.05f && after < before / 4, $"MAE before {before}, after {after}");
    }
}
