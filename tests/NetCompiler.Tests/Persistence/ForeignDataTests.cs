using System.Text;
using static NetCompiler.Tests.Persistence.PersistenceTestSupport;

namespace NetCompiler.Tests.Persistence;

/// <summary>Data that is not a model this library can read — another file type, a newer format, unknown enum values — is named for what it is.</summary>
public sealed class ForeignDataTests
{
    private const string Unchanged = " The network's parameters were not changed.";

    [Fact]
    public void PngFileIsNotAModelFile()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("picture.png");
        File.WriteAllBytes(path, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
        var net = ScrambledNetwork<PersistIrisNet>(salt: 1);

        var exception = AssertRejected(net, () => net.Load(path));

        Assert.Equal(
            $"'{path}' is not a NetCompiler model file: it starts with 89 50 4E 47 0D 0A 1A 0A (\".PNG....\"), not the signature 4E 43 4E 45 54 0D 0A 1A (\"NCNET\")." + Unchanged,
            exception.Message);
        Assert.Equal(path, exception.FilePath);
        Assert.Equal(0, exception.Offset);
    }

    [Fact]
    public void ShortTextIsNotAModelFile()
    {
        var net = ScrambledNetwork<PersistIrisNet>(salt: 2);

        var exception = AssertRejected(net, () => net.Load(new MemoryStream(Encoding.ASCII.GetBytes("hi\n"))));

        Assert.Equal(
            "The model stream is not a NetCompiler model file: it starts with 68 69 0A (\"hi.\"), not the signature 4E 43 4E 45 54 0D 0A 1A (\"NCNET\")." + Unchanged,
            exception.Message);
    }

    [Fact]
    public void ModelWhoseLineEndsWereRewrittenIsNotAModelFile()
    {
        // A text-mode transfer turns "\n" into "\r\n"; the signature's "\r\n" exists to catch that.
        byte[] model = SaveToBytes(ScrambledNetwork<PersistTinyNet>(salt: 3));
        byte[] mangled = [.. model[..6], 0x0D, .. model[6..]];
        var net = ScrambledNetwork<PersistTinyNet>(salt: 4);

        var exception = AssertRejected(net, () => net.Load(new MemoryStream(mangled)));

        Assert.StartsWith("The model stream is not a NetCompiler model file: it starts with 4E 43 4E 45 54 0D 0D 0A (\"NCNET...\")", exception.Message);
    }

    [Fact]
    public void EmptyFileIsReportedAsEmpty()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("empty.ncnet");
        File.WriteAllBytes(path, []);

        var exception = Assert.Throws<ModelFormatException>(() => ModelFile.Load<PersistIrisNet>(path));

        Assert.Equal(
            $"'{path}' is empty; a NetCompiler model file starts with the signature 4E 43 4E 45 54 0D 0A 1A (\"NCNET\")." + Unchanged,
            exception.Message);
    }

    [Fact]
    public void NewerFormatVersionSaysWhichVersionIsSupported()
    {
        byte[] model = SaveToBytes(ScrambledNetwork<PersistTinyNet>(salt: 5));
        model[8] = 4;
        var net = ScrambledNetwork<PersistTinyNet>(salt: 6);

        var exception = AssertRejected(net, () => net.Load(new MemoryStream(model)));

        Assert.Equal(
            "The model stream is a NetCompiler model file of format version 4, but this version of NetCompiler reads format version 3 and older; update NetCompiler to load it." + Unchanged,
            exception.Message);
        Assert.Equal(8, exception.Offset);
        Assert.Equal(3, ModelFile.FormatVersion);
    }

    [Fact]
    public void UnknownActivationFromANewerLibraryIsNamed()
    {
        byte[] model = Model(Header(1, 2, 0, [(2, 1), (1, 99)], "FutureNet", 9), new float[9]);
        var net = ScrambledNetwork<PersistTinyNet>(salt: 7);

        var exception = AssertRejected(net, () => net.Load(new MemoryStream(model)));

        Assert.Equal(
            "The model stream uses activation 99 in layer 2, which this version of NetCompiler does not know (it knows Identity = 0, Sigmoid = 1, Tanh = 2, ReLU = 3, Softmax = 4, LeakyReLU = 5, ELU = 6, Softplus = 7, SiLU = 8, GELU = 9)." + Unchanged,
            exception.Message);
        Assert.Equal(36, exception.Offset);
    }

    [Fact]
    public void ReadDescriptionOfAForeignFileSaysSoWithoutMentioningANetwork()
    {
        var exception = Assert.Throws<ModelFormatException>(() => ModelFile.ReadDescription(new MemoryStream(Encoding.ASCII.GetBytes("{\"weights\": []}"))));

        Assert.Equal(
            "The model stream is not a NetCompiler model file: it starts with 7B 22 77 65 69 67 68 74 (\"{\"weight\"), not the signature 4E 43 4E 45 54 0D 0A 1A (\"NCNET\").",
            exception.Message);
    }
}
