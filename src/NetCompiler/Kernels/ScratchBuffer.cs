using System.Buffers;

namespace NetCompiler.Kernels;

/// <summary>
/// Scratch memory for networks whose activations are too large for the stack: rented from
/// <see cref="ArrayPool{T}.Shared"/> (no allocation once the pool is warm) and returned on dispose.
/// Small networks use <c>stackalloc</c> instead.
/// </summary>
public readonly struct ScratchBuffer : IDisposable
{
    private readonly float[] _array;

    private ScratchBuffer(float[] array) => _array = array;

    /// <summary>Rents at least <paramref name="length"/> floats and returns exactly that many in <paramref name="scratch"/>.</summary>
    public static ScratchBuffer Rent(int length, out Span<float> scratch)
    {
        float[] array = ArrayPool<float>.Shared.Rent(length);
        scratch = array.AsSpan(0, length);
        return new ScratchBuffer(array);
    }

    /// <summary>Returns the memory to the pool.</summary>
    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<float>.Shared.Return(_array);
        }
    }
}
