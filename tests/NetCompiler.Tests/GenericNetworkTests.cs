using NetCompiler.Tests.Support;

namespace NetCompiler.Tests;

/// <summary>
/// Generic code reaches every generated network through <see cref="INeuralNetwork{TSelf}"/>'s static
/// abstract members alone (sizes, factory, kernels; no reflection), and each network's
/// <see cref="NetworkDescription"/> agrees with its generated constants.
/// </summary>
public sealed class GenericNetworkTests
{
    [Fact]
    public void GenericEvaluationWorksOnDifferentNetworks()
    {
        var iris = Evaluate<IrisNet>();
        var looped = Evaluate<LoopedNet>();
        var regression = Evaluate<SigmoidRegressionNet>();

        Assert.Equal((4, 3, 131), (iris.InputSize, iris.OutputSize, iris.ParameterCount));
        Assert.Equal((64, 10, 7510), (looped.InputSize, looped.OutputSize, looped.ParameterCount));
        Assert.Equal((2, 1, 9), (regression.InputSize, regression.OutputSize, regression.ParameterCount));
        Assert.All([iris, looped, regression], result => Assert.True(result.LossAfter < result.LossBefore, $"{result}"));
    }

    [Fact]
    public void GenericCodeCanCallTheStaticKernelsThroughTheTypeParameter()
    {
        // The same generic call on two networks (TNet.Create, TNet.Forward) agrees with the concrete constructor and instance.
        Assert.Equal(Output<TanhSoftmaxNet>(seed: 2), ViaInstance(new TanhSoftmaxNet(seed: 2)));
        Assert.Equal(Output<XorNet>(seed: 2), ViaInstance(new XorNet(seed: 2)));
        Assert.NotEqual(Output<XorNet>(seed: 2), Output<XorNet>(seed: 3));

        static float[] ViaInstance<TNet>(TNet net)
            where TNet : class, INeuralNetwork<TNet>
        {
            var output = new float[TNet.OutputSize];
            net.Forward(Numbers.Uniform(TNet.InputSize, seed: 1), output);
            return output;
        }
    }

    [Fact]
    public void IrisDescriptionMatchesTheGeneratedConstants()
    {
        var description = IrisNet.Description;
        Assert.Equal(nameof(IrisNet), description.Name);
        Assert.Equal(Loss.CrossEntropy, description.Loss);
        Assert.Equal(IrisNet.InputSize, description.InputSize);
        Assert.Equal(IrisNet.OutputSize, description.OutputSize);
        Assert.Equal(IrisNet.ParameterCount, description.ParameterCount);
        Assert.Equal(IrisNet.LayerCount, description.Layers.Length);
        Assert.Equal(
            new LayerDescription(IrisNet.Layer1InputSize, IrisNet.Layer1Size, Activation.Tanh, IrisNet.Layer1WeightOffset, IrisNet.Layer1BiasOffset),
            description.Layers[0]);
        Assert.Equal(
            new LayerDescription(IrisNet.Layer2InputSize, IrisNet.Layer2Size, Activation.Softmax, IrisNet.Layer2WeightOffset, IrisNet.Layer2BiasOffset),
            description.Layers[1]);
        Assert.Equal(IrisNet.Layer1WeightCount, description.Layers[0].WeightCount);
        Assert.Equal(IrisNet.Layer2WeightCount, description.Layers[1].WeightCount);
        Assert.Equal(Activation.Softmax, description.OutputActivation);
        Assert.Equal("4 → 16 Tanh → 3 Softmax, CrossEntropy, 131 parameters", description.ToString());
    }

    [Fact]
    public void LoopedAndWideDescriptionsMatchTheGeneratedConstants()
    {
        Assert.Equal(
            [(LoopedNet.Layer1InputSize, LoopedNet.Layer1Size, LoopedNet.Layer1WeightOffset, LoopedNet.Layer1WeightCount, LoopedNet.Layer1BiasOffset),
             (LoopedNet.Layer2InputSize, LoopedNet.Layer2Size, LoopedNet.Layer2WeightOffset, LoopedNet.Layer2WeightCount, LoopedNet.Layer2BiasOffset)],
            LoopedNet.Description.Layers.Select(l => (l.InputSize, l.Size, l.WeightOffset, l.WeightCount, l.BiasOffset)));
        Assert.Equal((64, 100, 0, 6400, 6400), (LoopedNet.Layer1InputSize, LoopedNet.Layer1Size, LoopedNet.Layer1WeightOffset, LoopedNet.Layer1WeightCount, LoopedNet.Layer1BiasOffset));
        Assert.Equal((100, 10, 6500, 1000, 7500), (LoopedNet.Layer2InputSize, LoopedNet.Layer2Size, LoopedNet.Layer2WeightOffset, LoopedNet.Layer2WeightCount, LoopedNet.Layer2BiasOffset));

        Assert.Equal(
            [(WideNet.Layer1InputSize, WideNet.Layer1Size, WideNet.Layer1WeightOffset, WideNet.Layer1WeightCount, WideNet.Layer1BiasOffset),
             (WideNet.Layer2InputSize, WideNet.Layer2Size, WideNet.Layer2WeightOffset, WideNet.Layer2WeightCount, WideNet.Layer2BiasOffset)],
            WideNet.Description.Layers.Select(l => (l.InputSize, l.Size, l.WeightOffset, l.WeightCount, l.BiasOffset)));
        Assert.Equal(WideNet.ParameterCount, WideNet.Description.ParameterCount);
        Assert.Equal((2 * 2100) + 2100 + 2100 + 1, WideNet.ParameterCount);
    }

