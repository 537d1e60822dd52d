using NetCompiler.Tests.Support;

namespace NetCompiler.Tests.Parallel;

/// <summary>
/// <c>TrainStepBatchParallel</c> and <c>ForwardBatchParallel</c> against the serial <c>TrainStepBatch</c> and
/// <c>ForwardBatch</c>: the same bits (parameters, losses, outputs, exceptions) for topologies whose row counts
/// leave every kind of edge tile and for batch sizes around the column blocks, with the worker made to take part
/// in every product that is split; and the default threshold decides which products are split.
/// </summary>
[Collection(ParallelWorkerCollection.Name)]
public sealed class ParallelBatchedKernelTests
{
    // Around the 16-, 32- and 64-column blocks, one sample, and more than one 64-sample tile of ForwardBatch.
    public static readonly TheoryData<int> BatchSizes = new() { 1, 2, 15, 16, 17, 33, 64, 65, 130 };

    [Theory]
    [MemberData(nameof(BatchSizes))]
    public void TrainStepBatchParallelIsBitIdenticalToTrainStepBatch(int batch)
    {
        using var settings = new SplitSettings(minimumWork: 0);
        long jobs = SplitSettings.WorkerJobs;
        AssertTrainingBitIdentical<TileEdgesNet>(batch);
        AssertTrainingBitIdentical<EdgeTileNet>(batch);
        AssertTrainingBitIdentical<LoopedNet>(batch);
        AssertTrainingBitIdentical<IrisNet>(batch); // no layer has two tiles: nothing to split
        Assert.True(SplitSettings.WorkerJobs > jobs, "the worker took part in no product");
    }

    [Theory]
    [MemberData(nameof(BatchSizes))]
    public void ForwardBatchParallelIsBitIdenticalToForwardBatch(int batch)
    {
        using var settings = new SplitSettings(minimumWork: 0);
        long jobs = SplitSettings.WorkerJobs;
        AssertForwardBitIdentical<TileEdgesNet>(batch);
        AssertForwardBitIdentical<EdgeTileNet>(batch);
        AssertForwardBitIdentical<LoopedNet>(batch);
        AssertForwardBitIdentical<SoftmaxRegressionNet>(batch);

        // One sample takes the per-sample path, which has no products to split.
        Assert.True(batch == 1 ? SplitSettings.WorkerJobs == jobs : SplitSettings.WorkerJobs > jobs, $"worker jobs: {SplitSettings.WorkerJobs - jobs}");
    }

    [Theory]
    [InlineData(128)]
    [InlineData(197)] // three whole tiles and five samples: the last chunk carries the partial tile
    public void ForwardBatchParallelSharesWholeSampleTilesOfABatchOfTwoTilesOrMore(int batch)
    {
        using var settings = new SplitSettings(minimumWork: 0);
        long before = SplitSettings.WorkerJobs;
        AssertForwardBitIdentical<TileEdgesNet>(batch);

        // One job, the tiles; each tile's layer products then run whole on the thread that claimed it (the worker is
        // busy with that job).
        Assert.Equal(1, SplitSettings.WorkerJobs - before);
    }

    [Fact]
    public void ForwardBatchParallelSplitsTheProductsOfABatchUnderTwoTiles()
    {
        using var settings = new SplitSettings(minimumWork: 0);
        long before = SplitSettings.WorkerJobs;
        AssertForwardBitIdentical<TileEdgesNet>(127);

        // Every split product and pass of both tiles is a job: the input transpose, then per tile a product and an
        // activation for each of the three layers that have two 12-row tiles (24, 37, 35 rows) — at least six.
        Assert.True(SplitSettings.WorkerJobs - before >= 6, $"worker jobs: {SplitSettings.WorkerJobs - before}");
    }

    [Fact]
    public void ForwardBatchParallelThrowsTheSerialExceptionsBeforeSharingTiles()
    {
        using var settings = new SplitSettings(minimumWork: 0);
        var parameters = new TileEdgesNet(seed: 1).Parameters.ToArray();
        var inputs = Numbers.Uniform(130 * TileEdgesNet.InputSize, seed: 2);
        long before = SplitSettings.WorkerJobs;

        var shortOutputs = Assert.Throws<ArgumentException>(() => TileEdgesNet.ForwardBatchParallel(parameters, inputs, new float[(129 * TileEdgesNet.OutputSize) + 1]));
        var serialShortOutputs = Assert.Throws<ArgumentException>(() => TileEdgesNet.ForwardBatch(parameters, inputs, new float[(129 * TileEdgesNet.OutputSize) + 1]));
        Assert.Equal(serialShortOutputs.Message, shortOutputs.Message);
        Assert.Equal("outputs", shortOutputs.ParamName);

        var shortParameters = Assert.Throws<ArgumentException>(() => TileEdgesNet.ForwardBatchParallel(parameters.AsSpan(1), inputs, new float[130 * TileEdgesNet.OutputSize]));
        Assert.Equal("parameters", shortParameters.ParamName);
        Assert.Equal(0, SplitSettings.WorkerJobs - before);
    }

