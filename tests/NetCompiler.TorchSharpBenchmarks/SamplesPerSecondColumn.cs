using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using NetCompiler.Benchmarks;

namespace NetCompiler.TorchSharpBenchmarks;

/// <summary>
/// Training samples per second: the samples of one call (an epoch of <see cref="FitBenchmark.Samples"/>, or the
/// <c>Batch</c> parameter of a step) divided by the mean time.
/// </summary>
public sealed class SamplesPerSecondColumn : IColumn
{
    public string Id => "SamplesPerSecond";

    public string ColumnName => "samples/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 3;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "training samples of one call divided by the mean time";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        int? samples = typeof(FitBenchmark).IsAssignableFrom(benchmarkCase.Descriptor.Type) ? FitBenchmark.Samples
            : benchmarkCase.Parameters.Items.Any(p => p.Name == "Batch") ? (int)benchmarkCase.Parameters["Batch"]
            : null;
        if (report?.ResultStatistics is null || samples is null)
        {
            return "-";
        }

        // Samples per nanosecond × 10^9.
        return (samples.Value / report.ResultStatistics.Mean * 1e9).ToString("N0", CultureInfo.InvariantCulture);
    }
}
