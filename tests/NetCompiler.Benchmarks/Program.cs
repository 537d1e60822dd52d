using BenchmarkDotNet.Running;
using NetCompiler.Benchmarks;

// Include PeakBenchmark in every run: the "% of peak" column divides by it. See BENCHMARKS.md and SuiteConfig.
BenchmarkSwitcher.FromAssembly(typeof(PeakBenchmark).Assembly).Run(args, SuiteConfig.Create());
