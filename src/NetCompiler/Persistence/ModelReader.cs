using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace NetCompiler.Persistence;

/// <summary>
/// Reads model data from a stream for <see cref="ModelFileFormat"/>: it counts the offset from the
/// model's first byte, keeps a running CRC-32 of what it read, never reads past the bytes it is
/// asked for, and turns every problem into a <see cref="ModelFormatException"/> whose message names
/// the source, the offset and what was expected.
/// </summary>
internal sealed class ModelReader
{
    /// <summary>Parameters are read in pieces of at most this many bytes.</summary>
    private const int ChunkBytes = 64 * 1024;

    private readonly Stream _stream;
    private readonly string? _filePath;
    private readonly string _consequence;
    private long _offset;
    private uint _checksum;

    /// <summary>Reads from <paramref name="stream"/>, which is positioned at the model's first byte.</summary>
    /// <param name="stream">The stream to read.</param>
    /// <param name="filePath">The path to name in messages, or null to say "the model stream".</param>
    /// <param name="intoNetwork">True when loading into a network: messages then end by saying its parameters were not changed.</param>
    public ModelReader(Stream stream, string? filePath, bool intoNetwork)
    {
        _stream = stream;
        _filePath = filePath;
        Source = filePath is null ? "The model stream" : $"'{filePath}'";
        _consequence = intoNetwork ? " The network's parameters were not changed." : string.Empty;
    }

    /// <summary>How messages name what is read: <c>'path'</c> or <c>The model stream</c>.</summary>
    public string Source { get; }

    /// <summary>The number of bytes read so far, i.e. the offset of the next byte from the model's first byte.</summary>
    public long Offset => _offset;

    /// <summary>The CRC-32 of the bytes read since the last <see cref="RestartChecksum"/>.</summary>
    public uint Checksum => _checksum;

    /// <summary>Starts a new CRC-32 at the current offset.</summary>
    public void RestartChecksum() => _checksum = 0;

    /// <summary>Reads up to <c>buffer.Length</c> bytes (fewer only at the end of the data) and returns how many were read.</summary>
    public int ReadAvailable(Span<byte> buffer)
    {
        int read = _stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        _checksum = Crc32.Append(_checksum, buffer[..read]);
        _offset += read;
        return read;
    }

    /// <summary>Fills <paramref name="buffer"/> or throws because the data ends inside <paramref name="what"/>.</summary>
    public void Read(Span<byte> buffer, string what)
    {
        long start = _offset;
        int read = ReadAvailable(buffer);
        if (read < buffer.Length)
        {
            throw Truncated(what, buffer.Length, start);
        }
    }

    /// <summary>Reads a little-endian 32-bit signed integer.</summary>
    public int ReadInt32(string what)
    {
        Span<byte> bytes = stackalloc byte[sizeof(int)];
        Read(bytes, what);
        return BinaryPrimitives.ReadInt32LittleEndian(bytes);
    }

    /// <summary>Reads a little-endian 32-bit unsigned integer.</summary>
    public uint ReadUInt32(string what)
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        Read(bytes, what);
        return BinaryPrimitives.ReadUInt32LittleEndian(bytes);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with little-endian float32 values, reading at most
    /// <see cref="ChunkBytes"/> bytes at a time.
    /// </summary>
    public void ReadSingles(Span<float> destination, string what) => ReadValues(destination, what);

    /// <summary>
    /// Fills <paramref name="destination"/> with little-endian IEEE 754 values (float32 or float64), reading at most
    /// <see cref="ChunkBytes"/> bytes at a time.
    /// </summary>
    public void ReadValues<TValue>(Span<TValue> destination, string what)
        where TValue : unmanaged
    {
        long start = _offset;
        Span<byte> bytes = MemoryMarshal.AsBytes(destination);
        for (int done = 0; done < bytes.Length;)
        {
            var chunk = bytes.Slice(done, Math.Min(ChunkBytes, bytes.Length - done));
            int read = ReadAvailable(chunk);
            if (read < chunk.Length)
            {
                throw Truncated(what, bytes.Length, start);
            }

            done += read;
        }

        if (!BitConverter.IsLittleEndian)
        {
            if (bytes.Length == destination.Length * sizeof(long))
            {
                var bits = MemoryMarshal.Cast<byte, long>(bytes);
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }
            else
            {
                var bits = MemoryMarshal.Cast<byte, int>(bytes);
                BinaryPrimitives.ReverseEndianness(bits, bits);
            }
        }
    }

    /// <summary>
    /// When the stream can tell its length, throws unless at least <paramref name="count"/> more
    /// bytes are there. Called before allocating a buffer whose size comes from the data.
    /// </summary>
    public void RequireAvailable(long count, string what)
    {
        if (_stream.CanSeek)
        {
            long available = Math.Max(0, _stream.Length - _stream.Position);
            if (available < count)
            {
                throw Error(Expected(what, _offset, count, _offset + available), _offset + available);
            }
        }
    }

    /// <summary>Throws if any byte follows the model (used for files, which hold exactly one model).</summary>
    public void RequireEnd()
    {
        long extra;
        if (_stream.CanSeek)
        {
            extra = _stream.Length - _stream.Position;
        }
        else
        {
            Span<byte> probe = stackalloc byte[1];
            extra = _stream.Read(probe);
        }

        if (extra > 0)
        {
            string howMany = _stream.CanSeek ? $"{extra} more bytes follow" : "more bytes follow";
            throw Error($"is corrupted: the model ends at byte {_offset}, but {howMany}; a model file holds exactly one model.", _offset);
        }
    }

    /// <summary>An exception whose message is <see cref="Source"/>, then <paramref name="predicate"/>, then what happened to the network.</summary>
    public ModelFormatException Error(string predicate, long? offset) =>
        new($"{Source} {predicate}{_consequence}", _filePath, offset);

    private static string Expected(string what, long start, long length, long end) =>
        $"is truncated: expected {what} at bytes {start}-{start + length - 1} ({length} bytes), but the data ends at byte {end}.";

    private ModelFormatException Truncated(string what, long length, long start) => Error(Expected(what, start, length, _offset), _offset);
}
