using System.Globalization;
using NetCompiler.Data;
using NetCompiler.Tests.Support;

namespace NetCompiler.Tests.Data;

/// <summary>The CSV loader's float parser gives exactly the runtime's float for every text, and takes its fast path for the plain ones.</summary>
[Collection(RunAloneCollection.Name)]
public class InvariantFloatTests
{
    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("+0.0")]
    [InlineData("1.5")]
    [InlineData("-12.25")]
    [InlineData("0.1")]
    [InlineData("-0.12345678901234567")]
    [InlineData("3e-7")]
    [InlineData("1.25E+3")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("00000000000000000000000000001.5")]
    [InlineData("16777217")]
    [InlineData("16777219")]
    [InlineData("16777217.000000001")]
    [InlineData("16777216.99999999")]
    [InlineData("1.000000059604644775390625")]
    [InlineData("3.4028235e38")]
    [InlineData("3.4028236e38")]
    [InlineData("1e39")]
    [InlineData("1.4e-45")]
    [InlineData("7e-46")]
    [InlineData("123456789012345678901234567890")]
    [InlineData(" 1.5 ")]
    [InlineData("NaN")]
    [InlineData("-Infinity")]
    [InlineData("1,5")]
    [InlineData("1e")]
    [InlineData("1e+")]
    [InlineData("e5")]
    [InlineData(".")]
    [InlineData("-")]
    [InlineData("")]
    [InlineData("1.2.3")]
    [InlineData("12345678a")]
    [InlineData("1234567812345678x")]
    public void AgreesWithTheRuntimeOnEdgeCases(string text) => AssertAgrees(text);

    [Fact]
    public void TiesRoundToEvenAndNearTiesRoundToTheNearerFloat()
    {
        // 2^24 + 1 lies halfway between 2^24 and 2^24 + 2: ties go to the even mantissa.
        Assert.Equal(16777216f, Parse("16777217"));
        Assert.Equal(16777220f, Parse("16777219"));
        Assert.Equal(16777218f, Parse("16777217.000000001"));
        Assert.Equal(16777216f, Parse("16777216.99999999"));
    }

    [Fact]
    public void PlainDecimalsTakeTheFastPath()
    {
        foreach (string text in new[] { "-0.12345678901234567", "0.5", "42", "-3.75e-5", "123456.789" })
        {
            Assert.True(InvariantFloat.TryParseDecimal(text, out float value), text);
            Assert.Equal(float.Parse(text, CultureInfo.InvariantCulture), value);
        }
    }

    [Fact]
    public void AgreesWithTheRuntimeOnAMillionRandomNumbers()
    {
        var random = new Random(19);
        string[] formats = ["R", "G9", "G17", "F3", "E5", "F12"];
        for (int i = 0; i < 1_000_000; i++)
        {
            double magnitude = Math.Pow(10, random.Next(-30, 30));
            double value = (random.NextDouble() - 0.5) * magnitude;
            string text = i % 7 == 0
                ? ((float)value).ToString("R", CultureInfo.InvariantCulture)
                : value.ToString(formats[i % formats.Length], CultureInfo.InvariantCulture);
            AssertAgrees(text);
        }
    }

    [Fact]
    public void AgreesWithTheRuntimeOnRandomDigitStrings()
    {
        var random = new Random(4180);
        var chars = new char[40];
        for (int i = 0; i < 300_000; i++)
        {
            int length = random.Next(1, 26);
            for (int k = 0; k < length; k++)
            {
                chars[k] = (char)('0' + random.Next(10));
            }

            if (random.Next(2) == 0)
            {
                chars[random.Next(length)] = '.';
            }

            string text = new string(chars, 0, length);
            if (random.Next(3) == 0)
            {
                text += "e" + random.Next(-40, 40).ToString(CultureInfo.InvariantCulture);
            }

            AssertAgrees(text);
        }
    }

    private static float Parse(string text)
    {
        Assert.True(InvariantFloat.TryParse(text, out float value));
        return value;
    }

    private static void AssertAgrees(string text)
    {
        bool expectedOk = float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float expected);
        bool ok = InvariantFloat.TryParse(text, out float actual);
        Assert.True(expectedOk == ok, $"'{text}': the runtime says {expectedOk}, the parser {ok}");
        if (ok)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual), $"'{text}': the runtime gives {expected:R}, the parser {actual:R}");
        }
    }
}
