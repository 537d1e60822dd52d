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

    [Fact]
    public void UnrelatedEditLeavesEveryStepCached()
    {
        var compilation = GeneratorHarness.CreateCompilation(Network, "namespace App; public class Other { }");
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace App; public class Other { public int Added; }", GeneratorHarness.ParseOptions, path: "Source1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        var specSteps = result.TrackedSteps[TrackingNames.Spec].SelectMany(s => s.Outputs);
        Assert.All(specSteps, o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs);
        Assert.All(outputs, o => Assert.Contains(o.Reason, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
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

        var spec = Assert.Single(result.TrackedSteps[TrackingNames.Spec].SelectMany(s => s.Outputs));
        Assert.Equal(IncrementalStepRunReason.Modified, spec.Reason);
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
    }
}
