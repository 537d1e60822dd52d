using BenchmarkDotNet.Running;
using NetCompiler.Benchmarks;
using NetCompiler.TorchSharpBenchmarks;

// NetCompiler against TorchSharp in one run, with the FMA peak that the "% of peak" column divides by. Run through
// run.sh beside this file (it provides the libstdc++ LibTorch needs); BENCHMARKS.md has the figures.
BenchmarkSwitcher
    .FromTypes([typeof(PeakBenchmark), typeof(TorchSharpFitBenchmark), typeof(TorchSharpStepBenchmark<>)])
    .Run(args, SuiteConfig.Create().AddColumn(new SamplesPerSecondColumn()));
