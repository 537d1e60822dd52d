using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetCompiler.Data;

/// <summary>
/// Parses a number written in the invariant culture to the nearest float, exactly as
/// <c>float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)</c> does, but with a fast
/// path for the plain decimal numbers data files hold (<c>-12.5</c>, <c>0.123456789012345678</c>, <c>3e-7</c>).
/// </summary>
/// <remarks>
/// <para>
/// The fast path reads up to 19 significant digits into a 64-bit integer <c>m</c> and a decimal exponent <c>k</c>
/// with <c>|k| ≤ 22</c>, so <c>10^k</c> is an exact double, and computes <c>d = m × 10^k</c> (or <c>m / 10^k</c>) in
/// double precision (Clinger, "How to Read Floating Point Numbers Accurately"). When <c>m ≤ 2^53</c> that is one
/// correctly rounded operation; otherwise <c>d</c> is within 2 double ulps of the true value <c>x</c>. Rounding
/// <c>d</c> to float gives the float nearest <c>x</c> unless a float midpoint (a tie between two floats) lies
/// within that error of <c>d</c>: the parser checks the two midpoints beside <c>d</c> and, when either is that
/// close (about one number in a hundred million), leaves the number to the runtime's parser.
/// </para>
/// <para>
/// Anything else (whitespace, more digits, larger exponents, <c>NaN</c>, <c>Infinity</c>, malformed text) goes to
/// the runtime's parser, which decides; so both accept the same texts and give the same floats.
/// </para>
/// </remarks>
internal static class InvariantFloat
{
    private const int MaxDigits = 19;
    private const int MaxExactPowerOf10 = 22;

