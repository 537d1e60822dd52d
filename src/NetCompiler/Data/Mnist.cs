namespace NetCompiler.Data;

/// <summary>
/// Loads the MNIST handwritten digits from a directory holding the database's standard files
/// (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>,
/// <c>t10k-labels-idx1-ubyte</c>), each plain or gzip-compressed with a <c>.gz</c> suffix. The result has
/// 784 features per image (28×28 pixels scaled to [0, 1]) and one-hot targets over the 10 digits.
/// </summary>
public static class Mnist
{
    /// <summary>The number of features of one image (28 × 28 pixels).</summary>
    public const int FeatureCount = 28 * 28;

    /// <summary>The number of classes (the digits 0 to 9).</summary>
    public const int ClassCount = 10;

    /// <summary>The standard names (without <c>.gz</c>) of the image and label files of <paramref name="split"/>.</summary>
    public static (string Images, string Labels) FileNames(MnistSplit split) => split switch
    {
        MnistSplit.Train => ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
        MnistSplit.Test => ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Use MnistSplit.Train or MnistSplit.Test."),
    };

    /// <summary>
    /// Loads <paramref name="split"/> from <paramref name="directory"/>. For each file the plain name is used
    /// when present, else the name with <c>.gz</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message lists the names looked for and the directory.</exception>
    /// <exception cref="DataFormatException">A file is malformed.</exception>
    public static Dataset Load(string directory, MnistSplit split = MnistSplit.Train)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var (imagesName, labelsName) = FileNames(split);
        string? images = Find(directory, imagesName);
        string? labels = Find(directory, labelsName);
        if (images is null || labels is null)
        {
            string fullDirectory = Path.GetFullPath(directory);
            var missing = new List<string>();
            if (images is null)
            {
                missing.Add($"{imagesName} (or {imagesName}.gz)");
            }

            if (labels is null)
            {
                missing.Add($"{labelsName} (or {labelsName}.gz)");
            }

            string where = Directory.Exists(fullDirectory) ? $"in '{fullDirectory}'" : $"because the directory '{fullDirectory}' does not exist";
            string set = split == MnistSplit.Train ? "training" : "test";
            throw new FileNotFoundException(
                $"The MNIST {set} set cannot be loaded: {string.Join(" and ", missing)} not found {where}. "
                + "These files are published by the maintainers of the MNIST database; put them, gzip-compressed or not, in that directory.",
                Path.Combine(fullDirectory, images is null ? imagesName : labelsName));
        }

        return IdxDataset.Load(images, labels, ClassCount);
    }

    private static string? Find(string directory, string name)
    {
        string plain = Path.Combine(directory, name);
        if (File.Exists(plain))
        {
            return plain;
        }

        string compressed = plain + ".gz";
        return File.Exists(compressed) ? compressed : null;
    }
}
