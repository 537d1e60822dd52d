using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NetCompiler.Persistence;
using static NetCompiler.Tests.Persistence.PersistenceTestSupport;

namespace NetCompiler.Tests.Persistence;

/// <summary>Double networks in the model file: version 3, float64 parameters bit for bit, and no mixing of element types.</summary>
public class DoublePersistenceTests
{
    private const string Unchanged = " The network's parameters were not changed.";

    [Fact]
    public void ADoubleNetworkSavesAndLoadsBitForBitIncludingSpecialValues()
    {
        using var directory = new TemporaryDirectory();
        string path = Path.Combine(directory.Path, "double.ncnet");
        var net = Scrambled(salt: 3);
        net.Parameters[0] = -0.0;
        net.Parameters[1] = double.Epsilon;
        net.Parameters[2] = BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_1234); // a NaN with a payload
        net.Parameters[3] = double.NegativeInfinity;
        net.Parameters[4] = 0.1; // not a float: all 53 bits must survive

        net.Save(path);
        var loaded = ModelFile.Load<PersistIrisDoubleNet, double>(path);
        var intoExisting = Scrambled(salt: 4);
        intoExisting.Load(path);

        Assert.Equal(BitsOf(net.Parameters), BitsOf(loaded.Parameters));
        Assert.Equal(BitsOf(net.Parameters), BitsOf(intoExisting.Parameters));
    }

    /// <summary>The version 3 layout of FORMAT.md, read back by hand: element size 8 before P, float64 parameters, both checksums.</summary>
    [Fact]
    public void TheFileIsVersion3WithFloat64Parameters()
    {
        var net = Scrambled(salt: 5);
        using var stream = new MemoryStream();
        net.Save(stream);
        byte[] bytes = stream.ToArray();
        int layers = 2, nameLength = "PersistIrisDoubleNet".Length, parameters = PersistIrisDoubleNet.ParameterCount;

        Assert.Equal(48 + (12 * layers) + nameLength + (8 * parameters), bytes.Length);
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        int at = 28 + (12 * layers) + nameLength;
        Assert.Equal(0, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at)));          // S: no standardiser
        Assert.Equal(8, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 4)));      // E: float64
        Assert.Equal(parameters, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 8)));
        Assert.Equal(Crc32.Compute(bytes.AsSpan(0, at + 12)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12)));
        var values = bytes.AsSpan(at + 16, 8 * parameters);
        Assert.Equal(net.Parameters[7], BinaryPrimitives.ReadDoubleLittleEndian(values[(8 * 7)..]));
        Assert.Equal(Crc32.Compute(values), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 16 + (8 * parameters))));
        Assert.Equal(PersistIrisDoubleNet.Description.ToString(), ModelFile.ReadDescription(new MemoryStream(bytes)).ToString());
    }

    [Fact]
    public void ADoubleFileDoesNotLoadIntoAFloatNetworkNorTheReverse()
    {
        using var doubleFile = new MemoryStream();
        Scrambled(salt: 6).Save(doubleFile);
        var floatNet = ScrambledNetwork<PersistIrisNet>(salt: 7);

        var intoFloat = AssertRejected(floatNet, () => floatNet.Load(new MemoryStream(doubleFile.ToArray())));
        Assert.Equal(
            "The model stream holds float64 (double) parameters, but PersistIrisNet is a float32 (float) network; load it into a network declared with Precision = Precision.Double, or save it again from one of float32 (float)." + Unchanged,
            intoFloat.Message);

        byte[] floatFile = SaveToBytes(floatNet);
        var doubleNet = Scrambled(salt: 8);
        double[] before = doubleNet.Parameters.ToArray();
        var intoDouble = Assert.Throws<ModelFormatException>(() => doubleNet.Load(new MemoryStream(floatFile)));
        Assert.Equal(
            "The model stream holds float32 (float) parameters, but PersistIrisDoubleNet is a float64 (double) network; load it into a network declared with Precision = Precision.Single, or save it again from one of float64 (double)." + Unchanged,
            intoDouble.Message);
        Assert.Equal(before, doubleNet.Parameters.ToArray());
    }

    [Fact]
    public void AnElementSizeOtherThanFourOrEightIsCorrupt()
    {
        using var stream = new MemoryStream();
        Scrambled(salt: 9).Save(stream);
        byte[] bytes = stream.ToArray();
        int at = 28 + (12 * 2) + "PersistIrisDoubleNet".Length + 4;
        bytes[at] = 2;
        int checksumAt = at + 8;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(checksumAt), Crc32.Compute(bytes.AsSpan(0, checksumAt)));
        var net = Scrambled(salt: 10);

        var exception = Assert.Throws<ModelFormatException>(() => net.Load(new MemoryStream(bytes)));

        Assert.Contains("its parameters' element size is 2 bytes, but it must be 4 (float32) or 8 (float64)", exception.Message, StringComparison.Ordinal);
        Assert.Equal(at, exception.Offset);
    }

    private static PersistIrisDoubleNet Scrambled(int salt)
    {
        var net = new PersistIrisDoubleNet(seed: salt);
        for (int i = 0; i < net.Parameters.Length; i++)
        {
            net.Parameters[i] = Math.Sin((i * 12.9898) + salt) * 3;
        }

        return net;
    }

    private static long[] BitsOf(ReadOnlySpan<double> values) => MemoryMarshal.Cast<double, long>(values).ToArray();
}
