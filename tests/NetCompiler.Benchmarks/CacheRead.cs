using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Benchmarks;

/// <summary>
/// The machine's cache read bandwidth, measured in the same run as the kernels: a plain sum of a buffer that stays in the
/// cache from call to call (a network's parameters: 407 KB for 784-128-10, in L2), with nothing else to do per byte. Batch-1
/// inference reads every weight once, so this is the speed the matrix-vector kernel is bound by
/// (<see cref="WeightBandwidthColumn"/> divides the parameters' bytes by the time of both).
/// </summary>
public static class CacheRead
{
    /// <summary>
    /// The sum of <paramref name="values"/> in 4 independent chains of the widest accelerated vector, the loads aligned to
    /// 64 bytes after a scalar head (an unaligned 512-bit load splits across two cache lines and counts twice).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static unsafe float Sum(ReadOnlySpan<float> values)
    {
        ref float start = ref MemoryMarshal.GetReference(values);
        nuint length = (nuint)values.Length;
        nuint i = Math.Min(length, ((0u - ((nuint)Unsafe.AsPointer(ref start) / sizeof(float))) & 15));
        float head = 0;
        for (nuint h = 0; h < i; h++)
        {
            head += Unsafe.Add(ref start, h);
        }

        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (; i + 64 <= length; i += 64)
            {
                s0 += Vector512.LoadUnsafe(ref start, i);
                s1 += Vector512.LoadUnsafe(ref start, i + 16);
                s2 += Vector512.LoadUnsafe(ref start, i + 32);
                s3 += Vector512.LoadUnsafe(ref start, i + 48);
            }

            head += Vector512.Sum((s0 + s1) + (s2 + s3));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            for (; i + 32 <= length; i += 32)
            {
                s0 += Vector256.LoadUnsafe(ref start, i);
                s1 += Vector256.LoadUnsafe(ref start, i + 8);
                s2 += Vector256.LoadUnsafe(ref start, i + 16);
                s3 += Vector256.LoadUnsafe(ref start, i + 24);
            }

            head += Vector256.Sum((s0 + s1) + (s2 + s3));
        }

        for (; i < length; i++)
        {
            head += Unsafe.Add(ref start, i);
        }

        return head;
    }
}
