using System.Reflection;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using NetCompiler.Onnx;

namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>
/// An <c>AdditionalFiles</c> item as the command-line compiler passes it: a path on disk. Asking for its text
/// fails, because for a binary file the compiler fails the build (CS2015): the generator must read weights
/// files by path only.
/// </summary>
internal sealed class WeightsFileItem(string path) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException($"The generator asked for the text of '{Path}'; for a binary file the compiler reports CS2015 instead.");
}

/// <summary>A fresh directory under the system's temporary folder, deleted with its files on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("netcompiler-weights-").FullName;

    /// <summary>The full path of <paramref name="relativePath"/> inside this directory; its folders are created.</summary>
    public string File(string relativePath)
    {
        string path = System.IO.Path.Combine(Root, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}

/// <summary>Runs the generator with weights files as AdditionalFiles items, and compiles what it generated.</summary>
internal static class WeightsHarness
{
    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> additionalFiles) =>
        CSharpGeneratorDriver.Create(
            [new NetworkGenerator().AsSourceGenerator()],
            additionalTexts: additionalFiles,
            parseOptions: GeneratorHarness.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once over <paramref name="sources"/> with <paramref name="additionalFiles"/>.</summary>
    public static GeneratorOutput Run(IEnumerable<string> additionalFiles, params string[] sources) =>
        GeneratorHarness.Run(GeneratorHarness.CreateCompilation(sources), CreateDriver(additionalFiles.Select(path => new WeightsFileItem(path))));

    /// <summary>Emits the compilation including the generated code (which must compile without a warning) and loads it.</summary>
    public static Assembly Load(GeneratorOutput generated)
    {
        Assert.All(generated.Result.Results, r => Assert.Null(r.Exception));
        using var stream = new MemoryStream();
        var emit = generated.OutputCompilation.Emit(stream);
        var problems = emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, "The generated code does not compile cleanly:\n" + string.Join("\n", problems));
        return Assembly.Load(stream.ToArray());
    }

    /// <summary>Generates, checks there is no diagnostic, compiles and loads.</summary>
    public static Assembly CompileAndLoad(IEnumerable<string> additionalFiles, params string[] sources)
    {
        var generated = Run(additionalFiles, sources);
        Assert.Empty(generated.Diagnostics);
        return Load(generated);
    }
}

/// <summary>
/// Calls the runtime library on networks compiled in memory (whose types are known only at run time) through
/// generic methods, as user code would call it on a network of its own.
/// </summary>
internal static class LoadedNetworks
{
    public static object Create(Type network, int seed) => Activator.CreateInstance(network, seed)!;

    public static float[] Parameters(object net) => (float[])Call(nameof(ParametersOf), net);

    public static void SetParameters(object net, float[] values) => Call(nameof(SetParametersOf), net, values);

    public static void Train(object net, float[] inputs, float[] targets, int steps, float learningRate) =>
        Call(nameof(TrainOf), net, inputs, targets, steps, learningRate);

    public static void Save(object net, string path) => Call(nameof(SaveOf), net, path);

    /// <summary>Saves <paramref name="net"/> with a standardizer of its inputs (<c>net.Save(path, standardizer)</c>).</summary>
    public static void SaveWithStandardizer(object net, string path, float[] mean, float[] stdDev) =>
        Call(nameof(SaveWithStandardizerOf), net, path, mean, stdDev);

    public static void ExportOnnx(object net, string path) => Call(nameof(ExportOnnxOf), net, path);

