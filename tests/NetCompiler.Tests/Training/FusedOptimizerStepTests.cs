using System.Numerics;
using NetCompiler.Kernels;
using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

/// <summary>
/// The optimizer step fused with the generated weight-gradient products (<c>OptimizerStepBatch</c> with a
/// <see cref="ParameterUpdate{T}"/>) against the gradient path it replaces: <c>AccumulateGradientBatch</c> into a cleared
/// buffer, then <see cref="Optimizer.Step(Span{float}, ReadOnlySpan{float}, float, float)"/>. Same bits for every optimizer,
/// at batch sizes below and above one depth panel (128 samples, or 256 for floats with AVX-512), on layers with full and edge row tiles, whole-row tiles and
/// 256-column panels, and column tails.
/// </summary>
public class FusedOptimizerStepTests
{
    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        foreach (string optimizer in new[] { "Sgd", "Momentum", "Nesterov", "Adam", "AdamW", "RmsProp" })
        {
            foreach (int batch in new[] { 2, 37, 300 })
            {
                cases.Add(optimizer, batch);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedStepIsBitIdenticalToTheGradientPath(string optimizerName, int batch)
    {
        AssertFusedEqualsGradientPath<FusedWideNet, float>(optimizerName, batch);
        AssertFusedEqualsGradientPath<FusedDropoutNet, float>(optimizerName, batch);
        AssertFusedEqualsGradientPath<FusedDoubleNet, double>(optimizerName, batch);
        AssertFusedEqualsGradientPath<FusedPanelNet, float>(optimizerName, batch);
    }

    [Theory]
    [InlineData("Adam")]
    [InlineData("Momentum")]
    public void FitTakesTheFusedStepWithTheResultsOfTheGradientPath(string optimizerName)
    {
        // Clipping by a norm the gradient never reaches changes nothing in the update but needs the whole gradient first,
        // so the second run takes the gradient path.
        var data = Data(200, FusedWideNet.InputSize, FusedWideNet.OutputSize, seed: 4);
        var fused = new FusedWideNet(seed: 1);
        var reference = new FusedWideNet(seed: 1);
        var fusedOptimizer = Create(optimizerName, FusedWideNet.ParameterCount, clip: false);
        var referenceOptimizer = Create(optimizerName, FusedWideNet.ParameterCount, clip: true);
        var fusedResult = Fit(fused, data, fusedOptimizer);
        var referenceResult = Fit(reference, data, referenceOptimizer);

        Assert.Equal(reference.Parameters.ToArray(), fused.Parameters.ToArray());
        Assert.Equal(referenceResult.History.Select(e => (e.TrainingLoss, e.TrainingMetric)), fusedResult.History.Select(e => (e.TrainingLoss, e.TrainingMetric)));
        Assert.Equal(referenceOptimizer.StepCount, fusedOptimizer.StepCount);
        Assert.Equal(referenceOptimizer.LastGradientNorm, fusedOptimizer.LastGradientNorm, referenceOptimizer.LastGradientNorm * 1e-5f);

        static TrainingResult Fit(FusedWideNet net, TrainingData data, Optimizer optimizer) =>
            new Trainer<FusedWideNet>(new TrainerOptions { Epochs = 3, BatchSize = 48, Optimizer = optimizer, Schedule = 0.01f, Seed = 9 }).Fit(net, data);
    }

    [Fact]
    public void AFusedStepThatOverflowsIsUndoneAndReported()
    {
        // Inputs of 1e6 and a learning rate of 1e35 make SGD's step overflow; the gradient itself stays finite, so the
        // fused step runs, sees the infinite parameters, and restores them from its backup.
        var data = Data(64, FusedWideNet.InputSize, FusedWideNet.OutputSize, seed: 5, scale: 1e6f);
        var net = new FusedWideNet(seed: 2);
        float[] before = net.Parameters.ToArray();
        var trainer = new Trainer<FusedWideNet>(new TrainerOptions { Epochs = 1, BatchSize = 32, Schedule = 1e35f });
        var exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(net, data));
        Assert.Contains("training diverged in epoch 1 of 1, batch 1 of 2: the update made parameter", exception.Message);
        Assert.Contains("The parameters are those before this step.", exception.Message);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void ClippingAndCustomOptimizersDeclineTheFusedStep()
    {
        var clipped = new Adam(FusedWideNet.ParameterCount) { MaxGradientNorm = 1f };
        var update = clipped.CreateFusedUpdate<float>(FusedWideNet.Description)!;
        Assert.False(clipped.BeginFusedStep(update, 0.1f, 0.5f));
        Assert.Equal(0, clipped.StepCount);
        Assert.Null(new HalvingOptimizer(FusedWideNet.ParameterCount).CreateFusedUpdate<float>(FusedWideNet.Description));
    }

    /// <summary>One fused step and one step through the gradient path from the same parameters and state, compared bit for bit (three steps, so the state matters).</summary>
    private static void AssertFusedEqualsGradientPath<TNet, T>(string optimizerName, int batch)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var data = Data(batch, TNet.InputSize, TNet.OutputSize, seed: batch);
        T[] inputs = data.Features.ToArray().Select(T.CreateTruncating).ToArray();
        T[] targets = data.Targets.ToArray().Select(T.CreateTruncating).ToArray();
        T[] fused = TNet.Create(seed: 3).Parameters.ToArray();
        T[] reference = (T[])fused.Clone();
        T[] gradient = new T[TNet.ParameterCount];
        var fusedOptimizer = Create(optimizerName, TNet.ParameterCount, clip: false);
        var referenceOptimizer = Create(optimizerName, TNet.ParameterCount, clip: false);
        var update = fusedOptimizer.CreateFusedUpdate<T>(TNet.Description)!;
        T rate = T.CreateTruncating(0.01);
        T scale = T.One / T.CreateTruncating(batch);
        T[] outputs = new T[batch * TNet.OutputSize];
        T[] referenceOutputs = new T[batch * TNet.OutputSize];
        for (int step = 0; step < 3; step++)
        {
            var dropout = new DropoutMask(Seed: 7, Step: step);
            T[] old = (T[])fused.Clone();
            Assert.True(fusedOptimizer.BeginFusedStep(update, rate, scale));
            Assert.True(TNet.OptimizerStepBatch(fused, inputs, targets, update, dropout, outputs, out T loss));
            fusedOptimizer.EndFusedStep(update, scale);

            Array.Clear(gradient);
            T referenceLoss = TNet.AccumulateGradientBatch(reference, inputs, targets, gradient, dropout, referenceOutputs);
            referenceOptimizer.Step(reference, gradient, rate, scale);

            Assert.Equal(reference, fused);
            Assert.Equal(referenceLoss, loss);
            Assert.Equal(referenceOutputs, outputs);
            Assert.Equal(old, update.Backup);
            Assert.False(update.SawNotFinite);
            Assert.Equal(referenceOptimizer.StepCount, fusedOptimizer.StepCount);
            Assert.Equal(referenceOptimizer.LastGradientNorm, fusedOptimizer.LastGradientNorm, referenceOptimizer.LastGradientNorm * 1e-5f);
        }
    }

    /// <summary>The optimizer named <paramref name="name"/> for <paramref name="count"/> parameters, clipping at a norm the gradient never reaches when <paramref name="clip"/>.</summary>
    internal static Optimizer Create(string name, int count, bool clip)
    {
        Optimizer optimizer = name switch
        {
            "Sgd" => new Sgd(count) { WeightDecay = 0.1f, MaxGradientNorm = clip ? 1e30f : null },
            "Momentum" => new Sgd(count, momentum: 0.9f) { MaxGradientNorm = clip ? 1e30f : null },
            "Nesterov" => new Sgd(count, momentum: 0.9f, nesterov: true) { MaxGradientNorm = clip ? 1e30f : null },
            "Adam" => new Adam(count) { WeightDecay = 0.1f, MaxGradientNorm = clip ? 1e30f : null },
            "AdamW" => new Adam(count) { WeightDecay = 0.1f, DecoupledWeightDecay = true, MaxGradientNorm = clip ? 1e30f : null },
            "RmsProp" => new RmsProp(count, alpha: 0.9f) { WeightDecay = 0.01f, MaxGradientNorm = clip ? 1e30f : null },
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        return optimizer;
    }

    /// <summary>Seeded inputs in [-scale, scale) and one-hot targets.</summary>
    internal static TrainingData Data(int count, int inputSize, int outputSize, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        float[] features = Enumerable.Range(0, count * inputSize).Select(_ => (float)((random.NextDouble() * 2) - 1) * scale).ToArray();
        float[] targets = new float[count * outputSize];
        for (int s = 0; s < count; s++)
        {
            targets[(s * outputSize) + random.Next(outputSize)] = 1f;
        }

        return new TrainingData(features, targets, inputSize, outputSize);
    }

    /// <summary>An optimizer from outside the library: it has no fused step, so the trainer steps it through the gradient.</summary>
    private sealed class HalvingOptimizer(int count) : Optimizer(count)
    {
        protected override void Update<T>(Span<T> parameters, ReadOnlySpan<T> gradient, T gradientScale, T learningRate)
        {
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] -= learningRate * gradientScale * gradient[i] / T.CreateTruncating(2);
            }
        }
    }
}

/// <summary>300 → 29 ReLU → 10 softmax: whole-row tiles with a column tail (300 = 18 vectors + 12), full and edge row tiles (12 + 12 + 5, and 10).</summary>
[Network(Inputs = 300, Loss = Loss.CrossEntropy)]
[Dense(29, Activation.ReLU)]
[Dense(10, Activation.Softmax)]
public partial class FusedWideNet;

/// <summary><see cref="FusedWideNet"/> with a dropout between its layers.</summary>
[Network(Inputs = 300, Loss = Loss.CrossEntropy)]
[Dense(29, Activation.Tanh)]
[Dropout(0.25)]
[Dense(10, Activation.Softmax)]
public partial class FusedDropoutNet;

/// <summary>300 → 29 sigmoid → 10 softmax in double precision.</summary>
[Network(Inputs = 300, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
[Dense(29, Activation.Sigmoid)]
[Dense(10, Activation.Softmax)]
public partial class FusedDoubleNet;

/// <summary>1100 → 13 tanh → 2, MSE: an input wider than whole-row tiles take, so the fused step runs in 256-column panels (4 + a tail of 76).</summary>
[Network(Inputs = 1100)]
[Dense(13, Activation.Tanh)]
[Dense(2)]
public partial class FusedPanelNet;
