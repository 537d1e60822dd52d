using System.Globalization;

namespace NetCompiler.Tests.Support;

/// <summary>
/// The 150 Iris samples from <c>Data/iris.csv</c> (copied next to the test assembly): features
/// standardised to zero mean and unit variance per column, targets one-hot over the three species.
/// </summary>
internal sealed class IrisData
{
    public const int FeatureCount = 4;
    public const int ClassCount = 3;

    private static readonly string[] Species = ["setosa", "versicolor", "virginica"];

    private IrisData(float[] features, float[] targets, int[] labels)
    {
        Features = features;
        Targets = targets;
        Labels = labels;
    }

    /// <summary>Row-major <c>[Count, 4]</c> standardised features.</summary>
    public float[] Features { get; }

    /// <summary>Row-major <c>[Count, 3]</c> one-hot targets.</summary>
    public float[] Targets { get; }

    /// <summary>The class index of each sample.</summary>
    public int[] Labels { get; }

    public int Count => Labels.Length;

    public static IrisData Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Data", "iris.csv");
        var rows = File.ReadLines(path).Skip(1).Where(line => line.Length > 0).Select(line => line.Split(',')).ToArray();
        var features = new float[rows.Length * FeatureCount];
        var targets = new float[rows.Length * ClassCount];
        var labels = new int[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            for (int f = 0; f < FeatureCount; f++)
            {
                features[(i * FeatureCount) + f] = float.Parse(rows[i][f], CultureInfo.InvariantCulture);
            }

            labels[i] = Array.IndexOf(Species, rows[i][FeatureCount]);
            Assert.True(labels[i] >= 0, $"Unknown species '{rows[i][FeatureCount]}' on data line {i + 1}.");
            targets[(i * ClassCount) + labels[i]] = 1f;
        }

        Standardize(features, rows.Length);
        return new IrisData(features, targets, labels);
    }

    private static void Standardize(float[] features, int count)
    {
        for (int f = 0; f < FeatureCount; f++)
        {
            double mean = 0;
            for (int i = 0; i < count; i++)
            {
                mean += features[(i * FeatureCount) + f];
            }

            mean /= count;
            double variance = 0;
            for (int i = 0; i < count; i++)
            {
                double d = features[(i * FeatureCount) + f] - mean;
                variance += d * d;
            }

            double scale = 1 / Math.Sqrt(variance / count);
            for (int i = 0; i < count; i++)
            {
                int index = (i * FeatureCount) + f;
                features[index] = (float)((features[index] - mean) * scale);
            }
        }
    }
}
