using System.Diagnostics;
using System.Globalization;
using System.Text;
using NetCompiler.Training;
using Spectre.Console;

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

    /// <summary><c>epoch  10/100  loss 0.2345  acc 95.8%  test loss 0.2456  test acc 96.7%  52.3k samples/s</c> (the throughput only when asked).</summary>
    public static string Format(TrainingProgress p, string validationName, bool throughput)
    {
        int width = p.Epochs.ToString(CultureInfo.InvariantCulture).Length;
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"epoch {p.Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(width)}/{p.Epochs}");
        line.Append($"  loss {Formats.Number(p.Loss)}");
        if (p.Metric is float metric && p.MetricKind != Metric.Loss)
        {
            line.Append($"  {Formats.ShortName(p.MetricKind)} {Formats.Value(p.MetricKind, metric)}");
        }

        if (p.ValidationLoss is float validationLoss)
        {
            line.Append($"  {validationName} loss {Formats.Number(validationLoss)}");
        }

        if (p.ValidationMetric is float validationMetric && p.MetricKind != Metric.Loss)
        {
            line.Append($"  {validationName} {Formats.ShortName(p.MetricKind)} {Formats.Value(p.MetricKind, validationMetric)}");
        }

        if (throughput)
        {
            line.Append($"  {Formats.Throughput(p.SamplesPerSecond)}");
        }

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
                Console.Out.WriteLine(EpochLines.Format(value, validationName, throughput: true));
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
/// A live Spectre.Console progress bar for the current epoch (its batches), with a line below it holding the
/// running loss, the metrics of the last finished epoch and the throughput; finished epochs are printed above
/// the bar as <see cref="EpochLines"/>. Every line is cut to the terminal's width, because a line the terminal
/// wraps would leave fragments of the live display behind.
/// </summary>
internal sealed class LiveProgress : IProgress<TrainingProgress>
{
    private readonly IAnsiConsole _console;
    private readonly ProgressTask _task;
    private readonly string _validationName;
    private volatile string _stats = "";
    private string _lastEpochMetrics = "";

    private LiveProgress(IAnsiConsole console, ProgressTask task, string validationName)
    {
        _console = console;
        _task = task;
        _validationName = validationName;
    }

    /// <summary>Runs <paramref name="fit"/> under a live progress display and returns its result.</summary>
    public static TrainingResult Run(IAnsiConsole console, Func<IProgress<TrainingProgress>, TrainingResult> fit, string validationName)
    {
        LiveProgress? view = null;
        return console.Progress()
            .AutoClear(true)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 30 }, new PercentageColumn(), new ElapsedTimeColumn())
            .UseRenderHook((bar, _) => new Rows(bar, new Text(view?._stats ?? "", new Style(Color.Grey))))
            .Start(context =>
            {
                view = new LiveProgress(console, context.AddTask("starting", autoStart: true, maxValue: 1), validationName);
                return fit(view);
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
                _console.WriteLine(FitWidth(EpochLines.Format(value, _validationName, throughput: false)));
            }
        }

        _stats = FitWidth($"loss {Formats.Number(value.Loss)}{_lastEpochMetrics}  {Formats.Throughput(value.SamplesPerSecond)}");
    }

    /// <summary>The metrics measured after an epoch, shown beside the next epoch's bar.</summary>
    private string LastEpochMetrics(TrainingProgress p)
    {
        if (p.MetricKind == Metric.Loss)
        {
            return "";
        }

        string name = Formats.ShortName(p.MetricKind);
        string text = p.Metric is float metric ? $"  {name} {Formats.Value(p.MetricKind, metric)}" : "";
        return p.ValidationMetric is float validation ? $"{text}  {_validationName} {name} {Formats.Value(p.MetricKind, validation)}" : text;
    }

    private string FitWidth(string line)
    {
        int width = _console.Profile.Width - 1;
        return line.Length <= width ? line : line[..Math.Max(0, width - 1)] + "…";
    }
}
