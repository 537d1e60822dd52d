using NetCompiler.Data;

namespace NetCompiler.Tests.Data;

public class MnistTests
{
    [Fact]
    public void LoadsEachSplitFromItsStandardFileNamesPlainOrGzip()
    {
        using var directory = new TempDirectory();
        directory.WriteGzip("train-images-idx3-ubyte.gz", IdxBytes.ThreeImages());
        directory.WriteBytes("train-labels-idx1-ubyte", IdxBytes.Labels(IdxBytes.ThreeLabels));
        directory.WriteBytes("t10k-images-idx3-ubyte", IdxBytes.Images(1, 1, 3, [255, 0, 51]));
        directory.WriteGzip("t10k-labels-idx1-ubyte.gz", IdxBytes.Labels([4]));

        Dataset train = Mnist.Load(directory.Path, MnistSplit.Train);
        Dataset test = Mnist.Load(directory.Path, MnistSplit.Test);

        Assert.Equal(3, train.Count);
        Assert.Equal(IdxBytes.ThreePixels.Select(p => p / 255f), train.Features);
        Assert.Equal(1, test.Count);
        Assert.Equal([1f, 0f, 0.2f], test.Features);
        Assert.Equal([0f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 0f, 0f], test.Targets);
    }

    [Fact]
    public void ThePlainFileWinsWhenBothFormsArePresent()
    {
        using var directory = new TempDirectory();
        directory.WriteBytes("train-images-idx3-ubyte", IdxBytes.ThreeImages());
        directory.WriteBytes("train-images-idx3-ubyte.gz", [1, 2, 3]);
        directory.WriteBytes("train-labels-idx1-ubyte", IdxBytes.Labels(IdxBytes.ThreeLabels));

        Assert.Equal(3, Mnist.Load(directory.Path).Count);
    }

    [Fact]
    public void MissingFilesAreListedWithTheDirectoryAndWhoPublishesThem()
    {
        using var directory = new TempDirectory();

        var error = Assert.Throws<FileNotFoundException>(() => Mnist.Load(directory.Path, MnistSplit.Test));

        Assert.Equal(
            $"The MNIST test set cannot be loaded: t10k-images-idx3-ubyte (or t10k-images-idx3-ubyte.gz) and t10k-labels-idx1-ubyte (or t10k-labels-idx1-ubyte.gz) not found in '{directory.Path}'. "
            + "These files are published by the maintainers of the MNIST database; put them, gzip-compressed or not, in that directory.",
            error.Message);
        Assert.Equal(Path.Combine(directory.Path, "t10k-images-idx3-ubyte"), error.FileName);
        Assert.DoesNotContain("://", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyTheMissingFileIsListed()
    {
        using var directory = new TempDirectory();
        directory.WriteBytes("train-images-idx3-ubyte", IdxBytes.ThreeImages());

        var error = Assert.Throws<FileNotFoundException>(() => Mnist.Load(directory.Path, MnistSplit.Train));

        Assert.StartsWith(
            $"The MNIST training set cannot be loaded: train-labels-idx1-ubyte (or train-labels-idx1-ubyte.gz) not found in '{directory.Path}'.",
            error.Message);
        Assert.Equal(Path.Combine(directory.Path, "train-labels-idx1-ubyte"), error.FileName);
    }

    [Fact]
    public void ADirectoryThatDoesNotExistIsNamedAsSuch()
    {
        using var directory = new TempDirectory();
        string absent = Path.Combine(directory.Path, "mnist");

        var error = Assert.Throws<FileNotFoundException>(() => Mnist.Load(absent));

        Assert.StartsWith(
            $"The MNIST training set cannot be loaded: train-images-idx3-ubyte (or train-images-idx3-ubyte.gz) and train-labels-idx1-ubyte (or train-labels-idx1-ubyte.gz) not found because the directory '{absent}' does not exist.",
            error.Message);
    }
}
