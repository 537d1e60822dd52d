using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

public class TrainerAllocationTests
{
    [Fact]
    public void TrainingStepsAndEpochEvaluationAllocateNothing()
    {
        // Every option that runs per step or per epoch: shuffling, Adam with decay and clipping, a
        // per-batch schedule, validation, the training metric, best-parameter tracking.
        // 48 training samples → 6 batches + 1 epoch event per epoch. Skip the first epoch (JIT warm-up):
        // from the end of epoch 1 on, no event may see a single allocated byte since the previous one.
        // Up to three training runs, one of which must be clean throughout: the runtime's own occasional allocation on
        // this thread (see Support/Allocations) spoils one run, a per-step allocation spoils every run.
        long[] perEvent = [];
        for (int run = 0; run < 3 && (run == 0 || perEvent.Any(bytes => bytes != 0)); run++)
        {
            perEvent = AllocatedBetweenEventsAfterTheFirstEpoch();
        }

        Assert.Equal(new long[perEvent.Length], perEvent);
    }

    private static long[] AllocatedBetweenEventsAfterTheFirstEpoch()
    {
        const int Epochs = 8;
        var data = TrainingTestData.Blobs(64, seed: 5);
        var net = new TrainerBlobNet(seed: 1);
        var trainer = new Trainer<TrainerBlobNet>(new TrainerOptions
        {
            Epochs = Epochs,
            BatchSize = 8,
            ValidationSplit = 0.25f,
            Optimizer = new Adam(TrainerBlobNet.ParameterCount) { WeightDecay = 1e-3f, MaxGradientNorm = 1f },
            Schedule = new CosineAnnealing(0.01f, period: 100),
            ScheduleUnit = ScheduleUnit.Batch,
            EarlyStopping = new EarlyStopping(patience: 100),
        });
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
