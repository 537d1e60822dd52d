using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NetCompiler.Benchmarks;

/// <summary>
/// GB/s of the parameters read, for single-sample inference and for the plain read of the same bytes
/// (<see cref="InferenceBenchmark{TNet}.ReadParameters"/>) measured in the same run: a forward pass of one sample reads every
/// weight and bias once, so its bytes per second beside the plain read's say how close the matrix-vector kernel comes to
/// the cache's bandwidth. Blank for batches above 1 (they reuse each weight across samples).
/// </summary>
public sealed class WeightBandwidthColumn : IColumn
{
    public string Id => "WeightBandwidth";

    public string ColumnName => "params GB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 3;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "bytes of the network's parameters (each read once by a one-sample forward pass) divided by the mean time";

    /// <summary>Whether the case is the plain read of the parameters.</summary>
    public static bool IsCacheRead(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(InferenceBenchmark<Tiny>.ReadParameters);

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var type = benchmarkCase.Descriptor.Type;
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is null || !type.IsGenericType || type.GetGenericTypeDefinition() != typeof(InferenceBenchmark<>))
        {
            return "-";
        }

        if (!IsCacheRead(benchmarkCase) && (int)benchmarkCase.Parameters["Batch"] != 1)
        {
            return "-";
        }

        var description = (NetworkDescription)type.GetGenericArguments()[0]
            .GetProperty("Description", BindingFlags.Public | BindingFlags.Static)!
            .GetValue(null)!;
        double bytes = description.Layers.Sum(l => (double)l.ParameterCount) * sizeof(float);
        return (bytes / report.ResultStatistics.Mean).ToString("F1", System.Globalization.CultureInfo.InvariantCulture); // bytes per ns = GB/s
    }
}
