using NetCompiler.Training;

namespace NetCompiler.Data;

/// <summary>
/// A CSV file of any size as streamed training data (<see cref="StreamedTrainingData"/>), in one call: opening parses
/// the CSV once, streamed in the memory of one chunk, into a temporary sample file (<see cref="SampleFile"/>), which
/// the trainer then reads chunk by chunk every epoch. So the text is parsed once however many epochs train on it, a
/// malformed CSV fails when it is opened, with <see cref="CsvDataset"/>'s messages (file, line, column), before any
/// training, and the batches are exactly those of the converted file (<see cref="SampleFile.ConvertCsv"/>).
/// </summary>
/// <remarks>
/// The temporary file takes <c>4 × (features + targets)</c> bytes per row on disk, in the cache directory
/// given to <see cref="Open"/> (the system's temporary directory by default); it is deleted on <see cref="Dispose"/> (on
/// Linux and macOS at once, the open handle keeping it readable, so nothing is left behind even if the process dies).
/// To train on the same CSV in several runs, convert it once with <see cref="SampleFile.ConvertCsv"/> and open that.
/// </remarks>
public sealed class CsvTrainingData : IChunkedTrainingData, IDisposable
{
    private readonly SampleFile _file;
    private readonly string? _deleteOnDispose;

    private CsvTrainingData(SampleFile file, string? deleteOnDispose, string[]? classNames)
    {
        _file = file;
        _deleteOnDispose = deleteOnDispose;
        ClassNames = classNames;
    }

    /// <summary>For classification, the classes in one-hot order (as <see cref="CsvDataset"/> orders them); null for regression.</summary>
    public string[]? ClassNames { get; }

    /// <inheritdoc />
    public int FeatureCount => _file.FeatureCount;

    /// <inheritdoc />
    public int TargetCount => _file.TargetCount;

    /// <inheritdoc />
    public long Count => _file.Count;

    /// <inheritdoc />
    public int ChunkCount => _file.ChunkCount;

    /// <summary>Parses <paramref name="csvPath"/> into a temporary sample file and opens it for streaming.</summary>
    /// <param name="csvPath">The CSV file.</param>
    /// <param name="options">How to read it (<see cref="CsvOptions.Default"/> when null).</param>
    /// <param name="cacheDirectory">Where to write the temporary sample file; null for the system's temporary directory.</param>
    /// <param name="samplesPerChunk">Rows per chunk; 0 for <see cref="SampleFile.DefaultSamplesPerChunk"/>.</param>
    /// <exception cref="DataFormatException">The CSV is malformed; the message says where and why, as <see cref="CsvDataset"/>'s do.</exception>
    public static CsvTrainingData Open(string csvPath, CsvOptions? options = null, string? cacheDirectory = null, int samplesPerChunk = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(csvPath);
        string samplePath = System.IO.Path.Combine(
            cacheDirectory ?? System.IO.Path.GetTempPath(),
            $"{System.IO.Path.GetFileNameWithoutExtension(csvPath)}-{Guid.NewGuid():N}{SampleFile.Extension}");
        string[]? classNames = SampleFile.ConvertCsv(csvPath, samplePath, options, samplesPerChunk);
        SampleFile file;
        try
        {
            file = SampleFile.Open(samplePath);
        }
        catch
        {
            File.Delete(samplePath);
            throw;
        }

        if (OperatingSystem.IsWindows())
        {
            return new CsvTrainingData(file, samplePath, classNames);
        }

        File.Delete(samplePath);
        return new CsvTrainingData(file, deleteOnDispose: null, classNames);
    }

    /// <inheritdoc />
    public int ChunkSampleCount(int chunk) => _file.ChunkSampleCount(chunk);

    /// <summary>Reads chunk <paramref name="chunk"/> of the parsed rows (<see cref="SampleFile.ReadChunk"/>, checksum included). Safe to call from several threads at once.</summary>
    public void ReadChunk(int chunk, Span<float> features, Span<float> targets) => _file.ReadChunk(chunk, features, targets);

    /// <summary>Closes and deletes the temporary sample file.</summary>
    public void Dispose()
    {
        _file.Dispose();
        if (_deleteOnDispose is not null)
        {
            File.Delete(_deleteOnDispose);
        }
    }
}
