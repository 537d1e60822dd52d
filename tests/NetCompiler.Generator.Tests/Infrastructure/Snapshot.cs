using System.Runtime.CompilerServices;

namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>
/// Snapshot testing with Verify's file conventions (Verify itself is not available here):
/// <c>Snapshots/{Class}.{Method}#{Hint}.verified.cs</c> holds the accepted text; on a mismatch the
/// actual text is written beside it as <c>.received.cs</c> (git-ignored) and the test fails.
/// Set <c>NETCOMPILER_ACCEPT_SNAPSHOTS=1</c> to accept the received text instead.
/// Line endings are normalised to '\n' and the generator version is scrubbed before comparing.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "NETCOMPILER_ACCEPT_SNAPSHOTS";

    public static void Verify(string actual, string testClass, string hint, [CallerMemberName] string testMethod = "", [CallerFilePath] string callerFile = "")
    {
        string directory = Path.Combine(Path.GetDirectoryName(callerFile)!, "Snapshots");
        Directory.CreateDirectory(directory);
        string stem = Path.Combine(directory, $"{testClass}.{testMethod}#{hint}");
        string verifiedPath = stem + ".verified.cs";
        string receivedPath = stem + ".received.cs";
        string normalized = Normalize(actual);

        string? verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (verified == normalized)
        {
            File.Delete(receivedPath);
            return;
        }

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(verifiedPath, normalized);
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, normalized);
        Assert.Fail(verified is null
            ? $"No snapshot yet: review {receivedPath} and rename it to .verified.cs, or run with {AcceptVariable}=1."
            : $"The generated code differs from {verifiedPath} at {FirstDifference(verified, normalized)}. The new text is in {receivedPath}; if the change is intended, accept it with {AcceptVariable}=1.");
    }

    /// <summary>Normalises line endings and scrubs the generator's version, so a version bump changes no snapshot.</summary>
    private static string Normalize(string text) =>
        System.Text.RegularExpressions.Regex.Replace(
            text.Replace("\r\n", "\n").TrimStart('\uFEFF'),
            "GeneratedCode\\(\"NetCompiler.Generator\", \"[0-9.]+\"\\)",
            "GeneratedCode(\"NetCompiler.Generator\", \"{version}\")");

    private static string FirstDifference(string expected, string actual)
    {
        string[] e = expected.Split('\n');
        string[] a = actual.Split('\n');
        for (int i = 0; i < Math.Min(e.Length, a.Length); i++)
        {
            if (e[i] != a[i])
            {
                return $"line {i + 1}:\n  expected: {e[i]}\n  actual:   {a[i]}";
            }
        }

        return $"line {Math.Min(e.Length, a.Length) + 1} (the texts have {e.Length} and {a.Length} lines)";
    }
}
