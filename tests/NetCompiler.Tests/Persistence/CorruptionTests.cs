using static NetCompiler.Tests.Persistence.PersistenceTestSupport;

namespace NetCompiler.Tests.Persistence;

/// <summary>Truncated, bit-flipped and over-long model data is rejected with a precise message, and the network keeps its parameters.</summary>
public sealed class CorruptionTests
{
    // PersistTinyNet's file (FORMAT.md with L = 2, N = 14, P = 9): the header at 0-61, its checksum at 62-65,
    // the 36 parameter bytes at 66-101, their checksum at 102-105.
    private const int TinyModelLength = 106;
    private const int TinyHeaderChecksumOffset = 62;
    private const int TinyParameterChecksumOffset = 102;

    private readonly byte[] _tinyModel = SaveToBytes(ScrambledNetwork<PersistTinyNet>(salt: 1));

    [Fact]
    public void EveryPrefixOfAModelIsRejectedAsTruncatedAtItsEnd()
    {
        Assert.Equal(TinyModelLength, _tinyModel.Length);
        var net = ScrambledNetwork<PersistTinyNet>(salt: 2);
        for (int length = 0; length < _tinyModel.Length; length++)
        {
            byte[] prefix = _tinyModel[..length];
            var seekable = AssertRejected(net, () => net.Load(new MemoryStream(prefix)), $"prefix of {length} bytes");
            var streamed = AssertRejected(net, () => net.Load(new NonSeekableStream(new MemoryStream(prefix))), $"prefix of {length} bytes, not seekable");

            foreach (var exception in new[] { seekable, streamed })
            {
                if (length == 0)
                {
                    Assert.Equal(
                        "The model stream is empty; a NetCompiler model file starts with the signature 4E 43 4E 45 54 0D 0A 1A (\"NCNET\"). The network's parameters were not changed.",
                        exception.Message);
                }
                else
                {
                    Assert.StartsWith("The model stream is truncated: expected ", exception.Message);
                    Assert.EndsWith($"but the data ends at byte {length}. The network's parameters were not changed.", exception.Message);
                }

                Assert.Equal(length, exception.Offset);
            }
        }
    }

    [Fact]
    public void TruncatedFileNamesTheFileWhatWasExpectedAndWhereTheDataEnds()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("cut.ncnet");
        File.WriteAllBytes(path, _tinyModel[..80]);
        var net = ScrambledNetwork<PersistTinyNet>(salt: 3);

        var exception = AssertRejected(net, () => net.Load(path));

        Assert.Equal(
            $"'{path}' is truncated: expected the parameters and their checksum at bytes 66-105 (40 bytes), but the data ends at byte 80. The network's parameters were not changed.",
            exception.Message);
        Assert.Equal(path, exception.FilePath);
        Assert.Equal(80, exception.Offset);
    }

    [Fact]
    public void EverySingleBitFlipIsRejected()
    {
        var net = ScrambledNetwork<PersistTinyNet>(salt: 4);
        for (int offset = 0; offset < _tinyModel.Length; offset++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] corrupted = (byte[])_tinyModel.Clone();
                corrupted[offset] ^= (byte)(1 << bit);
                AssertRejected(net, () => net.Load(new MemoryStream(corrupted)), $"bit {bit} of byte {offset} flipped");
            }
        }
    }

    [Fact]
    public void FlipInTheTopologyIsReportedByTheHeaderChecksum()
    {
        byte[] corrupted = (byte[])_tinyModel.Clone();
        corrupted[24] ^= 0x04; // layer 1 size 2 → 6
        var net = ScrambledNetwork<PersistTinyNet>(salt: 5);

        var exception = AssertRejected(net, () => net.Load(new MemoryStream(corrupted)));

        Assert.Matches(
            @"^The model stream is corrupted: the header checksum at byte 62 is 0x[0-9A-F]{8}, but bytes 0-61 give 0x[0-9A-F]{8}\. The network's parameters were not changed\.$",
            exception.Message);
        Assert.Equal(TinyHeaderChecksumOffset, exception.Offset);
    }

    [Fact]
    public void FlipInTheParametersIsReportedByTheParameterChecksum()
    {
        byte[] corrupted = (byte[])_tinyModel.Clone();
        corrupted[70] ^= 0x80;
        var net = ScrambledNetwork<PersistTinyNet>(salt: 6);

        var exception = AssertRejected(net, () => net.Load(new MemoryStream(corrupted)));

        Assert.Matches(
            @"^The model stream is corrupted: the parameter checksum at byte 102 is 0x[0-9A-F]{8}, but the parameters at bytes 66-101 give 0x[0-9A-F]{8}\. The network's parameters were not changed\.$",
            exception.Message);
        Assert.Equal(TinyParameterChecksumOffset, exception.Offset);
    }

    [Fact]
    public void BytesAfterTheModelInAFileAreRejected()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("long.ncnet");
        File.WriteAllBytes(path, [.. _tinyModel, 1, 2, 3]);
        var net = ScrambledNetwork<PersistTinyNet>(salt: 7);

        var exception = AssertRejected(net, () => net.Load(path));

        Assert.Equal(
            $"'{path}' is corrupted: the model ends at byte 106, but 3 more bytes follow; a model file holds exactly one model. The network's parameters were not changed.",
            exception.Message);
    }

    [Fact]
    public void PartialModelLeftByAFailedStreamSaveIsRejected()
    {
        var saved = ScrambledNetwork<PersistTinyNet>(salt: 8);
        using var target = new MemoryStream();

        var fault = Assert.Throws<IOException>(() => saved.Save(new FaultyWriteStream(target, failAfterBytes: 90)));

        Assert.Equal(FaultyWriteStream.FaultMessage, fault.Message);
        Assert.Equal(90, target.Length);
        var net = ScrambledNetwork<PersistTinyNet>(salt: 9);
        var exception = AssertRejected(net, () => net.Load(new MemoryStream(target.ToArray())));
        Assert.Equal(90, exception.Offset);
    }
}
