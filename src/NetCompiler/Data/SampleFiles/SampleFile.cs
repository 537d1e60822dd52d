using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using NetCompiler.Training;

namespace NetCompiler.Data;

/// <summary>
/// A file of training samples in NetCompiler's binary sample format (FORMAT.md beside this file): little-endian
/// float32 features and targets in fixed-size chunks, each with a CRC-32C, after a 64-byte header with the feature
/// and target counts. Convert data to it once (<see cref="Write(string, ITrainingData, int)"/>, <see cref="ConvertCsv"/>, <see cref="ConvertIdx"/>,
/// or the Parquet package), then load it in memory or train on it streamed, chunk by chunk, without parsing again.
/// </summary>
/// <remarks>
/// Every offset is fixed by the header, so a chunk can be read (or memory-mapped) on its own, from any thread:
/// <see cref="ReadChunk"/> uses positioned reads and checks the chunk's checksum. Opening checks the header's
/// checksum, the shape and that the file's length matches; a bad chunk throws <see cref="DataFormatException"/> with
/// its offset when it is read.
/// </remarks>
public sealed class SampleFile : IChunkedTrainingData, IDisposable
{
    /// <summary>The suggested file extension.</summary>
    public const string Extension = ".ncsamples";

    /// <summary>The default chunk size in bytes, which sets <see cref="DefaultSamplesPerChunk"/>: 1 MiB.</summary>
    public const int DefaultChunkBytes = 1 << 20;

    private readonly SafeFileHandle _handle;
    private readonly SampleFileHeader _header;
    private readonly uint[] _checksums;

    private SampleFile(string path, SafeFileHandle handle, SampleFileHeader header, uint[] checksums)
    {
        Path = path;
        _handle = handle;
        _header = header;
        _checksums = checksums;
    }

    /// <summary>The file's path as given.</summary>
    public string Path { get; }

    /// <summary>The number of input floats of one sample.</summary>
    public int FeatureCount => _header.FeatureCount;

    /// <summary>The number of target floats of one sample.</summary>
    public int TargetCount => _header.TargetCount;

    /// <summary>The number of samples.</summary>
    public long Count => _header.SampleCount;

    /// <summary>The number of samples of every chunk but the last.</summary>
    public int SamplesPerChunk => _header.SamplesPerChunk;

    /// <summary>The number of chunks.</summary>
    public int ChunkCount => _header.ChunkCount;

    /// <summary>The number of samples in chunks of about <see cref="DefaultChunkBytes"/> for this sample shape (at least 1).</summary>
    public static int DefaultSamplesPerChunk(int featureCount, int targetCount) =>
        (int)Math.Max(1, DefaultChunkBytes / (((long)featureCount + targetCount) * sizeof(float)));

