using System.Buffers.Binary;
using NetCompiler.Generator.Model;
using NetCompiler.Generator.Shared;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// The generator compiles the runtime's model-file and ONNX readers for netstandard2.0 (see
/// NetCompiler.Generator.csproj). What it supplies around them must behave as the runtime's own: the activation
/// constants, the topology summary, and the newer .NET APIs it re-implements.
/// </summary>
public sealed class SharedReaderTests
{
    private static readonly uint[] SpecialBits = [0x7FC0_1234, 0x8000_0000, 0x0000_0001, 0xD800_DC00, 0x3F80_0000, 0xFF80_0000];

    [Fact]
    public void TheActivationConstantsAreTheRuntimes()
    {
        Assert.Equal(BitConverter.SingleToUInt32Bits(Kernels.Activations.LeakyReLUSlope), BitConverter.SingleToUInt32Bits(Kernels.ActivationConstants.LeakyReLUSlope));
        Assert.Equal(BitConverter.SingleToUInt32Bits(Kernels.Activations.GeluScale), BitConverter.SingleToUInt32Bits(Kernels.ActivationConstants.GeluScale));
        Assert.Equal(BitConverter.SingleToUInt32Bits(Kernels.Activations.GeluCubic), BitConverter.SingleToUInt32Bits(Kernels.ActivationConstants.GeluCubic));
    }

    [Fact]
    public void TheTopologyStandInCountsAndSummarisesAsTheRuntime()
    {
        var runtime = new NetworkDescription("IrisNet", 4, Loss.CrossEntropy, (16, Activation.Tanh), (3, Activation.Softmax));
        var standIn = new Persistence.NetworkDescription("IrisNet", 4, LossKind.CrossEntropy, [(16, ActivationKind.Tanh, 0f), (3, ActivationKind.Softmax, 0f)]);

        Assert.Equal("4 → 16 Tanh → 3 Softmax, CrossEntropy, 131 parameters", runtime.ToString());
        Assert.Equal(runtime.ToString(), standIn.ToString());
        Assert.Equal(runtime.ParameterCount, standIn.ParameterCount);

        var withDropout = new NetworkDescription("IrisNet", 4, Loss.CrossEntropy, (16, Activation.Tanh, 0.25f), (3, Activation.Softmax, 0f));
        var standInWithDropout = new Persistence.NetworkDescription("IrisNet", 4, LossKind.CrossEntropy, [(16, ActivationKind.Tanh, 0.25f), (3, ActivationKind.Softmax, 0f)]);
        Assert.Equal("4 → 16 Tanh dropout 0.25 → 3 Softmax, CrossEntropy, 131 parameters", withDropout.ToString());
        Assert.Equal(withDropout.ToString(), standInWithDropout.ToString());
    }

    [Fact]
    public void FloatsAreReadAndWrittenLittleEndianBitForBit()
    {
        foreach (uint bits in SpecialBits)
        {
            byte[] little = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(little, bits);
            Assert.Equal(bits, BitConverter.SingleToUInt32Bits(RuntimePolyfills.ReadSingleLittleEndian(little)));

            byte[] written = new byte[4];
            RuntimePolyfills.WriteSingleLittleEndian(written, BitConverter.UInt32BitsToSingle(bits));
            Assert.Equal(little, written);
        }

        byte[] one = [0, 0, 0, 0, 0, 0, 0xF0, 0x3F];
        Assert.Equal(1.0, RuntimePolyfills.ReadDoubleLittleEndian(one));
    }

    [Fact]
    public void ReverseEndiannessSwapsEveryValue()
    {
        int[] values = [0x0102_0304, -1, 0x7F00_0080];
        int[] reversed = new int[3];
        RuntimePolyfills.ReverseEndianness(values, reversed);
        Assert.Equal([0x0403_0201, -1, unchecked((int)0x8000_007F)], reversed);
    }

    [Fact]
    public void ReadAtLeastGathersShortReadsAndStopsAtTheEnd()
    {
        using var stream = new TrickleStream([1, 2, 3, 4, 5]);
        byte[] buffer = new byte[4];
        Assert.Equal(4, RuntimePolyfills.ReadAtLeast(stream, buffer, 4, throwOnEndOfStream: false));
        Assert.Equal([1, 2, 3, 4], buffer);
        Assert.Equal(1, RuntimePolyfills.ReadAtLeast(stream, buffer, 4, throwOnEndOfStream: false));
        Assert.Equal(5, buffer[0]);
        Assert.Throws<EndOfStreamException>(() => RuntimePolyfills.ReadAtLeast(stream, buffer, 1));
    }

    [Fact]
    public void ReadingIntoASpanReadsOnceAndWritingASpanWritesItAll()
    {
        using var trickle = new TrickleStream([7, 8, 9]);
        Span<byte> buffer = stackalloc byte[3];
        Assert.Equal(1, RuntimePolyfills.Read(trickle, buffer));
        Assert.Equal(7, buffer[0]);

        using var memory = new MemoryStream();
        RuntimePolyfills.Write(memory, [1, 2, 3]);
        Assert.Equal([1, 2, 3], memory.ToArray());
    }

    /// <summary>A stream that hands out one byte per read, as a pipe may.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 1)]);
    }
}
