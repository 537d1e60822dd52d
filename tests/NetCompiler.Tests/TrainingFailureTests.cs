using NetCompiler.Tests.Support;

namespace NetCompiler.Tests;

/// <summary>
/// What training does with bad data and bad settings: a non-finite loss, gradient or learning rate
/// throws <see cref="TrainingDivergedException"/> naming the cause, and the failing step leaves the
/// parameters bit-identical; wrong-sized buffers throw <see cref="ArgumentException"/> before any work.
/// </summary>
public sealed class TrainingFailureTests
{
    [Fact]
    public void NaNInAnInputNamesTheSampleAndTheInputAndChangesNothing()
    {
        var net = new IrisNet(seed: 4);
        var before = net.Parameters.ToArray();
        var inputs = Numbers.Uniform(3 * IrisNet.InputSize, seed: 1);
        var targets = Numbers.OneHot(3, IrisNet.OutputSize, seed: 2);
        inputs[(1 * IrisNet.InputSize) + 2] = float.NaN;

        var error = Assert.Throws<TrainingDivergedException>(() => net.TrainStep(inputs, targets, 0.1f));

        Assert.Equal("IrisNet: input[2] of sample 1 in the batch is NaN. The parameters were not changed.", error.Message);
        Numbers.AssertBitIdentical(before, net.Parameters, "parameters");
    }

    [Fact]
    public void NaNInATargetNamesTheSampleAndTheTargetAndChangesNothing()
    {
        var parameters = new IrisNet(seed: 4).Parameters.ToArray();
        var before = parameters.ToArray();
        var inputs = Numbers.Uniform(2 * IrisNet.InputSize, seed: 1);
        var targets = Numbers.OneHot(2, IrisNet.OutputSize, seed: 2);
        targets[(1 * IrisNet.OutputSize) + 1] = float.NaN;

        var error = Assert.Throws<TrainingDivergedException>(() => IrisNet.TrainStep(parameters, new float[IrisNet.ParameterCount], inputs, targets, 0.1f));

        Assert.Equal("IrisNet: target[1] of sample 1 in the batch is NaN. The parameters were not changed.", error.Message);
        Numbers.AssertBitIdentical(before, parameters, "parameters");
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void NonFiniteInputOfASaturatingNetworkNamesTheSampleAndTheInput(float bad)
    {
        var relu = new LoopedNet(seed: 3);
        var reluInputs = Numbers.Uniform(2 * LoopedNet.InputSize, seed: 1);
        reluInputs[LoopedNet.InputSize + 5] = bad;
        var reluError = Assert.Throws<TrainingDivergedException>(() => relu.TrainStep(reluInputs, Numbers.OneHot(2, LoopedNet.OutputSize, seed: 2), 0.1f));
        Assert.Contains("sample 1", reluError.Message, StringComparison.Ordinal);
        Assert.Contains("input[5]", reluError.Message, StringComparison.Ordinal);

        var tanh = new IrisNet(seed: 3);
        var tanhInputs = Numbers.Uniform(2 * IrisNet.InputSize, seed: 1);
        tanhInputs[IrisNet.InputSize + 2] = bad;
        var tanhError = Assert.Throws<TrainingDivergedException>(() => tanh.TrainStep(tanhInputs, Numbers.OneHot(2, IrisNet.OutputSize, seed: 2), 0.1f));
        Assert.Contains("sample 1", tanhError.Message, StringComparison.Ordinal);
        Assert.Contains("input[2]", tanhError.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    [InlineData(float.NaN)]
    public void NonFiniteLearningRateThrowsAndChangesNothing(float learningRate)
    {
        var net = new TanhSoftmaxNet(seed: 6);
        var before = net.Parameters.ToArray();

        var error = Assert.Throws<TrainingDivergedException>(() => net.TrainStep([1f, -1f, 0.5f, 2f], [1f, 0f, 0f, 1f], learningRate));

        Assert.StartsWith("TanhSoftmaxNet: the learning rate scale ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(" is not finite. The parameters were not changed.", error.Message, StringComparison.Ordinal);
        Numbers.AssertBitIdentical(before, net.Parameters, "parameters");
    }

    [Fact]
    public void HugeLearningRateDivergesIntoAnExceptionThatKeepsTheLastFiniteParameters()
    {
        // With η = 1e6 the output bias swings further each step until the squared error overflows.
        var net = new SigmoidRegressionNet(seed: 3);
        float[] inputs = [1f, 2f, -1f, 0.5f];
        float[] targets = [0.5f, -0.3f];
        float[] lastGood = net.Parameters.ToArray();
        TrainingDivergedException? error = null;
        int step = 0;
        for (; step < 100 && error is null; step++)
        {
            lastGood = net.Parameters.ToArray();
            try
            {
                net.TrainStep(inputs, targets, learningRate: 1e6f);
            }
            catch (TrainingDivergedException e)
            {
                error = e;
            }
        }

        Assert.NotNull(error);
        Assert.True(step > 1, "The first step, from small initial weights, should succeed.");
        Assert.Equal(
            "SigmoidRegressionNet: the loss of sample 0 in the batch is ∞; its inputs and targets are finite, so the parameters have diverged (lower the learning rate). The parameters were not changed."
                .Replace("∞", float.PositiveInfinity.ToString(), StringComparison.Ordinal),
            error.Message);
        Numbers.AssertBitIdentical(lastGood, net.Parameters, "parameters");
        Numbers.AssertAllFinite(net.Parameters, "parameters");
    }

    [Fact]
    public void FiniteButHugeLearningRateNeverProducesInfiniteParameters()
    {
        // Gradient components of about 50 times η/N = float.MaxValue / 1 overflow in θ − (η/N) g.
        var net = new SigmoidRegressionNet(seed: 3);
        var before = net.Parameters.ToArray();
        try
        {
            net.TrainStep([100f, 100f], [-100f], float.MaxValue);
        }
        catch (TrainingDivergedException)
        {
            Numbers.AssertBitIdentical(before, net.Parameters, "parameters");
        }

        Numbers.AssertAllFinite(net.Parameters, "parameters");
    }

    [Fact]
    public void WrongSizedBuffersThrowNamingTheParameterAndChangeNothing()
    {
        var parameters = new IrisNet(seed: 8).Parameters.ToArray();
        var before = parameters.ToArray();
        var gradient = new float[IrisNet.ParameterCount];
        var inputs = Numbers.Uniform(2 * IrisNet.InputSize, seed: 1);
        var targets = Numbers.OneHot(2, IrisNet.OutputSize, seed: 2);

        Assert.Equal("parameters", Assert.Throws<ArgumentException>(() => IrisNet.TrainStep(parameters.AsSpan(1), gradient, inputs, targets, 0.1f)).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => IrisNet.TrainStep(parameters, gradient.AsSpan(1), inputs, targets, 0.1f)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => IrisNet.TrainStep(parameters, gradient, inputs.AsSpan(1), targets, 0.1f)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => IrisNet.TrainStep(parameters, gradient, inputs, targets.AsSpan(1), 0.1f)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => new IrisNet(parameters).TrainStep(inputs.AsSpan(0, 0), targets.AsSpan(0, 0), 0.1f)).ParamName);

        Numbers.AssertBitIdentical(before, parameters, "parameters");
    }
}
