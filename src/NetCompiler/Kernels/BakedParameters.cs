using System.ComponentModel;
using System.Runtime.InteropServices;

namespace NetCompiler.Kernels;

/// <summary>
/// Reads parameters baked into an assembly by <c>[Network(Weights = "...")]</c>. The generator writes them as a constant
/// string holding each parameter's IEEE-754 bit pattern in two UTF-16 code units, low half first, because a constant
/// string compiles far faster than an array initializer of the same data; on a little-endian machine the characters'
/// bytes are then the floats' bytes, and the parameters are a view of the string. Called by generated code; not meant
/// to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BakedParameters
{
    /// <summary>
    /// The parameters held in <paramref name="data"/>: a view of the string on a little-endian machine (no copy, no
    /// allocation), otherwise <paramref name="bigEndianCopy"/>, decoded by <see cref="Decode"/> on first use.
    /// </summary>
    public static ReadOnlySpan<float> View(string data, ref float[]? bigEndianCopy) =>
        BitConverter.IsLittleEndian
            ? MemoryMarshal.Cast<char, float>(data.AsSpan())
            : bigEndianCopy ??= Decode(data);

    /// <summary>The parameters held in <paramref name="data"/>, decoded value by value (for big-endian machines).</summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> has an odd number of characters.</exception>
    public static float[] Decode(string data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length % 2 != 0)
        {
            throw new ArgumentException($"Baked parameters take two characters each; got {data.Length} characters.", nameof(data));
        }

        var values = new float[data.Length / 2];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BitConverter.UInt32BitsToSingle(data[2 * i] | ((uint)data[(2 * i) + 1] << 16));
        }

        return values;
    }

    /// <summary>
    /// The float64 parameters held in <paramref name="data"/> (four characters each, lowest first): a view of the string on a
    /// little-endian machine, otherwise <paramref name="bigEndianCopy"/>, decoded on first use. What a double network bakes in
    /// from a file of float64 parameters.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> does not have a multiple of four characters.</exception>
    public static ReadOnlySpan<double> ViewDoubles(string data, ref double[]? bigEndianCopy)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length % 4 != 0)
        {
            throw new ArgumentException($"Baked double parameters take four characters each; got {data.Length} characters.", nameof(data));
        }

        if (BitConverter.IsLittleEndian)
        {
            return MemoryMarshal.Cast<char, double>(data.AsSpan());
        }

        if (bigEndianCopy is null)
        {
            var values = new double[data.Length / 4];
            for (int i = 0; i < values.Length; i++)
            {
                ulong low = data[4 * i] | ((uint)data[(4 * i) + 1] << 16);
                ulong high = data[(4 * i) + 2] | ((uint)data[(4 * i) + 3] << 16);
                values[i] = BitConverter.UInt64BitsToDouble(low | (high << 32));
            }

            bigEndianCopy = values;
        }

        return bigEndianCopy;
    }

    /// <summary>
    /// The float32 parameters held in <paramref name="data"/>, widened (exactly) to doubles: what a double network
    /// (<c>[Network(Precision = Precision.Double)]</c>) bakes in from a file of float32 parameters.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="data"/> has an odd number of characters.</exception>
    public static double[] DecodeWidened(string data)
    {
        ArgumentNullException.ThrowIfNull(data);
        float[]? bigEndianCopy = null;
        ReadOnlySpan<float> values = View(data, ref bigEndianCopy);
        var widened = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            widened[i] = values[i];
        }

        return widened;
    }
}
