using BenchmarkDotNet.Attributes;
using nietras.SeparatedValues;
using NetCompiler.Data;

namespace NetCompiler.Benchmarks.Data;

/// <summary>
/// Loads the generated CSV (200,000 rows × 30 numeric columns and a class label, 115 MB) into a float array, one
/// thread: <see cref="CsvDataset.Load(string, CsvOptions?)"/> against Sep (the baseline) doing the same work: every
/// feature parsed to a float into a growing array, every label mapped to a class index.
/// </summary>
[MemoryDiagnoser]
public class CsvLoadBenchmark : GeneratedFileBenchmark
{
    private string _path = "";

    [GlobalSetup]
    public void Setup()
    {
        _path = PathOf("data.csv");
        GeneratedData.WriteCsv(_path);
        long bytes = new FileInfo(_path).Length;
        ThroughputColumn.Set<CsvLoadBenchmark>(nameof(SepFloats), bytes);
        ThroughputColumn.Set<CsvLoadBenchmark>(nameof(CsvDatasetLoad), bytes);

        // Both read the same numbers.
        var dataset = NetCompiler.Data.CsvDataset.Load(_path);
        var (features, labels) = ReadWithSep();
        if (!dataset.Features.AsSpan().SequenceEqual(features) || labels != dataset.Count)
        {
            throw new InvalidOperationException("Sep and CsvDataset read different numbers.");
        }
    }

    [Benchmark(Baseline = true)]
    public int SepFloats() => ReadWithSep().Features.Length;

    [Benchmark]
    public int CsvDatasetLoad() => NetCompiler.Data.CsvDataset.Load(_path).Count;

    private (float[] Features, int Rows) ReadWithSep()
    {
        using var reader = nietras.SeparatedValues.Sep.New(',').Reader().FromFile(_path);
        int featureCount = reader.Header.ColNames.Count - 1;
        var features = new float[featureCount * 1024];
        var classes = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = classes.GetAlternateLookup<ReadOnlySpan<char>>();
        var labels = new List<int>();
        int count = 0;
        foreach (var row in reader)
        {
            if (count + featureCount > features.Length)
            {
                Array.Resize(ref features, features.Length * 2);
            }

            for (int c = 0; c < featureCount; c++)
            {
                features[count++] = row[c].Parse<float>();
            }

            ReadOnlySpan<char> label = row[featureCount].Span;
            if (!lookup.TryGetValue(label, out int index))
            {
                index = classes.Count;
                classes.Add(label.ToString(), index);
            }

            labels.Add(index);
        }

        Array.Resize(ref features, count);
        return (features, labels.Count);
    }
}
