using System.Diagnostics;
using System.Text;
using NetCompiler.Training;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace NetCompiler.Samples;

/// <summary>The epoch lines both progress views print, and how often they print them.</summary>
internal static class EpochLines
{
    /// <summary>Every epoch for short runs; otherwise the first, the last and about ten in between.</summary>
    public static bool ShouldPrint(int epoch, int epochs)
    {
        if (epochs <= 20 || epoch == 1 || epoch == epochs)
        {
            return true;
        }

        int every = (epochs + 9) / 10;
        return epoch % every == 0;
    }

    /// <summary><c>epoch  10/100  loss 0.2345  accuracy 95.8%  test loss 0.2456  test accuracy 96.7%  52.3k samples/s</c>.</summary>
    public static string Format(TrainingProgress p, string validationName)
    {
        int width = p.Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
        var line = new StringBuilder();
        line.Append(System.Globalization.CultureInfo.InvariantCulture, $"epoch {p.Epoch.ToString().PadLeft(width)}/{p.Epochs}");
        line.Append($"  loss {Formats.Number(p.Loss)}");
        if (p.Metric is float metric && p.MetricKind != Metric.Loss)
        {
            line.Append($"  {Formats.Name(p.MetricKind)} {Formats.Value(p.MetricKind, metric)}");
        }

        if (p.ValidationLoss is float validationLoss)
        {
            line.Append($"  {validationName} loss {Formats.Number(validationLoss)}");
        }

        if (p.ValidationMetric is float validationMetric && p.MetricKind != Metric.Loss)
        {
            line.Append($"  {validationName} {Formats.Name(p.MetricKind)} {Formats.Value(p.MetricKind, validationMetric)}");
        }

        line.Append($"  {Formats.Throughput(p.SamplesPerSecond)}");
        return line.ToString();
    }
}

/// <summary>
/// Plain lines for logs and pipes: the epoch lines of <see cref="EpochLines"/>, plus a batch line every
/// ten seconds during a long epoch so a slow run still shows it is alive.
/// </summary>
internal sealed class PlainProgress(string validationName) : IProgress<TrainingProgress>
{
    private static readonly TimeSpan BatchLineInterval = TimeSpan.FromSeconds(10);
    private long _lastLine = Stopwatch.GetTimestamp();

    public void Report(TrainingProgress value)
    {
        if (value.Kind == TrainingProgressKind.Epoch)
        {
            if (EpochLines.ShouldPrint(value.Epoch, value.Epochs))
            {
                Console.Out.WriteLine(EpochLines.Format(value, validationName));
            }

            _lastLine = Stopwatch.GetTimestamp();
        }
        else if (Stopwatch.GetElapsedTime(_lastLine) >= BatchLineInterval)
        {
            Console.Out.WriteLine(FormattableString.Invariant(
                $"epoch {value.Epoch}/{value.Epochs}  batch {value.Batch}/{value.BatchesPerEpoch}  loss {Formats.Number(value.Loss)}  {Formats.Throughput(value.SamplesPerSecond)}"));
            _lastLine = Stopwatch.GetTimestamp();
        }
    }
}

/// <summary>
/// A live Spectre.Console progress bar for the current epoch (its batches), with the running loss, the
/// metrics of the last finished epoch and the throughput beside it; finished epochs are printed above
/// the bar as <see cref="EpochLines"/>.
/// </summary>
internal sealed class LiveProgress : IProgress<TrainingProgress>
{
    private readonly IAnsiConsole _console;
    private readonly ProgressTask _task;
    private readonly TextColumn _stats;
    private readonly string _validationName;
    private string _lastEpochMetrics = "";

    private LiveProgress(IAnsiConsole console, ProgressTask task, TextColumn stats, string validationName)
    {
        _console = console;
        _task = task;
        _stats = stats;
        _validationName = validationName;
    }

    /// <summary>Runs <paramref name="fit"/> under a live progress display and returns its result.</summary>
    public static TrainingResult Run(IAnsiConsole console, Func<IProgress<TrainingProgress>, TrainingResult> fit, string validationName)
    {
        var stats = new TextColumn();
        return console.Progress()
            .AutoClear(true)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 30 }, new PercentageColumn(), stats)
            .Start(context =>
            {
                var task = context.AddTask("starting", autoStart: true, maxValue: 1);
                return fit(new LiveProgress(console, task, stats, validationName));
            });
    }

    public void Report(TrainingProgress value)
    {
        _task.Description = FormattableString.Invariant($"epoch {value.Epoch}/{value.Epochs}  batch {value.Batch}/{value.BatchesPerEpoch}");
        _task.MaxValue = value.BatchesPerEpoch;
        _task.Value = value.Batch;
        if (value.Kind == TrainingProgressKind.Epoch)
        {
            _lastEpochMetrics = LastEpochMetrics(value);
            if (EpochLines.ShouldPrint(value.Epoch, value.Epochs))
            {
                _console.WriteLine(EpochLines.Format(value, _validationName));
            }
        }

        _stats.Text = $"loss {Formats.Number(value.Loss)}{_lastEpochMetrics}  {Formats.Throughput(value.SamplesPerSecond)}";
    }

    /// <summary>The metrics measured after an epoch, shown beside the next epoch's bar.</summary>
    private string LastEpochMetrics(TrainingProgress p)
    {
        if (p.MetricKind == Metric.Loss)
        {
            return "";
        }

        string name = Formats.Name(p.MetricKind);
        string text = p.Metric is float metric ? $"  {name} {Formats.Value(p.MetricKind, metric)}" : "";
        return p.ValidationMetric is float validation ? $"{text}  {_validationName} {name} {Formats.Value(p.MetricKind, validation)}" : text;
    }

    /// <summary>A progress column whose text the training thread replaces (a reference write, so no lock is needed).</summary>
    private sealed class TextColumn : ProgressColumn
    {
        public volatile string Text = "";

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(Text, new Style(Color.Grey));
    }
}
