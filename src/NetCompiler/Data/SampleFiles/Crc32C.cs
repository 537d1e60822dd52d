using System.Buffers.Binary;
using System.Runtime.CompilerServices;
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
/// <remarks>
/// The CRC instruction takes three cycles but can start every cycle, so one chain of them runs at a third of the
/// processor's speed. Long inputs are therefore cut into three blocks whose CRCs run as three independent chains, then
/// combined (Adler's method, as in zlib's <c>crc32_combine</c>): a CRC register is linear in its input, so the register
/// after blocks a and b is the register after a, advanced over <c>|b|</c> zero bytes, XOR the register of b started
/// from 0. Advancing over a fixed number of zero bytes is a 32 × 32 matrix over GF(2), applied byte by byte through
/// four 256-entry tables made once.
/// </remarks>
internal static class Crc32C
{
    private const uint ReflectedPolynomial = 0x82F63B78u;

    /// <summary>The blocks of the three-chain loop: long ones for the bulk of a chunk, short ones for the rest.</summary>
    private const int LongBlock = 8192;
    private const int ShortBlock = 256;

    private static readonly uint[] s_table = Persistence.ReflectedCrc.CreateTable(ReflectedPolynomial);
    private static readonly uint[] s_longShift = ZerosTables(LongBlock);
    private static readonly uint[] s_shortShift = ZerosTables(ShortBlock);

    private static bool HasInstruction => Sse42.X64.IsSupported || ArmCrc32.Arm64.IsSupported;

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a CRC-32C: given the CRC-32C of <c>a</c>, returns that of <c>a</c> followed by <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        if (HasInstruction)
        {
            state = ThreeChains(state, ref data, LongBlock, s_longShift);
            state = ThreeChains(state, ref data, ShortBlock, s_shortShift);
            ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
            foreach (ulong word in words)
            {
                state = Step(state, word);
            }

            data = data[(words.Length * sizeof(ulong))..];
        }

        return ~Persistence.ReflectedCrc.Update(s_table, state, data);
    }

    /// <summary>Feeds whole groups of three <paramref name="block"/>-byte blocks into the register, the three as independent chains.</summary>
    private static uint ThreeChains(uint state, ref ReadOnlySpan<byte> data, int block, uint[] shift)
    {
        int words = block / sizeof(ulong);
        while (data.Length >= 3 * block)
        {
            ReadOnlySpan<ulong> group = MemoryMarshal.Cast<byte, ulong>(data[..(3 * block)]);
            uint first = state;
            uint second = 0;
            uint third = 0;
            for (int i = 0; i < words; i++)
            {
                first = Step(first, group[i]);
                second = Step(second, group[words + i]);
                third = Step(third, group[(2 * words) + i]);
            }

            state = Shift(shift, Shift(shift, first) ^ second) ^ third;
            data = data[(3 * block)..];
        }

        return state;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Step(uint state, ulong word)
    {
        ulong value = BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);
        return Sse42.X64.IsSupported ? (uint)Sse42.X64.Crc32(state, value) : ArmCrc32.Arm64.ComputeCrc32C(state, value);
    }

    /// <summary>The register advanced over the zero bytes <paramref name="tables"/> were made for.</summary>
    private static uint Shift(uint[] tables, uint state) =>
        tables[(byte)state] ^ tables[256 + (byte)(state >> 8)] ^ tables[512 + (byte)(state >> 16)] ^ tables[768 + (state >> 24)];

    /// <summary>
    /// Four 256-entry tables that advance a register over <paramref name="zeroBytes"/> zero bytes (a power of two), one
    /// table per byte of the register: the operator for one zero bit, squared until it covers the length.
    /// </summary>
    private static uint[] ZerosTables(int zeroBytes)
    {
        var operatorBits = new uint[32];
        operatorBits[0] = ReflectedPolynomial;
        for (int n = 1; n < 32; n++)
        {
            operatorBits[n] = 1u << (n - 1);
        }

        // One zero bit, squared 3 times: one zero byte; then once more per doubling of the length.
        for (int squarings = 3 + System.Numerics.BitOperations.Log2((uint)zeroBytes); squarings > 0; squarings--)
        {
            operatorBits = Square(operatorBits);
        }

        var tables = new uint[4 * 256];
        for (uint n = 0; n < 256; n++)
        {
            for (int b = 0; b < 4; b++)
            {
                tables[(b * 256) + (int)n] = Times(operatorBits, n << (8 * b));
            }
        }

        return tables;
    }

    private static uint Times(uint[] matrix, uint vector)
    {
        uint sum = 0;
        for (int n = 0; vector != 0; n++, vector >>= 1)
        {
            if ((vector & 1) != 0)
            {
                sum ^= matrix[n];
            }
        }

        return sum;
    }

    private static uint[] Square(uint[] matrix)
    {
        var square = new uint[32];
        for (int n = 0; n < 32; n++)
        {
            square[n] = Times(matrix, matrix[n]);
        }

        return square;
    }
}
