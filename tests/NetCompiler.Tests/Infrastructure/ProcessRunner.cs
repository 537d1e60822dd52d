using System.Diagnostics;

namespace NetCompiler.Tests.Infrastructure;

/// <summary>A finished child process: its command line, exit code, output and duration.</summary>
internal sealed record ProcessResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
{
    /// <summary>Everything needed to diagnose a failure, for assertion messages.</summary>
    public override string ToString() =>
        $"> {CommandLine}\n(exit code {ExitCode} after {Elapsed.TotalSeconds:F1} s)\n" +
        $"--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

/// <summary>Runs the .NET CLI as a child process with a time limit, capturing its output.</summary>
internal static class ProcessRunner
{
    /// <summary>
    /// Runs <c>dotnet <paramref name="arguments"/></c> in <paramref name="workingDirectory"/>, as <see cref="RunAsync"/>
    /// does, with the same SDK as the tests (DOTNET_HOST_PATH is the dotnet executable that launched them).
    /// </summary>
    public static Task<ProcessResult> RunDotnetAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunAsync(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet", workingDirectory, timeout, arguments);

    /// <summary>
    /// Runs <paramref name="fileName"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>. The child gets a
    /// clean MSBuild environment (the test host runs inside <c>dotnet test</c>, whose MSBuild variables must
    /// not leak into an unrelated build) and no MSBuild node reuse, so nothing outlives the call. On timeout
    /// the whole process tree is killed and <see cref="TimeoutException"/> carries the output so far.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(string fileName, string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (string key in startInfo.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            startInfo.Environment.Remove(key);
        }

        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        string commandLine = $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)}   (in {workingDirectory})";
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {commandLine}.");
        var standardOutput = process.StandardOutput.ReadToEndAsync();
        var standardError = process.StandardError.ReadToEndAsync();
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            var partial = new ProcessResult(commandLine, -1, await standardOutput, await standardError, stopwatch.Elapsed);
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds:F0} s.\n{partial}");
        }

        return new ProcessResult(commandLine, process.ExitCode, await standardOutput, await standardError, stopwatch.Elapsed);
    }
}
