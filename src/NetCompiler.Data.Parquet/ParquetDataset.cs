namespace NetCompiler.Data.Parquet;

/// <summary>
/// Loads a Parquet file as a <see cref="Dataset"/>, or converts it to a <see cref="SampleFile"/> row group by row group.
/// To train on it streamed without converting, wrap <see cref="ParquetTrainingData.Open"/> in a
/// <see cref="NetCompiler.Training.StreamedTrainingData"/>.
/// </summary>
/// <example>
/// <code>
/// Dataset data = ParquetDataset.Load("iris.parquet", new ParquetColumns { LabelColumn = "species" });
/// ParquetDataset.ConvertToSampleFile("big.parquet", "big.ncsamples");
/// </code>
/// </example>
public static class ParquetDataset
{
    /// <summary>Loads every row of <paramref name="path"/> into memory.</summary>
    /// <exception cref="DataFormatException">A column is missing, nullable or not numeric, or a value is not a finite float.</exception>
    public static Dataset Load(string path, ParquetColumns? columns = null)
    {
        using var data = ParquetTrainingData.Open(path, columns);
        if (data.Count * data.FeatureCount > Array.MaxLength || data.Count * data.TargetCount > Array.MaxLength)
        {
            throw new InvalidOperationException($"{path} holds {data.Count} rows, more than one array can hold; train on it streamed.");
        }

        var features = new float[data.Count * data.FeatureCount];
        var targets = new float[data.Count * data.TargetCount];
        long first = 0;
        for (int group = 0; group < data.ChunkCount; group++)
        {
            int rows = data.ChunkSampleCount(group);
            data.ReadChunk(group, features.AsSpan((int)(first * data.FeatureCount), rows * data.FeatureCount), targets.AsSpan((int)(first * data.TargetCount), rows * data.TargetCount));
            first += rows;
        }

        return new Dataset(features, data.FeatureCount, targets, data.TargetCount, data.ClassNames, data.FeatureNames);
    }

    /// <summary>
    /// Converts <paramref name="parquetPath"/> to a sample file, one row group at a time. Returns the class names in
    /// one-hot order (null for regression).
    /// </summary>
    /// <exception cref="DataFormatException">A column is missing, nullable or not numeric, or a value is not a finite float.</exception>
    public static string[]? ConvertToSampleFile(string parquetPath, string samplePath, ParquetColumns? columns = null, int samplesPerChunk = 0)
    {
        using var data = ParquetTrainingData.Open(parquetPath, columns);
        SampleFile.Create(samplePath, data.FeatureCount, data.TargetCount, writer =>
        {
            for (int group = 0; group < data.ChunkCount; group++)
            {
                int rows = data.ChunkSampleCount(group);
                var features = new float[rows * data.FeatureCount];
                var targets = new float[rows * data.TargetCount];
                data.ReadChunk(group, features, targets);
                writer.Write(features, targets);
            }
        }, samplesPerChunk);
        return data.ClassNames;
    }
}
