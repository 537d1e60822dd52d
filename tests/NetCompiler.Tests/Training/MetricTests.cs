using NetCompiler.Data;
using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

/// <summary>RMSE, R², precision, recall, F1 and named confusion matrices, each against values computed by hand.</summary>
public class MetricTests
{
    // y = x (w = 1, b = 0) on x = [0.2, 0.7, 0.4] with targets [0, 1, 1].
    private static readonly TrainingData Binary = new([0.2f, 0.7f, 0.4f], [0f, 1f, 1f], 1, 1);
    private static readonly TrainerLinearNet Identity = new([1f, 0f]);

    // Logits W x + b with W = [[1, 0], [0, 1], [0, 0]], b = 0: the predicted class is argmax(x₀, x₁, 0).
    private static readonly TrainerSoftmaxNet Argmax = new([1f, 0f, 0f, 1f, 0f, 0f, 0f, 0f, 0f]);

    // Actual classes [0, 1, 2, 2, 0], predicted [0, 1, 2, 0, 0].
    private static readonly float[] ThreeClassFeatures = [2f, 1f, 1f, 3f, -1f, -2f, 3f, 0f, 0.5f, 0.2f];
    private static readonly float[] ThreeClassTargets = [1f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 1f, 0f, 0f, 1f, 1f, 0f, 0f];

    [Fact]
    public void RootMeanSquaredErrorOfARegression()
    {
        // Errors [0.2, -0.3, -0.6]: √((0.04 + 0.09 + 0.36) / 3) = √0.163333 = 0.4041452.
        Assert.Equal(0.4041452f, Evaluation.RootMeanSquaredError(Identity, Binary), 1e-6f);
        Assert.Equal(0.4041452f, Evaluation.Compute<TrainerLinearNet>(Metric.RootMeanSquaredError, Identity.Parameters, Binary), 1e-6f);
    }

    [Fact]
    public void RSquaredOfARegression()
    {
        // t̄ = 2/3; Σ(t − t̄)² = 4/9 + 1/9 + 1/9 = 2/3; Σ(t − a)² = 0.49; R² = 1 − 0.49 / (2/3) = 0.265.
        Assert.Equal(0.265f, Evaluation.RSquared(Identity, Binary), 1e-6f);
    }

    [Fact]
    public void RSquaredAveragesTheOutputsAndIsOneForAPerfectFit()
    {
        // Two outputs, y = (x, x) on a network 1 → 2 that predicts (x, 0): output 0 is perfect (R² = 1); output 1 predicts
        // 0 for targets [1, 2, 3] (t̄ = 2, Σ(t − t̄)² = 2, Σ(t − a)² = 14): R² = 1 − 7 = −6. Mean: (1 − 6) / 2 = −2.5.
        var data = new TrainingData([1f, 2f, 3f], [1f, 1f, 2f, 2f, 3f, 3f], 1, 2);
        var net = new MetricTwoOutputNet([1f, 0f, 0f, 0f]);
        Assert.Equal(-2.5f, Evaluation.RSquared(net, data), 1e-6f);
    }

    [Fact]
    public void PrecisionRecallAndF1PerClassOfABinaryClassifier()
    {
        // Predicted [0, 1, 0], actual [0, 1, 1]. Class 0: TP 1, predicted 2, actual 1 → P = 1/2, R = 1, F1 = 2/3.
        // Class 1: TP 1, predicted 1, actual 2 → P = 1, R = 1/2, F1 = 2/3.
        var confusion = Evaluation.ConfusionMatrix(Identity, Binary);
        Assert.Equal((0.5f, 1f, 2f / 3f), (confusion.Precision(0), confusion.Recall(0), confusion.F1(0)));
        Assert.Equal((1f, 0.5f, 2f / 3f), (confusion.Precision(1), confusion.Recall(1), confusion.F1(1)));
        Assert.Equal((0.75f, 0.75f, 2f / 3f), (confusion.MacroPrecision, confusion.MacroRecall, confusion.MacroF1));
    }

