using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Abstractions;
using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// Thousands of random and half-typed declarations through the generator: it never throws, its output is the same
/// on a second run, the generated code compiles with no error and no warning whenever the declarations themselves
/// compile, and the declared sizes are the generated constants. CI runs a fixed seed; set NETCOMPILER_FUZZ_SEED to a
/// number (or to "random") and NETCOMPILER_FUZZ_COUNT to explore further.
/// </summary>
public sealed class GeneratorFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20261206;
    private const int DefaultCount = 2000;
    private const int PerCompilation = 40;

    private static readonly string[] ClassNames =
    [
        "Net", "NET", "net", "Classifier", "var", "System", "Tile1", "NetworkName", "Parameters2", "Layer1", "Kernels",
        "NetKernels", "@class", "@event", "Description2", "ForwardNet", "Deep", "required", "scoped",
    ];

    private static readonly string[] Namespaces = ["Models", "models", "App.Models", "App.models", "System", "Global", ""];

    private static readonly string[] Activations =
        ["Activation.Identity", "Activation.Sigmoid", "Activation.Tanh", "Activation.ReLU", "Activation.Softmax", "Activation.LeakyReLU",
         "Activation.ELU", "Activation.Softplus", "Activation.SiLU", "Activation.GELU", "(Activation)42", "(Activation)(-1)"];

    [Fact]
    public void RandomAndHalfTypedDeclarationsNeverBreakTheGenerator()
    {
        string? seedText = Environment.GetEnvironmentVariable("NETCOMPILER_FUZZ_SEED");
        int seed = seedText switch
        {
            null or "" => DefaultSeed,
            "random" => Random.Shared.Next(),
            _ => int.Parse(seedText, CultureInfo.InvariantCulture),
        };
        int count = int.TryParse(Environment.GetEnvironmentVariable("NETCOMPILER_FUZZ_COUNT"), CultureInfo.InvariantCulture, out int n) ? n : DefaultCount;
        var random = new Random(seed);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);

        // Half-typed declarations go into compilations of their own, so that every other compilation must compile.
        var all = Enumerable.Range(0, count).Select(i => Declaration(random, i)).ToList();
        foreach (var group in all.GroupBy(d => d.HalfTyped))
        {
            foreach (var chunk in group.Chunk(PerCompilation))
            {
                Check([.. chunk], seed, counts);
            }
        }

        output.WriteLine($"seed {seed}: {count} declarations; " + string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}")));
        Assert.True(counts.GetValueOrDefault("generated") > count / 4, $"Only {counts.GetValueOrDefault("generated")} of {count} declarations generated code.");
    }

    private static void Check(List<FuzzDeclaration> declarations, int seed, Dictionary<string, int> counts)
    {
        string[] sources = [.. declarations.Select(d => d.Source)];
        var input = GeneratorHarness.CreateCompilation(sources);
        bool inputCompiles = !input.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);

        var first = GeneratorHarness.Run(sources);
        var second = GeneratorHarness.Run(sources);
        string context = $"seed {seed}, declarations {declarations[0].Index}–{declarations[^1].Index}";
        Assert.All(first.Result.Results, r => Assert.True(r.Exception is null, $"{context}: the generator threw {r.Exception}"));
        Assert.DoesNotContain(first.AllDiagnostics, d => d.Id is "CS8785" or "CS8784");
        Assert.Equal(first.Sources.OrderBy(s => s.Key, StringComparer.Ordinal), second.Sources.OrderBy(s => s.Key, StringComparer.Ordinal));

        var generatedTrees = first.OutputCompilation.SyntaxTrees.Where(t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)).ToHashSet();
        var problems = first.OutputCompilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && generatedTrees.Contains(tree))
            .ToList();
        if (inputCompiles)
        {
            Assert.True(problems.Count == 0, $"{context}: generated code does not compile cleanly:\n{string.Join("\n", problems.Take(10))}\n{string.Join("\n\n", problems.Take(3).Select(p => p.Location.SourceTree!.ToString()[..Math.Min(400, p.Location.SourceTree!.Length)]))}");
        }

        foreach (var diagnostic in first.Diagnostics.Where(d => d.Id.StartsWith("NC", StringComparison.Ordinal)))
        {
            Count(counts, diagnostic.Id);
        }

        foreach (var declaration in declarations)
        {
            Count(counts, declaration.HalfTyped ? "half-typed" : "whole");
            var (hint, text) = first.Sources.FirstOrDefault(s => IsHintOf(s.Key, declaration.HintStem));
            if (text is null)
            {
                continue;
            }

            Count(counts, "generated");
            Assert.False(declaration.HalfTyped && !declaration.HeaderComplete, $"{context}: code generated from a half-typed header: {hint}");
            Assert.Contains($"public const int InputSize = {declaration.Inputs.ToString(CultureInfo.InvariantCulture)};", text, StringComparison.Ordinal);
            for (int layer = 0; layer < declaration.Sizes.Count; layer++)
            {
                Assert.Contains($"public const int Layer{layer + 1}Size = {declaration.Sizes[layer].ToString(CultureInfo.InvariantCulture)};", text, StringComparison.Ordinal);
            }

            Assert.DoesNotMatch(new Regex($@"public const int Layer{declaration.Sizes.Count + 1}Size"), text);
        }

        Count(counts, inputCompiles ? "clean compilations" : "compilations with errors");
    }

    /// <summary>Whether <paramref name="hint"/> names the file of the network <paramref name="stem"/>: <c>{stem}.g.cs</c>, or with the suffix that tells names differing only by case apart.</summary>
    private static bool IsHintOf(string hint, string stem) =>
        hint == stem + ".g.cs" || (hint.StartsWith(stem + ".", StringComparison.Ordinal) && Regex.IsMatch(hint[(stem.Length + 1)..], @"^[0-9a-f]+\.g\.cs$"));

    private static void Count(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static FuzzDeclaration Declaration(Random random, int index)
    {
        string ns = Namespaces[random.Next(Namespaces.Length)];
        string name = ClassNames[random.Next(ClassNames.Length)];
        // Distinct types per compilation, except the names that differ only in case, which must all generate.
        string className = name is "Net" or "NET" or "net" ? name : name + (name.StartsWith('@') ? "_" : string.Empty) + index.ToString(CultureInfo.InvariantCulture);
        if (name is "Net" or "NET" or "net")
        {
            ns = (ns.Length == 0 ? "Case" : ns) + index.ToString(CultureInfo.InvariantCulture)[^1..];
        }

        int inputs = Size(random);
        var sizes = Enumerable.Range(0, random.Next(10) == 0 ? 0 : random.Next(1, 5)).Select(_ => Size(random)).ToList();
        string marker = $"// fuzz declaration {index.ToString(CultureInfo.InvariantCulture)}";
        var source = new StringBuilder();
        source.AppendLine("using NetCompiler;");
        if (ns.Length > 0)
        {
            source.AppendLine($"namespace {ns};");
        }

        string loss = random.Next(10) switch { < 5 => "", < 7 => ", Loss = Loss.CrossEntropy", < 9 => ", Loss = Loss.MeanSquaredError", _ => ", Loss = (Loss)7" };
        source.AppendLine($"[Network(Inputs = {inputs.ToString(CultureInfo.InvariantCulture)}{loss})]");
        foreach (int size in sizes)
        {
            source.AppendLine(random.Next(6) == 0 ? $"[Dense({size.ToString(CultureInfo.InvariantCulture)})]" : $"[Dense({size.ToString(CultureInfo.InvariantCulture)}, {Activations[random.Next(20) == 0 ? random.Next(Activations.Length) : random.Next(Activations.Length - 2)]})]");
        }

        string header = $"public partial class {className}";
        source.AppendLine(header);
        source.AppendLine("{");
        source.AppendLine("    " + marker);
        source.AppendLine("}");
        string text = source.ToString();
        bool halfTyped = random.Next(5) == 0;
        bool headerComplete = true;
        if (halfTyped)
        {
            int cut = random.Next(text.Length);
            headerComplete = cut > text.IndexOf(header, StringComparison.Ordinal) + header.Length;
            text = text[..cut];
        }

        string stem = (ns.Length > 0 ? ns + "." : string.Empty) + className.Replace("@", string.Empty, StringComparison.Ordinal);
        return new FuzzDeclaration(index, text, stem, inputs, sizes, halfTyped, headerComplete);
    }

    /// <summary>Mostly small sizes, some large ones near where the generated constants stop fitting an int, and some invalid.</summary>
    private static int Size(Random random) => random.Next(40) switch
    {
        < 24 => random.Next(1, 20),
        < 32 => random.Next(20, 300),
        32 => random.Next(-3, 1),
        33 => 33_554_431 - random.Next(0, 64),
        34 => random.Next(1 << 20, 1 << 26),
        35 => int.MaxValue - random.Next(0, 3),
        _ => random.Next(300, 3000),
    };

    private sealed record FuzzDeclaration(int Index, string Source, string HintStem, int Inputs, List<int> Sizes, bool HalfTyped, bool HeaderComplete);
}
