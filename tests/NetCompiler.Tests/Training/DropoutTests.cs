using NetCompiler.Persistence;
using NetCompiler.Tests.Persistence;
using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

/// <summary>
/// Declared dropout: a training step with a fixed mask computed by hand, a finite-difference gradient check with a fixed
/// mask, identity in Forward, determinism by seed, resume bit for bit, and the topology in the model file.
/// </summary>
public class DropoutTests
{
    [Fact]
    public void AStepWithAFixedMaskMatchesTheHandComputedGradient()
    {
        // 1 → 2 identity → Dropout(0.5) → 1 identity, MSE. W1 = [1, 2], b1 = [0.5, −1], W2 = [0.5, −1], b2 = 0.25; x = 1, t = 1.
        // A mask that keeps unit 0 and drops unit 1 of layer 1 for sample 0:
        var mask = FirstMask(keeps: [true, false]);
        var net = new DropoutLineNet([1f, 2f, 0.5f, -1f, 0.5f, -1f, 0.25f]);

        // a1 = [1.5, 1]; ã1 = a1 ⊙ [1, 0] / 0.5 = [3, 0]; y = 0.5 · 3 + 0.25 = 1.75; J = ½ (0.75)² = 0.28125.
        // δ2 = 0.75: ∂W2 = δ2 ã1ᵀ = [2.25, 0], ∂b2 = 0.75. W2ᵀ δ2 = [0.375, −0.75], through the mask ⊙ [2, 0] = [0.75, 0] = δ1;
        // ∂W1 = δ1 x = [0.75, 0], ∂b1 = [0.75, 0].
        var gradient = new float[DropoutLineNet.ParameterCount];
        float loss = DropoutLineNet.AccumulateGradient(net.Parameters, [1f], [1f], gradient, mask);
        Assert.Equal(0.28125f, loss);
        Assert.Equal([0.75f, 0f, 0.75f, 0f, 2.25f, 0f, 0.75f], gradient);

        // Forward ignores dropout: y = 0.5 · 1.5 − 1 · 1 + 0.25 = 0.
        var output = new float[1];
        net.Forward([1f], output);
        Assert.Equal(0f, output[0]);

        // The mask-free pass trains without dropout: ∂W2 = δ a1ᵀ with δ = y − t = −1.
        var plain = new float[DropoutLineNet.ParameterCount];
        DropoutLineNet.AccumulateGradient(net.Parameters, [1f], [1f], plain);
        Assert.Equal([-0.5f, 1f, -0.5f, 1f, -1.5f, -1f, -1f], plain);
    }

    [Fact]
    public void TheGradientWithAFixedMaskMatchesFiniteDifferences()
    {
        var net = new DropoutClassifierNet(seed: 4);
        float[] parameters = net.Parameters.ToArray();
        float[] input = [0.3f, -0.7f];
        float[] target = [1f];
        for (long step = 0; step < 4; step++)
        {
            var mask = new DropoutMask(Seed: 11, Step: step);
            var gradient = new float[DropoutClassifierNet.ParameterCount];
            DropoutClassifierNet.AccumulateGradient(parameters, input, target, gradient, mask);
            var theta = parameters.Select(p => (double)p).ToArray();
            for (int i = 0; i < theta.Length; i++)
            {
                const double h = 1e-4;
                double saved = theta[i];
                theta[i] = saved + h;
                double plus = ReferenceLoss(theta, input, target[0], mask);
                theta[i] = saved - h;
                double minus = ReferenceLoss(theta, input, target[0], mask);
                theta[i] = saved;
                Assert.Equal((plus - minus) / (2 * h), gradient[i], 2e-3);
            }
        }
    }

    [Fact]
    public void TheMatrixFormGivesEachRowItsOwnMaskAndMatchesFiniteDifferences()
    {
        // Three rows; row k draws sample k's mask, so the batch loss is Σ_k J(row k, mask of sample k).
        var net = new DropoutClassifierNet(seed: 2);
        var mask = new DropoutMask(Seed: 5, Step: 9);
        float[] inputs = [0.3f, -0.7f, 1.1f, 0.2f, -0.4f, 0.9f];
        float[] targets = [1f, 0f, 1f];
        float[] parameters = net.Parameters.ToArray();
        var gradient = new float[DropoutClassifierNet.ParameterCount];
        float loss = DropoutClassifierNet.AccumulateGradientBatch(parameters, inputs, targets, gradient, mask);

        double BatchLoss(double[] theta) => Enumerable.Range(0, 3).Sum(k => ReferenceLoss(theta, inputs[(2 * k)..((2 * k) + 2)], targets[k], mask, sample: k));
        var theta = parameters.Select(p => (double)p).ToArray();
        Assert.Equal(BatchLoss(theta), loss, 1e-5);
        for (int i = 0; i < theta.Length; i++)
        {
            const double h = 1e-4;
            double saved = theta[i];
            theta[i] = saved + h;
            double plus = BatchLoss(theta);
            theta[i] = saved - h;
            double minus = BatchLoss(theta);
            theta[i] = saved;
            Assert.Equal((plus - minus) / (2 * h), gradient[i], 2e-3);
        }

        // Row 0 of the batch is the single sample (sample 0), within float rounding.
        var single = new float[DropoutClassifierNet.ParameterCount];
        var firstRow = new float[DropoutClassifierNet.ParameterCount];
        DropoutClassifierNet.AccumulateGradient(parameters, inputs.AsSpan(0, 2), targets.AsSpan(0, 1), single, mask);
        DropoutClassifierNet.AccumulateGradientBatch(parameters, inputs.AsSpan(0, 2), targets.AsSpan(0, 1), firstRow, mask);
        TrainingTestData.AssertClose(single, firstRow, 1e-6f);

        // The mask-free matrix form trains without dropout, as the mask-free per-sample pass does.
        var plainBatch = new float[DropoutClassifierNet.ParameterCount];
        var plainSamples = new float[DropoutClassifierNet.ParameterCount];
        DropoutClassifierNet.AccumulateGradientBatch(parameters, inputs, targets, plainBatch);
        for (int k = 0; k < 3; k++)
        {
            DropoutClassifierNet.AccumulateGradient(parameters, inputs.AsSpan(2 * k, 2), targets.AsSpan(k, 1), plainSamples);
        }

        TrainingTestData.AssertClose(plainSamples, plainBatch, 1e-5f);
    }

