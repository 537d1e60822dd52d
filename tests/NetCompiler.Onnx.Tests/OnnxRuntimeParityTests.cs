namespace NetCompiler.Onnx.Tests;

/// <summary>
/// Exported models run in ONNX Runtime (CPU) and give what Forward gives, for every activation: a
/// batch of 50 random samples per network with random weights and biases, compared element by element
/// within <see cref="OnnxAssert.Tolerance"/>.
/// </summary>
public class OnnxRuntimeParityTests
{
    [Fact]
    public void SigmoidTanhReluIdentity_MatchesForward() => AssertParity<SigmoidTanhReluNet>(seed: 1);

    [Fact]
    public void LeakyReluEluSoftplus_MatchesForward() => AssertParity<LeakyEluSoftplusNet>(seed: 2);

    [Fact]
    public void SiluGeluSoftmax_MatchesForward() => AssertParity<SiluGeluSoftmaxNet>(seed: 3);

    [Fact]
    public void SingleSigmoidLayer_MatchesForward() => AssertParity<LogisticNet>(seed: 4);

    [Fact]
    public void ReluSoftmaxClassifier_MatchesForward() => AssertParity<ReluClassifierNet>(seed: 5);

    [Fact]
    public void HiddenIdentityLayer_MatchesForward() => AssertParity<LinearBottleneckNet>(seed: 7);

    [Fact]
    public void ExportedModel_DeclaresSymbolicBatchAndFixedFeatures()
    {
        var model = OnnxAssert.Export(new SigmoidTanhReluNet(seed: 1));

        var (input, inputSymbols, output) = OnnxRuntimeRunner.Shapes(model);

        Assert.Equal([-1, 5], input);
        Assert.Equal("batch", inputSymbols[0]);
        Assert.Equal([-1, 3], output);
    }

    [Fact]
    public void ExportToPath_WritesAFileOnnxRuntimeRuns()
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
