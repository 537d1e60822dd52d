namespace NetCompiler.Onnx.Tests;

/// <summary>
/// Exported models run in ONNX Runtime (CPU) and give what Forward gives, for every activation: a
/// batch of 50 random samples per network with random weights and biases, compared element by element
/// within <see cref="OnnxAssert.Tolerance"/>.
/// </summary>
public class OnnxRuntimeParityTests
{
    [Fact]
    public void SigmoidTanhReluIdentityMatchesForward() => AssertParity<SigmoidTanhReluNet>(seed: 1);

    [Fact]
    public void LeakyReluEluSoftplusMatchesForward() => AssertParity<LeakyEluSoftplusNet>(seed: 2);

    [Fact]
    public void SiluGeluSoftmaxMatchesForward() => AssertParity<SiluGeluSoftmaxNet>(seed: 3);

    [Fact]
    public void SingleSigmoidLayerMatchesForward() => AssertParity<LogisticNet>(seed: 4);

    [Fact]
    public void ReluSoftmaxClassifierMatchesForward() => AssertParity<ReluClassifierNet>(seed: 5);

    [Fact]
    public void HiddenIdentityLayerMatchesForward() => AssertParity<LinearBottleneckNet>(seed: 7);

    [Fact]
    public void ExportedModelDeclaresSymbolicBatchAndFixedFeatures()
    {
        var model = OnnxAssert.Export(new SigmoidTanhReluNet(seed: 1));

        var (input, inputSymbols, output) = OnnxRuntimeRunner.Shapes(model);

        Assert.Equal([-1, 5], input);
        Assert.Equal("batch", inputSymbols[0]);
        Assert.Equal([-1, 3], output);
    }

    [Fact]
    public void ExportToPathWritesAFileOnnxRuntimeRuns()
    {
        var net = TestData.RandomNetwork<SiluGeluSoftmaxNet>(seed: 6);
        string path = Path.Combine(Path.GetTempPath(), $"netcompiler-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Export(net, path);

            OnnxAssert.MatchesOnnxRuntime(net, File.ReadAllBytes(path), seed: 106);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void AssertParity<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet>
    {
        var net = TestData.RandomNetwork<TNet>(seed);
        OnnxAssert.MatchesOnnxRuntime(net, OnnxAssert.Export(net), seed + 100);
    }
}
