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
    public void TemporaryFilesLeftByAKilledSaveAreRemovedByTheNextSave()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("iris.ncnet");
        ScrambledNetwork<PersistIrisNet>(salt: 9).Save(path);

        // The temporary file names a real save uses, captured through the seam; a process killed mid-save leaves such a
        // file, half written, beside the model (a failed save in a living process deletes it, as the tests above show).
        string[] leftovers = [TemporaryPathOfASave(path), TemporaryPathOfASave(path)];
        Assert.Equal(["iris.ncnet"], directory.Entries());
        byte[] model = File.ReadAllBytes(path);
        foreach (string leftover in leftovers)
        {
            File.WriteAllBytes(leftover, model[..300]);
        }

        Assert.Equal(3, directory.Entries().Length);
        var next = ScrambledNetwork<PersistIrisNet>(salt: 10);
        next.Save(path);

        Assert.Equal(["iris.ncnet"], directory.Entries());
        Assert.Equal(Bits(next.Parameters), Bits(ModelFile.Load<PersistIrisNet>(path).Parameters));
    }

    [Fact]
    public void TheTemporaryFileOfASaveInProgressIsLeftAlone()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("iris.ncnet");
        string inProgress = TemporaryPathOfASave(path);

        // Another save still writing its temporary file holds it open exclusively, as AtomicFile does.
        using (var writing = new FileStream(inProgress, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            writing.Write(new byte[100]);
            ScrambledNetwork<PersistIrisNet>(salt: 11).Save(path);

            Assert.True(File.Exists(inProgress));
            Assert.Equal(2, directory.Entries().Length);
        }

        // Once its writer is gone (killed), the next save removes it.
        ScrambledNetwork<PersistIrisNet>(salt: 12).Save(path);
        Assert.Equal(["iris.ncnet"], directory.Entries());
    }

    [Fact]
    public void OnlyTemporaryFilesOfTheSavedPathAndOfExactlyTheSaveNamingAreRemoved()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("iris.ncnet");
        string random = Path.GetFileName(TemporaryPathOfASave(path))["iris.ncnet.".Length..^".tmp".Length];
        string[] others =
        [
            "iris.ncnet.tmp",                                  // no random part
            $"iris.ncnet.{random.ToUpperInvariant()}.tmp",     // upper-case hex: not a name a save makes
            $"iris.ncnet.{random[1..]}.tmp",                   // 31 hex digits
            $"iris.ncnet.{random}.tmp.bak",                    // another extension
            $"iris.ncnet.{random[..^1]}g.tmp",                 // not hex
            $"other.ncnet.{random}.tmp",                       // another model's temporary file
            $"xiris.ncnet.{random}.tmp",                       // a name that merely ends like the model's
        ];
        foreach (string other in others)
        {
            File.WriteAllText(directory.File(other), "keep");
        }

        ScrambledNetwork<PersistIrisNet>(salt: 13).Save(path);

        Assert.Equal([.. others.Append("iris.ncnet").Order(StringComparer.Ordinal)], directory.Entries());
    }

    [Fact]
    public void SaveIntoAMissingDirectoryThrowsAndCreatesNothing()
    {
        using var directory = new TemporaryDirectory();

        Assert.Throws<DirectoryNotFoundException>(() => ScrambledNetwork<PersistIrisNet>(salt: 7).Save(directory.File(Path.Combine("missing", "iris.ncnet"))));

        Assert.Empty(directory.Entries());
    }

    /// <summary>The path of the temporary file a save to <paramref name="path"/> writes, found by failing such a save before it writes a byte.</summary>
    private static string TemporaryPathOfASave(string path)
    {
        string? temporary = null;
        Assert.Throws<IOException>(() => ModelFile.Save(ScrambledNetwork<PersistIrisNet>(salt: 14), path, file =>
        {
            temporary = ((FileStream)file).Name;
            return new FaultyWriteStream(file, failAfterBytes: 0);
        }));
        Assert.False(File.Exists(temporary));
        return temporary!;
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
