using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NetCompiler.Benchmarks.Data;

/// <summary>
/// MB/s of a data-loading benchmark: the bytes one call reads (set by the benchmark's setup in <see cref="BytesPerCall"/>,
/// keyed by the benchmark method's name) divided by the mean time. The suite runs in-process, so the setup's figure is
/// there when the summary is printed.
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    /// <summary>Bytes read by one call of a benchmark method, by method name (<c>Type.Method</c>).</summary>
    public static ConcurrentDictionary<string, long> BytesPerCall { get; } = new();

    public string Id => "Throughput";

    public string ColumnName => "MB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 2;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "bytes of input read by one call (10^6 per MB) divided by the mean time";

    /// <summary>Records that <paramref name="method"/> of <typeparamref name="T"/> reads <paramref name="bytes"/> per call.</summary>
    public static void Set<T>(string method, long bytes) => BytesPerCall[$"{typeof(T).Name}.{method}"] = bytes;

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        string key = $"{benchmarkCase.Descriptor.Type.Name}.{benchmarkCase.Descriptor.WorkloadMethod.Name}";
        if (report?.ResultStatistics is null || !BytesPerCall.TryGetValue(key, out long bytes))
        {
            return "-";
        }

        // Bytes per nanosecond × 1000 = MB/s.
        return (bytes / report.ResultStatistics.Mean * 1000).ToString("F0", CultureInfo.InvariantCulture);
    }
}
