namespace NetCompiler.Data.Parquet;

/// <summary>
/// Loads a Parquet file as a <see cref="Dataset"/>, or converts it to a <see cref="SampleFile"/> row group by row group.
/// To train on it streamed without converting, wrap <see cref="ParquetTrainingData.Open(string, ParquetColumns?)"/> in a
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
    /// <summary>Loads every row of <paramref name="path"/> into memory, reading each column once.</summary>
    /// <exception cref="DataFormatException">A column is missing, nullable or not numeric, or a value is not a finite float.</exception>
    public static Dataset Load(string path, ParquetColumns? columns = null)
    {
        using var data = ParquetTrainingData.Open(path, columns, findClasses: false);
        if (data.Count * data.FeatureCount > Array.MaxLength || data.Count * Math.Max(1, data.TargetCount) > Array.MaxLength)
        {
            throw new InvalidOperationException($"{path} holds {data.Count} rows, more than one array can hold; train on it streamed.");
        }

        var features = new float[data.Count * data.FeatureCount];
        if (data.HasUnreadClasses)
        {
            return LoadFindingClasses(data, features);
        }

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
        SampleFile.Write(samplePath, data, samplesPerChunk);
        return data.ClassNames;
    }

    /// <summary>
    /// One pass over a file whose classes are not known yet: features and each row's label (numbered in the order met),
    /// then the classes sorted ordinally (as <see cref="CsvDataset"/> sorts them) and the one-hot targets.
    /// </summary>
    private static Dataset LoadFindingClasses(ParquetTrainingData data, float[] features)
    {
        var labels = new int[data.Count];
        var classes = new Dictionary<string, int>(StringComparer.Ordinal);
        long first = 0;
        for (int group = 0; group < data.ChunkCount; group++)
        {
            int rows = data.ChunkSampleCount(group);
            data.ReadFeaturesAndLabels(group, features.AsSpan((int)(first * data.FeatureCount), rows * data.FeatureCount), labels.AsSpan((int)first, rows), classes);
            first += rows;
        }

        string[] names = [.. classes.Keys.Order(StringComparer.Ordinal)];
        var sortedIndex = new int[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            sortedIndex[classes[names[i]]] = i;
        }

        var targets = new float[data.Count * names.Length];
        for (int row = 0; row < labels.Length; row++)
        {
            targets[((long)row * names.Length) + sortedIndex[labels[row]]] = 1f;
        }

        return new Dataset(features, data.FeatureCount, targets, names.Length, names, data.FeatureNames);
    }
}
