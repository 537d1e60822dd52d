using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using NetCompiler.Benchmarks;

// Every benchmark runs in this process (in-process toolchain), so the FMA peak, the textbook baseline,
// ONNX Runtime and the generated kernels are measured side by side under the same conditions.
// Include PeakBenchmark in every run: the "% of peak" column divides by it. See BENCHMARKS.md.
var config = DefaultConfig.Instance
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance))
    .AddColumn(new FlopsColumn(percentOfPeak: false), new FlopsColumn(percentOfPeak: true))
    .WithOptions(ConfigOptions.JoinSummary);
BenchmarkSwitcher.FromAssembly(typeof(PeakBenchmark).Assembly).Run(args, config);
