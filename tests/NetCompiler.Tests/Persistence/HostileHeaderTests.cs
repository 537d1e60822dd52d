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

    [Fact]
    public void SizesWhoseSixtyFourBitSumWrapsToTheStoredCountAreRefused()
    {
        // Issue 13, defect 4: each 2147483647-wide layer adds (2^31 - 1) × 2^31 = 2^62 - 2^31 parameters, so four of them
        // add up to 2^64 - 2^33, which wraps a 64-bit sum to -2^33; the layer of 4 adds 2^33 and the last layer 5. A sum that
        // wraps comes out at exactly the stored P = 5, and NetworkDescription's constructor then threw OverflowException.
        const int Huge = int.MaxValue;
        byte[] header = Header(1, Huge, 0, [(Huge, 0), (Huge, 0), (Huge, 0), (Huge, 0), (4, 0), (1, 0)], "Wrap", 5);
        const string Expected =
            "is corrupted: its header says 5 parameters, but its layers (2147483647 → 2147483647 Identity → 2147483647 Identity → " +
            "2147483647 Identity → 2147483647 Identity → 4 Identity → 1 Identity) have more than 2147483647.";

        var load = LoadMeasuringAllocation<PersistIrisNet>([.. header, .. new byte[24]], out long allocated);
        var describe = Assert.Throws<ModelFormatException>(() => ModelFile.ReadDescription(new MemoryStream(header)));

        Assert.Equal($"The model stream {Expected} The network's parameters were not changed.", load.Message);
        Assert.Equal($"The model stream {Expected}", describe.Message);
        Assert.Equal(8 + 4 + 4 + 4 + 4 + (6 * 8) + 4 + "Wrap".Length, describe.Offset);
        Assert.InRange(allocated, 0, SmallAllocation);
    }

    [Fact]
    public void EveryCombinationOfExtremeSizesWithAValidChecksumIsRefusedOrDescribedExactly()
    {
        // Headers a checksum cannot protect against (crafted, checksum recomputed): inputs 1 or 2^31 - 1, then 1 to 6
        // layers whose sizes are each 1, 4, 65 536 or 2^31 - 1 (10 920 topologies, issue 13's among them), each stored
        // with its true count when that fits an int, else with the count a wrapping 64-bit sum gives. A header is described exactly
        // when its stored count is the true one and fits an int; otherwise it is ModelFormatException, never anything else.
        int[] sizes = [1, 4, 65_536, int.MaxValue];
        var failures = new List<string>();
        int headers = 0, described = 0, fitting = 0, wraps = 0;
        foreach (int inputSize in new[] { 1, int.MaxValue })
        {
            for (int layerCount = 1; layerCount <= 6; layerCount++)
            {
                for (int combination = 0; combination < 1 << (2 * layerCount); combination++)
                {
                    var layers = new (int Size, int Activation)[layerCount];
                    System.Numerics.BigInteger exact = 0;
                    long wrapped = 0;
                    int previous = inputSize;
                    for (int i = 0; i < layerCount; i++)
                    {
                        int size = sizes[(combination >> (2 * i)) & 3];
                        layers[i] = (size, 0);
                        exact += ((System.Numerics.BigInteger)size * previous) + size;
                        wrapped = unchecked(wrapped + ((long)size * previous) + size);
                        previous = size;
                    }

                    bool fits = exact <= int.MaxValue;
                    wraps += !fits && wrapped is >= 0 and <= int.MaxValue ? 1 : 0;
                    fitting += fits ? 1 : 0;
                    int stored = fits ? (int)exact : unchecked((int)wrapped);
                    headers++;
                    byte[] header = Header(1, inputSize, 0, layers, "Extreme", stored);
                    string topology = $"{inputSize} → {string.Join(" → ", layers.Select(l => l.Size))}, stored {stored}";
                    var exception = Record.Exception(() =>
                    {
                        var description = ModelFile.ReadDescription(new MemoryStream(header));
                        described++;
                        if (!fits || description.ParameterCount != (int)exact)
                        {
                            failures.Add($"{topology}: described with {description.ParameterCount} parameters");
                        }
                    });
                    if (exception is not (null or ModelFormatException))
                    {
                        failures.Add($"{topology}: {exception.GetType().Name}: {exception.Message}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {headers} headers misbehaved; the first:\n{string.Join("\n", failures.Take(10))}");
        Assert.Equal(10_920, headers);
        Assert.Equal(705, fitting);
        Assert.Equal(705, described);

        // Four topologies wrap into the int range: issue 13's 2147483647 → 2147483647 ×4 → 4 → 1 and three like it.
        Assert.Equal(4, wraps);
    }

    [Theory]
    [InlineData(new[] { int.MaxValue, int.MaxValue }, 1)]
    [InlineData(new[] { 65_536, 32_768, 1 }, 32_769)]
    [InlineData(new[] { 46_341, 46_341 }, 0)]
    [InlineData(new[] { 1_073_741_824, 2, 1 }, 5)]
    public void LayersHoldingMoreThanAnyNetworkCanAreRefusedAsCorruption(int[] sizes, int storedCount)
    {
        // Whatever the stored count, a topology above int.MaxValue parameters is refused by the header check, never by an
        // OverflowException (or any other exception) from summing or describing it.
        byte[] header = Header(1, sizes[0], 0, [.. sizes.Skip(1).Select(size => (size, 0))], "Big", storedCount);

        var exception = Assert.Throws<ModelFormatException>(() => ModelFile.ReadDescription(new MemoryStream(header)));

        Assert.StartsWith($"The model stream is corrupted: its header says {storedCount} parameters, but its layers (", exception.Message);
    }

    [Fact]
    public void TheLargestCountANetworkCanHoldIsReadAsATopology()
    {
        // 1 input → 715 827 882 units → 1 unit: (715827882 + 715827882) + (715827882 + 1) = 2147483647 parameters, the
        // most a network can hold: the bound is inclusive.
        byte[] header = Header(1, 1, 0, [(715_827_882, 0), (1, 0)], "Largest", int.MaxValue);

        var description = ModelFile.ReadDescription(new MemoryStream(header));

        Assert.Equal(int.MaxValue, description.ParameterCount);
        Assert.Equal(2_147_483_646, description.Layers[1].BiasOffset);
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
