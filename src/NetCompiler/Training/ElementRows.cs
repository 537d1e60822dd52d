using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetCompiler.Training;

/// <summary>
/// Samples, which are floats (<see cref="ITrainingData"/>), in a network's element type: the same memory for a float
/// network, widened exactly into a buffer for a double network (every float is a double).
/// </summary>
internal static class ElementRows
{
    /// <summary>A buffer for <paramref name="length"/> values widened to <typeparamref name="T"/>; empty for float, which needs none.</summary>
    public static T[] Buffer<T>(int length)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? [] : new T[length];

    /// <summary>
    /// <paramref name="values"/> as <typeparamref name="T"/>: for float the same span, otherwise each value widened into the
    /// start of <paramref name="destination"/> (at least as long, from <see cref="Buffer{T}"/>). Allocation-free.
    /// </summary>
    public static ReadOnlySpan<T> As<T>(ReadOnlySpan<float> values, Span<T> destination)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            return MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<float, T>(ref MemoryMarshal.GetReference(values)), values.Length);
        }

        var widened = destination[..values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            widened[i] = T.CreateTruncating(values[i]);
        }

        return widened;
    }
}
