using System.Globalization;
using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>The output does not depend on the culture the compiler happens to run under.</summary>
public sealed class CultureTests
{
    private const string Source = """
        using NetCompiler;
        namespace App;
        [Network(Inputs = 3, Loss = Loss.CrossEntropy)]
        [Dense(1500, Activation.ReLU)]
        [Dense(2, Activation.Softmax)]
        public partial class Classifier;
        [Network(Inputs = 3)]
        [Dense(-1, Activation.ReLU)]
        public partial class Broken;
        """;

    [Fact]
    public void CultureWithUnicodeMinusAndCommaDecimalsChangesNothing()
    {
        var invariant = RunUnder(CultureInfo.InvariantCulture);

        var odd = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        odd.NumberFormat.NegativeSign = "\u2212";
        odd.NumberFormat.NumberDecimalSeparator = ",";
        odd.NumberFormat.NumberGroupSeparator = "\u00A0";
        odd.NumberFormat.PercentSymbol = "‰";
        var underOdd = RunUnder(odd);

        Assert.Equal(invariant.Source, underOdd.Source);
        Assert.Equal(invariant.Messages, underOdd.Messages);
        Assert.Contains("has size -1", underOdd.Messages); // a negative number in a message keeps its ASCII minus
        Assert.DoesNotContain('\u2212', underOdd.Source);
    }

    private static (string Source, string Messages) RunUnder(CultureInfo culture)
    {
        var saved = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            var output = GeneratorHarness.Run(Source);
            string messages = string.Join("\n", output.Diagnostics.Select(d => d.GetMessage(CultureInfo.InvariantCulture)));
            return (output.Sources.Single().Value, messages);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = saved;
        }
    }
}
