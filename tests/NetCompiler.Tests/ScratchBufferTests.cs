using NetCompiler.Kernels;

namespace NetCompiler.Tests;

/// <summary>The batched kernels' scratch: exactly the length asked for, starting on a cache line.</summary>
public sealed class ScratchBufferTests
{
    // 30,000 floats and more come from arrays on the large object heap, which the collector does not move, so the
    // alignment checked here cannot change between the rent and the check.
    [Theory]
    [InlineData(30_000)]
    [InlineData(30_001)]
    [InlineData(262_144)]
    public void RentedScratchHasTheLengthAskedForAndStartsOnA64ByteBoundary(int length)
    {
        for (int round = 0; round < 4; round++)
        {
            using var lease = ScratchBuffer.Rent(length, out Span<float> scratch);
            Assert.Equal(length, scratch.Length);
            Assert.Equal(0, AddressOf(scratch) % 64);
            scratch.Fill(1f);
        }
    }

    [Fact]
    public void ANegativeLengthIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ScratchBuffer.Rent<float>(-1, out _));

    private static unsafe long AddressOf(Span<float> span)
    {
        fixed (float* start = span)
        {
            return (long)start;
        }
    }
}
