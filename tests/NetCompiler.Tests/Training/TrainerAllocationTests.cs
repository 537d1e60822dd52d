using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

public class TrainerAllocationTests
{
    [Fact]
    public void TrainingStepsAndEpochEvaluationAllocateNothing()
    {
        // Every option that runs per step or per epoch: shuffling, Adam with decay and clipping, a
        // per-batch schedule, validation, the training metric, best-parameter tracking.
        AssertNoAllocationAfterTheFirstEpoch<TrainerBlobNet>(TrainingTestData.Blobs(64, seed: 5), new TrainerOptions
        {
            BatchSize = 8,
            ValidationSplit = 0.25f,
            Optimizer = new Adam(TrainerBlobNet.ParameterCount) { WeightDecay = 1e-3f, MaxGradientNorm = 1f },
            Schedule = new CosineAnnealing(0.01f, period: 100),
            ScheduleUnit = ScheduleUnit.Batch,
            EarlyStopping = new EarlyStopping(patience: 100),
        });
    }

    [Fact]
    public void ClassWeightsAndDropoutAllocateNothing()
    {
        // The class-weighted gradient (per-class sub-batches) and the matrix form with dropout masks.
        var data = TrainingTestData.Blobs(64, seed: 5);
        var xorLike = new TrainingData(
            [.. data.Features.ToArray()],
            [.. Enumerable.Range(0, data.Count).Select(i => data.Targets[3 * i] > 0f ? 1f : 0f)],
            2,
            1);
        AssertNoAllocationAfterTheFirstEpoch<DropoutClassifierNet>(xorLike, new TrainerOptions
        {
            BatchSize = 8,
            ValidationSplit = 0.25f,
            Schedule = 0.1f,
            ClassWeights = [1f, 2f],
        });
    }

    [Fact]
    public void DoubleTrainingStepsAndEpochEvaluationAllocateNothing()
    {
        // A double network: the batches widened from the float samples, double optimizer state, validation in double.
        AssertNoAllocationAfterTheFirstEpoch<DoubleBlobNet, double>(TrainingTestData.Blobs(64, seed: 5), new TrainerOptions
        {
            BatchSize = 8,
            ValidationSplit = 0.25f,
            Optimizer = new Adam(DoubleBlobNet.ParameterCount) { WeightDecay = 1e-3f, MaxGradientNorm = 1f },
            Schedule = 0.01f,
            EarlyStopping = new EarlyStopping(patience: 100),
        });
    }

    /// <summary>
    /// 48 training samples → 6 batches + 1 epoch event per epoch. Skip the first epoch (JIT warm-up): from the end of epoch 1
    /// on, no event may see a single allocated byte since the previous one. Up to three training runs, one of which must be
    /// clean throughout: the runtime's own occasional allocation on this thread (see Support/Allocations) spoils one run, a
    /// per-step allocation spoils every run.
    /// </summary>
    private static void AssertNoAllocationAfterTheFirstEpoch<TNet>(TrainingData data, TrainerOptions options)
        where TNet : class, INeuralNetwork<TNet> => AssertNoAllocationAfterTheFirstEpoch<TNet, float>(data, options);

    private static void AssertNoAllocationAfterTheFirstEpoch<TNet, T>(TrainingData data, TrainerOptions options)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        long[] perEvent = [];
        for (int run = 0; run < 3 && (run == 0 || perEvent.Any(bytes => bytes != 0)); run++)
        {
            perEvent = AllocatedBetweenEventsAfterTheFirstEpoch<TNet, T>(data, options);
        }

        Assert.Equal(new long[perEvent.Length], perEvent);
    }

    private static long[] AllocatedBetweenEventsAfterTheFirstEpoch<TNet, T>(TrainingData data, TrainerOptions options)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, System.Numerics.IBinaryFloatingPointIeee754<T>
    {
        const int Epochs = 8;
        var net = TNet.Create(1);
        var trainer = new Trainer<TNet, T>(options with { Epochs = Epochs });
        var recorder = new AllocationRecorder(capacity: Epochs * 7);

        var result = trainer.Fit(net, data, progress: recorder);

        Assert.Equal(Epochs * 7, recorder.Count);
        Assert.Equal(Epochs * 6, result.Steps);
        return recorder.Deltas()[6..];
    }

    /// <summary>Records the thread's allocated-bytes counter at each event, into a preallocated array.</summary>
    private sealed class AllocationRecorder(int capacity) : IProgress<TrainingProgress>
    {
        private readonly long[] _bytes = new long[capacity];

        public int Count { get; private set; }

        public void Report(TrainingProgress value) => _bytes[Count++] = GC.GetAllocatedBytesForCurrentThread();

        public long[] Deltas() => _bytes.Skip(1).Take(Count - 1).Select((b, i) => b - _bytes[i]).ToArray();
    }
}
