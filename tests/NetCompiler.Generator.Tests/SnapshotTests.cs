using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>The generated source for representative topologies, checked against reviewed snapshots, and compiled cleanly.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public void IrisClassifier() => VerifyNetwork("""
        using NetCompiler;

        namespace Samples.Iris;

        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        [Dense(16, Activation.Tanh)]
        [Dense(3, Activation.Softmax)]
        public partial class IrisNet;
        """, "Samples.Iris.IrisNet.g");

    [Fact]
    public void DoublePrecisionWorkedExample() => VerifyNetwork("""
        using NetCompiler;

        namespace Samples.Worked;

        [Network(Inputs = 2, Precision = Precision.Double)]
        [Dense(2, Activation.Sigmoid)]
        [Dense(2, Activation.Sigmoid)]
        public partial class WorkedNet;
        """, "Samples.Worked.WorkedNet.g");

    [Fact]
    public void DropoutBetweenDenseLayers() => VerifyNetwork("""
        using NetCompiler;

        namespace Samples.Dropout;

        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        [Dense(16, Activation.ReLU)]
        [Dropout(0.2)]
        [Dense(8, Activation.Tanh)]
        [Dropout(0.5)]
        [Dense(3, Activation.Softmax)]
        public partial class DropoutNet;
        """, "Samples.Dropout.DropoutNet.g");

    [Fact]
    public void XorInGlobalNamespace() => VerifyNetwork("""
        using NetCompiler;

        [Network(Inputs = 2, Loss = Loss.CrossEntropy)]
        [Dense(4, Activation.Tanh)]
        [Dense(1, Activation.Sigmoid)]
        public partial class XorNet;
        """, "XorNet.g");

    [Fact]
    public void LoopedRegressionWithOddSizes() => VerifyNetwork("""
        using NetCompiler;

        namespace Regression;

        [Network(Inputs = 20)]
        [Dense(13, Activation.ReLU)]
        [Dense(7, Activation.Identity)]
        internal sealed partial class Regressor;
        """, "Regression.Regressor.g");

    [Fact]
    public void NestedDeepNetworkWithEveryHiddenActivationKind() => VerifyNetwork("""
        using NetCompiler;

        namespace Deep;

        public static partial class Models
        {
            public partial record struct Holder
            {
                [Network(Inputs = 5, Loss = Loss.MeanSquaredError)]
                [Dense(9, Activation.LeakyReLU)]
                [Dense(7, Activation.GELU)]
                [Dense(size: 3, activation: Activation.SiLU)]
                [Dense(2, Activation.Sigmoid)]
                public partial class DeepNet;
            }
        }
        """, "Deep.Models.Holder.DeepNet.g");

    [Fact]
    public void WideLayerUsesPooledScratch() => VerifyNetwork("""
        using NetCompiler;

        namespace Wide;

        [Network(Inputs = 10, Loss = Loss.MeanSquaredError)]
        [Dense(2000, Activation.Softplus)]
        [Dense(1)]
        public partial class WideNet;
        """, "Wide.WideNet.g");

    [Fact]
    public void KeywordNamesAreEscaped()
    {
        const string source = """
            using NetCompiler;

            namespace @class.@namespace;

            public partial class @event
            {
                [Network(Inputs = 2)]
                [Dense(1)]
                public partial class @object;
            }
            """;
        var output = GeneratorHarness.Run(source);
        string generated = Assert.Single(output.Sources, s => s.Key == "class.namespace.event.object.g.cs").Value;
        Assert.Contains("partial class @object : global::NetCompiler.INeuralNetwork<global::@class.@namespace.@event.@object>", generated, StringComparison.Ordinal);
        Assert.Contains("internal const string NetworkName = \"object\";", generated, StringComparison.Ordinal);
        Assert.Contains("file readonly struct objectKernels : global::NetCompiler.Kernels.ISampleKernels", generated, StringComparison.Ordinal);
        var type = GeneratorHarness.CompileAndLoad(source).GetType("class.namespace.event+object", throwOnError: true)!;
        Assert.Equal(3, (int)type.GetField("ParameterCount")!.GetRawConstantValue()!);
    }

    private static void VerifyNetwork(string source, string hint, [System.Runtime.CompilerServices.CallerMemberName] string testMethod = "")
    {
        var output = GeneratorHarness.Run(source);
        Assert.DoesNotContain(output.AllDiagnostics, d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning);
        string generated = Assert.Single(output.Sources, s => s.Key == hint + ".cs").Value;
        Snapshot.Verify(generated, nameof(SnapshotTests), hint, testMethod);
        GeneratorHarness.CompileAndLoad(source);
    }
}
