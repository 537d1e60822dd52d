using BenchmarkDotNet.Attributes;
using NetCompiler.Data.Parquet;
using Parquet;
using Parquet.Schema;

namespace NetCompiler.Benchmarks.Data;

/// <summary>
/// Loads a generated Parquet file (200,000 rows × 30 required float columns and a text label, 4 row groups) into
/// memory: <see cref="ParquetDataset.Load"/> (row-major floats and one-hot targets) against Parquet.Net's own reader
/// reading the same columns into one array each (the baseline: the reader's work without the reshaping).
/// </summary>
[MemoryDiagnoser]
public class ParquetLoadBenchmark : GeneratedFileBenchmark
{
    private string _path = "";

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _path = PathOf("data.parquet");
        var (features, labels) = GeneratedData.InMemory();
        int featureCount = GeneratedData.Features;
        DataField[] columns = [.. Enumerable.Range(0, featureCount).Select(c => new DataField($"f{c}", typeof(float), isNullable: false))];
        var label = new DataField("label", typeof(string), isNullable: false);
        await using (var stream = File.Create(_path))
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema([.. columns, label]), stream))
        {
            const int GroupRows = GeneratedData.Rows / 4;
            for (int first = 0; first < GeneratedData.Rows; first += GroupRows)
            {
                using ParquetRowGroupWriter group = writer.CreateRowGroup();
                var column = new float[GroupRows];
                for (int c = 0; c < featureCount; c++)
                {
                    for (int r = 0; r < GroupRows; r++)
                    {
                        column[r] = features[((first + r) * featureCount) + c];
                    }

                    await group.WriteAsync(columns[c], new ReadOnlyMemory<float>(column));
                }

                await group.WriteAsync(label, labels.AsSpan(first, GroupRows).ToArray().Select(l => GeneratedData.Classes[l]).ToArray(), null);
            }
        }

        long bytes = new FileInfo(_path).Length;
        ThroughputColumn.Set<ParquetLoadBenchmark>(nameof(ParquetNetColumns), bytes);
        ThroughputColumn.Set<ParquetLoadBenchmark>(nameof(ParquetDatasetLoad), bytes);
        if (!ParquetDatasetLoad().Features.AsSpan().SequenceEqual(features))
        {
            throw new InvalidOperationException("ParquetDataset read different numbers.");
        }
    }

    [Benchmark(Baseline = true)]
    public int ParquetNetColumns() => ParquetNetColumnsAsync().GetAwaiter().GetResult();

    [Benchmark]
    public NetCompiler.Data.Dataset ParquetDatasetLoad() => ParquetDataset.Load(_path);

    private async Task<int> ParquetNetColumnsAsync()
    {
        await using var reader = await ParquetReader.CreateAsync(_path);
        DataField[] fields = reader.Schema.GetDataFields();
        int values = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
            int rows = (int)group.RowCount;
            foreach (DataField field in fields[..^1])
            {
                var column = new float[rows];
                await group.ReadAsync(field, column.AsMemory());
                values += column.Length;
            }

            var labels = new string?[rows];
            await group.ReadAsync(fields[^1], labels.AsMemory());
            values += labels.Length;
        }

        return values;
    }
}