    [Fact]
    public void TheTrainerIsDeterministicBySeedAndTheMaskChangesTheWeights()
    {
        var data = TrainingTestData.Xor();
        float[] Train(int seed)
        {
            var net = new DropoutClassifierNet(seed: 1);
            new Trainer<DropoutClassifierNet>(new TrainerOptions { Epochs = 20, BatchSize = 2, Seed = seed, Schedule = 0.5f }).Fit(net, data);
            return net.Parameters.ToArray();
        }

        Assert.Equal(Train(3), Train(3));
        Assert.NotEqual(Train(3), Train(4));
    }

    [Fact]
    public void AResumedRunWithDropoutGivesBitIdenticalWeights()
    {
        using var directory = new TemporaryDirectory();
        string latest = Path.Combine(directory.Path, "latest.ncckpt");
        var data = TrainingTestData.Xor();
        TrainerOptions Options(int epochs) => new() { Epochs = epochs, BatchSize = 2, Seed = 8, Schedule = 0.5f, Optimizer = new Adam(DropoutClassifierNet.ParameterCount) };

        var uninterrupted = new DropoutClassifierNet(seed: 1);
        new Trainer<DropoutClassifierNet>(Options(12)).Fit(uninterrupted, data);
        new Trainer<DropoutClassifierNet>(Options(5) with { Checkpoints = new CheckpointOptions { LatestPath = latest } }).Fit(new DropoutClassifierNet(seed: 1), data);
        var resumed = new DropoutClassifierNet(seed: 0);
        new Trainer<DropoutClassifierNet>(Options(12)).Resume(latest, resumed, data);
        Assert.Equal(uninterrupted.Parameters.ToArray(), resumed.Parameters.ToArray());
    }

    [Fact]
    public void TheModelFileRecordsTheDropoutAndLoadsIntoTheSameTopology()
    {
        Assert.Equal(0.5f, DropoutClassifierNet.Description.Layers[0].Dropout);
        Assert.Equal("2 → 6 Tanh dropout 0.5 → 1 Sigmoid, CrossEntropy, 25 parameters", DropoutClassifierNet.Description.ToString());
        using var stream = new MemoryStream();
        var net = new DropoutClassifierNet(seed: 6);
        net.Save(stream);
        Assert.Equal(ModelFileFormat.StandardizerVersion, BitConverter.ToUInt32(stream.ToArray(), 8));
        stream.Position = 0;
        Assert.Equal(0.5f, ModelFile.ReadDescription(stream).Layers[0].Dropout);
        stream.Position = 0;
        Assert.Equal(net.Parameters.ToArray(), ModelFile.Load<DropoutClassifierNet>(stream).Parameters.ToArray());
        Assert.Contains("dropout_1 (Dropout 0.5)", DropoutClassifierNet.Description.Summary(), StringComparison.Ordinal);
    }

    /// <summary>The first mask (seed 1, steps 0, 1, ...) whose layer-1 units of sample 0 are kept as <paramref name="keeps"/> says.</summary>
    private static DropoutMask FirstMask(bool[] keeps)
    {
        for (long step = 0; ; step++)
        {
            var mask = new DropoutMask(1, step);
            if (keeps.Select((keep, unit) => mask.Keeps(1, 0, unit, 0.5f) == keep).All(match => match))
            {
                return mask;
            }
        }
    }

    /// <summary>The binary cross-entropy of <see cref="DropoutClassifierNet"/> with the mask applied, in double precision.</summary>
    private static double ReferenceLoss(double[] theta, float[] input, float target, DropoutMask mask, int sample = 0)
    {
        const int Hidden = 6;
        double z2 = theta[(Hidden * 2) + Hidden + Hidden];
        for (int j = 0; j < Hidden; j++)
        {
            double z1 = theta[(Hidden * 2) + j] + (theta[2 * j] * input[0]) + (theta[(2 * j) + 1] * input[1]);
            double dropped = mask.Keeps(1, sample, j, 0.5f) ? Math.Tanh(z1) / 0.5 : 0;
            z2 += theta[(Hidden * 2) + Hidden + j] * dropped;
        }

        double a = 1 / (1 + Math.Exp(-z2));
        return -((target * Math.Log(a)) + ((1 - target) * Math.Log(1 - a)));
    }
}

/// <summary>1 → 2 identity → Dropout(0.5) → 1 identity, MSE: small enough for a step by hand (parameters W1[2, 1], b1[2], W2[1, 2], b2).</summary>
[Network(Inputs = 1)]
[Dense(2)]
[Dropout(0.5)]
[Dense(1)]
public partial class DropoutLineNet;

/// <summary>2 → 6 tanh → Dropout(0.5) → 1 sigmoid, binary cross-entropy.</summary>
[Network(Inputs = 2, Loss = Loss.CrossEntropy)]
[Dense(6, Activation.Tanh)]
[Dropout(0.5)]
[Dense(1, Activation.Sigmoid)]
public partial class DropoutClassifierNet;
