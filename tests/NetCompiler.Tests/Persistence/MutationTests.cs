using static NetCompiler.Tests.Persistence.PersistenceTestSupport;

namespace NetCompiler.Tests.Persistence;

/// <summary>
/// The guarantee of issue 13 for model files: every single-bit flip, every truncation and every byte overwritten with 0x00
/// or 0xFF of a small <c>.ncnet</c> file either throws <see cref="ModelFormatException"/> and leaves the network's
/// parameters as they were, or is accepted with parameters of the right count that are exactly the ones the file stores.
/// Both checksums are CRC-32, which detects every error within 32 consecutive bits, so in fact every mutation is rejected.
/// </summary>
public sealed class MutationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void EveryBitFlipTruncationAndOverwrittenByteOfAModelFileIsRejectedCleanlyOrReadExactly()
    {
        // XorNet (2 → 4 Tanh → 1 Sigmoid, 17 parameters): a 130-byte file, L = 2, N = 6, the parameters at bytes 58-125.
        var source = ScrambledNetwork<XorNet>(salt: 21);
        byte[] model = SaveToBytes(source);
        const int ParametersStart = ModelFileFormatFixed + (8 * 2) + 6;
        Assert.Equal(ParametersStart + (4 * XorNet.ParameterCount) + 4, model.Length);
        float[] saved = source.Parameters.ToArray();

        var net = new XorNet();
        float[] baseline = ScrambledNetwork<XorNet>(salt: 22).Parameters.ToArray();
        var failures = new List<string>();
        int total = 0, rejected = 0, accepted = 0;

        void Check(byte[] data, string mutation, int flippedOffset = -1, int flippedBit = 0)
        {
            float[] expected = (float[])saved.Clone();
            if (flippedOffset >= ParametersStart && flippedOffset < ParametersStart + (4 * XorNet.ParameterCount))
            {
                int p = (flippedOffset - ParametersStart) / 4;
                int bit = (8 * ((flippedOffset - ParametersStart) % 4)) + flippedBit;
                expected[p] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(expected[p]) ^ (1 << bit));
            }

            foreach (bool seekable in new[] { true, false })
            {
                total++;
                baseline.CopyTo(net.Parameters);
                Stream stream = seekable ? new MemoryStream(data) : new NonSeekableStream(new MemoryStream(data));
                var exception = Record.Exception(() => net.Load(stream));
                string how = seekable ? "seekable" : "not seekable";
                if (exception is ModelFormatException)
                {
                    rejected++;
                    if (!Bits(baseline).AsSpan().SequenceEqual(Bits(net.Parameters)))
                    {
                        failures.Add($"{mutation} ({how}): rejected, but the parameters changed");
                    }
                }
                else if (exception is not null)
                {
                    failures.Add($"{mutation} ({how}): undocumented {exception.GetType().Name}: {exception.Message}");
                }
                else
                {
                    accepted++;
                    if (net.Parameters.Length != XorNet.ParameterCount || !Bits(expected).AsSpan().SequenceEqual(Bits(net.Parameters)))
                    {
                        failures.Add($"{mutation} ({how}): accepted, but the parameters are not the {XorNet.ParameterCount} the file stores");
                    }
                }
            }

            // Reading only the header must fail the same documented way, or describe a topology.
            var describe = Record.Exception(() => ModelFile.ReadDescription(new MemoryStream(data)));
            if (describe is not (null or ModelFormatException))
            {
                failures.Add($"{mutation} (ReadDescription): undocumented {describe.GetType().Name}: {describe.Message}");
            }
        }

        for (int offset = 0; offset < model.Length; offset++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] flipped = (byte[])model.Clone();
                flipped[offset] ^= (byte)(1 << bit);
                Check(flipped, $"bit {bit} of byte {offset} flipped", offset, bit);
            }
        }

        for (int length = 0; length < model.Length; length++)
        {
            Check(model[..length], $"truncated to {length} bytes");
        }

        int overwrites = 0;
        foreach (byte value in new byte[] { 0x00, 0xFF })
        {
            for (int offset = 0; offset < model.Length; offset++)
            {
                if (model[offset] != value)
                {
                    byte[] overwritten = (byte[])model.Clone();
                    overwritten[offset] = value;
                    Check(overwritten, $"byte {offset} set to 0x{value:X2}");
                    overwrites++;
                }
            }
        }

        output.WriteLine($"{model.Length}-byte model, {(8 * model.Length) + model.Length + overwrites} mutations, each loaded twice: {total} loads, {rejected} rejected, {accepted} accepted");
        Assert.True(failures.Count == 0, $"{failures.Count} of {total} loads misbehaved; the first:\n{string.Join("\n", failures.Take(10))}");
        Assert.Equal(2 * ((8 * 130) + 130 + overwrites), total);
        Assert.Equal(total, rejected);
    }

    /// <summary>The fixed bytes before the layers' table plus the name length, header checksum and parameter count (FORMAT.md: parameters at 36 + 8L + N).</summary>
    private const int ModelFileFormatFixed = 36;
}
