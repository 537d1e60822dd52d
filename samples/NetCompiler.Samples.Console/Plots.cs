using NetCompiler.Training;
using ScottPlot;

namespace NetCompiler.Samples;

/// <summary>One line of a plot: a label for the legend and its points.</summary>
/// <param name="Label">The legend entry.</param>
/// <param name="X">The x coordinates.</param>
/// <param name="Y">The y coordinates (as many as <paramref name="X"/>).</param>
/// <param name="Markers">Draw a marker at each point (for sparse data) instead of a plain line.</param>
public sealed record LineSeries(string Label, double[] X, double[] Y, bool Markers = false);

/// <summary>PNG images drawn with ScottPlot (pure managed code plus SkiaSharp's self-contained native library).</summary>
public static class Plots
{
    private const int PanelWidth = 640;
    private const int Height = 420;

    /// <summary>DejaVu Sans when installed (ScottPlot's own choice of a sans font on Linux may land on DejaVu Serif), else ScottPlot's.</summary>
    private static readonly string SansFont =
        SkiaSharp.SKFontManager.Default.FontFamilies.Contains("DejaVu Sans") ? "DejaVu Sans" : Fonts.Sans;

    /// <summary>
    /// Two panels side by side: the loss per epoch (training and, if any, validation) and the metric per
    /// epoch (accuracy in percent, or the mean absolute error), saved as a PNG at <paramref name="path"/>.
    /// </summary>
    public static void SaveTrainingCurves(TrainingResult result, string path, string title, string validationName)
    {
        ArgumentNullException.ThrowIfNull(result);
        var history = result.History;
        double[] epochs = [.. history.Select(e => (double)e.Epoch)];
        bool sparse = history.Count <= 30;

        var loss = new List<LineSeries> { new("training", epochs, [.. history.Select(e => (double)e.TrainingLoss)], sparse) };
        if (history.Count > 0 && history[0].ValidationLoss is not null)
        {
            loss.Add(new LineSeries(validationName, epochs, [.. history.Select(e => (double)e.ValidationLoss!.Value)], sparse));
        }

        var metric = new List<LineSeries>();
        if (history.Count > 0 && history[0].TrainingMetric is not null)
        {
            metric.Add(new LineSeries("training", epochs, [.. history.Select(e => Formats.PlotValue(result.Metric, e.TrainingMetric!.Value))], sparse));
        }

        if (history.Count > 0 && history[0].ValidationMetric is not null)
        {
            metric.Add(new LineSeries(validationName, epochs, [.. history.Select(e => Formats.PlotValue(result.Metric, e.ValidationMetric!.Value))], sparse));
        }

        var multiplot = new Multiplot(Panel($"{title}: loss", "epoch", "loss", loss)) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        if (metric.Count > 0 && result.Metric != Metric.Loss)
        {
            var legend = Evaluation.IsHigherBetter(result.Metric) ? Alignment.LowerRight : Alignment.UpperRight;
            multiplot.AddPlot(Panel($"{title}: {Formats.Name(result.Metric)}", "epoch", Formats.AxisName(result.Metric), metric, legend));
        }

        multiplot.SavePng(path, PanelWidth * multiplot.Count(), Height);
    }

    /// <summary>One panel with <paramref name="series"/>, saved as a PNG at <paramref name="path"/>.</summary>
    public static void SaveLines(string path, string title, string xLabel, string yLabel, IReadOnlyList<LineSeries> series) =>
        Panel(title, xLabel, yLabel, series).SavePng(path, PanelWidth + 160, Height + 60);

    private static Plot Panel(string title, string xLabel, string yLabel, IReadOnlyList<LineSeries> series, Alignment legend = Alignment.UpperRight)
    {
        var plot = new Plot();
        plot.Font.Set(SansFont);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        for (int i = 0; i < series.Count; i++)
        {
            var line = series[i];
            var scatter = plot.Add.Scatter(line.X, line.Y);
            scatter.LegendText = line.Label;
            scatter.LineWidth = 2;
            scatter.MarkerSize = line.Markers ? 5 : 0;
            scatter.Color = Colors.Category10[i % Colors.Category10.Length];
        }

        plot.ShowLegend(legend);
        return plot;
    }
}
