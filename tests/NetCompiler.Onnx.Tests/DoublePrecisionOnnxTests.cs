using Microsoft.ML.OnnxRuntime;

namespace NetCompiler.Onnx.Tests;

/// <summary>
/// Double networks in ONNX: exported with DOUBLE tensors, run by ONNX Runtime in double to what Forward computes, imported
/// back bit for bit; a model of the other element type is refused naming both.
/// </summary>
public class DoublePrecisionOnnxTests
{
    /// <summary>Relative agreement with ONNX Runtime in double: both compute in double, in slightly different orders.</summary>
    private const double Tolerance = 1e-12;

    [Fact]
    public void SigmoidTanhReluSoftmaxMatchesOnnxRuntimeInDouble() => AssertParity<DoubleSigmoidTanhReluSoftmaxNet>(seed: 11);

    [Fact]
    public void SiluGeluMatchesOnnxRuntimeInDouble() => AssertParity<DoubleSiluGeluNet>(seed: 12);

    [Fact]
    public void TheExportedModelIsDoubleThroughout()
    {
        var model = OnnxSerializer.Decode(Export(RandomDouble<DoubleSigmoidTanhReluSoftmaxNet>(seed: 13)));

        Assert.Equal((int)OnnxDataType.Double, model.Graph!.Inputs.Single().ElementType);
        Assert.Equal((int)OnnxDataType.Double, model.Graph.Outputs.Single().ElementType);
        Assert.All(model.Graph.Initializers, tensor => Assert.Equal((int)OnnxDataType.Double, tensor.DataType));
    }

    [Fact]
    public void ADoubleModelImportsBackBitForBit()
    {
        var net = RandomDouble<DoubleSiluGeluNet>(seed: 14);
        net.Parameters[0] = 0.1; // a value float cannot hold
        var copy = new DoubleSiluGeluNet(seed: 99);

        OnnxImporter.Load(copy, new MemoryStream(Export(net)));

        Assert.Equal(net.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits), copy.Parameters.ToArray().Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void AModelOfTheOtherElementTypeIsRefusedNamingBoth()
    {
        var floatNet = TestData.RandomNetwork<SigmoidTanhReluNet>(seed: 15);
        var doubleNet = RandomDouble<DoubleSigmoidTanhReluNet>(seed: 16);
        using var floatModel = new MemoryStream();
        OnnxExporter.Export(floatNet, floatModel);
        using var doubleModel = new MemoryStream();
        OnnxExporter.Export(doubleNet, doubleModel);
        double[] before = doubleNet.Parameters.ToArray();

        var intoDouble = Assert.Throws<OnnxModelMismatchException>(() => OnnxImporter.Load(doubleNet, new MemoryStream(floatModel.ToArray())));
        var intoFloat = Assert.Throws<OnnxModelMismatchException>(() => OnnxImporter.Load(floatNet, new MemoryStream(doubleModel.ToArray())));

        Assert.Contains("element type: ONNX FLOAT, network double (Precision.Double)", intoDouble.Message, StringComparison.Ordinal);
        Assert.Contains("element type: ONNX DOUBLE, network float (Precision.Single)", intoFloat.Message, StringComparison.Ordinal);
        Assert.Equal(before, doubleNet.Parameters.ToArray());
    }

    private static void AssertParity<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet, double>
    {
        var net = RandomDouble<TNet>(seed);
        var random = new Random(seed + 100);
        const int Count = 50;
        double[] inputs = [.. Enumerable.Range(0, Count * TNet.InputSize).Select(_ => (random.NextDouble() * 6) - 3)];

        double[] actual = RunInOnnxRuntime(Export(net), inputs, TNet.InputSize);

        var expected = new double[TNet.OutputSize];
        for (int sample = 0; sample < Count; sample++)
        {
            TNet.Forward(net.Parameters, inputs.AsSpan(sample * TNet.InputSize, TNet.InputSize), expected);
            for (int k = 0; k < TNet.OutputSize; k++)
            {
                double onnx = actual[(sample * TNet.OutputSize) + k];
                Assert.True(
                    Math.Abs(onnx - expected[k]) <= Tolerance * Math.Max(1, Math.Abs(expected[k])),
                    $"sample {sample}, output {k}: Forward {expected[k]:R}, ONNX Runtime {onnx:R}");
            }
        }
    }

    private static double[] RunInOnnxRuntime(byte[] model, double[] inputs, int inputSize)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs.AsMemory(), [inputs.Length / inputSize, inputSize]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [OnnxExporter.InputName], [input], [OnnxExporter.OutputName]);
        return results[0].GetTensorDataAsSpan<double>().ToArray();
    }

    private static byte[] Export<TNet>(TNet net)
        where TNet : class, INeuralNetwork<TNet, double>
    {
        using var stream = new MemoryStream();
        OnnxExporter.Export(net, stream);
        return stream.ToArray();
    }

    /// <summary>A network with random weights and biases in [-1, 1) (biases are zero after initialisation).</summary>
    private static TNet RandomDouble<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet, double>
    {
        var net = TNet.Create(seed);
        var random = new Random(seed);
        for (int i = 0; i < net.Parameters.Length; i++)
        {
            net.Parameters[i] = (random.NextDouble() * 2) - 1;
        }

        return net;
    }
}
