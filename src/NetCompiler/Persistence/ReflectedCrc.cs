namespace NetCompiler.Persistence;

/// <summary>
/// The byte-at-a-time table algorithm of the reflected 32-bit CRCs (initial value and final XOR <c>0xFFFFFFFF</c>),
/// shared by <see cref="Crc32"/> (the model file's) and the sample file's CRC-32C, which differ only in the polynomial.
/// </summary>
internal static class ReflectedCrc
{
    /// <summary>The 256-entry table of <paramref name="reflectedPolynomial"/>.</summary>
    public static uint[] CreateTable(uint reflectedPolynomial)
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? reflectedPolynomial ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    /// <summary>Feeds <paramref name="data"/> into the register <paramref name="state"/> (the CRC before its final XOR).</summary>
    public static uint Update(uint[] table, uint state, ReadOnlySpan<byte> data)
    {
        foreach (byte value in data)
        {
            state = table[(byte)(state ^ value)] ^ (state >> 8);
        }

        return state;
    }
}