    [Fact]
    public void PooledWideNetworkIsBitIdenticalToo()
    {
        using var settings = new SplitSettings(minimumWork: 0);
        AssertTrainingBitIdentical<WideNet>(40);
        AssertForwardBitIdentical<WideNet>(40);
    }

    [Fact]
    public void TheDefaultThresholdSplitsOnlyProductsLargeEnough()
    {
        using var settings = new SplitSettings(minimumWork: Kernels.Parallel.ParallelRows.DefaultMinimumWork);

        // Layer 1's forward and update products cost 256 × 400 multiply-adds per sample; everything else is far smaller.
        int smallest = (int)((Kernels.Parallel.ParallelRows.DefaultMinimumWork + (256 * 400) - 1) / (256 * 400));
        Assert.True(smallest < global::NetCompiler.Kernels.BatchLayout.TileSamples, $"{smallest} samples: more than one tile");
        long before = SplitSettings.WorkerJobs;
        AssertTrainingBitIdentical<ThresholdNet>(smallest - 1, steps: 1);
        AssertForwardBitIdentical<ThresholdNet>(smallest - 1);
        Assert.Equal(0, SplitSettings.WorkerJobs - before);

        // Training: the input transpose, layer 1's forward product, its activation and sample-major passes (all split
        // like that product), and its update; layer 1's derivative pass follows layer 2's propagation (256 × 10 per
        // sample), which stays whole.
        AssertTrainingBitIdentical<ThresholdNet>(smallest, steps: 1);
        Assert.Equal(5, SplitSettings.WorkerJobs - before);

        // Inference: layer 1's product and its activation, and the input transpose where the product cannot read the
        // sample-major inputs (without 512-bit vectors).
        AssertForwardBitIdentical<ThresholdNet>(smallest);
        Assert.Equal(Kernels.InputProduct.IsAccelerated ? 7 : 8, SplitSettings.WorkerJobs - before);
    }

    [Fact]
    public void NaNInputThrowsTheSameAndChangesNothing()
    {
        using var settings = new SplitSettings(minimumWork: 0);
        var inputs = Numbers.Uniform(40 * TileEdgesNet.InputSize, seed: 3);
        inputs[(17 * TileEdgesNet.InputSize) + 4] = float.NaN;
        var targets = NetworkData.TargetsFor<TileEdgesNet>(40, seed: 4);
        var parameters = new TileEdgesNet(seed: 1).Parameters.ToArray();
        var before = parameters.ToArray();

        var serial = Assert.Throws<TrainingDivergedException>(() => TileEdgesNet.TrainStepBatch(parameters, inputs, targets, 0.1f));
        var parallel = Assert.Throws<TrainingDivergedException>(() => TileEdgesNet.TrainStepBatchParallel(parameters, inputs, targets, 0.1f));

        Assert.Equal("TileEdgesNet: input[4] of sample 17 in the batch is NaN. The parameters were not changed.", parallel.Message);
        Assert.Equal(serial.Message, parallel.Message);
        Numbers.AssertBitIdentical(before, parameters, "parameters");
    }

    [Fact]
    public void DivergenceThrowsAtTheSameStepWithTheSameParameters()
    {
        using var settings = new SplitSettings(minimumWork: 0);
        var inputs = Numbers.Uniform(48 * TileEdgesNet.InputSize, seed: 5, scale: 50f);
        var targets = NetworkData.TargetsFor<TileEdgesNet>(48, seed: 6);
        var serial = new TileEdgesNet(seed: 2).Parameters.ToArray();
        var parallel = serial.ToArray();
        for (int step = 0; step < 100; step++)
        {
            var serialError = Record.Exception(() => TileEdgesNet.TrainStepBatch(serial, inputs, targets, 1e30f));
            var parallelError = Record.Exception(() => TileEdgesNet.TrainStepBatchParallel(parallel, inputs, targets, 1e30f));
            Numbers.AssertBitIdentical(serial, parallel, $"parameters after step {step}");
            if (serialError is not null || parallelError is not null)
            {
                Assert.IsType<TrainingDivergedException>(serialError);
                Assert.IsType<TrainingDivergedException>(parallelError);
                Assert.Equal(serialError.Message, parallelError.Message);
                Assert.Contains("The parameters were not changed", parallelError.Message, StringComparison.Ordinal);
                return;
            }
        }

        Assert.Fail("A learning rate of 1e30 never made training diverge.");
    }

