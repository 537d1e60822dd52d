using System.Buffers;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using NetCompiler.Training;

namespace NetCompiler.Data;

/// <summary>
/// An uncompressed IDX image file and its label file (the MNIST format, see <see cref="IdxDataset"/>) read in chunks
/// of samples straight from the files, for <see cref="StreamedTrainingData"/>: the pixels become features
/// <c>p / 255</c> and the labels one-hot targets, exactly as <see cref="IdxDataset.Load"/> gives them, without holding
/// the files in memory. Every record has a fixed size, so any chunk is read at its offset, from any thread.
/// </summary>
/// <remarks>
/// Opening checks both headers, that the files hold as many images as labels and that their lengths match the
/// headers, with <see cref="IdxDataset.Load"/>'s messages; a label that names no class is reported, with its offset,
/// when its chunk is read. A gzip-compressed file cannot be read at an offset: decompress it, or load it with
/// <see cref="IdxDataset.Load"/>.
/// </remarks>
public sealed class IdxTrainingData : IChunkedTrainingData, IDisposable
{
    private readonly SafeFileHandle _images;
    private readonly SafeFileHandle _labels;
    private readonly string _labelsPath;
    private readonly int _samplesPerChunk;

    private IdxTrainingData(SafeFileHandle images, SafeFileHandle labels, string labelsPath, long count, int pixels, int classCount, int samplesPerChunk)
    {
        _images = images;
        _labels = labels;
        _labelsPath = labelsPath;
        Count = count;
        FeatureCount = pixels;
        TargetCount = classCount;
        _samplesPerChunk = samplesPerChunk;
        ChunkCount = (int)((count + samplesPerChunk - 1) / samplesPerChunk);
        ClassNames = [.. Enumerable.Range(0, classCount).Select(c => c.ToString(CultureInfo.InvariantCulture))];
    }

    /// <summary>The pixels of one image.</summary>
    public int FeatureCount { get; }

    /// <summary>The number of classes.</summary>
    public int TargetCount { get; }

    /// <summary>The number of images.</summary>
    public long Count { get; }

    /// <summary>The number of chunks.</summary>
    public int ChunkCount { get; }

    /// <summary>The classes in one-hot order: <c>"0"</c>, <c>"1"</c>, ….</summary>
    public string[] ClassNames { get; }

    /// <summary>Opens an image file and its label file for streaming.</summary>
    /// <param name="imagesPath">An uncompressed IDX image file.</param>
    /// <param name="labelsPath">An uncompressed IDX label file.</param>
    /// <param name="classCount">The number of classes; every label must be below it. 10 for MNIST digits.</param>
    /// <param name="samplesPerChunk">Images per chunk; 0 for the sample file's default (<see cref="SampleFile.DefaultSamplesPerChunk"/>).</param>
    /// <exception cref="DataFormatException">A file is malformed or compressed, or the two do not match.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    public static IdxTrainingData Open(string imagesPath, string labelsPath, int classCount = 10, int samplesPerChunk = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, 256);
        ArgumentOutOfRangeException.ThrowIfNegative(samplesPerChunk);
        int count;
        int pixels;
        using (IdxReader images = IdxReader.Open(imagesPath))
        using (IdxReader labels = IdxReader.Open(labelsPath))
        {
            foreach (IdxReader reader in (ReadOnlySpan<IdxReader>)[images, labels])
            {
                if (reader.Length is null)
                {
                    throw reader.Error("the file is gzip-compressed, so a chunk cannot be read at its offset; decompress it to stream it, or load it in memory with IdxDataset.Load.", 0);
                }
            }

            (count, int rows, int columns) = IdxDataset.ReadHeaders(images, labels, classCount, inOneArray: false);
            pixels = rows * columns;
        }

        if (samplesPerChunk == 0)
        {
            samplesPerChunk = SampleFile.DefaultSamplesPerChunk(pixels, classCount);
        }

        samplesPerChunk = (int)Math.Min(Math.Min(samplesPerChunk, count), Array.MaxLength / Math.Max(pixels, classCount));
        var imageHandle = File.OpenHandle(imagesPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            var labelHandle = File.OpenHandle(labelsPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
            return new IdxTrainingData(imageHandle, labelHandle, labelsPath, count, pixels, classCount, samplesPerChunk);
        }
        catch
        {
            imageHandle.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public int ChunkSampleCount(int chunk)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunk);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(chunk, ChunkCount);
        return (int)Math.Min(_samplesPerChunk, Count - ((long)chunk * _samplesPerChunk));
    }

    /// <summary>Reads chunk <paramref name="chunk"/>'s images as features and its labels as one-hot targets. Safe to call from several threads at once.</summary>
    /// <exception cref="DataFormatException">A label names no class.</exception>
    public void ReadChunk(int chunk, Span<float> features, Span<float> targets)
    {
        int count = ChunkSampleCount(chunk);
        if (features.Length != count * FeatureCount || targets.Length != count * TargetCount)
        {
            throw new ArgumentException(
                $"Chunk {chunk} holds {count} images: {count * FeatureCount} feature and {count * TargetCount} target floats; the spans have {features.Length} and {targets.Length}.");
        }

        long first = (long)chunk * _samplesPerChunk;
        byte[] bytes = ArrayPool<byte>.Shared.Rent(features.Length);
        try
        {
            Span<byte> pixels = bytes.AsSpan(0, features.Length);
            SampleFile.ReadExactly(_images, pixels, IdxDataset.ImagesHeaderSize + (first * FeatureCount));
            float[] values = IdxDataset.PixelValues;
            for (int i = 0; i < pixels.Length; i++)
            {
                features[i] = values[pixels[i]];
            }

            Span<byte> labels = bytes.AsSpan(0, count);
            long labelsOffset = IdxDataset.LabelsHeaderSize + first;
            SampleFile.ReadExactly(_labels, labels, labelsOffset);
            targets.Clear();
            for (int k = 0; k < count; k++)
            {
                if (labels[k] >= TargetCount)
                {
                    long offset = labelsOffset + k;
                    throw new DataFormatException($"{_labelsPath}: {IdxDataset.LabelOutOfRange(offset, labels[k], TargetCount)}", _labelsPath, offset: offset);
                }

                targets[(k * TargetCount) + labels[k]] = 1f;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    /// <summary>Closes both files.</summary>
    public void Dispose()
    {
        _images.Dispose();
        _labels.Dispose();
    }
}
