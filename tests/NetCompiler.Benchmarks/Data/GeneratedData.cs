using System.Globalization;
using System.Text;
using NetCompiler.Initialization;

namespace NetCompiler.Benchmarks.Data;

/// <summary>
/// The data files the loading benchmarks read, generated in their setup into a temporary directory (never committed):
/// by default 200,000 rows of 30 numeric features and a class label among 3, the features written as the shortest
/// round-trip text of doubles (about 19 characters each, 115 MB of CSV).
/// </summary>
public static class GeneratedData
{
    public const int Rows = 200_000;
    public const int Features = 30;
    public static readonly string[] Classes = ["alpha", "beta", "gamma"];

    /// <summary>A new temporary directory for one benchmark class's files.</summary>
    public static string CreateDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "netcompiler-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>The value of feature <paramref name="column"/> of row <paramref name="row"/> and the row's class, from a seeded generator.</summary>
    public static void Row(ref DeterministicRandom random, Span<double> features, out int label)
    {
        for (int c = 0; c < features.Length; c++)
        {
            features[c] = (random.NextSingle() * 2.0) - 1.0 + (random.NextUInt64() * (1.0 / ulong.MaxValue) * 1e-7);
        }

        label = random.NextInt32(Classes.Length);
    }

    /// <summary>The same rows as the CSV file, in memory: features as floats, labels as class indexes.</summary>
    public static (float[] Features, int[] Labels) InMemory(int rows = Rows, int featureCount = Features)
    {
        var random = new DeterministicRandom(42);
        Span<double> row = stackalloc double[featureCount];
        var features = new float[rows * featureCount];
        var labels = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            Row(ref random, row, out labels[r]);
            for (int c = 0; c < featureCount; c++)
            {
                features[(r * featureCount) + c] = (float)row[c];
            }
        }

        return (features, labels);
    }

    /// <summary>The rows as a dataset with one-hot targets over <see cref="Classes"/>.</summary>
    public static NetCompiler.Data.Dataset Dataset(int rows = Rows)
    {
        var (features, labels) = InMemory(rows);
        var targets = new float[rows * Classes.Length];
        for (int r = 0; r < rows; r++)
        {
            targets[(r * Classes.Length) + labels[r]] = 1f;
        }

        return new NetCompiler.Data.Dataset(features, Features, targets, Classes.Length, Classes);
    }

    /// <summary>Writes the CSV file (header, then <paramref name="rows"/> rows) at <paramref name="path"/>.</summary>
    public static void WriteCsv(string path, int rows = Rows, int featureCount = Features)
    {
        var random = new DeterministicRandom(42);
        Span<double> features = stackalloc double[featureCount];
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20);
        writer.Write(string.Join(',', Enumerable.Range(0, featureCount).Select(c => $"f{c}")));
        writer.Write(",label\n");
        for (int r = 0; r < rows; r++)
        {
            Row(ref random, features, out int label);
            foreach (double value in features)
            {
                writer.Write(value.ToString("R", CultureInfo.InvariantCulture));
                writer.Write(',');
            }

            writer.Write(Classes[label]);
            writer.Write('\n');
        }
    }
}
