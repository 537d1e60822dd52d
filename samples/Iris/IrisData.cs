using System.Globalization;
using NetCompiler.Initialization;

namespace Samples.Iris;

/// <summary>Loads Fisher's iris data set and splits it into a training and a test set.</summary>
public static class IrisData
{
    /// <summary>The number of measurements per flower.</summary>
    public const int FeatureCount = 4;

    /// <summary>The three species, in the order of the network's outputs.</summary>
    public static readonly string[] SpeciesNames = ["setosa", "versicolor", "virginica"];

    /// <summary>The names of the measurements, in CSV column order.</summary>
    public static readonly string[] FeatureNames = ["sepal length", "sepal width", "petal length", "petal width"];

    /// <summary>Reads the 150 flowers from the CSV file embedded in this program (see Iris.csproj).</summary>
    public static List<IrisSample> LoadEmbedded()
    {
        using var stream = typeof(IrisData).Assembly.GetManifestResourceStream("iris.csv")
            ?? throw new InvalidOperationException("The embedded resource 'iris.csv' is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }

    /// <summary>
    /// Parses CSV text with a header line and rows of
    /// <c>sepal_length,sepal_width,petal_length,petal_width,species</c>.
    /// </summary>
    public static List<IrisSample> Parse(TextReader reader)
    {
        var samples = new List<IrisSample>();
        _ = reader.ReadLine(); // the header
        int lineNumber = 1;
        while (reader.ReadLine() is string line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            string[] fields = line.Split(',');
            if (fields.Length != FeatureCount + 1)
            {
                throw new InvalidDataException($"iris.csv line {lineNumber}: expected {FeatureCount + 1} fields but found {fields.Length}.");
            }

            var measurements = new float[FeatureCount];
            for (int i = 0; i < FeatureCount; i++)
            {
                // The invariant culture reads "5.1" as 5.1 whatever the machine's locale.
                measurements[i] = float.Parse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture);
            }

            int species = Array.IndexOf(SpeciesNames, fields[FeatureCount].Trim());
            if (species < 0)
            {
                throw new InvalidDataException($"iris.csv line {lineNumber}: unknown species '{fields[FeatureCount]}'.");
            }

            samples.Add(new IrisSample(measurements, species));
        }

        return samples;
    }

    /// <summary>
    /// A stratified split: each species is shuffled (deterministically, from <paramref name="seed"/>)
    /// and <paramref name="trainFraction"/> of its flowers go to the training set, the rest to the
    /// test set, so both sets keep the species in the same proportions.
    /// </summary>
    public static (List<IrisSample> Train, List<IrisSample> Test) StratifiedSplit(
        IReadOnlyList<IrisSample> samples, double trainFraction, int seed)
    {
        var random = new DeterministicRandom(seed);
        var train = new List<IrisSample>();
        var test = new List<IrisSample>();
        for (int species = 0; species < SpeciesNames.Length; species++)
        {
            var ofSpecies = samples.Where(s => s.Species == species).ToArray();
            Shuffle(ofSpecies.AsSpan(), ref random);
            int trainCount = (int)Math.Round(ofSpecies.Length * trainFraction);
            train.AddRange(ofSpecies[..trainCount]);
            test.AddRange(ofSpecies[trainCount..]);
        }

        return (train, test);
    }

    /// <summary>Fisher–Yates shuffle driven by NetCompiler's seeded generator, so every run is identical.</summary>
    public static void Shuffle<T>(Span<T> items, ref DeterministicRandom random)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.NextInt32(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
