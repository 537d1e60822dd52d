using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

public class EvaluationTests
{
    // y = x (w = 1, b = 0) on x = [0.2, 0.7, 0.4] with targets [0, 1, 1].
    private static readonly TrainingData Binary = new([0.2f, 0.7f, 0.4f], [0f, 1f, 1f], 1, 1);
    private static readonly TrainerLinearNet Identity = new([1f, 0f]);

    // Logits W x + b with W = [[1, 0], [0, 1], [0, 0]], b = 0: the predicted class is argmax(x₀, x₁, 0).
    private static readonly TrainerSoftmaxNet Argmax = new([1f, 0f, 0f, 1f, 0f, 0f, 0f, 0f, 0f]);

    // (2, 1) → 0 ✓, (1, 3) → 1 ✓, (−1, −2) → 2 ✓, (3, 0) → 0 but labelled 2 ✗, (0.5, 0.2) → 0 ✓.
    private static readonly TrainingData ThreeClasses = new(
        [2f, 1f, 1f, 3f, -1f, -2f, 3f, 0f, 0.5f, 0.2f],
        [1f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 1f, 0f, 0f, 1f, 1f, 0f, 0f],
        2,
        3);

    [Fact]
    public void SingleOutputThresholdsAtOneHalf()
    {
        // Predictions [0.2, 0.7, 0.4] → classes [0, 1, 0]; targets [0, 1, 1]: 2 of 3 correct.
        Assert.Equal(2f / 3f, Evaluation.Accuracy(Identity, Binary));
        var confusion = Evaluation.ConfusionMatrix(Identity, Binary);
        Assert.Equal(2, confusion.ClassCount);
        Assert.Equal((1, 0, 1, 1), (confusion[0, 0], confusion[0, 1], confusion[1, 0], confusion[1, 1]));
        Assert.Equal(3, confusion.Total);
        Assert.Equal(2f / 3f, confusion.Accuracy);
    }

    [Fact]
    public void MeanAbsoluteErrorAndLossOfARegression()
    {
        // |errors| = [0.2, 0.3, 0.6]: MAE = 1.1 / 3; MSE loss = (0.04 + 0.09 + 0.36) / (2 · 3) = 0.0816667.
        Assert.Equal(1.1f / 3f, Evaluation.MeanAbsoluteError(Identity, Binary), 1e-7f);
        Assert.Equal(0.0816667f, Evaluation.Loss(Identity, Binary), 1e-7f);
        Assert.Equal(Evaluation.Loss(Identity, Binary), Evaluation.Compute<TrainerLinearNet>(Metric.Loss, Identity.Parameters, Binary));
    }

    [Fact]
    public void MultiClassComparesArgmaxWithTheOneHotTarget()
    {
        Assert.Equal(0.8f, Evaluation.Accuracy(Argmax, ThreeClasses));
        var confusion = Evaluation.ConfusionMatrix(Argmax, ThreeClasses);
        Assert.Equal(3, confusion.ClassCount);
        Assert.Equal(2, confusion[0, 0]);
        Assert.Equal(1, confusion[1, 1]);
        Assert.Equal(1, confusion[2, 2]);
        Assert.Equal(1, confusion[2, 0]);
        Assert.Equal(0, confusion[0, 2]);
        Assert.Equal(0.8f, confusion.Accuracy);
        Assert.Equal("actual \\ predicted\t0\t1\t2\n0\t2\t0\t0\n1\t0\t1\t0\n2\t1\t0\t1", confusion.ToString().ReplaceLineEndings("\n"));
        Assert.Throws<ArgumentOutOfRangeException>(() => confusion[3, 0]);
    }

    [Fact]
    public void ParameterBufferOverloadsMatchTheNetworkOverloads()
    {
        float[] parameters = Argmax.Parameters.ToArray();
        Assert.Equal(Evaluation.Accuracy(Argmax, ThreeClasses), Evaluation.Accuracy<TrainerSoftmaxNet>(parameters, ThreeClasses));
        Assert.Equal(Evaluation.Loss(Argmax, ThreeClasses), Evaluation.Loss<TrainerSoftmaxNet>(parameters, ThreeClasses));
        Assert.Equal(Evaluation.MeanAbsoluteError(Argmax, ThreeClasses), Evaluation.MeanAbsoluteError<TrainerSoftmaxNet>(parameters, ThreeClasses));
    }

    [Fact]
    public void ClassOfTakesTheFirstLargest()
    {
        Assert.Equal(1, Evaluation.ClassOf([0.1f, 0.5f, 0.5f]));
        Assert.Equal(1, Evaluation.ClassOf([0.5f]));
        Assert.Equal(0, Evaluation.ClassOf([0.4999f]));
    }

    [Fact]
    public void DefaultMetricIsAccuracyForClassifiersAndMaeForRegression()
    {
        Assert.Equal(Metric.Accuracy, Evaluation.DefaultMetric(TrainerXorNet.Description));
        Assert.Equal(Metric.Accuracy, Evaluation.DefaultMetric(TrainerBlobNet.Description));
        Assert.Equal(Metric.MeanAbsoluteError, Evaluation.DefaultMetric(TrainerRegressionNet.Description));
        Assert.Equal(Metric.Accuracy, Evaluation.DefaultMetric(new NetworkDescription("MseSoftmax", 2, Loss.MeanSquaredError, (3, Activation.Softmax))));
        Assert.True(Evaluation.IsHigherBetter(Metric.Accuracy));
        Assert.False(Evaluation.IsHigherBetter(Metric.MeanAbsoluteError));
        Assert.False(Evaluation.IsHigherBetter(Metric.Loss));
    }

    [Fact]
    public void DataOfTheWrongShapeIsRejectedWithTheNetworkName()
    {
        var exception = Assert.Throws<ArgumentException>(() => Evaluation.Accuracy(Argmax, Binary));
        Assert.Equal(
            "TrainerSoftmaxNet: data has 1 features and 1 targets per sample, but the network has 2 inputs and 3 outputs. (Parameter 'data')",
            exception.Message);
        var trainerException = Assert.Throws<ArgumentException>(() => new Trainer<TrainerSoftmaxNet>().Fit(Argmax, Binary));
        Assert.Equal("training", trainerException.ParamName);
    }
}
