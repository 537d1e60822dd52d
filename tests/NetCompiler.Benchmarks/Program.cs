using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NetCompiler.Benchmarks;

// Every benchmark runs in this process (in-process toolchain), so the FMA peak, the textbook baseline,
// ONNX Runtime and the generated kernels are measured side by side under the same conditions.
// Include PeakBenchmark in every run: the "% of peak" column divides by it. See BENCHMARKS.md.
// A short job (3 warm-ups, 5 measured iterations of at least 250 ms each) keeps the whole suite near 20 minutes.
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithWarmupCount(3)
    .WithIterationCount(5)
    .WithMinIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250));
var config = DefaultConfig.Instance
    .AddJob(job)
    .AddColumn(new FlopsColumn(percentOfPeak: false), new FlopsColumn(percentOfPeak: true), new NetCompiler.Benchmarks.Data.ThroughputColumn(), new WeightBandwidthColumn())
    .WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(PeakBenchmark).Assembly).Run(args, config);
