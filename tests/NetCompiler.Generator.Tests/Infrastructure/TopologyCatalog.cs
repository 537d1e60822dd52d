using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;

namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>A valid pairing of output activation and loss.</summary>
internal sealed record OutputPairing(Activation Activation, Loss Loss)
{
    /// <summary>Softmax under mean squared error is valid but draws the warning NC0008.</summary>
    public bool DrawsWarning => Activation == Activation.Softmax && Loss == Loss.MeanSquaredError;

    public override string ToString() => $"{Activation}+{Loss}";
}

/// <summary>One network of the catalog: its declaration and the facts the catalog was built to cover.</summary>
internal sealed record CatalogNetwork(string Name, int Inputs, OutputPairing Output, ImmutableArray<(int Size, Activation Activation)> Layers)
{
    public int HiddenLayerCount => Layers.Length - 1;

    public IEnumerable<Activation> HiddenActivations => Layers.Take(HiddenLayerCount).Select(l => l.Activation);

    public string FullTypeName => $"{TopologyCatalog.Namespace}.{Name}";

    /// <summary>The attributed declaration, wrapped in <c>#pragma warning disable NC0008</c> for Softmax under MSE; with <paramref name="precision"/> when it is not the default.</summary>
    public string Declaration(Precision precision = Precision.Single)
    {
        var text = new StringBuilder();
        if (Output.DrawsWarning)
        {
            text.AppendLine("#pragma warning disable NC0008 // MSE over Softmax is deliberate here: its gradient is checked too.");
        }

        string precisionArgument = precision == Precision.Single ? string.Empty : $", Precision = Precision.{precision}";
        text.AppendLine($"[Network(Inputs = {Inputs}, Loss = Loss.{Output.Loss}{precisionArgument})]");
        foreach (var (size, activation) in Layers)
        {
            text.AppendLine($"[Dense({size}, Activation.{activation})]");
        }

        text.AppendLine($"public partial class {Name};");
        if (Output.DrawsWarning)
        {
            text.AppendLine("#pragma warning restore NC0008");
        }

        return text.ToString();
    }

    public override string ToString() =>
        $"{Name} ({Inputs} → {string.Join(" → ", Layers.Select(l => $"{l.Size} {l.Activation}"))}, {Output.Loss})";
}

/// <summary>
/// A reproducible catalog of random topologies (fixed seed). For each valid output pairing there are
/// four networks, with 1, 2, 3 and 4 hidden layers; their ten hidden layers take the nine hidden
/// activations in random order (plus one more), so every hidden activation meets every output
/// pairing. Sizes are random in 1..13, so both the written-out (≤ 64 weights) and the looped
/// (&gt; 64 weights) forms of a layer occur. Packing the activations this way keeps the catalog at
/// 48 networks, which compile in one go in a few seconds.
/// </summary>
internal static class TopologyCatalog
{
    public const string Namespace = "GradientCheck";
    public const int Seed = 20240611;
    public const int MaxHiddenLayers = 4;
    public const int MaxLayerSize = 13;

    public static readonly ImmutableArray<Activation> HiddenActivations =
    [
        Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.ReLU, Activation.LeakyReLU,
        Activation.ELU, Activation.Softplus, Activation.SiLU, Activation.GELU,
    ];

    /// <summary>MSE with each of the ten activations (Softmax included), cross-entropy with Softmax and with Sigmoid.</summary>
    public static readonly ImmutableArray<OutputPairing> OutputPairings =
    [
        .. Enum.GetValues<Activation>().Select(a => new OutputPairing(a, Loss.MeanSquaredError)),
        new OutputPairing(Activation.Softmax, Loss.CrossEntropy),
        new OutputPairing(Activation.Sigmoid, Loss.CrossEntropy),
    ];

    public static readonly ImmutableArray<CatalogNetwork> Networks = Build();

    /// <summary>One source file that declares every network of the catalog, in <paramref name="precision"/>.</summary>
    public static string Source(Precision precision = Precision.Single)
    {
        var text = new StringBuilder();
        text.AppendLine("using NetCompiler;");
        text.AppendLine($"namespace {Namespace};");
        foreach (var network in Networks)
        {
            text.AppendLine().Append(network.Declaration(precision));
        }

        return text.ToString();
    }

