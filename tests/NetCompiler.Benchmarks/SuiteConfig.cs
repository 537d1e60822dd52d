using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace NetCompiler.Benchmarks;

/// <summary>
/// The suite's BenchmarkDotNet configuration, shared with the TorchSharp comparison. Every benchmark runs in this process
/// (in-process toolchain), so the FMA peak, the baselines and the generated kernels are measured side by side under the
/// same conditions. A short job (3 warm-ups, 5 measured iterations of at least 250 ms each) keeps the whole suite near
/// 20 minutes.
/// </summary>
public static class SuiteConfig
{
    public static ManualConfig Create() =>
        DefaultConfig.Instance
            .AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithWarmupCount(3)
                .WithIterationCount(5)
                .WithMinIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250)))
            .AddColumn(new FlopsColumn(percentOfPeak: false), new FlopsColumn(percentOfPeak: true), new Data.ThroughputColumn(), new WeightBandwidthColumn())
            .WithOptions(ConfigOptions.JoinSummary);
}
