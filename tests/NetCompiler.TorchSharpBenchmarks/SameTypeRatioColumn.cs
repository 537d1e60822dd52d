using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NetCompiler.TorchSharpBenchmarks;

/// <summary>
/// The mean time divided by that of the baseline method of the same benchmark type and parameters (the generated
/// <c>TrainStepBatch</c> of the same network and batch). BenchmarkDotNet's own ratio, in a joined summary, groups by
/// parameters alone, so the two networks of a generic class would share one baseline.
/// </summary>
public sealed class SameTypeRatioColumn : IColumn
{
    public string Id => "SameTypeRatio";

    public string ColumnName => "Ratio to baseline";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Baseline;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "mean time divided by the mean time of the baseline of the same type and parameters";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var baseline = summary.BenchmarksCases.FirstOrDefault(c =>
            c.Descriptor.Baseline && c.Descriptor.Type == benchmarkCase.Descriptor.Type
            && c.Parameters.ValueInfo == benchmarkCase.Parameters.ValueInfo);
        double? mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        double? baselineMean = baseline is null ? null : summary[baseline]?.ResultStatistics?.Mean;
        return mean is null || baselineMean is null ? "-" : (mean.Value / baselineMean.Value).ToString("F2", CultureInfo.InvariantCulture);
    }
}