    private static ImmutableArray<CatalogNetwork> Build()
    {
        var random = new Random(Seed);
        var networks = ImmutableArray.CreateBuilder<CatalogNetwork>();
        foreach (var output in OutputPairings)
        {
            // 1 + 2 + 3 + 4 = 10 hidden layers: the nine activations shuffled, then one more at random.
            Activation[] order = [.. HiddenActivations];
            random.Shuffle(order);
            var hidden = new Queue<Activation>([.. order, HiddenActivations[random.Next(HiddenActivations.Length)]]);
            int[] depths = [1, 2, 3, 4];
            random.Shuffle(depths);
            foreach (int depth in depths)
            {
                var layers = ImmutableArray.CreateBuilder<(int, Activation)>(depth + 1);
                for (int l = 0; l < depth; l++)
                {
                    layers.Add((random.Next(1, MaxLayerSize + 1), hidden.Dequeue()));
                }

                // A softmax of one output is the constant 1; give it at least two.
                int minOutputs = output.Activation == Activation.Softmax ? 2 : 1;
                layers.Add((random.Next(minOutputs, MaxLayerSize + 1), output.Activation));
                string name = $"{output.Activation}{(output.Loss == Loss.MeanSquaredError ? "Mse" : "CrossEntropy")}Depth{depth}";
                networks.Add(new CatalogNetwork(name, random.Next(1, MaxLayerSize + 1), output, layers.MoveToImmutable()));
            }
        }

        return networks.ToImmutable();
    }
}

/// <summary>The catalog generated, compiled and loaded once per test run.</summary>
internal sealed class CompiledCatalog
{
    private static readonly Lazy<CompiledCatalog> s_instance = new(() => new CompiledCatalog(Precision.Single));

    private static readonly Lazy<CompiledCatalog> s_double = new(() => new CompiledCatalog(Precision.Double));

    private CompiledCatalog(Precision precision)
    {
        // GeneratorHarness.CompileAndLoad rejects every NetCompiler diagnostic, even one a #pragma suppresses
        // (see GradientCheckTests.PragmaWarningDisableSuppressesNC0008), so this emits the harness's output
        // itself and accepts NC0008, and nothing else.
        var generated = GeneratorHarness.Run(TopologyCatalog.Source(precision));
        Assert.All(generated.Result.Results, r => Assert.Null(r.Exception));
        Warnings = generated.Diagnostics;
        Assert.All(Warnings, d => Assert.Equal("NC0008", d.Id));
        GeneratedSources = generated.Sources;
        using var stream = new MemoryStream();
        var emit = generated.OutputCompilation.Emit(stream);
        var problems = emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, "The generated code does not compile cleanly:\n" + string.Join("\n", problems));
        Assembly = Assembly.Load(stream.ToArray());
        Types = TopologyCatalog.Networks.ToImmutableDictionary(
            n => n.Name,
            n => Assembly.GetType(n.FullTypeName) ?? throw new InvalidOperationException($"{n.FullTypeName} was not generated."));
    }

    public static CompiledCatalog Instance => s_instance.Value;

    /// <summary>The same catalog declared with <c>Precision = Precision.Double</c>.</summary>
    public static CompiledCatalog Double => s_double.Value;

    public Assembly Assembly { get; }

    /// <summary>What the generator reported about the catalog (NC0008 for each Softmax under MSE).</summary>
    public ImmutableArray<Diagnostic> Warnings { get; }

    /// <summary>The generated source files by hint name.</summary>
    public IReadOnlyDictionary<string, string> GeneratedSources { get; }

    /// <summary>The generated class of each catalog network, by name.</summary>
    public ImmutableDictionary<string, Type> Types { get; }

    /// <summary>Calls the private static generic check <paramref name="method"/> of <paramref name="owner"/> with the generated class of <paramref name="network"/> as its type argument, rethrowing what it throws.</summary>
    public static T Run<T>(Type owner, string method, CatalogNetwork network, params object?[] arguments)
    {
        var generic = owner.GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(Instance.Types[network.Name]);
        try
        {
            return (T)generic.Invoke(null, arguments)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