    [Fact]
    public void DescriptionsCompareTopologyNotName()
    {
        var same = new NetworkDescription("SomethingElse", 4, Loss.CrossEntropy, (16, Activation.Tanh), (3, Activation.Softmax));
        Assert.Equal(IrisNet.Description, same);
        Assert.Equal(IrisNet.Description.GetHashCode(), same.GetHashCode());
        Assert.NotEqual(IrisNet.Description, new NetworkDescription("IrisNet", 4, Loss.MeanSquaredError, (16, Activation.Tanh), (3, Activation.Softmax)));
        Assert.NotEqual(IrisNet.Description, new NetworkDescription("IrisNet", 4, Loss.CrossEntropy, (16, Activation.ReLU), (3, Activation.Softmax)));
    }

    [Fact]
    public void ADescriptionOfMoreParametersThanAnIntHoldsIsAnArgumentException()
    {
        // The sizes of issue 13's crafted header: four layers of 2^31 - 1 wrap a 64-bit sum; the constructor must neither wrap
        // nor throw OverflowException.
        var exception = Assert.Throws<ArgumentException>(() => new NetworkDescription(
            "Wrap", int.MaxValue, Loss.MeanSquaredError,
            (int.MaxValue, Activation.Identity), (int.MaxValue, Activation.Identity), (int.MaxValue, Activation.Identity),
            (int.MaxValue, Activation.Identity), (4, Activation.Identity), (1, Activation.Identity)));

        Assert.Equal("layers", exception.ParamName);
        Assert.StartsWith(
            "Layers 1 to 1 hold 4611686016279904256 parameters (layer 1 is 2147483647 → 2147483647); a network holds at most 2147483647.",
            exception.Message,
            StringComparison.Ordinal);

        // The bound is inclusive: 1 → 715 827 882 → 1 holds exactly int.MaxValue parameters.
        var largest = new NetworkDescription("Largest", 1, Loss.MeanSquaredError, (715_827_882, Activation.Identity), (1, Activation.Identity));
        Assert.Equal(int.MaxValue, largest.ParameterCount);
        Assert.Throws<ArgumentException>(() => new NetworkDescription("OneMore", 1, Loss.MeanSquaredError, (715_827_882, Activation.Identity), (2, Activation.Identity)));
    }

    private sealed record Evaluation(int InputSize, int OutputSize, int ParameterCount, float LossBefore, float LossAfter);

    /// <summary>
    /// Exercises a network knowing only that it implements the interface: creates it, checks its sizes
    /// against its description, checks that the static and instance kernels agree, and takes one small
    /// gradient step, which must lower the loss.
    /// </summary>
    private static Evaluation Evaluate<TNet>()
        where TNet : class, INeuralNetwork<TNet>
    {
        const int count = 5;
        var net = TNet.Create(seed: 11);
        Assert.Equal(TNet.ParameterCount, net.Parameters.Length);
        Assert.Equal(TNet.InputSize, TNet.Description.InputSize);
        Assert.Equal(TNet.OutputSize, TNet.Description.OutputSize);
        Assert.Equal(TNet.ParameterCount, TNet.Description.ParameterCount);
        Numbers.AssertBitIdentical(TNet.Create(seed: 11).Parameters, net.Parameters, "parameters");

        var inputs = Numbers.Uniform(count * TNet.InputSize, seed: 3);
        var targets = NetworkData.TargetsFor<TNet>(count, seed: 4);
        var parameters = net.Parameters.ToArray();

        // The mean of the per-sample losses from backpropagation is the batch loss.
        var gradient = new float[TNet.ParameterCount];
        double sum = 0;
        for (int s = 0; s < count; s++)
        {
            sum += TNet.AccumulateGradient(parameters, inputs.AsSpan(s * TNet.InputSize, TNet.InputSize), targets.AsSpan(s * TNet.OutputSize, TNet.OutputSize), gradient);
        }

        float lossBefore = TNet.ComputeLoss(parameters, inputs, targets);
        Assert.Equal(sum / count, lossBefore, 1e-5);
        Assert.Equal(lossBefore, net.ComputeLoss(inputs, targets));

        // Forward through the instance and the static kernel agree.
        var viaInstance = new float[TNet.OutputSize];
        var viaStatic = new float[TNet.OutputSize];
        net.Forward(inputs.AsSpan(0, TNet.InputSize), viaInstance);
        TNet.Forward(parameters, inputs.AsSpan(0, TNet.InputSize), viaStatic);
        Assert.Equal(viaStatic, viaInstance);

        // One small step, static and instance: identical parameters afterwards, and a lower loss.
        const float learningRate = 0.01f;
        Assert.Equal(lossBefore, TNet.TrainStep(parameters, gradient, inputs, targets, learningRate));
        Assert.Equal(lossBefore, net.TrainStep(inputs, targets, learningRate));
        Numbers.AssertBitIdentical(parameters, net.Parameters, "parameters after the step");

        return new Evaluation(TNet.InputSize, TNet.OutputSize, TNet.ParameterCount, lossBefore, TNet.ComputeLoss(parameters, inputs, targets));
    }

    private static float[] Output<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet>
    {
        var output = new float[TNet.OutputSize];
        TNet.Forward(TNet.Create(seed).Parameters, Numbers.Uniform(TNet.InputSize, seed: 1), output);
        return output;
    }
}
