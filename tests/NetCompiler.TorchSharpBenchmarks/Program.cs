using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Running;
using NetCompiler.Benchmarks;
using NetCompiler.TorchSharpBenchmarks;

// NetCompiler against TorchSharp in one run, with the FMA peak that the "% of peak" column divides by. Run through
// run.sh beside this file (it makes LibTorch's glue load on Debian 12); BENCHMARKS.md has the figures. The ratio is to
// the baseline of the same network and batch; the median and the minimum show how far the host's noise pulled the mean.
BenchmarkSwitcher
    .FromTypes([typeof(PeakBenchmark), typeof(TorchSharpFitBenchmark), typeof(TorchSharpStepBenchmark<>)])
    .Run(args, SuiteConfig.Create()
        .AddColumn(new SameTypeRatioColumn(), new SamplesPerSecondColumn(), StatisticColumn.Median, StatisticColumn.Min)
        .HideColumns(Column.Ratio, Column.RatioSD));
