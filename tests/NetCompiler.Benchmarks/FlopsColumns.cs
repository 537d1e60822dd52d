using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NetCompiler.Benchmarks;

/// <summary>
/// GFLOP/s of a benchmark and its share of the FMA peak measured in the same run: <see cref="PeakBenchmark"/> (FP32), or
/// for a double network's benchmark <see cref="DoublePeakBenchmark"/> (FP64). FLOPs count the multiply-adds of the dense products (2 per weight and sample): forward
/// W a, and for training also the weight gradient H Aᵀ and the propagation Wᵀ H of every layer but the first.
/// </summary>
public sealed class FlopsColumn(bool percentOfPeak) : IColumn
{
    public string Id => percentOfPeak ? "PercentOfPeak" : "GFlops";

    public string ColumnName => percentOfPeak ? "% of peak" : "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => percentOfPeak ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => percentOfPeak
        ? "GFLOP/s divided by the single-core FMA peak measured by PeakBenchmark in this run"
        : "dense-product FLOPs per call divided by the mean time";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? gflops = GigaFlops(summary, benchmarkCase);
        if (gflops is null)
        {
            return "-";
        }

        if (!percentOfPeak)
        {
            return gflops.Value.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }

        var peakType = IsDouble(benchmarkCase.Descriptor.Type) ? typeof(DoublePeakBenchmark) : typeof(PeakBenchmark);
        var peakCase = summary.BenchmarksCases.FirstOrDefault(c => c.Descriptor.Type == peakType);
        double? peak = peakCase is null ? null : GigaFlops(summary, peakCase);
        return peak is null ? "-" : (100 * gflops.Value / peak.Value).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%";
    }

    public static double? GigaFlops(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        double? flops = FlopsPerCall(benchmarkCase);
        if (report?.ResultStatistics is null || flops is null)
        {
            return null;
        }

        return flops.Value / report.ResultStatistics.Mean; // FLOPs per nanosecond = GFLOP/s
    }

    private static double? FlopsPerCall(BenchmarkCase benchmarkCase)
    {
        var type = benchmarkCase.Descriptor.Type;
        if (type == typeof(PeakBenchmark))
        {
            return PeakBenchmark.FlopsPerCall;
        }

        if (type == typeof(DoublePeakBenchmark))
        {
            return DoublePeakBenchmark.FlopsPerCall;
        }

        if (!type.IsGenericType || WeightBandwidthColumn.IsCacheRead(benchmarkCase))
        {
            return null;
        }

        var description = (NetworkDescription)type.GetGenericArguments()[0]
            .GetProperty("Description", BindingFlags.Public | BindingFlags.Static)!
            .GetValue(null)!;
        int batch = (int)benchmarkCase.Parameters["Batch"];
        double weights = description.Layers.Sum(l => (double)l.WeightCount);
        double firstLayer = description.Layers[0].WeightCount;
        var definition = type.GetGenericTypeDefinition();
        bool training = definition == typeof(TrainingBenchmark<>) || definition == typeof(BigLayerBenchmark<>) || definition == typeof(DoubleTrainingBenchmark<>)
            || typeof(ITrainingStepBenchmark).IsAssignableFrom(type);
        return 2 * batch * (training ? (3 * weights) - firstLayer : weights);
    }

    /// <summary>Whether <paramref name="type"/> measures double arithmetic (its share is of the FP64 peak).</summary>
    private static bool IsDouble(Type type) =>
        type == typeof(DoublePeakBenchmark) || (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(DoubleTrainingBenchmark<>));
}

/// <summary>
/// A generic benchmark class (of a network type, with a <c>Batch</c> parameter) defined outside this suite whose calls are
/// training steps: <see cref="FlopsColumn"/> counts a step's FLOPs for it, as for <see cref="TrainingBenchmark{TNet}"/>.
/// </summary>
public interface ITrainingStepBenchmark;