    [Fact]
    public void NonFiniteDeltasThrowTheSameAndChangeNothing()
    {
        using var settings = new SplitSettings(minimumWork: 0);

        // Layer 2 is dead (ReLU of a negative bias), so the huge output weights do not reach the output and the loss
        // is finite (z3 = 0, every output 0.5); but the output deltas (0.5 each) propagated back through those
        // weights overflow to ∞, and ∞ · ReLU'(z2) = ∞ · 0 is NaN.
        var parameters = new TileEdgesNet(seed: 7).Parameters.ToArray();
        parameters.AsSpan(TileEdgesNet.Layer2WeightOffset, TileEdgesNet.Layer2WeightCount).Clear();
        parameters.AsSpan(TileEdgesNet.Layer2BiasOffset, TileEdgesNet.Layer2Size).Fill(-1f);
        parameters.AsSpan(TileEdgesNet.Layer3WeightOffset, TileEdgesNet.Layer3WeightCount).Fill(3e38f);
        var before = parameters.ToArray();
        var inputs = Numbers.Uniform(33 * TileEdgesNet.InputSize, seed: 8);
        var targets = new float[33 * TileEdgesNet.OutputSize];

        var serial = Assert.Throws<TrainingDivergedException>(() => TileEdgesNet.TrainStepBatch(parameters, inputs, targets, 0.1f));
        var parallel = Assert.Throws<TrainingDivergedException>(() => TileEdgesNet.TrainStepBatchParallel(parameters, inputs, targets, 0.1f));

        Assert.Equal("TileEdgesNet: element 0 of the deltas of layer 1 is NaN; the parameters were not changed (lower the learning rate or check the data).", parallel.Message);
        Assert.Equal(serial.Message, parallel.Message);
        Numbers.AssertBitIdentical(before, parameters, "parameters");
    }

    [Fact]
    public void SeveralUserThreadsAtOnceGetTheSerialResults()
    {
        using var settings = new SplitSettings(minimumWork: 0, workerStartsFirst: false);
        const int threadCount = 4;
        const int steps = 4;
        var inputs = Numbers.Uniform(48 * TileEdgesNet.InputSize, seed: 7);
        var targets = NetworkData.TargetsFor<TileEdgesNet>(48, seed: 8);
        var expected = new TileEdgesNet(seed: 3).Parameters.ToArray();
        var expectedOutputs = new float[48 * TileEdgesNet.OutputSize];
        for (int step = 0; step < steps; step++)
        {
            TileEdgesNet.TrainStepBatch(expected, inputs, targets, 0.05f);
        }

        TileEdgesNet.ForwardBatch(expected, inputs, expectedOutputs);

        var results = Concurrently.Run(threadCount, (t, startTogether) =>
        {
            var mine = new TileEdgesNet(seed: 3).Parameters.ToArray();
            var mineOutputs = new float[48 * TileEdgesNet.OutputSize];
            startTogether();
            for (int step = 0; step < steps; step++)
            {
                TileEdgesNet.TrainStepBatchParallel(mine, inputs, targets, 0.05f);
            }

            // All threads read the same parameters at once.
            for (int round = 0; round < 10; round++)
            {
                TileEdgesNet.ForwardBatchParallel(expected, inputs, mineOutputs);
            }

            return (Parameters: mine, Outputs: mineOutputs);
        });

        for (int t = 0; t < threadCount; t++)
        {
            Numbers.AssertBitIdentical(expected, results[t].Parameters, $"thread {t} parameters");
            Numbers.AssertBitIdentical(expectedOutputs, results[t].Outputs, $"thread {t} outputs");
        }
    }

    /// <summary>Several steps from the same start, serial and parallel: the same bits after every step, and the same losses.</summary>
    private static void AssertTrainingBitIdentical<TNet>(int batch, int steps = 3)
        where TNet : class, INeuralNetwork<TNet>
    {
        var inputs = Numbers.Uniform(batch * TNet.InputSize, seed: batch);
        var targets = NetworkData.TargetsFor<TNet>(batch, seed: batch + 1);
        var serial = TNet.Create(seed: 4).Parameters.ToArray();
        var parallel = serial.ToArray();
        for (int step = 0; step < steps; step++)
        {
            float serialLoss = TNet.TrainStepBatch(serial, inputs, targets, 0.05f);
            float parallelLoss = TNet.TrainStepBatchParallel(parallel, inputs, targets, 0.05f);
            string what = $"{typeof(TNet).Name}, batch {batch}, step {step}";
            Numbers.AssertBitIdentical([serialLoss], [parallelLoss], $"{what}: loss");
            Numbers.AssertBitIdentical(serial, parallel, $"{what}: parameters");
        }
    }

    private static void AssertForwardBitIdentical<TNet>(int batch)
        where TNet : class, INeuralNetwork<TNet>
    {
        var inputs = Numbers.Uniform(batch * TNet.InputSize, seed: batch + 2);
        var parameters = TNet.Create(seed: 5).Parameters.ToArray();
        var serial = new float[batch * TNet.OutputSize];
        var parallel = new float[batch * TNet.OutputSize];
        TNet.ForwardBatch(parameters, inputs, serial);
        TNet.ForwardBatchParallel(parameters, inputs, parallel);
        Numbers.AssertBitIdentical(serial, parallel, $"{typeof(TNet).Name}, batch {batch}: outputs");
    }
}
