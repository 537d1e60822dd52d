using static NetCompiler.Tests.Persistence.PersistenceTestSupport;

namespace NetCompiler.Tests.Persistence;

/// <summary>
/// Saving to a path replaces the file all at once: a save that fails part-way (fault injected into
/// the temporary file's stream, or a rename that cannot happen) leaves the previous model loadable
/// and no temporary file behind.
/// </summary>
public sealed class AtomicSaveTests
{
    // PersistIrisNet's file is 594 bytes: a 66-byte header, 524 parameter bytes, a 4-byte checksum.
    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(65)]
    [InlineData(66)]
    [InlineData(300)]
    [InlineData(593)]
    public void FailureWhileWritingLeavesThePreviousModelIntact(long failAfterBytes)
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("iris.ncnet");
        var previous = ScrambledNetwork<PersistIrisNet>(salt: 1);
        previous.Save(path);
        var next = ScrambledNetwork<PersistIrisNet>(salt: 2);

        var fault = Assert.Throws<IOException>(() => ModelFile.Save(next, path, file => new FaultyWriteStream(file, failAfterBytes)));

        Assert.Equal(FaultyWriteStream.FaultMessage, fault.Message);
        Assert.Equal(Bits(previous.Parameters), Bits(ModelFile.Load<PersistIrisNet>(path).Parameters));
        Assert.Equal(["iris.ncnet"], directory.Entries());
    }

    [Fact]
    public void FailureWhileFlushingLeavesThePreviousModelIntact()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("iris.ncnet");
        var previous = ScrambledNetwork<PersistIrisNet>(salt: 3);
        previous.Save(path);

        Assert.Throws<IOException>(() => ModelFile.Save(
            ScrambledNetwork<PersistIrisNet>(salt: 4), path, file => new FaultyWriteStream(file, long.MaxValue, failOnFlush: true)));

        Assert.Equal(Bits(previous.Parameters), Bits(ModelFile.Load<PersistIrisNet>(path).Parameters));
        Assert.Equal(["iris.ncnet"], directory.Entries());
    }

    [Fact]
    public void FailedFirstSaveLeavesNoFileAtAll()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("iris.ncnet");

        Assert.Throws<IOException>(() => ModelFile.Save(ScrambledNetwork<PersistIrisNet>(salt: 5), path, file => new FaultyWriteStream(file, 100)));

        Assert.Empty(directory.Entries());
        Assert.Throws<FileNotFoundException>(() => ModelFile.Load<PersistIrisNet>(path));
    }

    [Fact]
    public void FailedRenameDeletesTheTemporaryFile()
    {
        // The target is a directory, so the final rename fails after the model was written and flushed.
        using var directory = new TemporaryDirectory();
        string path = directory.File("taken");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "keep.txt"), "keep");

        var exception = Record.Exception(() => ScrambledNetwork<PersistIrisNet>(salt: 6).Save(path));

        Assert.True(exception is IOException or UnauthorizedAccessException, $"unexpected {exception}");
        Assert.Equal(["taken"], directory.Entries());
        Assert.Equal("keep", File.ReadAllText(Path.Combine(path, "keep.txt")));
    }

    [Fact]
    public void SaveIntoAMissingDirectoryThrowsAndCreatesNothing()
    {
        using var directory = new TemporaryDirectory();

        Assert.Throws<DirectoryNotFoundException>(() => ScrambledNetwork<PersistIrisNet>(salt: 7).Save(directory.File(Path.Combine("missing", "iris.ncnet"))));

        Assert.Empty(directory.Entries());
    }

    [Fact]
    public void PathEndingInASeparatorIsRejected()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.Path + Path.DirectorySeparatorChar;

        var exception = Assert.Throws<ArgumentException>(() => ScrambledNetwork<PersistIrisNet>(salt: 8).Save(path));

        Assert.StartsWith($"'{path}' names a directory, not a file.", exception.Message);
        Assert.Empty(directory.Entries());
    }
}
