namespace NetCompiler.Data;

/// <summary>
/// Loads images and labels stored in the IDX format of the MNIST database: an image file (magic
/// <c>0x00000803</c>: unsigned bytes, 3 dimensions; then the big-endian image count, rows and columns; then
/// the pixels row by row) and a label file (magic <c>0x00000801</c>: unsigned bytes, 1 dimension; the count;
/// then one byte per label). Either file may be gzip-compressed; that is recognised from its first bytes.
/// </summary>
/// <remarks>
/// Each image becomes one row of <c>rows × columns</c> features, its pixels scaled from 0–255 to [0, 1]
/// (<c>p / 255</c>); each label becomes a one-hot row over <c>classCount</c> classes named <c>"0"</c>, <c>"1"</c>, ….
/// The headers are validated before anything large is allocated: wrong magic numbers, counts that differ
/// between the two files, zero or impossibly large dimensions, and (for uncompressed files) a length that does not
/// match the header all throw <see cref="DataFormatException"/> at once, saying what was found and what was expected.
/// </remarks>
public static class IdxDataset
{
    /// <summary>The magic number of an IDX file of unsigned bytes with 3 dimensions (images).</summary>
    public const uint ImagesMagic = 0x00000803;

    /// <summary>The magic number of an IDX file of unsigned bytes with 1 dimension (labels).</summary>
    public const uint LabelsMagic = 0x00000801;

    /// <summary>The bytes of an image file's header.</summary>
    internal const int ImagesHeaderSize = 16;

    /// <summary>The bytes of a label file's header.</summary>
    internal const int LabelsHeaderSize = 8;

    /// <summary>The feature of each pixel byte: <c>p / 255</c>.</summary>
    internal static readonly float[] PixelValues = CreatePixelValues();

    /// <summary>Loads the images of <paramref name="imagesPath"/> with the labels of <paramref name="labelsPath"/>.</summary>
    /// <param name="imagesPath">An IDX image file, plain or gzip-compressed.</param>
    /// <param name="labelsPath">An IDX label file, plain or gzip-compressed.</param>
    /// <param name="classCount">The number of classes; every label must be below it. 10 for MNIST digits.</param>
    /// <exception cref="DataFormatException">A file is malformed, or the two files do not match.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    public static Dataset Load(string imagesPath, string labelsPath, int classCount = 10)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, 256);

        using IdxReader images = IdxReader.Open(imagesPath);
        using IdxReader labels = IdxReader.Open(labelsPath);
        var (count, rows, columns) = ReadHeaders(images, labels, classCount, inOneArray: true);

        int pixelsPerImage = rows * columns;
        float[] features = ReadPixels(images, count, rows, columns);
        float[] targets = ReadLabels(labels, count, classCount);
        string[] classNames = [.. Enumerable.Range(0, classCount).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        return new Dataset(features, pixelsPerImage, targets, classCount, classNames);
    }

    /// <summary>
    /// Reads and checks both headers (and, for plain files, the lengths), and that the files hold as many images as labels.
    /// <paramref name="inOneArray"/>: whether all the pixels and one-hot labels must fit one array (to load them in memory).
    /// </summary>
    internal static (int Count, int Rows, int Columns) ReadHeaders(IdxReader images, IdxReader labels, int classCount, bool inOneArray)
    {
        var (count, rows, columns) = ReadImagesHeader(images, inOneArray);
        uint labelCount = ReadLabelsHeader(labels, classCount, inOneArray);
        if (labelCount != count)
        {
            throw new DataFormatException(
                $"{images.Name} holds {count} images but {labels.Name} holds {labelCount} labels; they must describe the same samples.", images.Name);
        }

        return (count, rows, columns);
    }

    /// <summary>The message for a label byte that names no class.</summary>
    internal static string LabelOutOfRange(long offset, byte label, int classCount) =>
        $"the label at offset {offset} is {label}, but there are {classCount} classes (0 to {classCount - 1}).";

