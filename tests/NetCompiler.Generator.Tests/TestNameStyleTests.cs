using System.Text.RegularExpressions;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// One style of test names across the repository: a PascalCase sentence that states the behaviour
/// (<c>ChangingALayerSizeRegeneratesTheNetwork</c>), with no underscores, except the leading diagnostic ID of a
/// diagnostic's test (<c>NC0013_WeightsFileNotFound</c>).
/// </summary>
public sealed partial class TestNameStyleTests
{
    [Fact]
    public void EveryTestMethodIsNamedAsASentenceInPascalCase()
    {
        string tests = Path.GetDirectoryName(DiagnosticTests.RepositoryFile("tests/x"))!;
        var files = Directory.EnumerateFiles(tests, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains("Snapshots", StringComparison.Ordinal))
            .ToList();
        var names = files.SelectMany(f => TestMethod().Matches(File.ReadAllText(f)).Select(m => (File: Path.GetFileName(f), Name: m.Groups[1].Value))).ToList();

        Assert.True(names.Count > 400, $"only {names.Count} test methods found");
        var offending = names.Where(n => !Style().IsMatch(n.Name)).Select(n => $"{n.File}: {n.Name}").ToList();
        Assert.True(offending.Count == 0, "test names not in the style:\n" + string.Join("\n", offending));
    }

    [GeneratedRegex(@"\[(?:Fact|Theory|Avx512Fact)[^\]]*\]\s*(?:\[[^\]]*\]\s*)*public\s+(?:async\s+)?(?:void|Task)\s+(\w+)\s*\(")]
    private static partial Regex TestMethod();

    [GeneratedRegex(@"^(NC\d{4}_)?[A-Z][A-Za-z0-9]*$")]
    private static partial Regex Style();
}
