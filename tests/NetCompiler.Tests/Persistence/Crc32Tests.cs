using System.Text;
using NetCompiler.Persistence;

namespace NetCompiler.Tests.Persistence;

/// <summary>The CRC-32 of the model format against the published check values of CRC-32/ISO-HDLC (zlib, PNG).</summary>
public sealed class Crc32Tests
{
    [Theory]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xE8B7BE43u)]
    [InlineData("abc", 0x352441C2u)]
    [InlineData("message digest", 0x20159D7Fu)]
    [InlineData("123456789", 0xCBF43926u)]
    [InlineData("The quick brown fox jumps over the lazy dog", 0x414FA339u)]
    public void MatchesKnownCheckValues(string text, uint expected) =>
        Assert.Equal(expected, Crc32.Compute(Encoding.ASCII.GetBytes(text)));

    [Theory]
    [InlineData(0x00, 0x190A55ADu)]
    [InlineData(0xFF, 0xFF6CAB0Bu)]
    public void MatchesKnownValuesFor32RepeatedBytes(byte value, uint expected) =>
        Assert.Equal(expected, Crc32.Compute(Enumerable.Repeat(value, 32).ToArray()));

    [Fact]
    public void AppendingPiecesGivesTheCrcOfTheWhole()
    {
        byte[] data = Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog");
        for (int split = 0; split <= data.Length; split++)
        {
            uint first = Crc32.Compute(data.AsSpan(0, split));
            Assert.Equal(0x414FA339u, Crc32.Append(first, data.AsSpan(split)));
        }
    }
}
