using NetCompiler.Kernels;
using NetCompiler.Kernels.Parallel;
using NetCompiler.Tests.Support;
using NetCompiler.Tests.Training;
using NetCompiler.Training;

namespace NetCompiler.Tests.Parallel;

/// <summary>
/// <see cref="TrainerOptions.UseSecondCore"/>: the trainer's steps with their large products split between the calling
/// thread and the worker, the fused optimizer update included (<see cref="ParameterUpdate{T}.Layer"/> shares a layer's
/// row tiles out). The parameters, optimizer state, backup, outputs and losses are those of one core bit for bit; the
/// gradient's norm, summed in another order, agrees to rounding. The worker is made to take part in every split.
/// </summary>
[Collection(ParallelWorkerCollection.Name)]
public sealed class TwoCoreFitTests
{
    public static TheoryData<string, int> Cases()
    {
        var cases = new TheoryData<string, int>();
        foreach (string optimizer in new[] { "Sgd", "Momentum", "Adam", "AdamW", "RmsProp" })
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
    public void FusedStepOnTwoCoresIsBitIdenticalToOneCore(string optimizerName, int batch)
    {
        using var settings = new SplitSettings(minimumWork: 0);
        long jobs = SplitSettings.WorkerJobs;
        AssertTwoCoresEqualOneCore<FusedWideNet>(optimizerName, batch);
        AssertTwoCoresEqualOneCore<TwoCorePanelNet>(optimizerName, batch);
        Assert.True(SplitSettings.WorkerJobs > jobs, "the worker took part in no product");
    }

    [Fact]
    public void TheUpdateOfALayerOfTwoTilesIsOneJobSharedWithTheWorker()
    {
        // FusedWideNet's first layer: 29 rows of 300 weights (two whole tiles and an edge tile of 5), biases after them.
        using var settings = new SplitSettings(minimumWork: 0);
        const int Rows = 29, Inputs = 300, Samples = 37;
        float[] delta = Numbers.Uniform(Rows * Samples, seed: 1);
        float[] previousSampleMajor = Numbers.Uniform(Samples * Inputs, seed: 2);
        float[] oneCore = new FusedWideNet(seed: 3).Parameters.ToArray();
        float[] twoCores = (float[])oneCore.Clone();
        var oneCoreOptimizer = new Adam(FusedWideNet.ParameterCount);
        var twoCoreOptimizer = new Adam(FusedWideNet.ParameterCount);
        var oneCoreUpdate = oneCoreOptimizer.CreateFusedUpdate<float>(FusedWideNet.Description)!;
        var twoCoreUpdate = twoCoreOptimizer.CreateFusedUpdate<float>(FusedWideNet.Description)!;
        Assert.True(oneCoreOptimizer.BeginFusedStep(oneCoreUpdate, 0.01f, 1f / Samples));
        Assert.True(twoCoreOptimizer.BeginFusedStep(twoCoreUpdate, 0.01f, 1f / Samples));

        oneCoreUpdate.Layer(oneCore, 0, Rows * Inputs, Rows, Inputs, delta, previousSampleMajor, Samples);
        long jobs = SplitSettings.WorkerJobs;
        using (ParallelRows.Enter())
        {
            twoCoreUpdate.Layer(twoCores, 0, Rows * Inputs, Rows, Inputs, delta, previousSampleMajor, Samples);
        }

        Assert.Equal(1, SplitSettings.WorkerJobs - jobs);
        Assert.NotEqual(new FusedWideNet(seed: 3).Parameters.ToArray(), twoCores);
        Assert.Equal(oneCore, twoCores);
        Assert.Equal(oneCoreUpdate.Backup, twoCoreUpdate.Backup);
        Assert.Equal(oneCoreUpdate.SumOfSquares, twoCoreUpdate.SumOfSquares, oneCoreUpdate.SumOfSquares * 1e-12);
    }

    [Fact]
    public void ALayerOfOneTileIsNotSplit()
    {
        // FusedPanelNet's layers have 13 and 2 rows: one whole tile at most, so the update stays on this thread (its
        // forward and backward products have nothing to split either).
        using var settings = new SplitSettings(minimumWork: 0);
        long jobs = SplitSettings.WorkerJobs;
        AssertTwoCoresEqualOneCore<FusedPanelNet>("Adam", 37);
        Assert.Equal(jobs, SplitSettings.WorkerJobs);
    }

    [Theory]
    [InlineData("Adam", false)]
    [InlineData("Momentum", false)]
    [InlineData("Adam", true)] // clipping: the gradient path, AccumulateGradientBatch split by rows
    public void FitWithTheSecondCoreEqualsFitOnOneCore(string optimizerName, bool clip)
    {
        using var settings = new SplitSettings(minimumWork: 0);
        var data = FusedOptimizerStepTests.Data(150, FusedWideNet.InputSize, FusedWideNet.OutputSize, seed: 4);
        var oneCore = new FusedWideNet(seed: 1);
        var twoCores = new FusedWideNet(seed: 1);
        var oneCoreOptimizer = FusedOptimizerStepTests.Create(optimizerName, FusedWideNet.ParameterCount, clip);
        var twoCoreOptimizer = FusedOptimizerStepTests.Create(optimizerName, FusedWideNet.ParameterCount, clip);
        var oneCoreResult = Fit(oneCore, data, oneCoreOptimizer, useSecondCore: false);
        long jobs = SplitSettings.WorkerJobs;
        var twoCoreResult = Fit(twoCores, data, twoCoreOptimizer, useSecondCore: true);

        Assert.True(SplitSettings.WorkerJobs > jobs, "the worker took part in no product");
        Assert.Equal(oneCore.Parameters.ToArray(), twoCores.Parameters.ToArray());
        Assert.Equal(
            oneCoreResult.History.Select(e => (e.TrainingLoss, e.TrainingMetric, e.ValidationLoss, e.ValidationMetric)),
            twoCoreResult.History.Select(e => (e.TrainingLoss, e.TrainingMetric, e.ValidationLoss, e.ValidationMetric)));
        Assert.Equal(oneCoreOptimizer.StepCount, twoCoreOptimizer.StepCount);
        Assert.Equal(oneCoreOptimizer.LastGradientNorm, twoCoreOptimizer.LastGradientNorm, oneCoreOptimizer.LastGradientNorm * 1e-5f);

        static TrainingResult Fit(FusedWideNet net, TrainingData data, Optimizer optimizer, bool useSecondCore) =>
            new Trainer<FusedWideNet>(new TrainerOptions
            {
                Epochs = 2,
                BatchSize = 48,
                Optimizer = optimizer,
                Schedule = 0.01f,
                Seed = 9,
                ValidationSplit = 0.2f,
                UseSecondCore = useSecondCore,
            }).Fit(net, data);
    }

    [Fact]
    public void AStepThatOverflowsOnTwoCoresIsUndoneAndReported()
    {
        // As on one core (FusedOptimizerStepTests): SGD's step overflows with inputs of 1e6 and a learning rate of 1e35;
        // here the worker updates some of the rows that overflow, and the backup both threads wrote restores them all.
        using var settings = new SplitSettings(minimumWork: 0);
        var data = FusedOptimizerStepTests.Data(64, FusedWideNet.InputSize, FusedWideNet.OutputSize, seed: 5, scale: 1e6f);
        var net = new FusedWideNet(seed: 2);
        float[] before = net.Parameters.ToArray();
        var trainer = new Trainer<FusedWideNet>(new TrainerOptions { Epochs = 1, BatchSize = 32, Schedule = 1e35f, UseSecondCore = true });
        long jobs = SplitSettings.WorkerJobs;
        var exception = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(net, data));
        Assert.True(SplitSettings.WorkerJobs > jobs, "the worker took part in no product");
        Assert.Contains("training diverged in epoch 1 of 1, batch 1 of 2: the update made parameter", exception.Message);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void EnterWithoutEnablingKeepsTheEnclosingSetting()
    {
        using var settings = new SplitSettings(minimumWork: 0);
        Assert.False(ParallelRows.ShouldSplit(1));
        using (ParallelRows.Enter(enabled: false))
        {
            Assert.False(ParallelRows.ShouldSplit(1));
        }

        using (ParallelRows.Enter())
        {
            using (ParallelRows.Enter(enabled: false))
            {
                Assert.Equal(Environment.ProcessorCount > 1, ParallelRows.ShouldSplit(1));
            }

            Assert.Equal(Environment.ProcessorCount > 1, ParallelRows.ShouldSplit(1));
        }

        Assert.False(ParallelRows.ShouldSplit(1));
    }

    /// <summary>Three fused steps on one core and on two from the same parameters and state, compared bit for bit.</summary>
    private static void AssertTwoCoresEqualOneCore<TNet>(string optimizerName, int batch)
        where TNet : class, INeuralNetwork<TNet, float>
    {
        var data = FusedOptimizerStepTests.Data(batch, TNet.InputSize, TNet.OutputSize, seed: batch);
        float[] inputs = data.Features.ToArray();
        float[] targets = data.Targets.ToArray();
        float[] oneCore = TNet.Create(seed: 3).Parameters.ToArray();
        float[] twoCores = (float[])oneCore.Clone();
        var oneCoreOptimizer = FusedOptimizerStepTests.Create(optimizerName, TNet.ParameterCount, clip: false);
        var twoCoreOptimizer = FusedOptimizerStepTests.Create(optimizerName, TNet.ParameterCount, clip: false);
        var oneCoreUpdate = oneCoreOptimizer.CreateFusedUpdate<float>(TNet.Description)!;
        var twoCoreUpdate = twoCoreOptimizer.CreateFusedUpdate<float>(TNet.Description)!;
        float scale = 1f / batch;
        float[] oneCoreOutputs = new float[batch * TNet.OutputSize];
        float[] twoCoreOutputs = new float[batch * TNet.OutputSize];
        for (int step = 0; step < 3; step++)
        {
            var dropout = new DropoutMask(Seed: 7, Step: step);
            Assert.True(oneCoreOptimizer.BeginFusedStep(oneCoreUpdate, 0.01f, scale));
            Assert.True(TNet.OptimizerStepBatch(oneCore, inputs, targets, oneCoreUpdate, dropout, oneCoreOutputs, out float oneCoreLoss));
            oneCoreOptimizer.EndFusedStep(oneCoreUpdate, scale);

            Assert.True(twoCoreOptimizer.BeginFusedStep(twoCoreUpdate, 0.01f, scale));
            float twoCoreLoss;
            using (ParallelRows.Enter())
            {
                Assert.True(TNet.OptimizerStepBatch(twoCores, inputs, targets, twoCoreUpdate, dropout, twoCoreOutputs, out twoCoreLoss));
            }

            twoCoreOptimizer.EndFusedStep(twoCoreUpdate, scale);

            Assert.Equal(oneCore, twoCores);
            Assert.Equal(oneCoreLoss, twoCoreLoss);
            Assert.Equal(oneCoreOutputs, twoCoreOutputs);
            Assert.Equal(oneCoreUpdate.Backup, twoCoreUpdate.Backup);
            Assert.False(twoCoreUpdate.SawNotFinite);
            Assert.Equal(oneCoreOptimizer.LastGradientNorm, twoCoreOptimizer.LastGradientNorm, oneCoreOptimizer.LastGradientNorm * 1e-5f);
        }
    }
}

/// <summary>1100 → 30 tanh → 2, MSE: 256-column panels (4 + a tail of 76) of two whole 12-row tiles and an edge tile of 6, which the two cores share.</summary>
[Network(Inputs = 1100)]
[Dense(30, Activation.Tanh)]
[Dense(2)]
public partial class TwoCorePanelNet;
