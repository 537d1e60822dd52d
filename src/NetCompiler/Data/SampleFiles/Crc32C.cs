using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;

namespace NetCompiler.Data;

/// <summary>
/// CRC-32C (Castagnoli: reflected polynomial <c>0x82F63B78</c>, initial value and final XOR <c>0xFFFFFFFF</c>;
/// <c>CRC-32C("123456789") = 0xE3069283</c>), the checksum of iSCSI, ext4 and Parquet's page checks. x86 (SSE4.2) and
/// ARM64 compute it in hardware, 8 bytes per instruction, so checking each chunk of a sample file as it is read costs
/// little beside the read; elsewhere a byte-at-a-time table computes the same value.
/// </summary>
internal static class Crc32C
{
    private const uint ReflectedPolynomial = 0x82F63B78u;

    private static readonly uint[] s_table = Persistence.ReflectedCrc.CreateTable(ReflectedPolynomial);

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a CRC-32C: given the CRC-32C of <c>a</c>, returns that of <c>a</c> followed by <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        if (Sse42.X64.IsSupported || ArmCrc32.Arm64.IsSupported)
        {
            ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
            foreach (ulong word in words)
            {
                ulong value = BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);
                state = Sse42.X64.IsSupported ? (uint)Sse42.X64.Crc32(state, value) : ArmCrc32.Arm64.ComputeCrc32C(state, value);
            }

            data = data[(words.Length * sizeof(ulong))..];
        }

        return ~Persistence.ReflectedCrc.Update(s_table, state, data);
    }
}
