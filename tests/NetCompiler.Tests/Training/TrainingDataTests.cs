using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

public class TrainingDataTests
{
    [Fact]
    public void ConstructorComputesTheCountAndWrapsTheArrays()
    {
        float[] features = [1, 2, 3, 4, 5, 6];
        var data = new TrainingData(features, [7, 8, 9], featureCount: 2, targetCount: 1);
        Assert.Equal((3, 2, 1), (data.Count, data.FeatureCount, data.TargetCount));
        features[0] = 10;
        Assert.Equal(10f, data.Features[0]);
    }

    [Fact]
    public void ConstructorRejectsPartialRows()
    {
        var features = Assert.Throws<ArgumentException>(() => new TrainingData([1, 2, 3], [1], 2, 1));
        Assert.Equal("features has 3 floats, which is not a whole number of samples of 2 (featureCount). (Parameter 'features')", features.Message);
        var targets = Assert.Throws<ArgumentException>(() => new TrainingData([1, 2, 3, 4], [1, 2, 3], 2, 1));
        Assert.Equal("features hold 2 samples, so targets must have 2 floats (2 × targetCount 1), but it has 3. (Parameter 'targets')", targets.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingData([1], [1], 0, 1));
    }

    [Fact]
    public void FromRowsCopiesTheChosenRowsInOrder()
    {
        var data = new TrainingData([0, 1, 10, 11, 20, 21], [0, 1, 2], 2, 1);
        var picked = TrainingData.FromRows(data, [2, 0]);
        Assert.Equal([20f, 21f, 0f, 1f], picked.Features.ToArray());
        Assert.Equal([2f, 0f], picked.Targets.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainingData.FromRows(data, [3]));
    }
}
