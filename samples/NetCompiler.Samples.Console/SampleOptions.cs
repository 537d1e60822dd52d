using System.Globalization;

namespace NetCompiler.Samples;

/// <summary>
/// The command line of a sample: positional arguments, the options every sample understands
/// (<c>--output DIR</c>, <c>--plain</c>, <c>--help</c>) and the integer options a sample declares
/// (<c>--epochs 5</c>).
/// </summary>
public sealed class SampleOptions
{
    private readonly Dictionary<string, int> _integers;

    private SampleOptions(string outputDirectory, bool plain, IReadOnlyList<string> positional, Dictionary<string, int> integers)
    {
        OutputDirectory = outputDirectory;
        Plain = plain;
        Positional = positional;
        _integers = integers;
    }

    /// <summary>Where images and model files go: <c>--output DIR</c> (created if needed), else the working directory.</summary>
    public string OutputDirectory { get; }

    /// <summary><c>--plain</c>: one line per reported epoch instead of a live progress bar, even on a terminal.</summary>
    public bool Plain { get; }

    /// <summary>The arguments that are not options, in order.</summary>
    public IReadOnlyList<string> Positional { get; }

    /// <summary>The value of the integer option <c>--<paramref name="name"/></c>, or <paramref name="defaultValue"/>.</summary>
    public int Integer(string name, int defaultValue) => _integers.GetValueOrDefault(name, defaultValue);

    /// <summary>
    /// Parses <paramref name="args"/>. On <c>--help</c> prints <paramref name="usage"/> and exits with 0;
    /// on a malformed command line prints what is wrong and the usage to standard error and exits with 2.
    /// </summary>
    /// <param name="args">The program's arguments.</param>
    /// <param name="usage">The usage text, e.g. <c>"dotnet run --project samples/Mnist -- DIR [--epochs N]"</c>.</param>
    /// <param name="maxPositional">How many positional arguments the sample accepts.</param>
    /// <param name="integerOptions">The names (without <c>--</c>) of the integer options the sample accepts; each must be ≥ 1.</param>
    public static SampleOptions ParseOrExit(string[] args, string usage, int maxPositional = 0, params string[] integerOptions)
    {
        string fullUsage = $"usage: {usage}\n"
            + "  --output DIR   write images and model files to DIR (default: the working directory)\n"
            + "  --plain        print one line per epoch instead of a live progress bar";
        string? output = null;
        bool plain = false;
        var positional = new List<string>();
        var integers = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--help" or "-h":
                    Console.WriteLine(fullUsage);
                    Environment.Exit(0);
                    break;
                case "--plain":
                    plain = true;
                    break;
                case "--output":
                    output = i + 1 < args.Length ? args[++i] : Fail("--output needs a directory.");
                    break;
                case not null when arg.StartsWith("--", StringComparison.Ordinal) && integerOptions.Contains(arg[2..]):
                    string text = i + 1 < args.Length ? args[++i] : Fail($"{arg} needs a number.");
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
                    {
                        Fail($"{arg} needs a whole number ≥ 1, not '{text}'.");
                    }

                    integers[arg[2..]] = value;
                    break;
                case not null when arg.StartsWith('-'):
                    Fail($"unknown option '{arg}'.");
                    break;
                default:
                    if (positional.Count == maxPositional)
                    {
                        Fail($"unexpected argument '{arg}'.");
                    }

                    positional.Add(arg!);
                    break;
            }
        }

        string directory = Path.GetFullPath(output ?? Directory.GetCurrentDirectory());
        Directory.CreateDirectory(directory);
        return new SampleOptions(directory, plain, positional, integers);

        string Fail(string problem)
        {
            Console.Error.WriteLine($"error: {problem}");
            Console.Error.WriteLine(fullUsage);
            Environment.Exit(2);
            return problem; // not reached
        }
    }
}