    /// <summary>Opens a sample file, checking its header and length (chunks are checked as they are read).</summary>
    /// <exception cref="DataFormatException">The file is not a sample file, or is truncated or corrupt.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static SampleFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            long length = RandomAccess.GetLength(handle);
            Span<byte> bytes = stackalloc byte[SampleFileHeader.Size];
            bytes.Clear();
            ReadExactly(handle, bytes[..(int)Math.Min(length, SampleFileHeader.Size)], 0);
            var header = SampleFileHeader.Read(bytes, length, (what, offset) => new DataFormatException($"{path}: {what}", path, offset: offset));
            byte[] table = new byte[header.ChunkCount * sizeof(uint)];
            ReadExactly(handle, table, header.ChecksumTableOffset);
            var checksums = new uint[header.ChunkCount];
            for (int i = 0; i < checksums.Length; i++)
            {
                checksums[i] = BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(i * sizeof(uint)));
            }

            return new SampleFile(path, handle, header, checksums);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Loads a whole sample file into memory.</summary>
    /// <exception cref="DataFormatException">The file is malformed or a chunk is corrupt.</exception>
    /// <exception cref="InvalidOperationException">The samples do not fit one array; train on the file streamed.</exception>
    public static Dataset Load(string path)
    {
        using var file = Open(path);
        return file.ToDataset();
    }

    /// <summary>Writes <paramref name="data"/> to a new sample file at <paramref name="path"/> (replaced atomically).</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="data">The samples.</param>
    /// <param name="samplesPerChunk">Samples per chunk; 0 for <see cref="DefaultSamplesPerChunk"/>.</param>
    public static void Write(string path, ITrainingData data, int samplesPerChunk = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        Create(path, data.FeatureCount, data.TargetCount, writer => writer.Write(data.Features, data.Targets), samplesPerChunk);
    }

    /// <summary>
    /// Writes the chunks of <paramref name="data"/>, in order, to a new sample file at <paramref name="path"/> (replaced
    /// atomically), in the memory of one chunk: how a streamed source (IDX files, Parquet row groups, another sample
    /// file) is converted.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="data">The samples.</param>
    /// <param name="samplesPerChunk">Samples per chunk of the new file; 0 for <see cref="DefaultSamplesPerChunk"/>.</param>
    /// <exception cref="DataFormatException">A chunk of <paramref name="data"/> could not be read.</exception>
    public static void Write(string path, IChunkedTrainingData data, int samplesPerChunk = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        Create(path, data.FeatureCount, data.TargetCount, writer =>
        {
            float[] features = [];
            float[] targets = [];
            for (int chunk = 0; chunk < data.ChunkCount; chunk++)
            {
                int n = data.ChunkSampleCount(chunk);
                if (features.Length < n * data.FeatureCount)
                {
                    features = new float[n * data.FeatureCount];
                    targets = new float[n * data.TargetCount];
                }

                Span<float> chunkFeatures = features.AsSpan(0, n * data.FeatureCount);
                Span<float> chunkTargets = targets.AsSpan(0, n * data.TargetCount);
                data.ReadChunk(chunk, chunkFeatures, chunkTargets);
                writer.Write(chunkFeatures, chunkTargets);
            }
        }, samplesPerChunk);
    }

    /// <summary>
    /// Creates a sample file at <paramref name="path"/> from the samples <paramref name="write"/> appends to the writer it is
    /// given, in memory of one chunk. The file appears complete or not at all: it is written to a temporary file that
    /// replaces <paramref name="path"/> only when <paramref name="write"/> returns.
    /// </summary>
    /// <exception cref="ArgumentException">A sample holds NaN or ±∞, or the spans are not whole samples.</exception>
    public static void Create(string path, int featureCount, int targetCount, Action<SampleFileWriter> write, int samplesPerChunk = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetCount);
        ArgumentOutOfRangeException.ThrowIfNegative(samplesPerChunk);
        if (samplesPerChunk == 0)
        {
            samplesPerChunk = DefaultSamplesPerChunk(featureCount, targetCount);
        }

        if ((long)samplesPerChunk * (featureCount + targetCount) * sizeof(float) > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(samplesPerChunk), samplesPerChunk, "A chunk must fit one array; take fewer samples per chunk.");
        }

        Persistence.AtomicFile.Write(path, stream =>
        {
            var writer = new SampleFileWriter(stream, featureCount, targetCount, samplesPerChunk);
            write(writer);
            writer.Finish();
        });
    }

    /// <summary>
    /// Converts a CSV file to a sample file, streamed: memory stays at one chunk and one block of text whatever the
    /// file's size. For classification without <see cref="CsvOptions.ClassNames"/> a first pass reads the labels, so the
    /// classes are sorted as <see cref="CsvDataset"/> sorts them. Returns the class names in one-hot order (null for regression).
    /// </summary>
    /// <exception cref="DataFormatException">The CSV is malformed; the message says where and why, as <see cref="CsvDataset"/>'s do.</exception>
    public static string[]? ConvertCsv(string csvPath, string samplePath, CsvOptions? options = null, int samplesPerChunk = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(csvPath);
        options ??= CsvOptions.Default;
        CsvDataset.Validate(options);
        string[]? classNames = null;
        if (options.Task == CsvTask.Classification)
        {
            classNames = options.ClassNames is { } fixedNames ? [.. fixedNames.Select(n => n.Trim())] : ReadClassNames(csvPath, options);
            options = new CsvOptions
            {
                HasHeader = options.HasHeader,
                Delimiter = options.Delimiter,
                Task = options.Task,
                LabelColumn = options.LabelColumn,
                FeatureColumns = options.FeatureColumns,
                ClassNames = classNames,
            };
        }

        using var reader = CsvDataset.OpenText(csvPath);
        var rows = CsvRowReader.Open(reader, options, csvPath, keepLabels: false);
        int featureCount = rows.FeatureCount;
        int targetCount = classNames?.Length ?? rows.TargetColumnCount;
        Create(samplePath, featureCount, targetCount, writer =>
        {
            var features = new float[featureCount];
            var targets = new float[targetCount];
            while (rows.MoveNext())
            {
                rows.ReadFeatures(features);
                if (classNames is null)
                {
                    rows.ReadTargets(targets);
                }
                else
                {
                    Array.Clear(targets);
                    targets[rows.ReadLabel()] = 1f;
                }

                writer.Write(features, targets);
            }
        }, samplesPerChunk);
        return classNames;
    }

    /// <summary>
    /// Converts an IDX image file and its label file (see <see cref="IdxDataset"/>) to a sample file: uncompressed files
    /// chunk by chunk (<see cref="IdxTrainingData"/>), gzip-compressed ones through memory.
    /// </summary>
    /// <exception cref="DataFormatException">A file is malformed, or the two do not match.</exception>
    public static void ConvertIdx(string imagesPath, string labelsPath, string samplePath, int classCount = 10, int samplesPerChunk = 0)
    {
        if (IdxReader.IsCompressed(imagesPath) || IdxReader.IsCompressed(labelsPath))
        {
            Write(samplePath, IdxDataset.Load(imagesPath, labelsPath, classCount), samplesPerChunk);
            return;
        }

        using var data = IdxTrainingData.Open(imagesPath, labelsPath, classCount);
        Write(samplePath, data, samplesPerChunk);
    }

    /// <summary>The number of samples of chunk <paramref name="chunk"/>.</summary>
    public int ChunkSampleCount(int chunk)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(chunk);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(chunk, ChunkCount);
        return _header.ChunkSampleCount(chunk);
    }

    /// <summary>
    /// Reads chunk <paramref name="chunk"/> into <paramref name="features"/> and <paramref name="targets"/> (exactly its
    /// samples' floats) and checks its checksum. Safe to call from several threads at once.
    /// </summary>
    /// <exception cref="DataFormatException">The chunk's checksum does not match: the file is corrupt.</exception>
    public void ReadChunk(int chunk, Span<float> features, Span<float> targets)
    {
        int count = ChunkSampleCount(chunk);
        if (features.Length != count * FeatureCount || targets.Length != count * TargetCount)
        {
            throw new ArgumentException(
                $"Chunk {chunk} holds {count} samples: {count * FeatureCount} feature and {count * TargetCount} target floats; the spans have {features.Length} and {targets.Length}.");
        }

        long offset = _header.ChunkOffset(chunk);
        Span<byte> featureBytes = MemoryMarshal.AsBytes(features);
        Span<byte> targetBytes = MemoryMarshal.AsBytes(targets);
        ReadExactly(_handle, featureBytes, offset);
        ReadExactly(_handle, targetBytes, offset + featureBytes.Length);
        uint computed = Crc32C.Append(Crc32C.Compute(featureBytes), targetBytes);
        if (computed != _checksums[chunk])
        {
            throw new DataFormatException(
                $"{Path}: chunk {chunk} of {ChunkCount} (offset {offset}, {featureBytes.Length + targetBytes.Length} bytes) has the checksum 0x{computed:X8} but the file records 0x{_checksums[chunk]:X8}; the file is corrupt.",
                Path,
                offset: offset);
        }

        if (!BitConverter.IsLittleEndian)
        {
            FromLittleEndian(features);
            FromLittleEndian(targets);
        }
    }

    /// <summary>Every sample, in memory.</summary>
    /// <exception cref="InvalidOperationException">The samples do not fit one array; train on the file streamed.</exception>
    public Dataset ToDataset()
    {
        if (Count * FeatureCount > Array.MaxLength || Count * TargetCount > Array.MaxLength)
        {
            throw new InvalidOperationException($"{Path} holds {Count} samples, more than one array can hold; train on it streamed.");
        }

        var features = new float[Count * FeatureCount];
        var targets = new float[Count * TargetCount];
        for (int chunk = 0; chunk < ChunkCount; chunk++)
        {
            long first = (long)chunk * SamplesPerChunk;
            int n = _header.ChunkSampleCount(chunk);
            ReadChunk(chunk, features.AsSpan((int)(first * FeatureCount), n * FeatureCount), targets.AsSpan((int)(first * TargetCount), n * TargetCount));
        }

        return new Dataset(features, FeatureCount, targets, TargetCount);
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _handle.Dispose();

    /// <summary>Writes <paramref name="values"/> as little-endian float32 bytes.</summary>
    internal static void ToLittleEndian(ReadOnlySpan<float> values, Span<byte> destination)
    {
        MemoryMarshal.AsBytes(values).CopyTo(destination);
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> words = MemoryMarshal.Cast<byte, int>(destination[..(values.Length * sizeof(float))]);
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }

    private static void FromLittleEndian(Span<float> values)
    {
        Span<int> words = MemoryMarshal.Cast<float, int>(values);
        BinaryPrimitives.ReverseEndianness(words, words);
    }

    /// <summary>Reads exactly <paramref name="destination"/>'s length at <paramref name="offset"/>.</summary>
    /// <exception cref="EndOfStreamException">The file ends first (it was cut after it was opened).</exception>
    internal static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(handle, destination, offset);
            if (read == 0)
            {
                throw new EndOfStreamException($"The file ended at offset {offset}, while its header says there is more.");
            }

            destination = destination[read..];
            offset += read;
        }
    }

    private static string[] ReadClassNames(string csvPath, CsvOptions options)
    {
        using var reader = CsvDataset.OpenText(csvPath);
        var rows = CsvRowReader.Open(reader, options, csvPath, keepLabels: false);
        while (rows.MoveNext())
        {
            rows.ReadLabel();
        }

        return [.. rows.Labels!.Names.Order(StringComparer.Ordinal)];
    }
}
