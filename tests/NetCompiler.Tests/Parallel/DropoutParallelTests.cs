using NetCompiler.Kernels.Parallel;
using NetCompiler.Tests.Support;

namespace NetCompiler.Tests.Parallel;

/// <summary>Dropout on two cores: the matrix form with its products split by rows gives the same bits as on one core.</summary>
[Collection(ParallelWorkerCollection.Name)]
public sealed class DropoutParallelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(64)]
    [InlineData(130)]
    public void OneAndTwoCoresGiveTheSameGradientWithTheSameMask(int batch)
    {
        using var settings = new SplitSettings(minimumWork: 0);
        long jobs = SplitSettings.WorkerJobs;
        var net = new ParallelDropoutNet(seed: 3);
        float[] inputs = Numbers.Uniform(batch * ParallelDropoutNet.InputSize, seed: 4);
        float[] targets = NetworkData.TargetsFor<ParallelDropoutNet>(batch, seed: 5);
        for (long step = 0; step < 3; step++)
        {
            var mask = new DropoutMask(Seed: 7, Step: step);
            var oneCore = new float[ParallelDropoutNet.ParameterCount];
            var twoCores = new float[ParallelDropoutNet.ParameterCount];
            float oneLoss = ParallelDropoutNet.AccumulateGradientBatch(net.Parameters, inputs, targets, oneCore, mask);
            float twoLoss = ParallelBatch<ParallelDropoutNet>.AccumulateGradientBatch(net.Parameters, inputs, targets, twoCores, mask);
            Assert.Equal(oneLoss, twoLoss);
            Assert.Equal(oneCore, twoCores);
        }

        Assert.True(batch == 1 || !Kernels.BatchLayout.VectorsAccelerated || SplitSettings.WorkerJobs > jobs, "the worker took part in no product");
    }
}

/// <summary>30 → Dense(48, Tanh) → Dropout(0.25) → Dense(36, ReLU) → Dropout(0.5) → Dense(3, Softmax): both hidden products split.</summary>
[Network(Inputs = 30, Loss = Loss.CrossEntropy)]
[Dense(48, Activation.Tanh)]
[Dropout(0.25)]
[Dense(36, Activation.ReLU)]
[Dropout(0.5)]
[Dense(3, Activation.Softmax)]
public partial class ParallelDropoutNet;
