using System.Reflection;
using NetCompiler.Generator.Tests.Infrastructure;
using NetCompiler.Onnx;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// <c>[Network(Weights = "...")]</c> on double networks: a double network's model file (format version 3, float64) or DOUBLE
/// ONNX export bakes in bit for bit, a float32 file widens exactly, and a float64 file does not bake into a float network.
/// </summary>
public sealed class DoubleBakedWeightsTests
{
    private const string DoubleClassifier = """
        using NetCompiler;
        namespace App;
        [Network(Inputs = 3, Loss = Loss.CrossEntropy, Precision = Precision.Double, Weights = "FILE")]
        [Dense(5, Activation.Tanh)]
        [Dense(2, Activation.Softmax)]
        public partial class Classifier;
        """;

    private const string FloatClassifier = """
        using NetCompiler;
        namespace App;
        [Network(Inputs = 3, Loss = Loss.CrossEntropy, Weights = "FILE")]
        [Dense(5, Activation.Tanh)]
        [Dense(2, Activation.Softmax)]
        public partial class Classifier;
        """;

    private static readonly Lazy<Type> s_doubleDonor = new(() => GeneratorHarness.CompileAndLoad("""
        using NetCompiler;
        namespace Donors;
        [Network(Inputs = 3, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
        [Dense(5, Activation.Tanh)]
        [Dense(2, Activation.Softmax)]
        public partial class DoubleClassifier;
        """).GetType("Donors.DoubleClassifier", throwOnError: true)!);

    [Theory]
    [InlineData("classifier.ncnet")]
    [InlineData("classifier.onnx")]
    public void ADoubleNetworksFileBakesIntoADoubleNetworkBitForBit(string fileName)
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File(fileName);
        double[] expected = Call<double[]>(nameof(WriteDoubleDonor), s_doubleDonor.Value, path, fileName.EndsWith(".onnx", StringComparison.Ordinal));

        var assembly = WeightsHarness.CompileAndLoad([path], DoubleClassifier.Replace("FILE", fileName, StringComparison.Ordinal));

        var baked = Call<double[]>(nameof(PretrainedOf), assembly.GetType("App.Classifier", throwOnError: true)!);
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), baked.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(0.1, baked[1]); // not a float: all 53 bits came through
    }

    [Fact]
    public void AFloatModelFileWidensExactlyIntoADoubleNetwork()
    {
        using var directory = new TemporaryDirectory();
        var donor = Donors.TrainedClassifier();
        string path = directory.File("classifier.ncnet");
        LoadedNetworks.Save(donor, path);

        var assembly = WeightsHarness.CompileAndLoad([path], DoubleClassifier.Replace("FILE", "classifier.ncnet", StringComparison.Ordinal));

        var baked = Call<double[]>(nameof(PretrainedOf), assembly.GetType("App.Classifier", throwOnError: true)!);
        double[] widened = [.. LoadedNetworks.Parameters(donor).Select(value => (double)value)];
        Assert.Equal(widened.Select(BitConverter.DoubleToInt64Bits), baked.Select(BitConverter.DoubleToInt64Bits));
    }

    [Theory]
    [InlineData("classifier.ncnet", "element type: file float64 (double), network float32 (float)")]
    [InlineData("classifier.onnx", "element type: ONNX DOUBLE, network float (Precision.Single)")]
    public void NC0016_ADoubleFileDoesNotBakeIntoAFloatNetwork(string fileName, string difference)
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File(fileName);
        Call<double[]>(nameof(WriteDoubleDonor), s_doubleDonor.Value, path, fileName.EndsWith(".onnx", StringComparison.Ordinal));

        var generated = WeightsHarness.Run([path], FloatClassifier.Replace("FILE", fileName, StringComparison.Ordinal));

        var diagnostic = Assert.Single(generated.Diagnostics);
        Assert.Equal("NC0016", diagnostic.Id);
        Assert.Contains($"does not fit the network 'Classifier': {difference}", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private static TResult Call<TResult>(string method, Type network, params object[] arguments) =>
        (TResult)typeof(DoubleBakedWeightsTests).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(network)
            .Invoke(null, arguments)!;

    /// <summary>Saves (or exports) a double donor whose parameters include values float cannot hold, -0 and a subnormal; returns them.</summary>
    private static double[] WriteDoubleDonor<TNet>(string path, bool onnx)
        where TNet : class, INeuralNetwork<TNet, double>
    {
        var net = TNet.Create(7);
        var random = new Random(7);
        for (int i = 0; i < net.Parameters.Length; i++)
        {
            net.Parameters[i] = (random.NextDouble() * 2) - 1;
        }

        net.Parameters[0] = -0.0;
        net.Parameters[1] = 0.1;
        net.Parameters[2] = double.Epsilon;
        if (onnx)
        {
            OnnxExporter.Export(net, path);
        }
        else
        {
            net.Save(path);
        }

        return net.Parameters.ToArray();
    }

    /// <summary>The parameters of <c>CreatePretrained()</c>: a copy of the baked-in <c>PretrainedParameters</c>.</summary>
    private static double[] PretrainedOf<TNet>()
        where TNet : class, INeuralNetwork<TNet, double> =>
        ((TNet)typeof(TNet).GetMethod("CreatePretrained")!.Invoke(null, null)!).Parameters.ToArray();
}
