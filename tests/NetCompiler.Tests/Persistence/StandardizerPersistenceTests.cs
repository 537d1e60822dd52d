using System.Buffers.Binary;
using NetCompiler.Data;
using NetCompiler.Persistence;

namespace NetCompiler.Tests.Persistence;

/// <summary>The standardiser saved in a model file (format version 2) and read back; plain models stay version 1.</summary>
public class StandardizerPersistenceTests
{
    private static readonly Standardizer Scaling = new([1.5f, -2f], [0.5f, 0f]);

    [Fact]
    public void AStandardizerRoundTripsWithTheParametersBitForBit()
    {
        using var directory = new TemporaryDirectory();
        string path = Path.Combine(directory.Path, "tiny.ncnet");
        var net = new PersistTinyNet(seed: 3);
        net.Save(path, Scaling);

        var loaded = ModelFile.Load<PersistTinyNet>(path, out var standardizer);
        Assert.Equal(net.Parameters.ToArray(), loaded.Parameters.ToArray());
        Assert.NotNull(standardizer);
        Assert.Equal([1.5f, -2f], standardizer.Mean);
        Assert.Equal([0.5f, 0f], standardizer.StdDev);
        Assert.Equal([1.5f, -2f], ModelFile.ReadStandardizer(path)!.Mean);

        // The plain loaders skip the statistics.
        Assert.Equal(net.Parameters.ToArray(), ModelFile.Load<PersistTinyNet>(path).Parameters.ToArray());
        Assert.Equal(PersistTinyNet.Description, ModelFile.ReadDescription(path));
    }

    [Fact]
    public void AFileWithAStandardizerHasTheVersion2Layout()
    {
        // L = 2, N = 14 ("PersistTinyNet"), S = 2, P = 9: header 40 + 12·2 + 14 = 78 bytes, statistics 8·2 + 4 = 20, parameters 4·9 + 4 = 40.
        using var stream = new MemoryStream();
        new PersistTinyNet(seed: 3).Save(stream, Scaling);
        byte[] bytes = stream.ToArray();
        Assert.Equal(138, bytes.Length);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(0f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(32)));   // layer 1's dropout rate
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(66)));     // S, after the name at 52–65
        Assert.Equal(9, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(70)));     // P
        Assert.Equal(1.5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(78)));  // mean[0], after the header checksum at 74
        Assert.Equal(0.5f, BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(86)));  // stdDev[0]
        Assert.Equal(Crc32.Compute(bytes.AsSpan(78, 16)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(94)));
    }

    [Fact]
    public void APlainModelIsStillWrittenAsVersion1()
    {
        using var stream = new MemoryStream();
        new PersistTinyNet(seed: 3).Save(stream, standardizer: null);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(stream.ToArray().AsSpan(8)));
        Assert.Equal(106, stream.Length);
    }

    [Fact]
    public void AVersion1FileHasNoStandardizer()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Persistence", "Version1", "tiny-v1.ncnet");
        ModelFile.Load<PersistTinyNet>(path, out var standardizer);
        Assert.Null(standardizer);
        Assert.Null(ModelFile.ReadStandardizer(path));
    }

    [Fact]
    public void CorruptedStatisticsAreRefusedAndTheNetworkIsUnchanged()
    {
        using var stream = new MemoryStream();
        new PersistTinyNet(seed: 3).Save(stream, Scaling);
        byte[] bytes = stream.ToArray();
        bytes[80] ^= 0x01;
        var net = new PersistTinyNet(seed: 9);
        float[] before = net.Parameters.ToArray();
        var exception = Assert.Throws<ModelFormatException>(() => net.Load(new MemoryStream(bytes)));
        Assert.Contains("the standardiser's checksum at byte 94", exception.Message, StringComparison.Ordinal);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void AStandardizerOfAnotherWidthIsRejected()
    {
        var exception = Assert.Throws<ArgumentException>(() => new PersistTinyNet(seed: 3).Save(new MemoryStream(), new Standardizer([0f, 0f, 0f], [1f, 1f, 1f])));
        Assert.Contains("the standardiser has 3 features but the network has 2 inputs", exception.Message, StringComparison.Ordinal);
    }
}
