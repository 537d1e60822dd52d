using NetCompiler.Training;
using ScottPlot;

namespace NetCompiler.Samples;

/// <summary>One line of a plot: a label for the legend and its points.</summary>
/// <param name="Label">The legend entry.</param>
/// <param name="X">The x coordinates.</param>
/// <param name="Y">The y coordinates (as many as <paramref name="X"/>).</param>
/// <param name="Markers">Draw a marker at each point (for sparse data) instead of a plain line.</param>
/// <param name="Width">The line width in pixels (a wide line under a narrow one keeps both visible where they agree).</param>
public sealed record LineSeries(string Label, double[] X, double[] Y, bool Markers = false, float Width = 2);

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

        var multiplot = new Multiplot(Panel($"{title}: loss", "epoch", "loss", loss, logScaleIfWide: true)) { Layout = new ScottPlot.MultiplotLayouts.Columns() };
        if (metric.Count > 0 && result.Metric != Metric.Loss)
        {
            multiplot.AddPlot(Panel($"{title}: {Formats.Name(result.Metric)}", "epoch", Formats.AxisName(result.Metric), metric, logScaleIfWide: true));
        }

        foreach (var panel in multiplot.GetPlots())
        {
            panel.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true }; // whole epochs
        }

        multiplot.SavePng(path, PanelWidth * multiplot.Count(), Height);
    }

    /// <summary>True when all values are positive and the largest is over 100 times the smallest: then a log scale shows the whole run.</summary>
    private static bool SpansDecades(IReadOnlyList<LineSeries> series)
    {
        var values = series.SelectMany(s => s.Y).ToArray();
        return values.Length > 0 && values.All(v => v > 0 && double.IsFinite(v)) && values.Max() > 100 * values.Min();
    }

    /// <summary>One panel with <paramref name="series"/>, saved as a PNG at <paramref name="path"/>.</summary>
    public static void SaveLines(string path, string title, string xLabel, string yLabel, IReadOnlyList<LineSeries> series) =>
        Panel(title, xLabel, yLabel, series).SavePng(path, PanelWidth + 160, Height + 60);

    /// <summary>A plot of <paramref name="series"/>; on a log scale when asked and every value is positive.</summary>
    private static Plot Panel(string title, string xLabel, string yLabel, IReadOnlyList<LineSeries> series, bool logScaleIfWide = false)
    {
        bool logScale = logScaleIfWide && SpansDecades(series);
        var plot = new Plot();
        plot.Font.Set(SansFont);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        for (int i = 0; i < series.Count; i++)
        {
            var line = series[i];
            var scatter = plot.Add.Scatter(line.X, logScale ? [.. line.Y.Select(Math.Log10)] : line.Y);
            scatter.LegendText = line.Label;
            scatter.LineWidth = line.Width;
            scatter.MarkerSize = line.Markers ? 5 : 0;
            scatter.Color = Colors.Category10[i % Colors.Category10.Length].WithAlpha(line.Width > 3 ? 0.5 : 1.0);
        }

        if (logScale)
        {
            // The curves hold log10(y); label the ticks with y itself.
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                IntegerTicksOnly = true,
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                LabelFormatter = exponent => Math.Pow(10, exponent).ToString("0.#####e+0", System.Globalization.CultureInfo.InvariantCulture),
            };
            plot.YLabel($"{yLabel} (log scale)");
        }

        plot.ShowLegend(Edge.Bottom); // below the axes, so it never hides a curve
        return plot;
    }
}
