using NetCompiler.Training;

namespace NetCompiler.Data.Parquet.Tests;

/// <summary>2 → 3 softmax, for training on Parquet data.</summary>
[Network(Inputs = 2, Loss = Loss.CrossEntropy)]
[Dense(3, Activation.Softmax)]
public partial class ParquetSoftmaxNet;

public class ParquetDatasetTests
{
    [Fact]
    public void LoadsNumericFeaturesAndOneHotLabelsAcrossRowGroups()
    {
        using var files = new ParquetFiles();
        string path = files.Iris("iris.parquet", 5, 3, 4);

        var data = ParquetDataset.Load(path, new ParquetColumns { FeatureColumns = ["x", "y"], LabelColumn = "species" });

        Assert.Equal(12, data.Count);
        Assert.Equal(["x", "y"], data.FeatureNames!);
        Assert.Equal(["a", "b", "c"], data.ClassNames!);
        Assert.Equal(Enumerable.Range(0, 12).SelectMany(i => new[] { ParquetFiles.X(i), ParquetFiles.Y(i) }), data.Features);

        // Row 4 is "a" (4 mod 3 = 1): class 0.
        Assert.Equal([1f, 0f, 0f], data.GetTargets(4).ToArray());
        Assert.Equal([0f, 0f, 1f], data.GetTargets(9).ToArray());
    }

    [Fact]
    public void ByDefaultEveryOtherColumnIsAFeatureAndIntegersAreNumbers()
    {
        using var files = new ParquetFiles();
        string path = files.Iris("iris.parquet", 8);

        var data = ParquetDataset.Load(path);

        Assert.Equal(["x", "y", "n"], data.FeatureNames!);
        Assert.Equal([ParquetFiles.X(6), ParquetFiles.Y(6), 6f], data.GetFeatures(6).ToArray());
    }

    [Fact]
    public void RegressionTakesNamedNumericTargets()
    {
        using var files = new ParquetFiles();
        string path = files.Iris("iris.parquet", 4, 4);

        var data = ParquetDataset.Load(path, new ParquetColumns { FeatureColumns = ["x"], TargetColumns = ["n", "y"] });

        Assert.Null(data.ClassNames);
        Assert.Equal([5f, ParquetFiles.Y(5)], data.GetTargets(5).ToArray());
    }

    [Fact]
    public void ANullableColumnIsRefusedByName()
    {
        using var files = new ParquetFiles();
        string path = files.WithNullableY("nullable.parquet");

        var error = Assert.Throws<DataFormatException>(() => ParquetDataset.Load(path, new ParquetColumns { FeatureColumns = ["x", "y"], LabelColumn = "species" }));

        Assert.Equal(
            $"{path}: column 'y' is nullable (optional), so it may hold missing values, which have no float; fill or drop them and write the column as required.",
            error.Message);
    }

    [Fact]
    public void ALabelOutsideTheGivenClassesIsNamedWithItsRowGroupAndRow()
    {
        using var files = new ParquetFiles();
        string path = files.Iris("iris.parquet", 3, 3);

        var error = Assert.Throws<DataFormatException>(() => ParquetDataset.Load(path, new ParquetColumns { FeatureColumns = ["x"], ClassNames = ["a", "c"] }));

        // Row 2 (the third of row group 0) is the first "b".
        Assert.Equal($"{path}: row 2 of row group 0, column 'species': 'b' is not one of the 2 classes given in ClassNames ('a', 'c').", error.Message);
    }

    [Fact]
    public void AMissingColumnListsTheColumns()
    {
        using var files = new ParquetFiles();
        string path = files.Iris("iris.parquet", 4);

        var error = Assert.Throws<DataFormatException>(() => ParquetDataset.Load(path, new ParquetColumns { LabelColumn = "Species" }));

        Assert.Equal($"{path}: there is no column 'Species'; the columns are 'x', 'y', 'n', 'species'.", error.Message);
    }

    [Fact]
    public void TextIsNotAFeature()
    {
        using var files = new ParquetFiles();
        string path = files.Iris("iris.parquet", 4);

        var error = Assert.Throws<DataFormatException>(() => ParquetDataset.Load(path, new ParquetColumns { FeatureColumns = ["x", "species"], LabelColumn = "n" }));

        Assert.Equal($"{path}: column 'species' holds text, not numbers.", error.Message);
    }

    [Fact]
    public void RowGroupsAreTheChunksOfStreamedData()
    {
        using var files = new ParquetFiles();
        string path = files.Iris("iris.parquet", 5, 3, 4);
        using var data = ParquetTrainingData.Open(path, new ParquetColumns { FeatureColumns = ["x", "y"] });

        Assert.Equal((3, 12L, 2, 3), (data.ChunkCount, data.Count, data.FeatureCount, data.TargetCount));
        Assert.Equal(3, data.ChunkSampleCount(1));
        var features = new float[3 * 2];
        var targets = new float[3 * 3];
        data.ReadChunk(1, features, targets);
        Assert.Equal([ParquetFiles.X(5), ParquetFiles.Y(5), ParquetFiles.X(6), ParquetFiles.Y(6), ParquetFiles.X(7), ParquetFiles.Y(7)], features);
        Assert.Equal([0f, 1f, 0f, 0f, 0f, 1f, 1f, 0f, 0f], targets);
    }

    [Fact]
    public void ConvertingToASampleFileGivesTheLoadedSamples()
    {
        using var files = new ParquetFiles();
        string path = files.Iris("iris.parquet", 5, 3, 4);
        string samplePath = Path.Combine(files.Directory, "iris.ncsamples");
        var columns = new ParquetColumns { FeatureColumns = ["x", "y"] };

        string[]? classes = ParquetDataset.ConvertToSampleFile(path, samplePath, columns);

        var expected = ParquetDataset.Load(path, columns);
        var actual = SampleFile.Load(samplePath);
        Assert.Equal(["a", "b", "c"], classes!);
        Assert.Equal(expected.Features, actual.Features);
        Assert.Equal(expected.Targets, actual.Targets);
    }

    [Fact]
    public void TrainingStreamedByRowGroupsEqualsTrainingInMemory()
    {
        using var files = new ParquetFiles();
        string path = files.Iris("iris.parquet", 40, 40, 40, 30);
        var columns = new ParquetColumns { FeatureColumns = ["x", "y"] };
        var options = new TrainerOptions { Epochs = 3, BatchSize = 8, Seed = 4 };

        var inMemory = new ParquetSoftmaxNet(seed: 2);
        new Trainer<ParquetSoftmaxNet>(options).Fit(inMemory, ParquetDataset.Load(path, columns));
        var streamed = new ParquetSoftmaxNet(seed: 2);
        using var data = ParquetTrainingData.Open(path, columns);
        new Trainer<ParquetSoftmaxNet>(options).FitStreamed(streamed, new StreamedTrainingData(data, shuffleWindow: 150));

        Assert.Equal(inMemory.Parameters.ToArray(), streamed.Parameters.ToArray());
    }
}
