using static NetCompiler.Tests.Persistence.PersistenceTestSupport;

namespace NetCompiler.Tests.Persistence;

/// <summary>
/// Headers crafted to make a reader allocate or read without end (huge counts, with valid checksums)
/// are refused before anything is allocated from them.
/// </summary>
public sealed class HostileHeaderTests
{
    /// <summary>What a refused load may allocate: the exception, its message, the header's small arrays.</summary>
    private const long SmallAllocation = 16 * 1024;

    [Fact]
    public void HugeParameterCountIsRefusedWithoutAllocating()
    {
        byte[] header = HeaderFor<PersistIrisNet>(int.MaxValue);

        var exception = LoadMeasuringAllocation<PersistIrisNet>(header, out long allocated);

        Assert.Equal(
            "The model stream is corrupted: its header says 2147483647 parameters, but its layers (4 → 16 Tanh → 3 Softmax) have 131. The network's parameters were not changed.",
            exception.Message);
        Assert.Equal(8 + 4 + 4 + 4 + 4 + 16 + 4 + "PersistIrisNet".Length, exception.Offset);
        Assert.InRange(allocated, 0, SmallAllocation);
    }

    [Fact]
    public void HugeButConsistentTopologyIsRefusedAsAMismatchWithoutAllocating()
    {
        // 40 000 inputs → 40 000 outputs: 1 600 040 000 parameters (6.4 GB), consistent with its own count.
        byte[] header = Header(1, 40_000, 0, [(40_000, 0)], "Huge", 1_600_040_000);

        var exception = LoadMeasuringAllocation<PersistIrisNet>(header, out long allocated);

        Assert.Contains("  input size: file 40000, network 4\n  layer count: file 1, network 2\n  layer 1 size: file 40000, network 16\n", exception.Message);
        Assert.InRange(allocated, 0, SmallAllocation);
    }

    [Fact]
    public void OverflowingTopologyIsRefused()
    {
        // 65 536 × 65 536 weights do not fit in an int; the count is compared in 64 bits.
        byte[] header = Header(1, 65_536, 0, [(65_536, 0)], "Overflow", 65_536);

        var exception = LoadMeasuringAllocation<PersistIrisNet>(header, out long allocated);

        Assert.StartsWith("The model stream is corrupted: its header says 65536 parameters, but its layers (65536 → 65536 Identity) have 4295032832.", exception.Message);
        Assert.InRange(allocated, 0, SmallAllocation);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(4097)]
    [InlineData(0)]
    [InlineData(-1)]
    public void LayerCountOutOfBoundsIsRefusedBeforeReadingLayers(int layerCount)
    {
        byte[] header = HeaderFor<PersistIrisNet>(131);
        BitConverter.TryWriteBytes(header.AsSpan(20), layerCount);

        var exception = LoadMeasuringAllocation<PersistIrisNet>(header, out long allocated);

        Assert.Equal(
            $"The model stream is corrupted: its layer count is {layerCount}, but it must be between 1 and 4096. The network's parameters were not changed.",
            exception.Message);
        Assert.Equal(20, exception.Offset);
        Assert.InRange(allocated, 0, SmallAllocation);
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(4097)]
    [InlineData(-1)]
    public void NameLengthOutOfBoundsIsRefusedBeforeReadingTheName(int nameLength)
    {
        byte[] header = HeaderFor<PersistIrisNet>(131);
        BitConverter.TryWriteBytes(header.AsSpan(24 + 16), nameLength);

        var exception = LoadMeasuringAllocation<PersistIrisNet>(header, out long allocated);

        Assert.Equal(
            $"The model stream is corrupted: its name length is {nameLength}, but it must be between 0 and 4096 bytes. The network's parameters were not changed.",
            exception.Message);
        Assert.InRange(allocated, 0, SmallAllocation);
    }

    [Fact]
    public void TruncatedLargeModelIsRefusedBeforeAllocatingItsParametersWhenTheLengthIsKnown()
    {
        // A valid header for 101 770 parameters (407 080 bytes), followed by only 100 bytes.
        byte[] data = [.. HeaderFor<PersistWideNet>(PersistWideNet.ParameterCount), .. new byte[100]];

        var exception = LoadMeasuringAllocation<PersistWideNet>(data, seekable: true, out long allocated);

        Assert.Equal(
            "The model stream is truncated: expected the parameters and their checksum at bytes 66-407149 (407084 bytes), but the data ends at byte 166. The network's parameters were not changed.",
            exception.Message);
        Assert.InRange(allocated, 0, SmallAllocation);
    }

    [Fact]
    public void TruncatedLargeModelFromAStreamOfUnknownLengthAllocatesNoMoreThanTheNetworkHolds()
    {
        byte[] data = [.. HeaderFor<PersistWideNet>(PersistWideNet.ParameterCount), .. new byte[100]];

        var exception = LoadMeasuringAllocation<PersistWideNet>(data, seekable: false, out long allocated);

        Assert.Equal(166, exception.Offset);
        Assert.InRange(allocated, 4L * PersistWideNet.ParameterCount, (4L * PersistWideNet.ParameterCount) + SmallAllocation);
    }

    /// <summary>
    /// Loads <paramref name="data"/> into a <typeparamref name="TNet"/> twice (the first warms up the JIT,
    /// type initialisers and enum name caches) and measures what the second load allocates. By default
    /// the stream cannot seek, so only the header's own checks protect the reader.
    /// </summary>
    private static ModelFormatException LoadMeasuringAllocation<TNet>(byte[] data, out long allocated)
        where TNet : class, INeuralNetwork<TNet> =>
        LoadMeasuringAllocation<TNet>(data, seekable: false, out allocated);

    private static ModelFormatException LoadMeasuringAllocation<TNet>(byte[] data, bool seekable, out long allocated)
        where TNet : class, INeuralNetwork<TNet>
    {
        var net = TNet.Create(0);
        int[] before = Bits(net.Parameters);
        LoadOnce(net, data, seekable, out _);
        var exception = LoadOnce(net, data, seekable, out allocated);
        Assert.Equal(before, Bits(net.Parameters));
        return exception;
    }

    private static ModelFormatException LoadOnce<TNet>(TNet net, byte[] data, bool seekable, out long allocated)
        where TNet : class, INeuralNetwork<TNet>
    {
        Stream stream = seekable ? new MemoryStream(data) : new NonSeekableStream(new MemoryStream(data));
        long start = GC.GetAllocatedBytesForCurrentThread();
        var exception = Record.Exception(() => net.Load(stream));
        allocated = GC.GetAllocatedBytesForCurrentThread() - start;
        return Assert.IsType<ModelFormatException>(exception);
    }
}
