using System.ComponentModel;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetCompiler.Kernels;

/// <summary>
/// Scratch memory for networks whose activations are too large for the stack: rented from
/// <see cref="ArrayPool{T}.Shared"/> (no allocation once the pool is warm) and returned on dispose.
/// Small networks use <c>stackalloc</c> instead.
/// Called by generated code (hidden from IntelliSense); not meant to be called directly, and may change between versions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ScratchBuffer : IDisposable
{
    private readonly Array? _array;

    private ScratchBuffer(Array array) => _array = array;

    /// <summary>The most scratch floats a per-sample kernel takes on the stack (<c>stackalloc</c>); more are rented here.</summary>
    public const int StackallocLimit = 4096;

    /// <summary>The alignment of the span <see cref="Rent{T}"/> returns: one cache line, the size of a <c>Vector512</c>.</summary>
    private const int AlignmentBytes = 64;

    /// <summary>
    /// Rents at least <paramref name="length"/> elements (floats or doubles) and returns exactly that many in <paramref name="scratch"/>,
    /// starting on a 64-byte boundary (where the pool's array is not moved by the garbage collector while in use,
    /// which is so for arrays of 85,000 bytes or more): the register blocks' vector loads and stores of scratch rows
    /// then do not straddle cache lines, and the kernels' speed does not depend on where the pool's array happens to lie
    /// (docs/design/kernels.md, "Scratch memory").
    /// </summary>
    public static ScratchBuffer Rent<T>(int length, out Span<T> scratch)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        T[] array = ArrayPool<T>.Shared.Rent(length + AlignmentElements<T>() - 1);
        scratch = array.AsSpan(ElementsToAlignment(array), length);
        return new ScratchBuffer(array);
    }

    /// <summary>
    /// <see cref="Rent{T}"/> for a batch: <c>perSample · samples + perBatch</c> floats, computed in 64 bits. A batch whose
    /// scratch would not fit one array throws instead of wrapping around to a wrong size.
    /// </summary>
    /// <exception cref="ArgumentException">The batch needs more than <see cref="Array.MaxLength"/> floats of scratch; the message names <paramref name="network"/> and says to split the batch.</exception>
    public static ScratchBuffer RentForBatch<T>(int perSample, int samples, int perBatch, string network, out Span<T> scratch)
        where T : unmanaged
    {
        long length = ((long)perSample * samples) + perBatch;
        if (length > Array.MaxLength - AlignmentElements<T>())
        {
            throw new ArgumentException(
                $"{network}: a batch of {samples} samples needs {length} {Guard.ElementNames<T>()} of scratch, more than one array can hold; split it into smaller batches.",
                "inputs");
        }

        return Rent((int)length, out scratch);
    }

    private static int AlignmentElements<T>()
        where T : unmanaged => AlignmentBytes / Unsafe.SizeOf<T>();

    private static unsafe int ElementsToAlignment<T>(T[] array)
        where T : unmanaged
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (int)((0u - (address / (nuint)sizeof(T))) & (nuint)(AlignmentElements<T>() - 1));
    }

    /// <summary>Returns the memory to the pool.</summary>
    public void Dispose()
    {
        switch (_array)
        {
            case float[] floats:
                ArrayPool<float>.Shared.Return(floats);
                break;
            case double[] doubles:
                ArrayPool<double>.Shared.Return(doubles);
                break;
        }
    }
}
