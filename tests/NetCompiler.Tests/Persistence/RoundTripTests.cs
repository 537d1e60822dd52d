using static NetCompiler.Tests.Persistence.PersistenceTestSupport;

namespace NetCompiler.Tests.Persistence;

/// <summary>Saving and loading gives back every parameter bit for bit, through streams and files.</summary>
public sealed class RoundTripTests
{
    /// <summary>Values that a float → text → float or a normalising copy would lose: -0, subnormals, extremes, infinities, NaNs with payloads.</summary>
    private static readonly int[] s_specialBits =
    [
        unchecked((int)0x80000000), // -0
        0x00000001,                 // smallest subnormal
        0x007FFFFF,                 // largest subnormal
        unchecked((int)0x80000001), // negative subnormal
        0x7F7FFFFF,                 // float.MaxValue
        unchecked((int)0xFF7FFFFF), // float.MinValue
        0x7F800000,                 // +∞
        unchecked((int)0xFF800000), // -∞
        0x7FC12345,                 // quiet NaN with a payload
        unchecked((int)0xFFC00001), // negative quiet NaN
        0x7F800001,                 // signalling NaN
    ];

    [Fact]
    public void StreamRoundTripIsBitExactIncludingSpecialValues()
    {
        var saved = NetworkWithSpecialValues();
        using var stream = new MemoryStream();
        saved.Save(stream);
        stream.Position = 0;

        var loaded = new PersistIrisNet(seed: 7);
        loaded.Load(stream);

        Assert.Equal(Bits(saved.Parameters), Bits(loaded.Parameters));
        Assert.Equal(s_specialBits, Bits(loaded.Parameters)[..s_specialBits.Length]);
        Assert.Equal(stream.Length, stream.Position);
    }

    [Fact]
    public void FileRoundTripIsBitExactAndGivesTheSameOutputs()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("iris" + ModelFile.Extension);
        var saved = ScrambledNetwork<PersistIrisNet>(salt: 3);
        saved.Save(path);

        var created = ModelFile.Load<PersistIrisNet>(path);
        var existing = new PersistIrisNet(seed: 11);
        existing.Load(path);

        Assert.Equal(Bits(saved.Parameters), Bits(created.Parameters));
        Assert.Equal(Bits(saved.Parameters), Bits(existing.Parameters));
        float[] input = [0.5f, -1.25f, 2f, 0.125f];
        float[] expected = new float[3], actual = new float[3];
        saved.Forward(input, expected);
        created.Forward(input, actual);
        Assert.Equal(expected, actual);
        Assert.Equal(["iris.ncnet"], directory.Entries());
    }

    [Fact]
    public void StaticLoadFromStreamCreatesANetwork()
    {
        var saved = ScrambledNetwork<PersistIrisNet>(salt: 5);
        using var stream = new MemoryStream(SaveToBytes(saved));

        var loaded = ModelFile.Load<PersistIrisNet>(stream);

        Assert.Equal(Bits(saved.Parameters), Bits(loaded.Parameters));
    }

    [Fact]
    public void LargeModelRoundTripsThroughAStreamThatCannotSeek()
    {
        // 101 770 parameters: several write and read chunks.
        var saved = ScrambledNetwork<PersistWideNet>(salt: 9);
        byte[] bytes = SaveToBytes(saved);
        Assert.Equal(40 + (8 * 2) + "PersistWideNet".Length + (4 * PersistWideNet.ParameterCount), bytes.Length);

        var loaded = new PersistWideNet(seed: 1);
        loaded.Load(new NonSeekableStream(new MemoryStream(bytes)));

        Assert.Equal(Bits(saved.Parameters), Bits(loaded.Parameters));
    }

    [Fact]
    public void SavingAgainReplacesTheFile()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("model.ncnet");
        ScrambledNetwork<PersistIrisNet>(salt: 1).Save(path);
        var second = ScrambledNetwork<PersistIrisNet>(salt: 2);
        second.Save(path);

        Assert.Equal(Bits(second.Parameters), Bits(ModelFile.Load<PersistIrisNet>(path).Parameters));
        Assert.Equal(["model.ncnet"], directory.Entries());
    }

    [Fact]
    public void ModelsConcatenatedInOneStreamLoadInTurn()
    {
        var iris = ScrambledNetwork<PersistIrisNet>(salt: 4);
        var tiny = ScrambledNetwork<PersistTinyNet>(salt: 6);
        using var stream = new MemoryStream();
        iris.Save(stream);
        tiny.Save(stream);
        stream.Position = 0;

        var loadedIris = ModelFile.Load<PersistIrisNet>(stream);
        var loadedTiny = ModelFile.Load<PersistTinyNet>(stream);

        Assert.Equal(Bits(iris.Parameters), Bits(loadedIris.Parameters));
        Assert.Equal(Bits(tiny.Parameters), Bits(loadedTiny.Parameters));
        Assert.Equal(stream.Length, stream.Position);
    }

    [Fact]
    public void ANetworkOfTheSameTopologyUnderAnotherNameLoadsTheModel()
    {
        var saved = ScrambledNetwork<PersistIrisNet>(salt: 8);
        byte[] bytes = SaveToBytes(saved);

        var twin = ModelFile.Load<PersistIrisTwinNet>(new MemoryStream(bytes));
        var description = ModelFile.ReadDescription(new MemoryStream(bytes));

        Assert.Equal(Bits(saved.Parameters), Bits(twin.Parameters));
        Assert.Equal("PersistIrisNet", description.Name);
        Assert.Equal(PersistIrisTwinNet.Description, description);
        Assert.Equal("4 → 16 Tanh → 3 Softmax, CrossEntropy, 131 parameters", description.ToString());
    }

    private static PersistIrisNet NetworkWithSpecialValues()
    {
        var net = ScrambledNetwork<PersistIrisNet>(salt: 2);
        for (int i = 0; i < s_specialBits.Length; i++)
        {
            net.Parameters[i] = BitConverter.Int32BitsToSingle(s_specialBits[i]);
        }

        return net;
    }
}
