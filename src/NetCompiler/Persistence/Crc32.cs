namespace NetCompiler.Persistence;

/// <summary>
/// CRC-32 as used by zlib, gzip, PNG and Ethernet (IEEE 802.3): reflected polynomial
/// <c>0xEDB88320</c>, initial value and final XOR <c>0xFFFFFFFF</c>. <c>CRC-32("123456789") = 0xCBF43926</c>.
/// A byte-at-a-time table implementation; it detects every single-bit error and every burst of up
/// to 32 bits, which is what a model file needs (it is not a cryptographic hash).
/// </summary>
internal static class Crc32
{
    private const uint ReflectedPolynomial = 0xEDB88320u;

    private static readonly uint[] s_table = ReflectedCrc.CreateTable(ReflectedPolynomial);

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Continues a CRC-32: if <paramref name="crc"/> is the CRC-32 of <c>a</c>, returns the CRC-32 of
    /// <c>a</c> followed by <paramref name="data"/>. Start with 0 (the CRC-32 of no bytes).
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data) =>
        ~ReflectedCrc.Update(s_table, ~crc, data);
}
