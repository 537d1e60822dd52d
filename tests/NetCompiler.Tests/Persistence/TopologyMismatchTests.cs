using static NetCompiler.Tests.Persistence.PersistenceTestSupport;

namespace NetCompiler.Tests.Persistence;

/// <summary>A model loads only into a network of the same topology; otherwise the message lists every difference and the network is unchanged.</summary>
public sealed class TopologyMismatchTests
{
    private readonly byte[] _irisModel = SaveToBytes(ScrambledNetwork<PersistIrisNet>(salt: 1));

    [Fact]
    public void FileOfAnotherTopologyIsRejectedWithEveryDifferenceListed()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("iris.ncnet");
        File.WriteAllBytes(path, _irisModel);
        var net = ScrambledNetwork<PersistIrisVariantNet>(salt: 2);

        var exception = AssertRejected(net, () => net.Load(path));

        Assert.Equal(
            $"'{path}' holds a model whose topology differs from PersistIrisVariantNet's:\n" +
            "  layer 1 size: file 16, network 8\n" +
            "  layer 2 activation: file Softmax, network Sigmoid\n" +
            "  loss: file CrossEntropy, network MeanSquaredError\n" +
            "File (saved from PersistIrisNet): 4 → 16 Tanh → 3 Softmax, CrossEntropy, 131 parameters.\n" +
            "Network PersistIrisVariantNet: 4 → 8 Tanh → 3 Sigmoid, MeanSquaredError, 67 parameters. The network's parameters were not changed.",
            exception.Message);
        Assert.Equal(path, exception.FilePath);
        Assert.Null(exception.Offset);
    }

    [Fact]
    public void DifferentInputSizeIsTheOnlyDifferenceListed()
    {
        var net = ScrambledNetwork<PersistIrisFiveInputNet>(salt: 3);

        var exception = AssertRejected(net, () => net.Load(new MemoryStream(_irisModel)));

        Assert.StartsWith(
            "The model stream holds a model whose topology differs from PersistIrisFiveInputNet's:\n  input size: file 4, network 5\nFile (saved",
            exception.Message);
        Assert.Null(exception.FilePath);
    }

    [Fact]
    public void DifferentLayerCountListsTheCountAndTheLayersThatDiffer()
    {
        var net = ScrambledNetwork<PersistIrisDeepNet>(salt: 4);

        var exception = AssertRejected(net, () => net.Load(new MemoryStream(_irisModel)));

        Assert.StartsWith(
            "The model stream holds a model whose topology differs from PersistIrisDeepNet's:\n" +
            "  layer count: file 2, network 3\n" +
            "  layer 2 size: file 3, network 16\n" +
            "  layer 2 activation: file Softmax, network ReLU\n" +
            "File (saved from PersistIrisNet)",
            exception.Message);
    }

    [Fact]
    public void StaticLoadOfAnotherTopologyThrowsTheSameException()
    {
        var exception = Assert.Throws<ModelFormatException>(() => ModelFile.Load<PersistTinyNet>(new MemoryStream(_irisModel)));

        Assert.Contains("  input size: file 4, network 2\n  layer 1 size: file 16, network 2\n", exception.Message);
    }
}
