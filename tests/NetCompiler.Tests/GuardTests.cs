using NetCompiler.Kernels;

namespace NetCompiler.Tests;

/// <summary>
/// Wrong-sized buffers are rejected before any work with an <see cref="ArgumentException"/> whose
/// message names the network, the buffer, its length and the expected length, and whose
/// <see cref="ArgumentException.ParamName"/> is the parameter.
/// </summary>
public sealed class GuardTests
{
    private static readonly float[] IrisParameters = new IrisNet(seed: 1).Parameters.ToArray();

    [Fact]
    public void LengthMessageNamesNetworkBufferAndSizes()
    {
        var error = Assert.Throws<ArgumentException>(() => Guard.Length(new float[3], 4, "IrisNet", "InputSize", "input"));
        Assert.Equal("input", error.ParamName);
        Assert.Equal("IrisNet: input has 3 floats but must have 4 (InputSize). (Parameter 'input')", error.Message);
    }

    [Fact]
    public void LengthAcceptsTheExactSize() => Guard.Length(new float[4], 4, "IrisNet", "InputSize", "input");

    [Fact]
    public void ForwardRejectsWrongInput()
    {
        var error = Assert.Throws<ArgumentException>(() => IrisNet.Forward(IrisParameters, new float[5], new float[3]));
        Assert.Equal("input", error.ParamName);
        Assert.Equal("IrisNet: input has 5 floats but must have 4 (InputSize). (Parameter 'input')", error.Message);
    }

    [Fact]
    public void ForwardRejectsWrongOutput()
    {
        var error = Assert.Throws<ArgumentException>(() => IrisNet.Forward(IrisParameters, new float[4], new float[2]));
        Assert.Equal("output", error.ParamName);
        Assert.Equal("IrisNet: output has 2 floats but must have 3 (OutputSize). (Parameter 'output')", error.Message);
    }

    [Fact]
    public void ForwardRejectsWrongParameters()
    {
        var error = Assert.Throws<ArgumentException>(() => IrisNet.Forward(new float[130], new float[4], new float[3]));
        Assert.Equal("parameters", error.ParamName);
        Assert.Equal("IrisNet: parameters has 130 floats but must have 131 (ParameterCount). (Parameter 'parameters')", error.Message);
    }

    [Fact]
    public void AccumulateGradientRejectsWrongTargetAndGradient()
    {
        var target = Assert.Throws<ArgumentException>(() => IrisNet.AccumulateGradient(IrisParameters, new float[4], new float[4], new float[131]));
        Assert.Equal("target", target.ParamName);
        Assert.Equal("IrisNet: target has 4 floats but must have 3 (OutputSize). (Parameter 'target')", target.Message);

        var gradient = Assert.Throws<ArgumentException>(() => IrisNet.AccumulateGradient(IrisParameters, new float[4], new float[3], new float[132]));
        Assert.Equal("gradient", gradient.ParamName);
        Assert.Equal("IrisNet: gradient has 132 floats but must have 131 (ParameterCount). (Parameter 'gradient')", gradient.Message);
    }

    [Fact]
    public void ConstructorRejectsWrongParameterCount()
    {
        var error = Assert.Throws<ArgumentException>(() => new LoopedNet(new float[10]));
        Assert.Equal("parameters", error.ParamName);
        Assert.Equal("LoopedNet: parameters has 10 floats but must have 7510 (ParameterCount). (Parameter 'parameters')", error.Message);
    }

    [Fact]
    public void BatchCountReturnsTheNumberOfSamples() =>
        Assert.Equal(3, Guard.BatchCount(new float[12], new float[9], 4, 3, "IrisNet"));

