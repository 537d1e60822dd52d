using System.Buffers.Binary;
using System.IO.Compression;

namespace NetCompiler.Data;

/// <summary>
/// Reads an IDX file sequentially, plain or gzip-compressed (recognised by its first two bytes,
/// 0x1F 0x8B, not by its name), tracking the offset in the (decompressed) data so every error can
/// say where it happened. For a plain file the length is known, so header sizes are checked against
/// it before anything is allocated; for a gzip file the length is unknown until the end, so the
/// body is read in chunks into buffers that grow only as data actually arrives. GZipStream reports a
/// cut stream as an ordinary end of data, so truncation is caught by counting bytes; a file cut inside
/// its 8-byte gzip trailer still holds all the data and loads.
/// </summary>
internal sealed class IdxReader : IDisposable
{
    /// <summary>Bytes read per chunk and the initial capacity of a growing buffer.</summary>
    private const int ChunkSize = 64 * 1024;

    /// <summary>Deflate's largest possible compression ratio: a gzip file of n bytes decompresses to at most about 1032 n.</summary>
    private const int MaxDeflateRatio = 1032;

    private readonly Stream _stream;

    private readonly long _fileLength;

    private IdxReader(Stream stream, string name, long? length, long fileLength)
    {
        _stream = stream;
        Name = name;
        Length = length;
        _fileLength = fileLength;
    }

    /// <summary>Receives one chunk of the body; <paramref name="index"/> is the chunk's position in the body.</summary>
    public delegate void ChunkHandler(ReadOnlySpan<byte> chunk, long index);

    /// <summary>The file's path as given; messages start with it.</summary>
    public string Name { get; }

    /// <summary>The length of the data, known for a plain file, null for a gzip file.</summary>
    public long? Length { get; }

    /// <summary>The number of (decompressed) bytes read so far.</summary>
    public long Offset { get; private set; }

    /// <summary>Opens <paramref name="path"/>, decompressing it when it starts with the gzip signature.</summary>
    public static IdxReader Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096, FileOptions.SequentialScan);
        try
        {
            Span<byte> signature = stackalloc byte[2];
            int read = file.ReadAtLeast(signature, 2, throwOnEndOfStream: false);
            file.Position = 0;
            return read == 2 && signature[0] == 0x1F && signature[1] == 0x8B
                ? new IdxReader(new GZipStream(file, CompressionMode.Decompress), path, length: null, file.Length)
                : new IdxReader(file, path, file.Length, file.Length);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="path"/> starts with the gzip signature.</summary>
    public static bool IsCompressed(string path)
    {
        using IdxReader reader = Open(path);
        return reader.Length is null;
    }

    /// <summary>Reads a big-endian 32-bit header field; <paramref name="headerSize"/> and <paramref name="what"/> describe the header for a truncation message.</summary>
    public uint ReadUInt32(int headerSize, string what)
    {
        Span<byte> bytes = stackalloc byte[4];
        int read = ReadUpTo(bytes);
        if (read < 4)
        {
            throw Truncated(headerSize, what);
        }

        return BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    /// <summary>
    /// Checks, when the length is known, that the data is exactly <paramref name="expectedLength"/> bytes,
    /// before the caller allocates for it.
    /// </summary>
    public void CheckLength(long expectedLength, string what)
    {
        if (Length is long length)
        {
            if (length < expectedLength)
            {
                throw Truncated(expectedLength, what, length);
            }

            if (length > expectedLength)
            {
                throw TooLong(expectedLength, what, length);
            }
        }
    }

    /// <summary>
    /// Reads the next <paramref name="byteCount"/> bytes in chunks, then checks that the data ends there.
    /// <paramref name="expectedLength"/> and <paramref name="what"/> describe the whole file for messages.
    /// </summary>
    public void ReadBody(long byteCount, long expectedLength, string what, ChunkHandler handler)
    {
        byte[] chunk = new byte[(int)Math.Min(ChunkSize, byteCount)];
        long done = 0;
        while (done < byteCount)
        {
            int wanted = (int)Math.Min(chunk.Length, byteCount - done);
            int read = ReadUpTo(chunk.AsSpan(0, wanted));
            if (read == 0)
            {
                throw Truncated(expectedLength, what);
            }

            handler(chunk.AsSpan(0, read), done);
            done += read;
        }

        if (Length is null && ReadUpTo(chunk.AsSpan(0, 1)) > 0)
        {
            throw TooLong(expectedLength, what, length: null);
        }
    }

    /// <summary>
    /// The initial capacity of a buffer that will hold <paramref name="total"/> elements, <paramref name="elementsPerByte"/>
    /// per byte of data: all of it when the length was checked; for a gzip file no more than its compressed size allows
    /// (so a real file needs no regrowth and a tiny file with a hostile header allocates little).
    /// </summary>
    public int InitialCapacity(long total, int elementsPerByte = 1) =>
        (int)(Length is null ? Math.Min(total, Math.Max(ChunkSize, _fileLength * MaxDeflateRatio * elementsPerByte)) : total);

    /// <summary>Grows <paramref name="buffer"/> (doubling, capped at <paramref name="total"/>) until it holds <paramref name="needed"/> elements.</summary>
    public static void EnsureCapacity<T>(ref T[] buffer, long needed, long total)
    {
        if (needed > buffer.Length)
        {
            Array.Resize(ref buffer, (int)Math.Min(total, Math.Max(needed, 2L * buffer.Length)));
        }
    }

    /// <summary>An error at the current offset, for content the format does not allow.</summary>
    public DataFormatException Error(string what, long offset) => new($"{Name}: {what}", Name, offset: offset);

    public void Dispose() => _stream.Dispose();

    private int ReadUpTo(Span<byte> buffer)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int read = _stream.Read(buffer[total..]);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(
                $"{Name}: the gzip data is corrupt after {Offset + total} decompressed bytes: {e.Message}", Name, offset: Offset + total, innerException: e);
        }

        Offset += total;
        return total;
    }

    private DataFormatException Truncated(long expectedLength, string what, long? end = null)
    {
        long offset = end ?? Offset;
        return new DataFormatException(
            $"{Name}: the data ends at offset {offset} but {expectedLength} bytes were expected ({what}); the file is truncated.", Name, offset: offset);
    }

    private DataFormatException TooLong(long expectedLength, string what, long? length)
    {
        string found = length is long l ? $"the file has {l} bytes" : "the data goes on";
        return new DataFormatException(
            $"{Name}: {found} but should end at offset {expectedLength} ({what}); is this the right file?", Name, offset: expectedLength);
    }
}
