using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void ConstantIsTheSameAtEveryStep()
    {
        var schedule = new ConstantLearningRate(0.05f);
        Assert.Equal(0.05f, schedule.LearningRate(0));
        Assert.Equal(0.05f, schedule.LearningRate(1_000_000));
    }

    [Fact]
    public void AFloatConvertsToAConstantSchedule()
    {
        LearningRateSchedule schedule = 0.25f;
        Assert.IsType<ConstantLearningRate>(schedule);
        Assert.Equal(0.25f, schedule.LearningRate(7));
    }

    [Fact]
    public void StepDecayMultipliesByGammaEveryKSteps()
    {
        // η₀ = 1, k = 2, γ = 0.5: 1, 1, 0.5, 0.5, 0.25, 0.25, 0.125.
        var schedule = new StepDecay(1f, stepSize: 2, gamma: 0.5f);
        float[] expected = [1f, 1f, 0.5f, 0.5f, 0.25f, 0.25f, 0.125f];
        Assert.Equal(expected, Enumerable.Range(0, 7).Select(schedule.LearningRate).ToArray());
    }

    [Fact]
    public void ExponentialDecayMultipliesByGammaEveryStep()
    {
        // η₀ = 0.1, γ = 0.9: 0.1, 0.09, 0.081, 0.0729; step 10: 0.1·0.9¹⁰ = 0.0348678.
        var schedule = new ExponentialDecay(0.1f, gamma: 0.9f);
        Assert.Equal(0.1f, schedule.LearningRate(0), 1e-8f);
        Assert.Equal(0.09f, schedule.LearningRate(1), 1e-8f);
        Assert.Equal(0.081f, schedule.LearningRate(2), 1e-8f);
        Assert.Equal(0.0729f, schedule.LearningRate(3), 1e-8f);
        Assert.Equal(0.0348678f, schedule.LearningRate(10), 1e-7f);
    }

    [Fact]
    public void CosineAnnealingFollowsHalfACosineToTheMinimumThenStays()
    {
        // η₀ = 1, η_min = 0.2, T = 4: η_t = 0.2 + 0.4 (1 + cos(πt/4)).
        // t = 0: 1; t = 1: 0.2 + 0.4·1.7071068 = 0.8828427; t = 2: 0.6; t = 3: 0.2 + 0.4·0.2928932 = 0.3171573; t = 4: 0.2.
        var schedule = new CosineAnnealing(1f, period: 4, minimumLearningRate: 0.2f);
        Assert.Equal(1f, schedule.LearningRate(0), 1e-7f);
        Assert.Equal(0.8828427f, schedule.LearningRate(1), 1e-7f);
        Assert.Equal(0.6f, schedule.LearningRate(2), 1e-7f);
        Assert.Equal(0.3171573f, schedule.LearningRate(3), 1e-7f);
        Assert.Equal(0.2f, schedule.LearningRate(4), 1e-7f);
        Assert.Equal(0.2f, schedule.LearningRate(100), 1e-7f);
    }

    [Fact]
    public void CosineAnnealingDefaultsToZeroMinimum()
    {
        var schedule = new CosineAnnealing(0.1f, period: 10);
        Assert.Equal(0.05f, schedule.LearningRate(5), 1e-8f);
        Assert.Equal(0f, schedule.LearningRate(10));
    }

    [Fact]
    public void InvalidArgumentsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantLearningRate(0.1f).LearningRate(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantLearningRate(-0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantLearningRate(float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecay(0.1f, stepSize: 0, gamma: 0.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecay(0.1f, stepSize: 1, gamma: 1.5f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1f, gamma: -0.1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealing(0.1f, period: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineAnnealing(0.1f, period: 5, minimumLearningRate: 0.2f));
    }
}