    [Fact]
    public void EmptyBatchIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => IrisNet.ComputeLoss(IrisParameters, [], []));
        Assert.Equal("inputs", error.ParamName);
        Assert.Equal("IrisNet: the batch is empty; pass at least one sample (4 floats). (Parameter 'inputs')", error.Message);
    }

    [Fact]
    public void InputsThatAreNotWholeSamplesAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => IrisNet.ComputeLoss(IrisParameters, new float[10], new float[6]));
        Assert.Equal("inputs", error.ParamName);
        Assert.Equal("IrisNet: inputs has 10 floats, which is not a whole number of samples of 4 (InputSize). (Parameter 'inputs')", error.Message);
    }

    [Fact]
    public void TargetsThatDoNotMatchTheSampleCountAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => IrisNet.ComputeLoss(IrisParameters, new float[8], new float[9]));
        Assert.Equal("targets", error.ParamName);
        Assert.Equal(
            "IrisNet: inputs hold 2 samples, so targets must have 6 floats (2 × OutputSize 3), but it has 9. (Parameter 'targets')",
            error.Message);
    }

    [Fact]
    public void TrainStepChecksTheBatchLikeComputeLoss()
    {
        var parameters = IrisParameters.ToArray();
        var error = Assert.Throws<ArgumentException>(() => IrisNet.TrainStep(parameters, new float[131], new float[8], new float[3], 0.1f));
        Assert.Equal("targets", error.ParamName);
        Assert.StartsWith("IrisNet: inputs hold 2 samples, so targets must have 6 floats", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, float.NaN)]
    [InlineData(40, float.PositiveInfinity)]
    [InlineData(100, float.NegativeInfinity)]
    public void AllFiniteFindsANonFiniteValueAnywhere(int index, float bad)
    {
        float[] values = Enumerable.Range(0, 101).Select(i => (i * 0.37f) - 5f).ToArray();
        Assert.True(Guard.AllFinite(values));
        values[index] = bad;
        Assert.False(Guard.AllFinite(values));
    }

    [Fact]
    public void AllFiniteIsNotFooledByOppositeInfinities()
    {
        float[] values = new float[32];
        values[3] = float.PositiveInfinity;
        values[11] = float.NegativeInfinity;
        Assert.False(Guard.AllFinite(values));
        Assert.True(Guard.AllFinite([float.MaxValue, -float.MaxValue]));
    }

    [Fact]
    public void AllFiniteAndFirstNonFiniteFindEveryPositionInEveryLength()
    {
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            for (int length = 1; length <= 70; length++)
            {
                float[] values = Enumerable.Range(0, length).Select(i => (i * 1.5f) - 7f).ToArray();
                Assert.True(Guard.AllFinite(values));
                Assert.Null(Guard.FirstNonFinite(values));
                for (int index = 0; index < length; index++)
                {
                    float saved = values[index];
                    values[index] = bad;
                    Assert.False(Guard.AllFinite(values));
                    Assert.Equal(index, Guard.FirstNonFinite(values));
                    values[index] = saved;
                }
            }
        }
    }

    [Fact]
    public void MaxMagnitudeIsTheLargestAbsoluteValueAtEveryPositionInEveryLength()
    {
        Assert.Equal(0f, Guard.MaxMagnitude<float>([]));
        for (int length = 1; length <= 70; length++)
        {
            // Small values of both signs and every vector lane; one larger value moves through every position.
            float[] values = Enumerable.Range(0, length).Select(i => ((i % 7) - 3) * 0.25f).ToArray();
            float expected = values.Max(MathF.Abs);
            Assert.Equal(expected, Guard.MaxMagnitude(values));
            for (int index = 0; index < length; index++)
            {
                float saved = values[index];
                foreach (float large in new[] { -1e30f, 3.5f, -float.MaxValue, 7.001f })
                {
                    values[index] = large;
                    Assert.Equal(Enumerable.Range(0, length).Max(i => MathF.Abs(values[i])), Guard.MaxMagnitude(values));
                }

                values[index] = saved;
            }
        }
    }

    [Fact]
    public void MaxMagnitudeIsInfiniteForAnInfinityAndNaNForANaNAnywhere()
    {
        for (int length = 1; length <= 70; length++)
        {
            float[] values = Enumerable.Range(0, length).Select(i => (i * 1.5f) - 7f).ToArray();
            for (int index = 0; index < length; index++)
            {
                float saved = values[index];
                values[index] = float.NegativeInfinity;
                Assert.Equal(float.PositiveInfinity, Guard.MaxMagnitude(values));
                values[index] = float.NaN;
                Assert.True(float.IsNaN(Guard.MaxMagnitude(values)), $"length {length}, NaN at {index}");
                values[(index + 1) % length] = float.PositiveInfinity; // a NaN wins over an infinity elsewhere
                Assert.True(length == 1 || float.IsNaN(Guard.MaxMagnitude(values)), $"length {length}, NaN at {index} and ∞");
                values = Enumerable.Range(0, length).Select(i => (i * 1.5f) - 7f).ToArray();
                values[index] = saved;
            }
        }

        Assert.Equal(float.Epsilon, Guard.MaxMagnitude([0f, -0f, -float.Epsilon]));
    }

    [Fact]
    public void FiniteMaxMagnitudeNamesTheFirstValueThatIsNotFinite()
    {
        float[] deltas = [0.5f, -2f, 1f, float.NaN, float.PositiveInfinity];
        var error = Assert.Throws<TrainingDivergedException>(() => Guard.FiniteMaxMagnitude(deltas, "IrisNet", "the deltas of layer 2"));
        Assert.Equal("IrisNet: element 3 of the deltas of layer 2 is NaN; the parameters were not changed (lower the learning rate or check the data).", error.Message);
        Assert.Equal(2f, Guard.FiniteMaxMagnitude(deltas.AsSpan(0, 3), "IrisNet", "the deltas of layer 2"));
    }

    [Fact]
    public void TheFusedUpdateBoundRefusesWhatCouldOverflowAndNonFiniteMaxima()
    {
        // N · max|H| · max(1, max|A|) against 2^103: 2^50 · 2^50 · 2 = 2^101 is below it, 2^50 · 2^50 · 8 = 2^103 is not.
        float twoTo50 = MathF.ScaleB(1f, 50);
        Assert.True(GradientDescent.FusedUpdateStaysFinite(0.1f, 2, twoTo50, twoTo50));
        Assert.False(GradientDescent.FusedUpdateStaysFinite(0.1f, 8, twoTo50, twoTo50));
        // The learning rate counts when it is larger than N; inputs within [-1, 1] count as 1.
        Assert.False(GradientDescent.FusedUpdateStaysFinite(8f, 1, twoTo50, twoTo50));
        Assert.True(GradientDescent.FusedUpdateStaysFinite(0.1f, 1, MathF.ScaleB(1f, 102), 0.5f));
        Assert.False(GradientDescent.FusedUpdateStaysFinite(0.1f, 2, MathF.ScaleB(1f, 102), 0f));
        Assert.False(GradientDescent.FusedUpdateStaysFinite(0.1f, 1, float.NaN, 1f));
        Assert.False(GradientDescent.FusedUpdateStaysFinite(0.1f, 1, 1f, float.PositiveInfinity));
        Assert.False(GradientDescent.FusedUpdateStaysFinite(float.NaN, 1, 1f, 1f));
    }
}
