using System.Collections.Immutable;
using NetCompiler.Initialization;
using NetCompiler.Tests.Support;

namespace NetCompiler.Tests;

/// <summary>
/// <see cref="ParameterInitializer"/> and <see cref="DeterministicRandom"/>: seeded networks are
/// reproducible, weights are uniform within the Glorot or He limit, biases start at zero, and the
/// random sequence is pinned so that any change to it (which would change every seeded network) fails here.
/// </summary>
public sealed class InitializationTests
{
    // Two large layers so the statistics below are tight: 200×200 ReLU weights (He) and 100×200 Tanh weights (Glorot).
    private static readonly NetworkDescription StatisticsNetwork =
        new("StatisticsNet", 200, Loss.MeanSquaredError, (200, Activation.ReLU), (100, Activation.Tanh));

    [Fact]
    public void SameSeedGivesBitIdenticalParameters()
    {
        Numbers.AssertBitIdentical(new LoopedNet(seed: 42).Parameters, new LoopedNet(seed: 42).Parameters, "parameters");
        Numbers.AssertBitIdentical(new IrisNet().Parameters, new IrisNet(seed: 0).Parameters, "parameters");
    }

    [Fact]
    public void DifferentSeedsGiveDifferentWeights()
    {
        var first = new LoopedNet(seed: 1).Parameters.ToArray();
        var second = new LoopedNet(seed: 2).Parameters.ToArray();
        int equal = first.Zip(second).Count(pair => pair.First == pair.Second);
        Assert.Equal(LoopedNet.Layer1Size + LoopedNet.Layer2Size, equal); // Only the zero biases agree.
    }

    [Fact]
    public void GeneratedConstructorUsesTheInitializerWithTheDescription()
    {
        var expected = new float[IrisNet.ParameterCount];
        ParameterInitializer.Initialize(IrisNet.Description, expected, seed: 123);
        Numbers.AssertBitIdentical(expected, new IrisNet(seed: 123).Parameters, "parameters");
    }

    [Fact]
    public void BiasesStartAtZero()
    {
        var parameters = new float[StatisticsNetwork.ParameterCount];
        parameters.AsSpan().Fill(float.NaN); // Initialize must overwrite every element.
        ParameterInitializer.Initialize(StatisticsNetwork, parameters, seed: 5);
        foreach (var layer in StatisticsNetwork.Layers)
        {
            Assert.All(parameters.AsSpan(layer.BiasOffset, layer.Size).ToArray(), bias => Assert.Equal(0f, bias));
        }
    }

    [Theory]
    [InlineData(Activation.Identity, false)]
    [InlineData(Activation.Sigmoid, false)]
    [InlineData(Activation.Tanh, false)]
    [InlineData(Activation.Softmax, false)]
    [InlineData(Activation.Softplus, false)]
    [InlineData(Activation.ReLU, true)]
    [InlineData(Activation.LeakyReLU, true)]
    [InlineData(Activation.ELU, true)]
    [InlineData(Activation.SiLU, true)]
    [InlineData(Activation.GELU, true)]
    public void LimitIsHeForTheReluFamilyAndGlorotOtherwise(Activation activation, bool he)
    {
        // fan_in 24, fan_out 8: He √(6/24) = 0.5, Glorot √(6/32) = 0.4330127.
        var layer = new LayerDescription(InputSize: 24, Size: 8, activation, WeightOffset: 0, BiasOffset: 192);
        Assert.Equal(he ? 0.5f : 0.4330127f, ParameterInitializer.Limit(layer), 1e-6f);
    }

