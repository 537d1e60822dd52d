using System.Globalization;
using NetCompiler.Training;

namespace NetCompiler.Samples;

/// <summary>How the samples write numbers: the same on every machine (invariant culture).</summary>
public static class Formats
{
    /// <summary>The metric's name in tables and legends: "accuracy", "MAE" or "loss".</summary>
    public static string Name(Metric metric) => metric switch
    {
        Metric.Accuracy => "accuracy",
        Metric.MeanAbsoluteError => "MAE",
        Metric.RootMeanSquaredError => "RMSE",
        Metric.RSquared => "R²",
        Metric.MacroF1 => "macro F1",
        _ => "loss",
    };

    /// <summary>The metric's name beside the progress bar: "acc", "MAE" or "loss".</summary>
    public static string ShortName(Metric metric) => metric == Metric.Accuracy ? "acc" : Name(metric);

    /// <summary>The metric's name on a plot axis: "accuracy (%)", "mean absolute error" or "loss".</summary>
    public static string AxisName(Metric metric) => metric switch
    {
        Metric.Accuracy => "accuracy (%)",
        Metric.MeanAbsoluteError => "mean absolute error",
        Metric.RootMeanSquaredError => "root-mean-square error",
        Metric.RSquared => "R²",
        Metric.MacroF1 => "macro F1",
        _ => "loss",
    };

    /// <summary>A metric value: accuracy as a percentage (<c>96.7%</c>), anything else with four decimals.</summary>
    public static string Value(Metric metric, float value) =>
        metric == Metric.Accuracy ? Percent(value) : Number(value);

    /// <summary>The value a plot shows for the metric: accuracy in percent, anything else as it is.</summary>
    public static double PlotValue(Metric metric, float value) => metric == Metric.Accuracy ? 100.0 * value : value;

    /// <summary>A fraction as a percentage with one decimal: <c>0.9667</c> → <c>96.7%</c>.</summary>
    public static string Percent(double fraction) => (100 * fraction).ToString("F1", CultureInfo.InvariantCulture) + "%";

    /// <summary>A loss or an error with four decimals (more significant digits when it is tiny).</summary>
    public static string Number(double value) =>
        value != 0 && Math.Abs(value) < 0.001
            ? value.ToString("0.###e+0", CultureInfo.InvariantCulture)
            : value.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>A throughput: <c>523</c>, <c>52.3k</c> or <c>1.23M</c> samples/s.</summary>
    public static string Throughput(double samplesPerSecond) => samplesPerSecond switch
    {
        >= 1e6 => (samplesPerSecond / 1e6).ToString("F2", CultureInfo.InvariantCulture) + "M samples/s",
        >= 1e4 => (samplesPerSecond / 1e3).ToString("F1", CultureInfo.InvariantCulture) + "k samples/s",
        _ => samplesPerSecond.ToString("F0", CultureInfo.InvariantCulture) + " samples/s",
    };

    /// <summary>A duration: <c>0.42 s</c>, <c>12.3 s</c> or <c>2 min 05 s</c>.</summary>
    public static string Duration(TimeSpan duration) => duration.TotalSeconds switch
    {
        < 10 => duration.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s",
        < 120 => duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s",
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes} min {duration.Seconds:00} s"),
    };
}
