using static NetCompiler.Tests.Persistence.PersistenceTestSupport;

namespace NetCompiler.Tests.Persistence;

/// <summary>The bytes written are exactly those FORMAT.md describes, so files stay readable by this and other implementations.</summary>
public sealed class FormatLayoutTests
{
    private static readonly float[] s_tinyParameters = [0.5f, -1.5f, 2.25f, -0f, 1e-3f, 3f, -4f, 0.125f, 7f];

    [Fact]
    public void TinyModelIsLaidOutAsDocumented()
    {
        var net = new PersistTinyNet(s_tinyParameters);

        byte[] saved = SaveToBytes(net);

        // 2 inputs, MeanSquaredError (0), layers (2, Sigmoid = 1) and (1, Sigmoid = 1), 9 parameters.
        Assert.Equal(Model(Header(1, 2, 0, [(2, 1), (1, 1)], "PersistTinyNet", 9), s_tinyParameters), saved);
        Assert.Equal(40 + (8 * 2) + 14 + (4 * 9), saved.Length);
        Assert.Equal([0x4E, 0x43, 0x4E, 0x45, 0x54, 0x0D, 0x0A, 0x1A], saved[..8]);
        Assert.Equal([1, 0, 0, 0], saved[8..12]);
        Assert.Equal([0x00, 0x00, 0x00, 0x3F], saved[66..70]); // 0.5f, little-endian
        Assert.Equal([0x00, 0x00, 0x00, 0x80], saved[78..82]); // -0f
    }

    [Fact]
    public void ReadDescriptionReturnsTheSavedTopologyAndName()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("tiny.ncnet");
        new PersistTinyNet(s_tinyParameters).Save(path);

        var description = ModelFile.ReadDescription(path);

        Assert.Equal("PersistTinyNet", description.Name);
        Assert.Equal(PersistTinyNet.Description, description);
        Assert.Equal("2 → 2 Sigmoid → 1 Sigmoid, MeanSquaredError, 9 parameters", description.ToString());
    }
}
