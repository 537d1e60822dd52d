using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NetCompiler.Data;

/// <summary>
/// Appends samples to a sample file being written by <see cref="SampleFile.Create"/>: samples gather in one chunk
/// buffer (features and targets apart, as the chunk stores them); each full chunk is written with its checksum.
/// Memory stays at one chunk whatever the file's size.
/// </summary>
public sealed class SampleFileWriter
{
    private readonly Stream _stream;
    private readonly int _featureCount;
    private readonly int _targetCount;
    private readonly int _samplesPerChunk;
    private readonly float[] _features;
    private readonly float[] _targets;
    private readonly List<uint> _checksums = [];
    private byte[] _bytes = [];
    private int _buffered;

    internal SampleFileWriter(Stream stream, int featureCount, int targetCount, int samplesPerChunk)
    {
        _stream = stream;
        _featureCount = featureCount;
        _targetCount = targetCount;
        _samplesPerChunk = samplesPerChunk;
        _features = new float[(long)samplesPerChunk * featureCount];
        _targets = new float[(long)samplesPerChunk * targetCount];
        Span<byte> header = stackalloc byte[SampleFileHeader.Size];
        header.Clear();
        _stream.Write(header);
    }

    /// <summary>The number of samples written so far.</summary>
    public long Count { get; private set; }

    /// <summary>Appends whole samples: <paramref name="features"/> holds <c>n × FeatureCount</c> floats, <paramref name="targets"/> <c>n × TargetCount</c>.</summary>
    /// <exception cref="ArgumentException">The spans are not whole samples, hold different numbers of them, or hold NaN or ±∞.</exception>
    public void Write(ReadOnlySpan<float> features, ReadOnlySpan<float> targets)
    {
        int count = Kernels.Guard.SampleCount(features.Length, targets.Length, _featureCount, _targetCount, network: null, nameof(features), nameof(targets), "featureCount", "targetCount");
        if (Kernels.Guard.FirstNonFinite(features) is int badFeature)
        {
            throw new ArgumentException($"Sample {Count + (badFeature / _featureCount)} has the feature {features[badFeature]}; a sample file holds finite numbers only.", nameof(features));
        }

        if (Kernels.Guard.FirstNonFinite(targets) is int badTarget)
        {
            throw new ArgumentException($"Sample {Count + (badTarget / _targetCount)} has the target {targets[badTarget]}; a sample file holds finite numbers only.", nameof(targets));
        }

        int done = 0;
        while (done < count)
        {
            int n = Math.Min(count - done, _samplesPerChunk - _buffered);
            features.Slice(done * _featureCount, n * _featureCount).CopyTo(_features.AsSpan(_buffered * _featureCount));
            targets.Slice(done * _targetCount, n * _targetCount).CopyTo(_targets.AsSpan(_buffered * _targetCount));
            _buffered += n;
            done += n;
            Count += n;
            if (_buffered == _samplesPerChunk)
            {
                WriteChunk();
            }
        }
    }

    /// <summary>Writes the last chunk, the checksum table and the header.</summary>
    internal void Finish()
    {
        if (_buffered > 0)
        {
            WriteChunk();
        }

        byte[] table = new byte[_checksums.Count * sizeof(uint)];
        for (int i = 0; i < _checksums.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(i * sizeof(uint)), _checksums[i]);
        }

        _stream.Write(table);
        Span<byte> header = stackalloc byte[SampleFileHeader.Size];
        new SampleFileHeader(_featureCount, _targetCount, _samplesPerChunk, Count).Write(header);
        _stream.Position = 0;
        _stream.Write(header);
    }

    private void WriteChunk()
    {
        int featureBytes = _buffered * _featureCount * sizeof(float);
        int length = featureBytes + (_buffered * _targetCount * sizeof(float));
        if (_bytes.Length < length)
        {
            _bytes = new byte[length];
        }

        Span<byte> chunk = _bytes.AsSpan(0, length);
        SampleFile.ToLittleEndian(_features.AsSpan(0, _buffered * _featureCount), chunk[..featureBytes]);
        SampleFile.ToLittleEndian(_targets.AsSpan(0, _buffered * _targetCount), chunk[featureBytes..]);
        _checksums.Add(Crc32C.Compute(chunk));
        _stream.Write(chunk);
        _buffered = 0;
    }
}
