using BenchmarkDotNet.Attributes;
using NetCompiler.Data;
using NetCompiler.Training;

namespace NetCompiler.Benchmarks.Data;

/// <summary>30-64-3, the generated data's classifier.</summary>
[Network(Inputs = 30, Loss = Loss.CrossEntropy)]
[Dense(64, Activation.ReLU)]
[Dense(3, Activation.Softmax)]
public partial class Tabular30;

/// <summary>
/// <c>Fit</c> over the generated 200,000 samples, four epochs per call (batch 32, shuffled, Adam, no per-epoch metric),
/// so the per-call setup (the streamed windows are allocated once per <c>Fit</c>) weighs as it does in real training: in
/// memory (the baseline) against streamed from a sample file with the default shuffle window (16 chunks of 1 MiB here,
/// 127,088 samples, so two windows per epoch, read by the second thread while training), the goal being within 1.1×.
/// Run it also pinned to one core (<c>taskset -c 1</c>) for the case where another program holds the second core: the
/// reader's work then adds to the trainer's.
/// </summary>
[MemoryDiagnoser]
public class StreamedEpochBenchmark : GeneratedFileBenchmark
{
    /// <summary>Epochs per <c>Fit</c> call; divide the times by it for one epoch.</summary>
    public const int Epochs = 4;

    private Dataset? _data;
    private SampleFile? _file;
    private Trainer<Tabular30>? _trainer;
    private Tabular30? _network;

    [GlobalSetup]
    public void Setup()
    {
        string path = PathOf("data.ncsamples");
        _data = GeneratedData.Dataset();
        SampleFile.Write(path, _data);
        _file = SampleFile.Open(path);
        _network = new Tabular30(seed: 1);
        _trainer = new Trainer<Tabular30>(new TrainerOptions
        {
            Epochs = Epochs,
            BatchSize = 32,
            Seed = 3,
            Optimizer = new Adam(Tabular30.ParameterCount),
            EvaluateTrainingMetric = false,
            ReportBatches = false,
        });
    }

    public override void Cleanup()
    {
        _file!.Dispose();
        base.Cleanup();
    }

    [Benchmark(Baseline = true)]
    public long InMemory() => _trainer!.Fit(_network!, _data!).Steps;

    [Benchmark]
    public long Streamed() => _trainer!.FitStreamed(_network!, new StreamedTrainingData(_file!)).Steps;

    /// <summary>Streamed with a window that holds all the samples: read once, then only the hand-over of batches between the threads.</summary>
    [Benchmark]
    public long StreamedOneWindow() => _trainer!.FitStreamed(_network!, new StreamedTrainingData(_file!, (int)_file!.Count)).Steps;
}
