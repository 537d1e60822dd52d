namespace NetCompiler.Onnx.Tests;

/// <summary>Export then import into a fresh instance gives back exactly the same parameters, bit for bit.</summary>
public class RoundTripTests
{
    [Fact]
    public void SigmoidTanhReluIdentityRoundTripsBitExact() => AssertRoundTrip<SigmoidTanhReluNet>(seed: 11);

    [Fact]
    public void LeakyReluEluSoftplusRoundTripsBitExact() => AssertRoundTrip<LeakyEluSoftplusNet>(seed: 12);

    [Fact]
    public void SiluGeluSoftmaxRoundTripsBitExact() => AssertRoundTrip<SiluGeluSoftmaxNet>(seed: 13);

    [Fact]
    public void SingleSigmoidLayerRoundTripsBitExact() => AssertRoundTrip<LogisticNet>(seed: 14);

    [Fact]
    public void ReluSoftmaxClassifierRoundTripsBitExact() => AssertRoundTrip<ReluClassifierNet>(seed: 15);

    [Fact]
    public void HiddenIdentityLayerRoundTripsBitExact() => AssertRoundTrip<LinearBottleneckNet>(seed: 19);

    [Fact]
    public void SpecialValuesKeepTheirBitPatterns()
    {
        var net = TestData.RandomNetwork<LogisticNet>(seed: 16);
        net.Parameters[0] = -0f;
        net.Parameters[1] = float.Epsilon;
        net.Parameters[2] = BitConverter.Int32BitsToSingle(0x7FC0_1234); // a NaN with a payload
        net.Parameters[3] = float.NegativeInfinity;
        net.Parameters[4] = float.MaxValue;
        var fresh = new LogisticNet(seed: 99);

        OnnxAssert.Load(fresh, OnnxAssert.Export(net));

        OnnxAssert.BitwiseEqual(net.Parameters, fresh.Parameters);
    }

    [Fact]
    public void ExportToPathThenLoadFromPathRoundTripsBitExact()
    {
        var net = TestData.RandomNetwork<SiluGeluSoftmaxNet>(seed: 17);
        var fresh = new SiluGeluSoftmaxNet(seed: 18);
        string path = Path.Combine(Path.GetTempPath(), $"netcompiler-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Export(net, path);
            OnnxImporter.Load(fresh, path);
        }
        finally
        {
            File.Delete(path);
        }

        OnnxAssert.BitwiseEqual(net.Parameters, fresh.Parameters);
    }

    private static void AssertRoundTrip<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet>
    {
        var net = TestData.RandomNetwork<TNet>(seed);
        var fresh = TNet.Create(seed + 1000);
        Assert.NotEqual(net.Parameters.ToArray(), fresh.Parameters.ToArray());

        OnnxAssert.Load(fresh, OnnxAssert.Export(net));

        OnnxAssert.BitwiseEqual(net.Parameters, fresh.Parameters);
    }
}
