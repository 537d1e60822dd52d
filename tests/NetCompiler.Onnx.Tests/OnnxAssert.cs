namespace NetCompiler.Onnx.Tests;

/// <summary>Export/import shortcuts and the comparisons the ONNX tests share.</summary>
internal static class OnnxAssert
{
    /// <summary>Tolerance of ONNX Runtime against Forward: |ONNX Runtime − Forward| ≤ 1e-5 · max(1, |Forward|).</summary>
    public const float Tolerance = 1e-5f;

    public static byte[] Export<TNet>(TNet net)
        where TNet : class, INeuralNetwork<TNet>
    {
        using var stream = new MemoryStream();
        OnnxExporter.Export(net, stream);
        return stream.ToArray();
    }

    public static void Load<TNet>(TNet net, byte[] model, OnnxImportOptions? options = null)
        where TNet : class, INeuralNetwork<TNet>
    {
        using var stream = new MemoryStream(model);
        OnnxImporter.Load(net, stream, options);
    }

    /// <summary>Asserts both buffers hold the same bit patterns (so -0, NaN payloads and subnormals count).</summary>
    public static void BitwiseEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            int e = BitConverter.SingleToInt32Bits(expected[i]);
            int a = BitConverter.SingleToInt32Bits(actual[i]);
            Assert.True(e == a, $"parameter {i}: expected bits 0x{e:X8} ({expected[i]:R}), got 0x{a:X8} ({actual[i]:R})");
        }
    }

    /// <summary>
    /// Runs <paramref name="model"/> in ONNX Runtime on 50 random samples and asserts that
    /// <paramref name="net"/>'s Forward gives the same outputs (after <paramref name="onnxOutput"/> maps
    /// ONNX Runtime's row, e.g. a softmax over logits). Returns the largest relative difference.
    /// </summary>
    public static double MatchesOnnxRuntime<TNet>(TNet net, byte[] model, int seed, string inputName = "input", string outputName = "output", Action<Span<float>>? onnxOutput = null)
        where TNet : class, INeuralNetwork<TNet>
    {
        var inputs = TestData.Inputs(50, TNet.InputSize, seed);
        var expected = TestData.ForwardBatch<TNet>(net.Parameters, inputs);
        var actual = OnnxRuntimeRunner.Run(model, inputs, TNet.InputSize, inputName, outputName);
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int sample = 0; sample < 50; sample++)
        {
            var row = actual.AsSpan(sample * TNet.OutputSize, TNet.OutputSize);
            onnxOutput?.Invoke(row);
            for (int k = 0; k < TNet.OutputSize; k++)
            {
                float e = expected[(sample * TNet.OutputSize) + k];
                float scale = MathF.Max(1f, MathF.Abs(e));
                double difference = MathF.Abs(row[k] - e) / scale;
                worst = Math.Max(worst, difference);
                Assert.True(
                    difference <= Tolerance,
                    $"{typeof(TNet).Name}: sample {sample}, output {k}: ONNX Runtime {row[k]:R}, Forward {e:R}");
            }
        }

        return worst;
    }

    /// <summary>The max-subtracted softmax of a row, in place (what a NetCompiler Softmax output does to logits).</summary>
    public static void Softmax(Span<float> row) => NetCompiler.Kernels.Activations.Softmax(row, row);
}
