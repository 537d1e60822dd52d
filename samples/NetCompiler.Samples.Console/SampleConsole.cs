using System.Globalization;
using NetCompiler.Data;
using NetCompiler.Training;
using Spectre.Console;

namespace NetCompiler.Samples;

/// <summary>
/// The console of a sample: a live progress bar while training on a terminal (plain lines when the output
/// is redirected, not interactive, or <c>--plain</c> is given), a summary table with the confusion matrix,
/// and the training curves saved as an image in <see cref="SampleOptions.OutputDirectory"/>.
/// </summary>
/// <remarks>Creating it sets the current culture to the invariant one, so every sample prints <c>0.95</c>, not <c>0,95</c>, on every machine.</remarks>
public sealed class SampleConsole
{
    private const int PlainWidth = 100;
    private readonly IAnsiConsole _console;
    private string _validationName = "validation";
    private double _samplesPerSecond;

    /// <summary>Chooses live or plain output from <paramref name="options"/> and the terminal's capabilities.</summary>
    public SampleConsole(SampleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        Options = options;
        var capabilities = AnsiConsole.Profile.Capabilities;
        IsLive = !options.Plain && !Console.IsOutputRedirected && capabilities.Interactive && capabilities.Ansi;
        _console = IsLive
            ? AnsiConsole.Console
            : AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Out = new AnsiConsoleOutput(Console.Out),
            });
        if (!IsLive)
        {
            _console.Profile.Width = PlainWidth; // a redirected output has no width; 80 columns would wrap the tables
        }
    }

    /// <summary>The command line.</summary>
    public SampleOptions Options { get; }

    /// <summary>True when training shows a live progress bar; false when it prints plain lines.</summary>
    public bool IsLive { get; }

    /// <summary>A heading.</summary>
    public void Title(string text) => _console.Write(new Rule($"[bold]{Markup.Escape(text)}[/]") { Justification = Justify.Left });

    /// <summary>A line of plain text (no markup). Plain output does not wrap it, so logs keep one line per line.</summary>
    public void Line(string text = "")
    {
        if (IsLive)
        {
            _console.WriteLine(text);
        }
        else
        {
            Console.Out.WriteLine(text);
        }
    }

    /// <summary>A line on standard error (not wrapped).</summary>
    public static void Error(string text) => Console.Error.WriteLine(text);

    /// <summary>The full path of <paramref name="fileName"/> in the output directory.</summary>
    public string PathFor(string fileName) => Path.Combine(Options.OutputDirectory, fileName);

    /// <summary>
    /// Runs <paramref name="fit"/> (typically <c>progress =&gt; trainer.Fit(net, train, validation, progress)</c>)
    /// with a live progress bar or plain epoch lines, and returns its result.
    /// </summary>
    /// <param name="fit">The training, given the progress receiver to pass to <c>Trainer.Fit</c>.</param>
    /// <param name="validationName">What the validation data is called in lines, tables and plots (e.g. "test").</param>
    public TrainingResult Train(Func<IProgress<TrainingProgress>, TrainingResult> fit, string validationName = "validation")
    {
        ArgumentNullException.ThrowIfNull(fit);
        _validationName = validationName;
        Func<IProgress<TrainingProgress>, TrainingResult> measured = progress => fit(TrainingProgress.Callback(p =>
        {
            if (p.Kind == TrainingProgressKind.Epoch)
            {
                _samplesPerSecond = p.SamplesPerSecond;
            }

            progress.Report(p);
        }));

        return IsLive
            ? LiveProgress.Run(_console, measured, validationName)
            : measured(new PlainProgress(validationName));
    }

    /// <summary>
    /// A table of the loss and the metric of <paramref name="net"/> on each data set, how training went, and
    /// for a classifier the confusion matrix of the last data set, with the class names.
    /// </summary>
    public void Summary<TNet>(TNet net, TrainingResult result, params (string Name, Dataset Data)[] sets)
        where TNet : class, INeuralNetwork<TNet>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(result);
        Metric metric = result.Metric;
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle($"{TNet.Description.Name} after {result.EpochsCompleted} epochs") };
        table.AddColumn("data");
        table.AddColumn(new TableColumn("samples").RightAligned());
        table.AddColumn(new TableColumn("loss").RightAligned());
        if (metric != Metric.Loss)
        {
            table.AddColumn(new TableColumn(Formats.Name(metric)).RightAligned());
        }

        foreach (var (name, data) in sets)
        {
            var cells = new List<string> { name, data.Count.ToString(CultureInfo.InvariantCulture), Formats.Number(Evaluation.Loss(net, data)) };
            if (metric != Metric.Loss)
            {
                cells.Add(Formats.Value(metric, Evaluation.Compute<TNet>(metric, net.Parameters, data)));
            }

            table.AddRow([.. cells.Select(Markup.Escape)]);
        }

        _console.WriteLine();
        _console.Write(table);
        string ending = result.StoppedEarly ? ", stopped early" : result.Cancelled ? ", cancelled" : "";
        string restored = result.RestoredBestParameters ? $"; parameters restored to epoch {result.BestEpoch}" : "";
        Line($"{result.Steps} optimizer steps in {Formats.Duration(result.Elapsed)} ({Formats.Throughput(_samplesPerSecond)} in the last epoch){ending}{restored}.");

        if (metric == Metric.Accuracy && sets.Length > 0)
        {
            var (name, data) = sets[^1];
            var matrix = Evaluation.ConfusionMatrix(net, data);
            WriteConfusionMatrix(matrix, name);
            WriteClassScores(matrix, name);
        }
    }

    /// <summary>Saves the loss and metric curves of <paramref name="result"/> as <paramref name="fileName"/> in the output directory and prints the path.</summary>
    public string SaveCurves(TrainingResult result, string fileName, string title)
    {
        string path = PathFor(fileName);
        Plots.SaveTrainingCurves(result, path, title, _validationName);
        Line($"Training curves: {path}");
        return path;
    }

    /// <summary>Saves a plot of <paramref name="series"/> as <paramref name="fileName"/> in the output directory and prints the path.</summary>
    public string SavePlot(string fileName, string title, string xLabel, string yLabel, params LineSeries[] series)
    {
        string path = PathFor(fileName);
        Plots.SaveLines(path, title, xLabel, yLabel, series);
        Line($"{title}: {path}");
        return path;
    }

    /// <summary>A table with a title, a header row and rows of plain text; columns of numbers are right-aligned.</summary>
    public void Table(string title, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var cells = rows.ToList();
        var table = new Table { Border = TableBorder.Rounded, Title = new TableTitle(Markup.Escape(title)) };
        for (int c = 0; c < headers.Count; c++)
        {
            var column = new TableColumn(Markup.Escape(headers[c]));
            table.AddColumn(cells.All(row => double.TryParse(row[c], NumberStyles.Float, CultureInfo.InvariantCulture, out _)) ? column.RightAligned() : column);
        }

        foreach (var row in cells)
        {
            table.AddRow([.. row.Select(Markup.Escape)]);
        }

        _console.WriteLine();
        _console.Write(table);
    }

    /// <summary>Precision, recall, F1 and support of each class, then the macro averages.</summary>
    private void WriteClassScores(ConfusionMatrix matrix, string setName)
    {
        var rows = Enumerable.Range(0, matrix.ClassCount).Select(c => new[]
        {
            ClassName(matrix, c),
            Formats.Number(matrix.Precision(c)),
            Formats.Number(matrix.Recall(c)),
            Formats.Number(matrix.F1(c)),
            Enumerable.Range(0, matrix.ClassCount).Sum(p => matrix[c, p]).ToString(CultureInfo.InvariantCulture),
        }).Append([
            "macro average",
            Formats.Number(matrix.MacroPrecision),
            Formats.Number(matrix.MacroRecall),
            Formats.Number(matrix.MacroF1),
            matrix.Total.ToString(CultureInfo.InvariantCulture),
        ]);
        Table($"per-class scores on the {setName} data", ["class", "precision", "recall", "F1", "support"], rows);
    }

    private static string ClassName(ConfusionMatrix matrix, int c) => matrix.ClassNames?[c] ?? c.ToString(CultureInfo.InvariantCulture);

    private void WriteConfusionMatrix(ConfusionMatrix matrix, string setName)
    {
        string Name(int c) => ClassName(matrix, c);
        var table = new Table
        {
            Border = TableBorder.Rounded,
            Title = new TableTitle(Markup.Escape($"confusion matrix on the {setName} data ({Formats.Percent(matrix.Accuracy)} correct)")),
            Caption = new TableTitle("rows: actual class, columns: predicted class"),
        };
        table.AddColumn(@"actual \ predicted");
        for (int p = 0; p < matrix.ClassCount; p++)
        {
            table.AddColumn(new TableColumn(Markup.Escape(Name(p))).RightAligned());
        }

        for (int a = 0; a < matrix.ClassCount; a++)
        {
            var cells = new List<string> { Markup.Escape(Name(a)) };
            for (int p = 0; p < matrix.ClassCount; p++)
            {
                int count = matrix[a, p];
                string text = count.ToString(CultureInfo.InvariantCulture);
                cells.Add(a == p ? $"[green]{text}[/]" : count > 0 ? $"[red]{text}[/]" : $"[grey]{text}[/]");
            }

            table.AddRow([.. cells]);
        }

        _console.WriteLine();
        _console.Write(table);
    }
}
