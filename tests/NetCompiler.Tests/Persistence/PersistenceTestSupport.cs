using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using NetCompiler.Persistence;

namespace NetCompiler.Tests.Persistence;

/// <summary>Helpers shared by the persistence tests: parameter fingerprints, model bytes, and a hand-written header per FORMAT.md.</summary>
internal static class PersistenceTestSupport
{
    /// <summary>The raw bits of every parameter, for bit-exact comparisons (NaN payloads and -0 included).</summary>
    public static int[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values).ToArray();

    /// <summary>Overwrites every parameter (biases too, which initialise to zero) with distinct finite values that depend on <paramref name="salt"/>.</summary>
    public static void Scramble(Span<float> parameters, int salt)
    {
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = MathF.Sin((i * 12.9898f) + salt) * 3f;
        }
    }

    /// <summary>A network of <typeparamref name="TNet"/> with scrambled parameters.</summary>
    public static TNet ScrambledNetwork<TNet>(int salt)
        where TNet : class, INeuralNetwork<TNet>
    {
        var net = TNet.Create(salt);
        Scramble(net.Parameters, salt);
        return net;
    }

    /// <summary>The bytes <see cref="ModelFile.Save{TNet}(TNet, Stream)"/> writes for <paramref name="net"/>.</summary>
    public static byte[] SaveToBytes<TNet>(TNet net)
        where TNet : class, INeuralNetwork<TNet>
    {
        using var stream = new MemoryStream();
        net.Save(stream);
        return stream.ToArray();
    }

    /// <summary>
    /// A model header written by hand from the table in FORMAT.md (independently of the library's
    /// writer), with a correct header checksum unless <paramref name="validChecksum"/> is false.
    /// </summary>
    public static byte[] Header(
        uint version, int inputSize, int loss, (int Size, int Activation)[] layers, string name, int parameterCount, bool validChecksum = true)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        var header = new List<byte>("NCNET\r\n\u001A"u8.ToArray());
        AddUInt32(header, version);
        AddUInt32(header, (uint)inputSize);
        AddUInt32(header, (uint)loss);
        AddUInt32(header, (uint)layers.Length);
        foreach (var (size, activation) in layers)
        {
            AddUInt32(header, (uint)size);
            AddUInt32(header, (uint)activation);
        }

        AddUInt32(header, (uint)nameBytes.Length);
        header.AddRange(nameBytes);
        AddUInt32(header, (uint)parameterCount);
        uint checksum = Crc32.Compute(header.ToArray());
        AddUInt32(header, validChecksum ? checksum : ~checksum);
        return [.. header];
    }

    /// <summary>A header for <typeparamref name="TNet"/>'s own topology and name, but claiming <paramref name="parameterCount"/> parameters.</summary>
    public static byte[] HeaderFor<TNet>(int parameterCount)
        where TNet : class, INeuralNetwork<TNet>
    {
        var description = TNet.Description;
        return Header(
            1,
            description.InputSize,
            (int)description.Loss,
            [.. description.Layers.Select(l => (l.Size, (int)l.Activation))],
            description.Name,
            parameterCount);
    }

    /// <summary>A whole model by hand: <paramref name="header"/>, the parameters little-endian, then their CRC-32.</summary>
    public static byte[] Model(byte[] header, ReadOnlySpan<float> parameters)
    {
        var bytes = new byte[header.Length + (4 * parameters.Length) + 4];
        header.CopyTo(bytes, 0);
        for (int i = 0; i < parameters.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(header.Length + (4 * i)), parameters[i]);
        }

        var parameterBytes = bytes.AsSpan(header.Length, 4 * parameters.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32.Compute(parameterBytes));
        return bytes;
    }

    /// <summary>Runs <paramref name="load"/>, which must throw <see cref="ModelFormatException"/>, and checks that the network's parameters kept their bits.</summary>
    public static ModelFormatException AssertRejected<TNet>(TNet net, Action load, string context = "")
        where TNet : class, INeuralNetwork<TNet>
    {
        int[] before = Bits(net.Parameters);
        var exception = Record.Exception(load);
        Assert.True(before.AsSpan().SequenceEqual(Bits(net.Parameters)), $"{context}: the parameters changed");
        return exception as ModelFormatException
            ?? throw new Xunit.Sdk.XunitException($"{context}: expected ModelFormatException, got {exception?.ToString() ?? "no exception"}");
    }

    private static void AddUInt32(List<byte> bytes, uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        bytes.AddRange(buffer);
    }
}

/// <summary>A read-only view of a stream that cannot seek (like a network or pipe stream), so its length is unknown to the reader.</summary>
internal sealed class NonSeekableStream(Stream inner) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => inner.Read(buffer);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Passes writes to <paramref name="inner"/> until <paramref name="failAfterBytes"/> bytes have gone through, then throws (a full disk, a yanked drive); optionally fails on flush instead.</summary>
internal sealed class FaultyWriteStream(Stream inner, long failAfterBytes, bool failOnFlush = false) : Stream
{
    public const string FaultMessage = "Injected fault: the device stopped accepting data.";

    private long _written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        long allowed = Math.Max(0, failAfterBytes - _written);
        if (buffer.Length > allowed)
        {
            inner.Write(buffer[..(int)allowed]);
            _written += allowed;
            throw new IOException(FaultMessage);
        }

        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void Flush()
    {
        if (failOnFlush)
        {
            throw new IOException(FaultMessage);
        }

        inner.Flush();
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>A fresh directory under the system's temporary directory, deleted with everything in it on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "NetCompiler.Tests", Guid.NewGuid().ToString("N"));

    /// <summary>A path in the directory.</summary>
    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The names of the files and directories now in the directory, sorted.</summary>
    public string[] Entries() => [.. Directory.EnumerateFileSystemEntries(Path).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal)!];

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