    private static readonly double[] s_powersOf10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>Parses <paramref name="text"/> like <c>float.TryParse</c> with <see cref="NumberStyles.Float"/> and the invariant culture.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out float value) =>
        TryParseDecimal(text, out value) || float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>The fast path; false when it cannot decide (the runtime's parser then does).</summary>
    internal static bool TryParseDecimal(ReadOnlySpan<char> text, out float value)
    {
        value = 0f;
        int i = 0;
        int length = text.Length;
        if (length == 0)
        {
            return false;
        }

        bool negative = text[0] == '-';
        if (negative || text[0] == '+')
        {
            i++;
        }

        ulong mantissa = 0;
        int digits = 0;
        int exponent = 0;
        uint digit;
        bool anyDigit = ReadEightDigitBlocks(text, ref i, ref mantissa, ref digits, ref exponent, fraction: false);
        for (; i < length && (digit = (uint)(text[i] - '0')) <= 9; i++)
        {
            anyDigit = true;
            if (mantissa != 0 || digit != 0)
            {
                if (digits == MaxDigits)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + digit;
                digits++;
            }
        }

        if (i < length && text[i] == '.')
        {
            i++;
            anyDigit |= ReadEightDigitBlocks(text, ref i, ref mantissa, ref digits, ref exponent, fraction: true);
            for (; i < length && (digit = (uint)(text[i] - '0')) <= 9; i++)
            {
                anyDigit = true;
                exponent--;
                if (mantissa != 0 || digit != 0)
                {
                    if (digits == MaxDigits)
                    {
                        return false;
                    }

                    mantissa = (mantissa * 10) + digit;
                    digits++;
                }
            }
        }

        if (!anyDigit)
        {
            return false;
        }

        if (i < length && (text[i] | 0x20) == 'e')
        {
            i++;
            bool negativeExponent = false;
            if (i < length && text[i] is '-' or '+')
            {
                negativeExponent = text[i] == '-';
                i++;
            }

            if (i == length)
            {
                return false;
            }

            int written = 0;
            for (; i < length && (digit = (uint)(text[i] - '0')) <= 9; i++)
            {
                if (written < 1000)
                {
                    written = (written * 10) + (int)digit;
                }
            }

            exponent += negativeExponent ? -written : written;
        }

        if (i != length)
        {
            return false;
        }

        if (mantissa == 0)
        {
            // "0", "-0.0", "0e5": a zero of that sign (there was at least one digit).
            value = negative ? -0f : 0f;
            return true;
        }

        if (exponent is < -MaxExactPowerOf10 or > MaxExactPowerOf10)
        {
            return false;
        }

        double approximation = mantissa;
        approximation = exponent < 0 ? approximation / s_powersOf10[-exponent] : approximation * s_powersOf10[exponent];
        float nearest = (float)approximation;
        if (!float.IsFinite(nearest))
        {
            return false;
        }

        // The true value is within `error` of the approximation: 0 when it was one correctly rounded operation
        // (only an exact tie is then ambiguous), else 4 double ulps (a bound of 2, doubled).
        double error = mantissa <= (1UL << 53) ? 0 : 4 * (Math.BitIncrement(approximation) - approximation);
        double rounded = nearest;
        double midpointBelow = ((double)MathF.BitDecrement(nearest) + rounded) * 0.5;
        double midpointAbove = ((double)MathF.BitIncrement(nearest) + rounded) * 0.5;
        if (approximation - midpointBelow <= error || midpointAbove - approximation <= error)
        {
            return false;
        }

        value = negative ? -nearest : nearest;
        return true;
    }

    /// <summary>
    /// Reads whole blocks of eight decimal digits while the mantissa has room for them (SWAR, as in Lemire's
    /// fast_float: the eight UTF-16 digits are checked and packed into one 64-bit word and combined with three
    /// multiplications). Digits of the fraction also lower the exponent. True when it read a block.
    /// </summary>
    private static bool ReadEightDigitBlocks(ReadOnlySpan<char> text, ref int i, ref ulong mantissa, ref int digits, ref int exponent, bool fraction)
    {
        bool any = false;
        ref byte start = ref Unsafe.As<char, byte>(ref MemoryMarshal.GetReference(text));
        while (i + 8 <= text.Length && digits <= MaxDigits - 8)
        {
            ulong low = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i * 2));
            ulong high = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, (i * 2) + 8));
            if (!AreFourDigits(low) || !AreFourDigits(high))
            {
                break;
            }

            uint block = EightDigitsValue(PackFourDigits(low) | (PackFourDigits(high) << 32));
            if (mantissa != 0 || block != 0)
            {
                mantissa = (mantissa * 100_000_000) + block;
                digits += 8;
            }

            if (fraction)
            {
                exponent -= 8;
            }

            i += 8;
            any = true;
        }

        return any;
    }

    /// <summary>Whether the four UTF-16 code units in <paramref name="chars"/> are all '0'–'9'.</summary>
    private static bool AreFourDigits(ulong chars) =>
        (((chars + 0x0046_0046_0046_0046UL) | (chars - 0x0030_0030_0030_0030UL)) & 0xFF80_FF80_FF80_FF80UL) == 0;

    /// <summary>Four UTF-16 digits to four bytes of their values (0–9), first digit in the lowest byte.</summary>
    private static ulong PackFourDigits(ulong chars)
    {
        chars -= 0x0030_0030_0030_0030UL;
        chars = (chars | (chars >> 8)) & 0x0000_FFFF_0000_FFFFUL;
        return (chars | (chars >> 16)) & 0xFFFF_FFFFUL;
    }

    /// <summary>The value of eight digit bytes (0–9, first digit in the lowest byte).</summary>
    private static uint EightDigitsValue(ulong bytes)
    {
        const ulong Mask = 0x0000_00FF_0000_00FFUL;
        const ulong Multiplier1 = 100 + (1_000_000UL << 32);
        const ulong Multiplier2 = 1 + (10_000UL << 32);
        bytes = (bytes * 10) + (bytes >> 8);
        return (uint)((((bytes & Mask) * Multiplier1) + (((bytes >> 16) & Mask) * Multiplier2)) >> 32);
    }
}