    /// <summary>The bit patterns of <paramref name="values"/>, to compare floats exactly (NaN payloads and -0 included).</summary>
    public static uint[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToUInt32Bits)];

    private static object Call(string method, object net, params object[] arguments) =>
        typeof(LoadedNetworks).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(net.GetType())
            .Invoke(null, [net, .. arguments])!;

    private static float[] ParametersOf<TNet>(TNet net)
        where TNet : class, INeuralNetwork<TNet> => net.Parameters.ToArray();

    private static object SetParametersOf<TNet>(TNet net, float[] values)
        where TNet : class, INeuralNetwork<TNet>
    {
        values.CopyTo(net.Parameters);
        return net;
    }

    private static object TrainOf<TNet>(TNet net, float[] inputs, float[] targets, int steps, float learningRate)
        where TNet : class, INeuralNetwork<TNet>
    {
        for (int step = 0; step < steps; step++)
        {
            net.TrainStep(inputs, targets, learningRate);
        }

        return net;
    }

    private static object SaveOf<TNet>(TNet net, string path)
        where TNet : class, INeuralNetwork<TNet>
    {
        net.Save(path);
        return net;
    }

    private static object SaveWithStandardizerOf<TNet>(TNet net, string path, float[] mean, float[] stdDev)
        where TNet : class, INeuralNetwork<TNet>
    {
        net.Save(path, new NetCompiler.Data.Standardizer(mean, stdDev));
        return net;
    }

    private static object ExportOnnxOf<TNet>(TNet net, string path)
        where TNet : class, INeuralNetwork<TNet>
    {
        OnnxExporter.Export(net, path);
        return net;
    }
}

/// <summary>
/// Networks compiled once (in memory, with the generator) whose instances write the weights files the tests bake
/// in, through the runtime's <c>ModelFile.Save</c> and <c>OnnxExporter.Export</c>.
/// </summary>
internal static class Donors
{
    private static readonly Lazy<Assembly> s_assembly = new(() => GeneratorHarness.CompileAndLoad("""
        using NetCompiler;
        namespace Donors;

        [Network(Inputs = 3, Loss = Loss.CrossEntropy)]
        [Dense(5, Activation.Tanh)]
        [Dense(2, Activation.Softmax)]
        public partial class Classifier;

        [Network(Inputs = 3)]
        [Dense(4, Activation.Tanh)]
        [Dense(2, Activation.Sigmoid)]
        public partial class Narrow;

        [Network(Inputs = 3, Loss = Loss.CrossEntropy)]
        [Dense(5, Activation.ReLU)]
        [Dense(2, Activation.Softmax)]
        public partial class Relu;

        [Network(Inputs = 3)]
        [Dense(5, Activation.Tanh)]
        [Dense(2)]
        public partial class Logits;

        [Network(Inputs = 2, Loss = Loss.CrossEntropy)]
        [Dense(2, Activation.Tanh)]
        [Dense(1, Activation.Sigmoid)]
        public partial class TinyNet;
        """));

    /// <summary>A new instance of the donor network <paramref name="name"/> (e.g. <c>Classifier</c>).</summary>
    public static object Create(string name, int seed = 0) =>
        LoadedNetworks.Create(s_assembly.Value.GetType("Donors." + name, throwOnError: true)!, seed);

    /// <summary>
    /// A <c>Classifier</c> (3 → 5 Tanh → 2 Softmax) trained for a few steps, whose first parameters are then set
    /// to -0, the smallest subnormal, another subnormal (values a text round trip could lose) and a float whose two
    /// halves are UTF-16 surrogates in the wrong order (which a careless string encoding could lose).
    /// </summary>
    public static object TrainedClassifier()
    {
        var net = Create("Classifier", seed: 3);
        float[] inputs = [0.5f, -1f, 2f, 1.5f, 0.25f, -0.75f, -2f, 1f, 0f, 0.1f, 0.2f, 0.3f];
        float[] targets = [1, 0, 0, 1, 1, 0, 0, 1];
        LoadedNetworks.Train(net, inputs, targets, steps: 25, learningRate: 0.5f);
        float[] parameters = LoadedNetworks.Parameters(net);
        parameters[0] = -0f;
        parameters[1] = float.Epsilon;
        parameters[2] = 1e-40f;
        parameters[3] = BitConverter.UInt32BitsToSingle(0xD800_DC00);
        LoadedNetworks.SetParameters(net, parameters);
        return net;
    }
}
