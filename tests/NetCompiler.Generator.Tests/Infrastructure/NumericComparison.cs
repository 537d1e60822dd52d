namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>A mixed tolerance: <c>|actual − expected| ≤ Absolute + Relative · max(|actual|, |expected|)</c>.</summary>
internal readonly record struct Tolerance(double Absolute, double Relative)
{
    public bool Accepts(double actual, double expected) =>
        Math.Abs(actual - expected) <= Absolute + (Relative * Math.Max(Math.Abs(actual), Math.Abs(expected)));

    /// <summary>How much of the tolerance the difference uses: at most 1 when accepted.</summary>
    public double Use(double actual, double expected) =>
        Math.Abs(actual - expected) / (Absolute + (Relative * Math.Max(Math.Abs(actual), Math.Abs(expected))));

    /// <summary>The same relative part with the absolute part scaled, e.g. by the size of a loss.</summary>
    public Tolerance WithAbsoluteScaledBy(double scale) => this with { Absolute = Absolute * scale };
}

/// <summary>One component that is outside the tolerance.</summary>
/// <param name="Component">What the index stands for, e.g. <c>W2[3, 0]</c>, when known.</param>
internal sealed record Mismatch(string Network, string What, int Index, double Actual, double Expected, string? Component = null)
{
    public override string ToString() =>
        $"{Network}: {What}[{Index}]{(Component is null ? "" : $" ({Component})")} is {Actual:G9} but the check expects {Expected:G9}";
}

/// <summary>Element-wise comparison of computed values with independently obtained ones.</summary>
internal static class NumericComparison
{
    /// <summary>
    /// Compares <paramref name="actual"/> with <paramref name="expected"/> component by component and
    /// returns every component outside <paramref name="tolerance"/>, leaving out those marked in <paramref name="skip"/>.
    /// </summary>
    public static List<Mismatch> Compare(
        string network, string what, ReadOnlySpan<float> actual, ReadOnlySpan<double> expected, Tolerance tolerance, ReadOnlySpan<bool> skip = default)
    {
        if (actual.Length != expected.Length)
        {
            throw new ArgumentException($"{network}: {what} has {actual.Length} components but {expected.Length} are expected.", nameof(expected));
        }

        var mismatches = new List<Mismatch>();
        for (int i = 0; i < actual.Length; i++)
        {
            if ((skip.IsEmpty || !skip[i]) && !tolerance.Accepts(actual[i], expected[i]))
            {
                mismatches.Add(new Mismatch(network, what, i, actual[i], expected[i]));
            }
        }

        return mismatches;
    }
}