    [Fact]
    public void WeightsAreUniformWithinTheLimit()
    {
        var parameters = new float[StatisticsNetwork.ParameterCount];
        ParameterInitializer.Initialize(StatisticsNetwork, parameters, seed: 77);
        foreach (var layer in StatisticsNetwork.Layers)
        {
            float limit = ParameterInitializer.Limit(layer);
            var weights = parameters.AsSpan(layer.WeightOffset, layer.WeightCount).ToArray();
            int n = weights.Length;

            Assert.All(weights, w => Assert.InRange(w, -limit, limit));

            // U(−L, L) has mean 0 and variance L²/3; the sample mean's standard error is L/√(3n).
            double mean = weights.Average(w => (double)w);
            double variance = weights.Sum(w => (w - mean) * (w - mean)) / n;
            Assert.True(Math.Abs(mean) < 4 * limit / Math.Sqrt(3 * n), $"Layer of {layer.Size} {layer.Activation}: mean {mean}.");
            Assert.True(Math.Abs((variance / (limit * limit / 3)) - 1) < 0.03, $"Layer of {layer.Size} {layer.Activation}: variance {variance}, expected {limit * limit / 3}.");

            // Ten equal bins each get a tenth of the weights, within 12 % (over 6 standard deviations here).
            var bins = new int[10];
            foreach (float w in weights)
            {
                bins[Math.Min(9, (int)((w + limit) / (2 * limit) * 10))]++;
            }

            Assert.All(bins, count => Assert.InRange(count, n / 10 * 0.88, n / 10 * 1.12));

            // The extremes come close to ±L.
            Assert.True(weights.Max() > 0.99f * limit && weights.Min() < -0.99f * limit);
        }
    }

    [Fact]
    public void InitializeRejectsAWrongLength()
    {
        var error = Assert.Throws<ArgumentException>(() => ParameterInitializer.Initialize(IrisNet.Description, new float[5], seed: 0));
        Assert.Equal("parameters", error.ParamName);
        Assert.Equal("IrisNet: parameters has 5 floats but must have 131. (Parameter 'parameters')", error.Message);
    }

    [Fact]
    public void SplitMix64SequenceIsPinned()
    {
        // SplitMix64 (state += 0x9E3779B97F4A7C15, then the two xor-shift-multiply rounds) from the seed as a 64-bit state.
        AssertSequence(0, [0xE220A8397B1DCDAFUL, 0x6E789E6AA1B965F4UL, 0x06C45D188009454FUL, 0xF88BB8A8724C81ECUL]);
        AssertSequence(42, [0xBDD732262FEB6E95UL, 0x28EFE333B266F103UL, 0x47526757130F9F52UL, 0x581CE1FF0E4AE394UL]);
        AssertSequence(-1, [0xE4D971771B652C20UL, 0xE99FF867DBF682C9UL, 0x382FF84CB27281E9UL, 0x6D1DB36CCBA982D2UL]);

        static void AssertSequence(int seed, ImmutableArray<ulong> expected)
        {
            var random = new DeterministicRandom(seed);
            foreach (ulong value in expected)
            {
                Assert.Equal(value, random.NextUInt64());
            }
        }
    }

    [Fact]
    public void NextSingleIsTheTop24BitsOverTwoToThe24()
    {
        var random = new DeterministicRandom(7);
        Assert.Equal(6540257f / 16777216f, random.NextSingle());
        Assert.Equal(281660f / 16777216f, random.NextSingle());
        Assert.Equal(15112256f / 16777216f, random.NextSingle());
        Assert.Equal(9779947f / 16777216f, random.NextSingle());
    }

    [Fact]
    public void NextInt32IsPinnedAndInRange()
    {
        var random = new DeterministicRandom(123);
        int[] values = [.. Enumerable.Range(0, 8).Select(_ => random.NextInt32(10))];
        Assert.Equal([6, 2, 0, 8, 0, 1, 9, 5], values);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DeterministicRandom(1).NextInt32(0));
    }

    [Fact]
    public void FirstWeightsOfASeededNetworkArePinned()
    {
        // IrisNet layer 1 is Tanh, 4 → 16: Glorot limit √(6/20). The first weight is (2 u − 1) · limit with
        // u = (0xE220A8397B1DCDAF >> 40) / 2^24 for seed 0.
        float limit = MathF.Sqrt(6f / 20f);
        float u = (0xE220A8397B1DCDAFUL >> 40) / 16777216f;
        Assert.Equal(((2f * u) - 1f) * limit, new IrisNet(seed: 0).Parameters[0]);
    }
}
