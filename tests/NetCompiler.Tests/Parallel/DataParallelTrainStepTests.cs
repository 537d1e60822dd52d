using NetCompiler.Kernels.Parallel;
using NetCompiler.Tests.Support;

namespace NetCompiler.Tests.Parallel;

/// <summary>
/// <c>TrainStepBatchDataParallel</c>, the step split by samples: it agrees with <c>TrainStepBatch</c> within float
/// rounding, gives the same bits run after run whether or not the worker takes part, runs the serial step where it
/// does not split, throws the serial step's exceptions (naming the sample of the whole batch) without changing the
/// parameters, and allocates nothing once warm.
/// </summary>
[Collection(ParallelWorkerCollection.Name)]
public sealed class DataParallelTrainStepTests
{
    // ThresholdNet (400 → 256 → 10) has 105,226 parameters: 96 samples and more are split.
    [Theory]
    [InlineData(96)]
    [InlineData(97)]
    [InlineData(130)]
    [InlineData(256)]
    public void AgreesWithTrainStepBatchAndGivesTheSameBitsWhetherOrNotTheWorkerTakesPart(int batch) =>
        AssertAgreesWithTheSerialStepAndIsDeterministic<ThresholdNet>(batch, learningRate: 0.05f);

    [Fact]
    public void AgreesWithTrainStepBatchUnderThePerSampleLossWithHalvesOfUnevenSize()
    {
        // 400 samples: halves of 192 and 208, so the second half's buffers are not whole vectors of samples.
        Assert.False(SampleHalves.Splits(379, ThreeLayerRegressionNet.ParameterCount));
        AssertAgreesWithTheSerialStepAndIsDeterministic<ThreeLayerRegressionNet>(400, learningRate: 0.1f);
    }

    [Fact]
    public void SmallBatchesAndSmallNetworksRunTheSerialStep()
    {
        AssertSameAsSerial<ThresholdNet>(SampleHalves.MinimumBatch - 1);
        Assert.False(SampleHalves.Splits(128, TileEdgesNet.ParameterCount));
        AssertSameAsSerial<TileEdgesNet>(128);
    }

    [Fact]
    public void NaNInputThrowsTheSerialStepsExceptionAndChangesNothing()
    {
        var inputs = Numbers.Uniform(128 * ThresholdNet.InputSize, seed: 3);
        inputs[(100 * ThresholdNet.InputSize) + 7] = float.NaN;
        var targets = NetworkData.TargetsFor<ThresholdNet>(128, seed: 4);
        var parameters = new ThresholdNet(seed: 1).Parameters.ToArray();
        var before = parameters.ToArray();

        var serial = Assert.Throws<TrainingDivergedException>(() => ThresholdNet.TrainStepBatch(parameters, inputs, targets, 0.1f));
        var split = Assert.Throws<TrainingDivergedException>(() => ThresholdNet.TrainStepBatchDataParallel(parameters, inputs, targets, 0.1f));

        Assert.Equal("ThresholdNet: input[7] of sample 100 in the batch is NaN. The parameters were not changed.", split.Message);
        Assert.Equal(serial.Message, split.Message);
        Numbers.AssertBitIdentical(before, parameters, "parameters");
    }

    [Fact]
    public void ALossThatOverflowsInTheSecondHalfIsNamedByItsSampleInTheWholeBatch()
    {
        // Sample 100 (the second half holds samples 64 to 127) has finite but huge inputs: its z overflows and its
        // loss is not finite. The second half numbers it 36; the exception must say 100, as the serial step does.
        var inputs = Numbers.Uniform(128 * ThresholdNet.InputSize, seed: 5);
        inputs.AsSpan(100 * ThresholdNet.InputSize, ThresholdNet.InputSize).Fill(3e38f);
        var targets = NetworkData.TargetsFor<ThresholdNet>(128, seed: 6);
        var parameters = new ThresholdNet(seed: 2).Parameters.ToArray();
        var before = parameters.ToArray();

        var serial = Assert.Throws<TrainingDivergedException>(() => ThresholdNet.TrainStepBatch(parameters, inputs, targets, 0.1f));
        var split = Assert.Throws<TrainingDivergedException>(() => ThresholdNet.TrainStepBatchDataParallel(parameters, inputs, targets, 0.1f));

        Assert.StartsWith("ThresholdNet: the loss of sample 100 in the batch is NaN", split.Message, StringComparison.Ordinal);
        Assert.Equal(serial.Message, split.Message);
        Numbers.AssertBitIdentical(before, parameters, "parameters");
    }