    private static (int Count, int Rows, int Columns) ReadImagesHeader(IdxReader reader, bool inOneArray)
    {
        const string Header = "the 16-byte header of an IDX image file";
        uint magic = reader.ReadUInt32(ImagesHeaderSize, Header);
        if (magic != ImagesMagic)
        {
            string hint = magic == LabelsMagic ? " That is a label file: are the image and label files swapped?" : "";
            throw reader.Error($"the magic number is {Hex(magic)}, but an IDX image file (unsigned bytes, 3 dimensions) starts with {Hex(ImagesMagic)}.{hint}", 0);
        }

        uint count = reader.ReadUInt32(ImagesHeaderSize, Header);
        uint rows = reader.ReadUInt32(ImagesHeaderSize, Header);
        uint columns = reader.ReadUInt32(ImagesHeaderSize, Header);
        string images = $"{count} images of {rows}×{columns} pixels";
        if (count == 0 || rows == 0 || columns == 0)
        {
            throw reader.Error($"the header says {images}; every dimension must be at least 1.", 4);
        }

        // rows × columns fits 64 bits; once it is below Array.MaxLength (< 2^31), count × it fits too.
        ulong pixelsPerImage = (ulong)rows * columns;
        if (pixelsPerImage > (ulong)Array.MaxLength || (inOneArray && (ulong)count * pixelsPerImage > (ulong)Array.MaxLength))
        {
            throw reader.Error(
                $"the header says {images}, more pixels than one array can hold ({Array.MaxLength}); the header is corrupt.", 4);
        }

        reader.CheckLength(ImagesHeaderSize + ((long)count * (long)pixelsPerImage), $"a {ImagesHeaderSize}-byte header and {images}");
        return ((int)count, (int)rows, (int)columns);
    }

    private static uint ReadLabelsHeader(IdxReader reader, int classCount, bool inOneArray)
    {
        const string Header = "the 8-byte header of an IDX label file";
        uint magic = reader.ReadUInt32(LabelsHeaderSize, Header);
        if (magic != LabelsMagic)
        {
            string hint = magic == ImagesMagic ? " That is an image file: are the image and label files swapped?" : "";
            throw reader.Error($"the magic number is {Hex(magic)}, but an IDX label file (unsigned bytes, 1 dimension) starts with {Hex(LabelsMagic)}.{hint}", 0);
        }

        uint count = reader.ReadUInt32(LabelsHeaderSize, Header);
        if (count == 0 || (inOneArray && (ulong)count * (ulong)classCount > (ulong)Array.MaxLength))
        {
            throw reader.Error($"the header says {count} labels, which is not a usable count; the header is corrupt.", 4);
        }

        reader.CheckLength(LabelsHeaderSize + (long)count, $"an {LabelsHeaderSize}-byte header and {count} labels");
        return count;
    }

    private static float[] ReadPixels(IdxReader reader, int count, int rows, int columns)
    {
        long total = (long)count * rows * columns;
        float[] pixels = new float[reader.InitialCapacity(total)];
        reader.ReadBody(total, ImagesHeaderSize + total, $"a {ImagesHeaderSize}-byte header and {count} images of {rows}×{columns} pixels", (chunk, index) =>
        {
            IdxReader.EnsureCapacity(ref pixels, index + chunk.Length, total);
            Span<float> destination = pixels.AsSpan((int)index, chunk.Length);
            for (int i = 0; i < chunk.Length; i++)
            {
                destination[i] = PixelValues[chunk[i]];
            }
        });
        return pixels;
    }

    private static float[] ReadLabels(IdxReader reader, int count, int classCount)
    {
        long total = (long)count * classCount;
        float[] oneHot = new float[reader.InitialCapacity(total, classCount)];
        reader.ReadBody(count, LabelsHeaderSize + (long)count, $"an {LabelsHeaderSize}-byte header and {count} labels", (chunk, index) =>
        {
            IdxReader.EnsureCapacity(ref oneHot, (index + chunk.Length) * classCount, total);
            for (int i = 0; i < chunk.Length; i++)
            {
                if (chunk[i] >= classCount)
                {
                    long offset = LabelsHeaderSize + index + i;
                    throw reader.Error(LabelOutOfRange(offset, chunk[i], classCount), offset);
                }

                oneHot[((index + i) * classCount) + chunk[i]] = 1f;
            }
        });
        return oneHot;
    }

    private static float[] CreatePixelValues()
    {
        var values = new float[256];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i / 255f;
        }

        return values;
    }

    private static string Hex(uint value) => $"0x{value:X8}";
}
