using System.Buffers.Binary;

namespace NetCompiler.Data;

/// <summary>
/// The 64-byte header of a sample file (layout in FORMAT.md beside this file): the sample shape, the chunking and
/// the sample count, protected by its own CRC-32C. It also computes where each chunk lies and how long the file is.
/// </summary>
internal readonly record struct SampleFileHeader(int FeatureCount, int TargetCount, int SamplesPerChunk, long SampleCount)
{
    public const int Size = 64;
    public const uint Version = 1;

    /// <summary><c>"NCSAMPLE"</c> in ASCII.</summary>
    public static ReadOnlySpan<byte> Magic => "NCSAMPLE"u8;

    /// <summary>The bytes of one sample (features then targets, float32).</summary>
    public long SampleBytes => ((long)FeatureCount + TargetCount) * sizeof(float);

    /// <summary>The number of chunks: all hold <see cref="SamplesPerChunk"/> samples but the last.</summary>
    public int ChunkCount => (int)((SampleCount + SamplesPerChunk - 1) / SamplesPerChunk);

    /// <summary>The offset of the checksum table, right after the last chunk.</summary>
    public long ChecksumTableOffset => Size + (SampleCount * SampleBytes);

    /// <summary>The length of a well-formed file.</summary>
    public long FileLength => ChecksumTableOffset + ((long)ChunkCount * sizeof(uint));

    /// <summary>The number of samples of chunk <paramref name="chunk"/>.</summary>
    public int ChunkSampleCount(int chunk) => (int)Math.Min(SamplesPerChunk, SampleCount - ((long)chunk * SamplesPerChunk));

    /// <summary>The offset of chunk <paramref name="chunk"/>.</summary>
    public long ChunkOffset(int chunk) => Size + ((long)chunk * SamplesPerChunk * SampleBytes);

    public void Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], FeatureCount);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], TargetCount);
        BinaryPrimitives.WriteInt32LittleEndian(destination[20..], SamplesPerChunk);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], SampleCount);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[60..], Crc32C.Compute(destination[..60]));
    }

    /// <summary>Reads and checks a header; <paramref name="error"/> builds the exception for a message and an offset.</summary>
    public static SampleFileHeader Read(ReadOnlySpan<byte> bytes, long fileLength, Func<string, long, DataFormatException> error)
    {
        if (fileLength < Size || !bytes[..Magic.Length].SequenceEqual(Magic))
        {
            throw error($"this is not a NetCompiler sample file: it does not start with the 64-byte header whose first bytes are \"NCSAMPLE\".", 0);
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version != Version)
        {
            throw error($"the sample file format version is {version}; this library reads version {Version}.", 8);
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[60..]);
        uint computed = Crc32C.Compute(bytes[..60]);
        if (stored != computed)
        {
            throw error($"the header's checksum is 0x{stored:X8} but its bytes give 0x{computed:X8}; the header is corrupt.", 60);
        }

        var header = new SampleFileHeader(
            BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]),
            BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]),
            BinaryPrimitives.ReadInt64LittleEndian(bytes[24..]));
        if (header.FeatureCount <= 0 || header.TargetCount <= 0 || header.SamplesPerChunk <= 0 || header.SampleCount < 0
            || header.SamplesPerChunk * header.SampleBytes > Array.MaxLength)
        {
            throw error(
                $"the header says {header.SampleCount} samples of {header.FeatureCount} features and {header.TargetCount} targets in chunks of {header.SamplesPerChunk}, which is not a usable shape.", 12);
        }

        if (header.FileLength != fileLength)
        {
            throw error(
                $"the file has {fileLength} bytes but its header ({header.SampleCount} samples of {header.FeatureCount} + {header.TargetCount} floats in {header.ChunkCount} chunks) needs {header.FileLength}; the file is truncated or has extra bytes.",
                Math.Min(fileLength, header.FileLength));
        }

        return header;
    }
}
