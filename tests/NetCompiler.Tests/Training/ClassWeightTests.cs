using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

/// <summary>Class weights in the training loss, against a step computed by hand.</summary>
public class ClassWeightTests
{
    [Fact]
    public void AWeightedStepScalesEachSamplesGradientByItsClassWeight()
    {
        // Logistic regression 2 → 3 from zero parameters: a = (1/3, 1/3, 1/3) for every input, J_x = ln 3.
        // x₁ = (1, 0) of class 0 (weight 2): δ₁ = a − t₁ = (−2/3, 1/3, 1/3). x₂ = (0, 1) of class 1 (weight 1): δ₂ = (1/3, −2/3, 1/3).
        // ∇W = 2 δ₁ x₁ᵀ + δ₂ x₂ᵀ: column 0 = (−4/3, 2/3, 2/3), column 1 = (1/3, −2/3, 1/3); ∇b = 2 δ₁ + δ₂ = (−1, 0, 1).
        // SGD with η = 0.3 on the mean over M = 2: θ = −0.15 ∇.
        var net = new TrainerSoftmaxNet(new float[9]);
        var data = new TrainingData([1f, 0f, 0f, 1f], [1f, 0f, 0f, 0f, 1f, 0f], 2, 3);
        var result = new Trainer<TrainerSoftmaxNet>(new TrainerOptions
        {
            Epochs = 1,
            BatchSize = 2,
            Shuffle = false,
            Schedule = 0.3f,
            ClassWeights = [2f, 1f, 1f],
        }).Fit(net, data);

        TrainingTestData.AssertClose([0.2f, -0.05f, -0.1f, 0.1f, -0.1f, -0.05f, 0.15f, 0f, -0.15f], net.Parameters, 1e-6f);

        // The weighted training loss: (2 ln 3 + ln 3) / 2.
        Assert.Equal(1.5f * MathF.Log(3f), result.History[0].TrainingLoss, 1e-5f);
    }

    [Fact]
    public void UnitWeightsTrainAsWithoutWeights()
    {
        var data = TrainingTestData.Blobs(60, seed: 3);
        var options = new TrainerOptions { Epochs = 3, BatchSize = 8, Schedule = 0.1f, Seed = 5 };
        var plain = new TrainerBlobNet(seed: 7);
        var weighted = new TrainerBlobNet(seed: 7);
        new Trainer<TrainerBlobNet>(options).Fit(plain, data);
        new Trainer<TrainerBlobNet>(options with { ClassWeights = [1f, 1f, 1f] }).Fit(weighted, data);
        TrainingTestData.AssertClose(plain.Parameters, weighted.Parameters, 1e-5f);
    }

    [Fact]
    public void ABinaryClassifierTakesTwoWeightsAndAWrongCountIsRejected()
    {
        var xor = TrainingTestData.Xor();
        var net = new TrainerXorNet(seed: 1);
        new Trainer<TrainerXorNet>(new TrainerOptions { Epochs = 2, ClassWeights = [1f, 3f] }).Fit(net, xor);
        var exception = Assert.Throws<ArgumentException>(() => new Trainer<TrainerXorNet>(new TrainerOptions { ClassWeights = [1f, 2f, 3f] }).Fit(net, xor));
        Assert.Contains("ClassWeights has 3 weights but the network has 2 classes", exception.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new TrainerOptions { ClassWeights = [1f, -1f] });
    }
}
