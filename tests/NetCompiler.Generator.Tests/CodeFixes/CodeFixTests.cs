using NetCompiler.CodeFixes;
using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests.CodeFixes;

/// <summary>
/// One test per code fix: it is offered on the diagnostic, applying it gives exactly the expected source, and that
/// source builds with the generator with no NetCompiler diagnostic.
/// </summary>
public sealed class CodeFixTests
{
    [Fact]
    public Task NC0001_AddsPartialBeforeTheClassKeyword() => CodeFixHarness.VerifyAsync<AddPartialCodeFix>(
        """
        using NetCompiler;

        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        [Dense(16, Activation.Tanh)]
        [Dense(3, Activation.Softmax)]
        public sealed class {|NC0001:IrisNet|};
        """,
        """
        using NetCompiler;

        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        [Dense(16, Activation.Tanh)]
        [Dense(3, Activation.Softmax)]
        public sealed partial class IrisNet;
        """,
        nameof(AddPartialCodeFix));

    [Fact]
    public Task NC0001_AddsPartialToAClassWithoutModifiers() => CodeFixHarness.VerifyAsync<AddPartialCodeFix>(
        """
        using NetCompiler;

        namespace App
        {
            [Network(Inputs = 2)]
            [Dense(1, Activation.Sigmoid)]
            class {|NC0001:Gate|}
            {
            }
        }
        """,
        """
        using NetCompiler;

        namespace App
        {
            [Network(Inputs = 2)]
            [Dense(1, Activation.Sigmoid)]
            partial class Gate
            {
            }
        }
        """,
        nameof(AddPartialCodeFix));

    [Theory]
    [InlineData("ReLU")]
    [InlineData("Tanh")]
    public Task NC0006_ReplacesTheHiddenSoftmax(string activation) => CodeFixHarness.VerifyAsync<HiddenSoftmaxCodeFix>(
        """
        using NetCompiler;

        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        [Dense(8, {|NC0006:Activation.Softmax|})]
        [Dense(3, Activation.Softmax)]
        public partial class Net;
        """,
        $$"""
        using NetCompiler;

        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        [Dense(8, Activation.{{activation}})]
        [Dense(3, Activation.Softmax)]
        public partial class Net;
        """,
        "HiddenSoftmaxCodeFix" + activation);

    [Theory]
    [InlineData("Softmax")]
    [InlineData("Sigmoid")]
    public Task NC0007_MakesTheOutputGiveProbabilities(string activation) => CodeFixHarness.VerifyAsync<LossAndOutputCodeFix>(
        """
        using NetCompiler;

        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        [Dense(5, Activation.ReLU)]
        [Dense(3, {|NC0007:Activation.Tanh|})]
        public partial class Net;
        """,
        $$"""
        using NetCompiler;

        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        [Dense(5, Activation.ReLU)]
        [Dense(3, Activation.{{activation}})]
        public partial class Net;
        """,
        "LossAndOutputCodeFix" + activation);

    [Fact]
    public Task NC0007_AddsTheActivationAnOutputLayerLeftAtIdentity() => CodeFixHarness.VerifyAsync<LossAndOutputCodeFix>(
        """
        using NetCompiler;

        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        [Dense(5, Activation.ReLU)]
        [{|NC0007:Dense(3)|}]
        public partial class Net;
        """,
        """
        using NetCompiler;

        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        [Dense(5, Activation.ReLU)]
        [Dense(3, Activation.Softmax)]
        public partial class Net;
        """,
        "LossAndOutputCodeFixSoftmax");

    [Fact]
    public Task NC0007_SwitchesTheLossToMeanSquaredError() => CodeFixHarness.VerifyAsync<LossAndOutputCodeFix>(
        """
        using NetCompiler;

        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        [Dense(5, Activation.ReLU)]
        [Dense(3, {|NC0007:Activation.Tanh|})]
        public partial class Regressor;
        """,
        """
        using NetCompiler;

        [Network(Inputs = 4, Loss = Loss.MeanSquaredError)]
        [Dense(5, Activation.ReLU)]
        [Dense(3, Activation.Tanh)]
        public partial class Regressor;
        """,
        "LossAndOutputCodeFixMeanSquaredError");

    [Fact]
    public Task NC0008_AddsTheCrossEntropyLoss() => CodeFixHarness.VerifyAsync<LossAndOutputCodeFix>(
        """
        using NetCompiler;

        [Network(Inputs = 4)]
        [Dense(5, Activation.ReLU)]
        [Dense(3, {|NC0008:Activation.Softmax|})]
        public partial class Classifier;
        """,
        """
        using NetCompiler;

        [Network(Inputs = 4, Loss = Loss.CrossEntropy)]
        [Dense(5, Activation.ReLU)]
        [Dense(3, Activation.Softmax)]
        public partial class Classifier;
        """,
        "LossAndOutputCodeFixCrossEntropy");

    [Fact]
    public Task NC0008_ReplacesAnExplicitMeanSquaredError() => CodeFixHarness.VerifyAsync<LossAndOutputCodeFix>(
        """
        [NetCompiler.Network(Inputs = 4, Loss = NetCompiler.Loss.MeanSquaredError)]
        [NetCompiler.Dense(3, {|NC0008:NetCompiler.Activation.Softmax|})]
        public partial class Classifier;
        """,
        """
        [NetCompiler.Network(Inputs = 4, Loss = NetCompiler.Loss.CrossEntropy)]
        [NetCompiler.Dense(3, NetCompiler.Activation.Softmax)]
        public partial class Classifier;
        """,
        "LossAndOutputCodeFixCrossEntropy");

    [Fact]
    public Task NC0019_RenamesTheMemberAndItsUses() => CodeFixHarness.VerifyAsync<RenameClashCodeFix>(
        """
        using System;
        using NetCompiler;

        [Network(Inputs = 2)]
        [Dense(1, Activation.Sigmoid)]
        public partial class Gate
        {
            public int {|NC0019:InputSize|} => 2;

            public int Twice() => InputSize * 2;
        }
        """,
        """
        using System;
        using NetCompiler;

        [Network(Inputs = 2)]
        [Dense(1, Activation.Sigmoid)]
        public partial class Gate
        {
            public int CustomInputSize => 2;

            public int Twice() => CustomInputSize * 2;
        }
        """,
        "RenameClashCodeFix");

    [Fact]
    public Task NC0020_RenamesTheClassAndItsUses() => CodeFixHarness.VerifyAsync<RenameClashCodeFix>(
        """
        using NetCompiler;

        [Network(Inputs = 2)]
        [Dense(1, Activation.Sigmoid)]
        public partial class {|NC0020:Forward|};

        public static class Factory
        {
            public static Forward Create() => new Forward();
        }
        """,
        """
        using NetCompiler;

        [Network(Inputs = 2)]
        [Dense(1, Activation.Sigmoid)]
        public partial class ForwardNet;

        public static class Factory
        {
            public static ForwardNet Create() => new ForwardNet();
        }
        """,
        "RenameClashCodeFix");
}
