using NetCompiler.Data;

namespace NetCompiler.Tests.Data;

public class IdxLoaderTests
{
    private const string WholeImageFile = "a 16-byte header and 3 images of 2×2 pixels";

    /// <summary>Checks the dataset of <see cref="IdxBytes.ThreeImages"/> with <see cref="IdxBytes.ThreeLabels"/>.</summary>
    private static void AssertThreeImages(Dataset data)
    {
        Assert.Equal(3, data.Count);
        Assert.Equal(4, data.FeatureCount);
        Assert.Equal(10, data.TargetCount);
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], data.ClassNames!);
        Assert.Equal([0f, 1f, 0.2f, 0.4f, 0.6f, 0.8f, 1f, 0f, 0.2f, 0.2f, 0f, 0f], data.Features);
        Assert.Equal([0f, 0f, 0f, 0f, 0f, 0f, 0f, 1f, 0f, 0f], data.GetTargets(0).ToArray());
        Assert.Equal([1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f], data.GetTargets(1).ToArray());
        Assert.Equal([0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 1f], data.GetTargets(2).ToArray());
    }

    private static DataFormatException LoadFails(string images, string labels) =>
        Assert.Throws<DataFormatException>(() => IdxDataset.Load(images, labels));

    [Fact]
    public void PlainFilesLoadWithPixelsScaledToUnitRangeAndOneHotLabels()
    {
        using var directory = new TempDirectory();
        string images = directory.WriteBytes("images", IdxBytes.ThreeImages());
        string labels = directory.WriteBytes("labels", IdxBytes.Labels(IdxBytes.ThreeLabels));

        AssertThreeImages(IdxDataset.Load(images, labels));
    }

    [Fact]
    public void GzipIsRecognisedByItsSignatureNotByTheFileName()
    {
        using var directory = new TempDirectory();
        string images = directory.WriteGzip("images.idx", IdxBytes.ThreeImages());
        string labels = directory.WriteBytes("labels.gz", IdxBytes.Labels(IdxBytes.ThreeLabels));

        AssertThreeImages(IdxDataset.Load(images, labels));
    }

    [Fact]
    public void BothFilesMayBeGzipCompressed()
    {
        using var directory = new TempDirectory();
        string images = directory.WriteGzip("images.gz", IdxBytes.ThreeImages());
        string labels = directory.WriteGzip("labels.gz", IdxBytes.Labels(IdxBytes.ThreeLabels));

        AssertThreeImages(IdxDataset.Load(images, labels));
    }

    [Fact]
    public void AWrongMagicNumberSaysWhichWasFoundAndWhichWasExpected()
    {
        using var directory = new TempDirectory();
        string images = directory.WriteBytes("images", IdxBytes.ThreeImages());
        string labels = directory.WriteBytes("labels", IdxBytes.Labels(IdxBytes.ThreeLabels));
        string strange = directory.WriteBytes("strange", IdxBytes.Images(3, 2, 2, IdxBytes.ThreePixels, magic: 0x00000D03));

        Assert.Equal(
            $"{strange}: the magic number is 0x00000D03, but an IDX image file (unsigned bytes, 3 dimensions) starts with 0x00000803.",
            LoadFails(strange, labels).Message);
        Assert.Equal(
            $"{labels}: the magic number is 0x00000801, but an IDX image file (unsigned bytes, 3 dimensions) starts with 0x00000803. That is a label file: are the image and label files swapped?",
            LoadFails(labels, images).Message);
        Assert.Equal(
            $"{strange}: the magic number is 0x00000D03, but an IDX label file (unsigned bytes, 1 dimension) starts with 0x00000801.",
            LoadFails(images, strange).Message);
    }

    [Theory]
    [InlineData(0, "16", "the 16-byte header of an IDX image file")]
    [InlineData(3, "16", "the 16-byte header of an IDX image file")]
    [InlineData(4, "16", "the 16-byte header of an IDX image file")]
    [InlineData(15, "16", "the 16-byte header of an IDX image file")]
    [InlineData(16, "28", WholeImageFile)]
    [InlineData(21, "28", WholeImageFile)]
    [InlineData(27, "28", WholeImageFile)]
    public void ATruncatedImageFileSaysWhereItEndsAndHowManyBytesWereExpected(int length, string expected, string what)
    {
        using var directory = new TempDirectory();
        string images = directory.WriteBytes("images", IdxBytes.ThreeImages()[..length]);
        string labels = directory.WriteBytes("labels", IdxBytes.Labels(IdxBytes.ThreeLabels));

        var error = LoadFails(images, labels);

        Assert.Equal($"{images}: the data ends at offset {length} but {expected} bytes were expected ({what}); the file is truncated.", error.Message);
        Assert.Equal(length, error.Offset);
        Assert.Equal(images, error.FileName);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(27)]
    public void AGzipFileWhoseContentIsTruncatedSaysTheSame(int length)
    {
        using var directory = new TempDirectory();
        string images = directory.WriteGzip("images", IdxBytes.ThreeImages()[..length]);
        string labels = directory.WriteBytes("labels", IdxBytes.Labels(IdxBytes.ThreeLabels));

        Assert.Equal(
            $"{images}: the data ends at offset {length} but 28 bytes were expected ({WholeImageFile}); the file is truncated.",
            LoadFails(images, labels).Message);
    }

    [Fact]
    public void AGzipFileCutShortIsReportedAsTruncated()
    {
        // GZipStream reports a cut stream as a plain end of data, so the loader's own count catches it.
        // (How many bytes a cut leaves depends on the compressor, so only the start of the message is fixed.)
        using var directory = new TempDirectory();
        byte[] compressed = IdxBytes.Gzip(IdxBytes.ThreeImages());
        string labels = directory.WriteBytes("labels", IdxBytes.Labels(IdxBytes.ThreeLabels));

        foreach (int cut in new[] { 2, 10, compressed.Length / 2 })
        {
            string images = directory.WriteBytes($"images-{cut}", compressed[..cut]);
            var error = LoadFails(images, labels);
            Assert.StartsWith($"{images}: the data ends at offset ", error.Message);
            Assert.EndsWith("; the file is truncated.", error.Message);
            Assert.InRange(error.Offset, 0, 27);
        }
    }

    [Fact]
    public void CorruptGzipDataIsADataFormatError()
    {
        using var directory = new TempDirectory();
        byte[] compressed = IdxBytes.Gzip(IdxBytes.ThreeImages());
        compressed[3] = 0xFF; // reserved header flag bits: no decoder accepts them
        string images = directory.WriteBytes("images", compressed);
        string labels = directory.WriteBytes("labels", IdxBytes.Labels(IdxBytes.ThreeLabels));

        var error = LoadFails(images, labels);

        Assert.StartsWith($"{images}: the gzip data is corrupt after 0 decompressed bytes: ", error.Message);
        Assert.IsType<InvalidDataException>(error.InnerException);
    }

    [Fact]
    public void ATruncatedLabelFileIsReported()
    {
        using var directory = new TempDirectory();
        string images = directory.WriteBytes("images", IdxBytes.ThreeImages());
        string labels = directory.WriteBytes("labels", IdxBytes.Labels(IdxBytes.ThreeLabels)[..10]);

        Assert.Equal(
            $"{labels}: the data ends at offset 10 but 11 bytes were expected (an 8-byte header and 3 labels); the file is truncated.",
            LoadFails(images, labels).Message);
    }

    [Fact]
    public void DataBeyondWhatTheHeaderDescribesIsRejected()
    {
        using var directory = new TempDirectory();
        byte[] longer = [.. IdxBytes.ThreeImages(), 0];
        string plain = directory.WriteBytes("images", longer);
        string compressed = directory.WriteGzip("images.gz", longer);
        string labels = directory.WriteBytes("labels", IdxBytes.Labels(IdxBytes.ThreeLabels));

        Assert.Equal(
            $"{plain}: the file has 29 bytes but should end at offset 28 ({WholeImageFile}); is this the right file?",
            LoadFails(plain, labels).Message);
        Assert.Equal(
            $"{compressed}: the data goes on but should end at offset 28 ({WholeImageFile}); is this the right file?",
            LoadFails(compressed, labels).Message);
    }

    [Fact]
    public void ImageAndLabelCountsMustMatch()
    {
        using var directory = new TempDirectory();
        string images = directory.WriteBytes("images", IdxBytes.ThreeImages());
        string labels = directory.WriteBytes("labels", IdxBytes.Labels([7, 0]));

        Assert.Equal($"{images} holds 3 images but {labels} holds 2 labels; they must describe the same samples.", LoadFails(images, labels).Message);
    }

    [Fact]
    public void ALabelBeyondTheClassesIsRejectedWithItsOffset()
    {
        using var directory = new TempDirectory();
        string images = directory.WriteBytes("images", IdxBytes.ThreeImages());
        string labels = directory.WriteBytes("labels", IdxBytes.Labels([7, 10, 9]));

        var error = LoadFails(images, labels);

        Assert.Equal($"{labels}: the label at offset 9 is 10, but there are 10 classes (0 to 9).", error.Message);
        Assert.Equal(9, error.Offset);
    }

    [Fact]
    public void AZeroDimensionIsRejected()
    {
        using var directory = new TempDirectory();
        string images = directory.WriteBytes("images", IdxBytes.Images(3, 0, 2, []));
        string labels = directory.WriteBytes("labels", IdxBytes.Labels(IdxBytes.ThreeLabels));

        Assert.Equal($"{images}: the header says 3 images of 0×2 pixels; every dimension must be at least 1.", LoadFails(images, labels).Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AHostileImageCountFailsFastWithoutALargeAllocation(bool gzip)
    {
        using var directory = new TempDirectory();
        byte[] hostile = IdxBytes.Images(int.MaxValue, 2, 2, [1, 2, 3, 4]);
        string images = gzip ? directory.WriteGzip("images", hostile) : directory.WriteBytes("images", hostile);
        string labels = directory.WriteBytes("labels", IdxBytes.Labels([1]));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = LoadFails(images, labels);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(
            $"{images}: the header says 2147483647 images of 2×2 pixels, more pixels than one array can hold ({Array.MaxLength}); the header is corrupt.",
            error.Message);
        Assert.InRange(allocated, 0, 64 << 10);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ACountThatFitsAnArrayButNotTheFileIsCaughtBeforeAllocatingForIt(bool gzip)
    {
        // The header promises 1,000,000 images (16 MB of floats); the file holds one. The labels agree on the
        // count and are compressed, so their length cannot be checked up front and the images are read.
        using var directory = new TempDirectory();
        byte[] hostile = IdxBytes.Images(1_000_000, 2, 2, [1, 2, 3, 4]);
        string images = gzip ? directory.WriteGzip("images", hostile) : directory.WriteBytes("images", hostile);
        string labels = directory.WriteGzip("labels", IdxBytes.Labels([], count: 1_000_000));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = LoadFails(images, labels);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A plain file's length is checked with its header; a gzip file runs out while being read into a small, growing buffer.
        Assert.Equal(
            $"{images}: the data ends at offset 20 but 4000016 bytes were expected (a 16-byte header and 1000000 images of 2×2 pixels); the file is truncated.",
            error.Message);
        Assert.InRange(allocated, 0, gzip ? 1 << 20 : 64 << 10);
    }

    [Fact]
    public void AMissingFileIsAFileNotFoundError()
    {
        using var directory = new TempDirectory();
        string labels = directory.WriteBytes("labels", IdxBytes.Labels(IdxBytes.ThreeLabels));
        string images = Path.Combine(directory.Path, "nothing-here");

        var error = Assert.Throws<FileNotFoundException>(() => IdxDataset.Load(images, labels));

        Assert.Equal(images, error.FileName);
    }
}