    [Fact]
    public void MacroAveragesOfAThreeClassClassifier()
    {
        // Class 0: TP 2, predicted 3, actual 2 → P 2/3, R 1, F1 4/5. Class 1: P = R = F1 = 1.
        // Class 2: TP 1, predicted 1, actual 2 → P 1, R 1/2, F1 2/3.
        var confusion = Evaluation.ConfusionMatrix(Argmax, new TrainingData(ThreeClassFeatures, ThreeClassTargets, 2, 3));
        Assert.Equal(0.8f, confusion.F1(0), 1e-6f);
        Assert.Equal(1f, confusion.F1(1));
        Assert.Equal(2f / 3f, confusion.F1(2), 1e-6f);
        Assert.Equal((2f / 3f + 1f + 1f) / 3f, confusion.MacroPrecision, 1e-6f);
        Assert.Equal((1f + 1f + 0.5f) / 3f, confusion.MacroRecall, 1e-6f);
        Assert.Equal((0.8f + 1f + (2f / 3f)) / 3f, confusion.MacroF1, 1e-6f);
        Assert.Equal(confusion.MacroF1, Evaluation.Compute<TrainerSoftmaxNet>(Metric.MacroF1, Argmax.Parameters, new TrainingData(ThreeClassFeatures, ThreeClassTargets, 2, 3)), 1e-6f);
        Assert.Throws<ArgumentOutOfRangeException>(() => confusion.F1(3));
    }

    [Fact]
    public void MacroAveragesSkipClassesThatNeitherOccurNorArePredicted()
    {
        // Only the first two samples (classes 0 and 1, both right): class 2 is absent, the macro F1 is 1, not 2/3.
        var data = new TrainingData(ThreeClassFeatures[..4], ThreeClassTargets[..6], 2, 3);
        var confusion = Evaluation.ConfusionMatrix(Argmax, data);
        Assert.Equal(0f, confusion.F1(2));
        Assert.Equal(1f, confusion.MacroF1);
        Assert.Equal(1f, Evaluation.Compute<TrainerSoftmaxNet>(Metric.MacroF1, Argmax.Parameters, data));
    }

    [Fact]
    public void ConfusionMatrixAndReportNameTheClassesOfADataset()
    {
        var data = new Dataset(ThreeClassFeatures, 2, ThreeClassTargets, 3, classNames: ["setosa", "versicolor", "virginica"]);
        var confusion = Evaluation.ConfusionMatrix(Argmax, data);
        Assert.Equal(["setosa", "versicolor", "virginica"], confusion.ClassNames!);
        Assert.Equal(
            "actual \\ predicted\tsetosa\tversicolor\tvirginica\nsetosa\t2\t0\t0\nversicolor\t0\t1\t0\nvirginica\t1\t0\t1",
            confusion.ToString().ReplaceLineEndings("\n"));
        Assert.Equal(
            "class\tprecision\trecall\tf1\tsupport\n" +
            "setosa\t0.667\t1.000\t0.800\t2\n" +
            "versicolor\t1.000\t1.000\t1.000\t1\n" +
            "virginica\t1.000\t0.500\t0.667\t2\n" +
            "macro\t0.889\t0.833\t0.822\t5",
            confusion.Report().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void HigherIsBetterForRSquaredAndF1AndLowerForRmse()
    {
        Assert.True(Evaluation.IsHigherBetter(Metric.RSquared));
        Assert.True(Evaluation.IsHigherBetter(Metric.MacroF1));
        Assert.False(Evaluation.IsHigherBetter(Metric.RootMeanSquaredError));
    }
}

/// <summary>1 → 2 identity outputs, mean squared error (parameters W[2, 1] then b[2]).</summary>
[Network(Inputs = 1)]
[Dense(2)]
public partial class MetricTwoOutputNet;