    [Fact]
    public void AllocatesNothingOnceWarm()
    {
        var inputs = Numbers.Uniform(128 * ThresholdNet.InputSize, seed: 9);
        var targets = NetworkData.TargetsFor<ThresholdNet>(128, seed: 10);
        var parameters = new ThresholdNet(seed: 6).Parameters.ToArray();
        for (int i = 0; i < 20; i++)
        {
            ThresholdNet.TrainStepBatchDataParallel(parameters, inputs, targets, 1e-4f);
        }

        Assert.Equal(0, Allocations.LeastPerRound(calls: 50, () => ThresholdNet.TrainStepBatchDataParallel(parameters, inputs, targets, 1e-4f)));
        Numbers.AssertAllFinite(parameters, "parameters");
    }

    /// <summary>
    /// Three steps of <paramref name="batch"/> samples: the split step agrees with <c>TrainStepBatch</c> within float
    /// rounding, and gives the same bits with the worker and without it.
    /// </summary>
    private static void AssertAgreesWithTheSerialStepAndIsDeterministic<TNet>(int batch, float learningRate)
        where TNet : class, INeuralNetwork<TNet>
    {
        using var settings = new SplitSettings(minimumWork: ParallelRows.DefaultMinimumWork, workerStartsFirst: true);
        Assert.True(SampleHalves.Splits(batch, TNet.ParameterCount));
        var inputs = Numbers.Uniform(batch * TNet.InputSize, seed: batch);
        var targets = NetworkData.TargetsFor<TNet>(batch, seed: batch + 1);
        var serial = TNet.Create(seed: 4).Parameters.ToArray();
        var withWorker = serial.ToArray();
        var withoutWorker = serial.ToArray();
        long jobs = SplitSettings.WorkerJobs;
        for (int step = 0; step < 3; step++)
        {
            float serialLoss = TNet.TrainStepBatch(serial, inputs, targets, learningRate);
            float loss = TNet.TrainStepBatchDataParallel(withWorker, inputs, targets, learningRate);
            float lossAlone = WithTheWorkerBusy(() => TNet.TrainStepBatchDataParallel(withoutWorker, inputs, targets, learningRate));

            string what = $"{typeof(TNet).Name}, batch {batch}, step {step}";
            Assert.True(Math.Abs(serialLoss - loss) <= 1e-6f * Math.Abs(serialLoss), $"{what}: loss {loss:R}, serial {serialLoss:R}");
            Numbers.AssertClose(serial, withWorker, 1e-6, $"{what}: parameters");
            Numbers.AssertBitIdentical([loss], [lossAlone], $"{what}: loss without the worker");
            Numbers.AssertBitIdentical(withWorker, withoutWorker, $"{what}: parameters without the worker");
        }

        // Each step with the worker free is two jobs, the halves and the update, and the worker starts first in both.
        Assert.Equal(2 * 3, SplitSettings.WorkerJobs - jobs);
    }

    private static void AssertSameAsSerial<TNet>(int batch)
        where TNet : class, INeuralNetwork<TNet>
    {
        var inputs = Numbers.Uniform(batch * TNet.InputSize, seed: 11);
        var targets = NetworkData.TargetsFor<TNet>(batch, seed: 12);
        var serial = TNet.Create(seed: 5).Parameters.ToArray();
        var split = serial.ToArray();
        float serialLoss = TNet.TrainStepBatch(serial, inputs, targets, 0.05f);
        float loss = TNet.TrainStepBatchDataParallel(split, inputs, targets, 0.05f);
        Numbers.AssertBitIdentical([serialLoss], [loss], $"{typeof(TNet).Name}, batch {batch}: loss");
        Numbers.AssertBitIdentical(serial, split, $"{typeof(TNet).Name}, batch {batch}: parameters");
    }

    /// <summary>Runs <paramref name="step"/> while this thread holds the worker, so the step computes both halves itself.</summary>
    private static float WithTheWorkerBusy(Func<float> step)
    {
        var worker = KernelWorker.Instance;
        Assert.True(worker.TryTake(), "the worker was in use");
        try
        {
            return step();
        }
        finally
        {
            worker.Release();
        }
    }
}
