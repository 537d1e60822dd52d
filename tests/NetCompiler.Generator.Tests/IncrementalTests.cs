using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetCompiler.Generator.Model;
using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>The pipeline caches: an edit that does not touch a network re-emits nothing; one that does, re-emits it.</summary>
public sealed class IncrementalTests
{
    private const string Network = """
        using NetCompiler;
        namespace App;
        [Network(Inputs = 3, Loss = Loss.CrossEntropy)]
        [Dense(5, Activation.ReLU)]
        [Dense(2, Activation.Softmax)]
        public partial class Classifier;
        """;

    /// <summary>
    /// The generator's steps that run for a declaration without a weights file (WeightsRequests and ReadWeights run
    /// only when a declaration names one; BakedWeightsTests covers them).
    /// </summary>
    private static readonly string[] StepsWithoutWeights =
        [TrackingNames.Parse, TrackingNames.BindWeights, TrackingNames.Diagnostics, TrackingNames.Spec, TrackingNames.HintNames];

    /// <summary>Every name in <see cref="TrackingNames"/>, to tell the generator's steps from Roslyn's own.</summary>
    private static readonly HashSet<string> AllTrackingNames =
        [.. typeof(TrackingNames).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)];

    [Fact]
    public void UnrelatedEditLeavesEveryStepCached()
    {
        var compilation = GeneratorHarness.CreateCompilation(Network, "namespace App; public class Other { }");
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace App; public class Other { public int Added; }", GeneratorHarness.ParseOptions, path: "Source1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        AssertStepsRan(result, StepsWithoutWeights);
        foreach (string step in StepsWithoutWeights)
        {
            AssertEachCachedOrUnchanged(StepReasons(result, step), $"step {step}");
        }

        AssertEachCachedOrUnchanged(SourceOutputReasons(result), "source output");
    }

    [Fact]
    public void ChangingALayerSizeRegeneratesTheNetwork()
    {
        var compilation = GeneratorHarness.CreateCompilation(Network);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Network.Replace("Dense(5,", "Dense(6,"), GeneratorHarness.ParseOptions, path: "Source0.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        // The declaration's value changed, so every step from it to the spec yields a new value; its diagnostics (none
        // before, none after) are equal again.
        AssertStepsRan(result, StepsWithoutWeights);
        Assert.Equal([IncrementalStepRunReason.Modified], StepReasons(result, TrackingNames.Parse));
        Assert.Equal([IncrementalStepRunReason.Modified], StepReasons(result, TrackingNames.BindWeights));
        Assert.Equal([IncrementalStepRunReason.Modified], StepReasons(result, TrackingNames.Spec));
        Assert.Equal([IncrementalStepRunReason.Unchanged], StepReasons(result, TrackingNames.Diagnostics));
        // The list of hint names is the same, so no other network's file needs to be written again for it.
        AssertEachCachedOrUnchanged([.. StepReasons(result, TrackingNames.HintNames)], "hint names");

        // Exactly one source output runs again (the network's file); the diagnostics outputs stay cached.
        var outputs = SourceOutputReasons(result);
        Assert.Equal(1, outputs.Count(r => r == IncrementalStepRunReason.Modified));
        AssertEachCachedOrUnchanged([.. outputs.Where(r => r != IncrementalStepRunReason.Modified)], "other source output");
        Assert.Contains("public const int Layer1Size = 6;", result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void SameInputGivesByteIdenticalOutput()
    {
        string first = GeneratorHarness.Run(Network).Sources.Single().Value;
        string second = GeneratorHarness.Run(Network).Sources.Single().Value;
        Assert.Equal(first, second);
    }

    [Fact]
    public void TheCachedModelHoldsOnlyPlainValues()
    {
        // A symbol, syntax node or compilation in the model would keep whole compilations alive and defeat caching.
        var allowed = new HashSet<Type> { typeof(string), typeof(int), typeof(LossKind), typeof(ActivationKind) };
        var seen = new HashSet<Type>();
        void Check(Type type)
        {
            if (!seen.Add(type) || allowed.Contains(type))
            {
                return;
            }

            Type inspected = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(EquatableArray<>) ? type.GetGenericArguments()[0] : type;
            if (inspected != type)
            {
                Check(inspected);
                return;
            }

            Assert.False(typeof(ISymbol).IsAssignableFrom(type) || typeof(SyntaxNode).IsAssignableFrom(type) || typeof(Compilation).IsAssignableFrom(type), $"{type} must not be in the model");
            Assert.True(type.IsValueType || type.IsSealed, $"{type} must be a sealed record or a value type");
            foreach (var property in type.GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.DeclaringType == type && p.GetMethod?.IsStatic == false))
            {
                if (property.GetMethod!.GetMethodBody() is not null && type.GetField($"<{property.Name}>k__BackingField", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic) is null)
                {
                    continue; // computed from the stored values
                }

                Check(property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Nullable<>)
                    ? property.PropertyType.GetGenericArguments()[0]
                    : property.PropertyType);
            }
        }

        Check(typeof(NetworkSpec));

        // The walk reached the values inside the equatable arrays and the nullable weights, so it checked them too.
        Assert.Superset(new HashSet<Type> { typeof(LayerSpec), typeof(ContainingTypeSpec), typeof(BakedWeights) }, seen);
    }

    /// <summary>The generator's steps that ran are exactly <paramref name="expected"/>: none is missing, none goes unchecked.</summary>
    private static void AssertStepsRan(GeneratorRunResult result, IEnumerable<string> expected) =>
        Assert.Equal(
            expected.Order(StringComparer.Ordinal),
            result.TrackedSteps.Keys.Where(AllTrackingNames.Contains).Order(StringComparer.Ordinal));

    /// <summary>
    /// The reason of every output of every run of the step tracked as <paramref name="name"/>. Fails when no step has
    /// that name, when it did not run, or when a run has no outputs, so an assertion over the reasons is never vacuous.
    /// </summary>
    private static IncrementalStepRunReason[] StepReasons(GeneratorRunResult result, string name)
    {
        Assert.True(
            result.TrackedSteps.TryGetValue(name, out var runs),
            $"No step is tracked as '{name}'; tracked: {string.Join(", ", result.TrackedSteps.Keys)}.");
        return Reasons(runs, $"step {name}");
    }

    /// <summary>The reason of every output of every source-output step; fails when there are none.</summary>
    private static IncrementalStepRunReason[] SourceOutputReasons(GeneratorRunResult result) =>
        Reasons([.. result.TrackedOutputSteps.SelectMany(pair => pair.Value)], "the source outputs");

    private static IncrementalStepRunReason[] Reasons(ImmutableArray<IncrementalGeneratorRunStep> runs, string what)
    {
        Assert.False(runs.IsDefaultOrEmpty, $"{what}: no run was tracked.");
        foreach (var run in runs)
        {
            Assert.False(run.Outputs.IsDefaultOrEmpty, $"{what}: a run has no outputs.");
        }

        return [.. runs.SelectMany(run => run.Outputs).Select(output => output.Reason)];
    }

    /// <summary>Checks each reason (there is at least one) is Cached or Unchanged, naming the first that is not.</summary>
    private static void AssertEachCachedOrUnchanged(IncrementalStepRunReason[] reasons, string what)
    {
        Assert.NotEmpty(reasons);
        for (int i = 0; i < reasons.Length; i++)
        {
            Assert.True(
                reasons[i] is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"{what}, output {i}: {reasons[i]}, expected Cached or Unchanged.");
        }
    }
}
