using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Kernels;

/// <summary>Argument checks shared by every generated network, with messages that name the network and the buffer. Called by generated code (hidden from IntelliSense); not meant to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Guard
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="span"/> has exactly <paramref name="expected"/> elements.</summary>
    public static void Length<T>(ReadOnlySpan<T> span, int expected, string network, string what, string parameterName)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (span.Length != expected)
        {
            ThrowWrongLength<T>(span.Length, expected, network, what, parameterName);
        }
    }

    /// <summary>
    /// Checks a batch stored row-major (<c>[count, inputSize]</c> inputs and <c>[count, outputSize]</c>
    /// targets) and returns its sample count.
    /// </summary>
    public static int BatchCount<T>(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int inputSize, int outputSize, string network, string targetsName = "targets")
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (inputs.IsEmpty)
        {
            throw new ArgumentException($"{network}: the batch is empty; pass at least one sample ({inputSize} {ElementNames<T>()}).", nameof(inputs));
        }

        return SampleCount(inputs.Length, targets.Length, inputSize, outputSize, network, nameof(inputs), targetsName, "InputSize", "OutputSize");
    }

    /// <summary>
    /// Checks an optional outputs buffer of a batch of <paramref name="count"/> samples: empty (no outputs wanted) or exactly
    /// <c>count × outputSize</c> floats; otherwise <see cref="ArgumentException"/> naming it.
    /// </summary>
    public static void OptionalBatchOutputs<T>(ReadOnlySpan<T> outputs, int count, int outputSize, string network)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!outputs.IsEmpty && outputs.Length != (long)count * outputSize)
        {
            throw new ArgumentException(
                $"{network}: outputs must have {(long)count * outputSize} values ({count} samples × OutputSize {outputSize}), or none; it has {outputs.Length}.",
                nameof(outputs));
        }
    }

    /// <summary>
    /// The number of samples in a row-major pair of arrays (<c>[count, featureCount]</c> and <c>[count, targetCount]</c>),
    /// or <see cref="ArgumentException"/> when the first is not whole rows or the second does not have as many rows.
    /// The one check behind <see cref="BatchCount"/>, <c>TrainingData</c> and <c>Dataset</c>; the names make its messages,
    /// which start with "<paramref name="network"/>: " when a network is named. Allocation-free unless it throws.
    /// </summary>
    internal static int SampleCount(long featuresLength, long targetsLength, int featureCount, int targetCount, string? network, string featuresName, string targetsName, string featureCountName, string targetCountName)
    {
        string Prefix() => network is null ? "" : network + ": ";

        if (featuresLength % featureCount != 0)
        {
            throw new ArgumentException(
                $"{Prefix()}{featuresName} has {featuresLength} floats, which is not a whole number of samples of {featureCount} ({featureCountName}).",
                featuresName);
        }

        long count = featuresLength / featureCount;
        if (targetsLength != count * targetCount)
        {
            throw new ArgumentException(
                $"{Prefix()}{featuresName} hold {count} samples, so {targetsName} must have {count * targetCount} floats ({count} × {targetCountName} {targetCount}), but it has {targetsLength}.",
                targetsName);
        }

        return (int)count;
    }

    /// <summary>
    /// The checks of a training step over a batch: the batch's shape (returns the number of samples), every input and
    /// target finite, and a finite step <c>learningRate / count</c>. Throws before anything is computed.
    /// </summary>
    public static int TrainingBatch<T>(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int inputSize, int outputSize, T learningRate, string network)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        TrainingBatch(inputs, targets, inputSize, outputSize, learningRate, network, out _);

    /// <summary>
    /// <see cref="TrainingBatch{T}(ReadOnlySpan{T}, ReadOnlySpan{T}, int, int, T, string)"/>, which also gives the
    /// largest magnitude among the inputs (<paramref name="largestInput"/>), read in the same pass as their check, for the
    /// bound of a fused update (<see cref="GradientDescent.FusedUpdateStaysFinite"/>).
    /// </summary>
    public static int TrainingBatch<T>(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int inputSize, int outputSize, T learningRate, string network, out T largestInput)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int count = BatchCount(inputs, targets, inputSize, outputSize, network);
        largestInput = MaxMagnitude(inputs);
        if (!T.IsFinite(largestInput) || !AllFinite(targets))
        {
            ThrowIfBatchNotFinite(inputs, targets, inputSize, outputSize, network);
        }

        GradientDescent.ThrowIfStepNotFinite(learningRate / T.CreateTruncating(count), network);
        return count;
    }

    /// <summary>
    /// Throws <see cref="TrainingDivergedException"/> naming the first sample, and the input or target in
    /// it, that is NaN or infinite. Training checks its batch first, because a saturating activation
    /// (ReLU(NaN) = 0, tanh(∞) = 1) can hide a bad input from the loss and let it poison the gradient.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is not whole samples, or <paramref name="targets"/> does not have as many samples.</exception>
    public static void ThrowIfBatchNotFinite<T>(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int inputSize, int outputSize, string network)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        SampleCount(inputs.Length, targets.Length, inputSize, outputSize, network, nameof(inputs), nameof(targets), "InputSize", "OutputSize");
        if (FirstNonFinite(inputs) is int input)
        {
            throw new TrainingDivergedException(
                $"{network}: input[{input % inputSize}] of sample {input / inputSize} in the batch is {inputs[input]}. The parameters were not changed.");
        }

        if (FirstNonFinite(targets) is int target)
        {
            throw new TrainingDivergedException(
                $"{network}: target[{target % outputSize}] of sample {target / outputSize} in the batch is {targets[target]}. The parameters were not changed.");
        }
    }

    /// <summary>
    /// Throws <see cref="TrainingDivergedException"/> for a sample whose loss is not finite, naming the
    /// first non-finite input or target when there is one.
    /// </summary>
    public static void ThrowNonFiniteLoss<T>(string network, int sample, T loss, ReadOnlySpan<T> input, ReadOnlySpan<T> target)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        throw new TrainingDivergedException(
            $"{network}: the loss of sample {sample} in the batch is {loss}; {NonFiniteLossCause(input, target)}. The parameters were not changed.");
    }

    /// <summary>Why a sample's loss is not finite: its first non-finite input or target, or else diverged parameters.</summary>
    internal static string NonFiniteLossCause<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> target)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        FirstNonFinite(input) is int i
            ? $"input[{i}] of that sample is {input[i]}"
            : FirstNonFinite(target) is int t
                ? $"target[{t}] of that sample is {target[t]}"
                : "its inputs and targets are finite, so the parameters have diverged (lower the learning rate)";

    /// <summary>Throws <see cref="TrainingDivergedException"/> if <paramref name="values"/> holds a NaN or an infinity.</summary>
    public static void ThrowIfNotFinite<T>(ReadOnlySpan<T> values, string network, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (FirstNonFinite(values) is int bad)
        {
            throw new TrainingDivergedException(
                $"{network}: element {bad} of {what} is {values[bad]}; the parameters were not changed (lower the learning rate or check the data).");
        }
    }

    /// <summary>Returns the index of the first NaN or infinite value, or null.</summary>
    public static int? FirstNonFinite<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (AllFinite(values))
        {
            return null;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!T.IsFinite(values[i]))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>
    /// The largest magnitude <c>|x|</c> in <paramref name="values"/> (0 when empty); +∞ when a value is infinite, and NaN
    /// when a value is NaN, so the result is finite exactly when every value is. One pass: with the sign bit cleared,
    /// the bits of a float or double order as its magnitude does (and those of ∞ and NaN above every finite one), so an unsigned
    /// integer maximum of the bits without the sign is the largest magnitude, one instruction per vector.
    /// </summary>
    public static T MaxMagnitude<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? Unsafe.BitCast<uint, T>(LargestMagnitudeBits(MemoryMarshal.Cast<T, uint>(values)))
            : Unsafe.BitCast<ulong, T>(LargestMagnitudeBits(MemoryMarshal.Cast<T, ulong>(values)));

    /// <summary>The largest of the IEEE 754 bit patterns in <paramref name="bits"/> with their sign bit cleared (0 when empty).</summary>
    private static TBits LargestMagnitudeBits<TBits>(ReadOnlySpan<TBits> bits)
        where TBits : unmanaged, IBinaryInteger<TBits>, IUnsignedNumber<TBits>, IMinMaxValue<TBits>
    {
        ref TBits start = ref MemoryMarshal.GetReference(bits);
        nuint length = (nuint)bits.Length;
        nuint i = 0;
        TBits signless = TBits.MaxValue >>> 1;
        TBits largest = TBits.Zero;
        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<TBits>.Count)
        {
            var magnitude = Vector512.Create(signless);
            Vector512<TBits> max0 = default, max1 = default;
            for (; i + (2 * (nuint)Vector512<TBits>.Count) <= length; i += 2 * (nuint)Vector512<TBits>.Count)
            {
                max0 = Vector512.Max(max0, Vector512.LoadUnsafe(ref start, i) & magnitude);
                max1 = Vector512.Max(max1, Vector512.LoadUnsafe(ref start, i + (nuint)Vector512<TBits>.Count) & magnitude);
            }

            var max = Vector512.Max(max0, max1);
            largest = LargestLane(Vector256.Max(max.GetLower(), max.GetUpper()));
        }
        else if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<TBits>.Count)
        {
            var magnitude = Vector256.Create(signless);
            Vector256<TBits> max = default;
            for (; i + (nuint)Vector256<TBits>.Count <= length; i += (nuint)Vector256<TBits>.Count)
            {
                max = Vector256.Max(max, Vector256.LoadUnsafe(ref start, i) & magnitude);
            }

            largest = LargestLane(max);
        }

        for (; i < length; i++)
        {
            largest = TBits.Max(largest, Unsafe.Add(ref start, i) & signless);
        }

        return largest;
    }

    private static TBits LargestLane<TBits>(Vector256<TBits> lanes)
        where TBits : unmanaged, IBinaryInteger<TBits>
    {
        var half = Vector128.Max(lanes.GetLower(), lanes.GetUpper());
        TBits largest = half[0];
        for (int lane = 1; lane < Vector128<TBits>.Count; lane++)
        {
            largest = TBits.Max(largest, half[lane]);
        }

        return largest;
    }

    /// <summary>
    /// <see cref="MaxMagnitude"/> of values that must be finite: throws <see cref="TrainingDivergedException"/> as
    /// <see cref="ThrowIfNotFinite"/> does when one is not. One pass over the values for both.
    /// </summary>
    public static T FiniteMaxMagnitude<T>(ReadOnlySpan<T> values, string network, string what)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T largest = MaxMagnitude(values);
        if (!T.IsFinite(largest))
        {
            ThrowIfNotFinite(values, network, what);
        }

        return largest;
    }

    /// <summary>
    /// True when no value is NaN or infinite. For finite x, x - x is exactly +0, and for NaN or ±∞ it is NaN, so OR-ing the
    /// bits of v - v over the whole span leaves zero exactly when every value is finite: two vector instructions per
    /// 16 floats, with no branch until the end.
    /// </summary>
    public static bool AllFinite<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ref T start = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && values.Length >= Vector512<T>.Count)
        {
            Vector512<T> any0 = default, any1 = default;
            for (; i + (2 * Vector512<T>.Count) <= values.Length; i += 2 * Vector512<T>.Count)
            {
                var v0 = Vector512.LoadUnsafe(ref start, (nuint)i);
                var v1 = Vector512.LoadUnsafe(ref start, (nuint)(i + Vector512<T>.Count));
                any0 |= v0 - v0;
                any1 |= v1 - v1;
            }

            if (i + Vector512<T>.Count <= values.Length)
            {
                var v = Vector512.LoadUnsafe(ref start, (nuint)i);
                any0 |= v - v;
                i += Vector512<T>.Count;
            }

            if ((any0 | any1) != Vector512<T>.Zero)
            {
                return false;
            }
        }
        else if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<T>.Count)
        {
            Vector256<T> any = default;
            for (; i + Vector256<T>.Count <= values.Length; i += Vector256<T>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                any |= v - v;
            }

            if (any != Vector256<T>.Zero)
            {
                return false;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!T.IsFinite(Unsafe.Add(ref start, i)))
            {
                return false;
            }
        }

        return true;
    }

    private static void ThrowWrongLength<T>(int actual, int expected, string network, string what, string parameterName) =>
        throw new ArgumentException($"{network}: {parameterName} has {actual} {ElementNames<T>()} but must have {expected} ({what}).", parameterName);

    /// <summary>What the messages call the elements of a span: "floats" or "doubles".</summary>
    internal static string ElementNames<T>() => typeof(T) == typeof(double) ? "doubles" : "floats";

    // ---- The length checks of the public kernels. One rule for all of them: a span of the wrong length is an
    // ArgumentException whose ParamName is that span's parameter and whose message says "<name> has <n> floats but must
    // have <expected> (<why>)". Products of sizes are formed in 64 bits (two ints multiply to less than 2^62), so no size
    // can wrap around to a length that passes. Each check is one or two compares; the messages are built only on the
    // throwing path, in methods that are never inlined.

    /// <summary>Throws unless <paramref name="second"/> has as many elements as <paramref name="first"/>; names <paramref name="secondName"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SameLength<T>(ReadOnlySpan<T> first, string firstName, ReadOnlySpan<T> second, string secondName)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (first.Length != second.Length)
        {
            ThrowNotSameLength(second.Length, first.Length, secondName, firstName);
        }
    }

    /// <summary>Throws unless <paramref name="second"/> has at least as many elements as <paramref name="first"/>; names <paramref name="secondName"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AtLeastLength<T>(ReadOnlySpan<T> first, string firstName, ReadOnlySpan<T> second, string secondName)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (second.Length < first.Length)
        {
            ThrowShorter(second.Length, first.Length, secondName, firstName);
        }
    }

    /// <summary>
    /// Throws unless the three spans have the same length. The span named is the odd one out: the one whose length the
    /// other two do not share, or, when all three differ, <paramref name="secondName"/> (measured against the first).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SameLength<T>(
        ReadOnlySpan<T> first, string firstName, ReadOnlySpan<T> second, string secondName, ReadOnlySpan<T> third, string thirdName)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (first.Length != second.Length || first.Length != third.Length)
        {
            ThrowNotSameLength(first.Length, firstName, second.Length, secondName, third.Length, thirdName);
        }
    }

    /// <summary>Throws unless <paramref name="span"/> has exactly <c><paramref name="rows"/> × <paramref name="columns"/></c> elements (multiplied in 64 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ProductLength<T>(ReadOnlySpan<T> span, string parameterName, int rows, string rowsName, int columns, string columnsName)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (span.Length != (long)rows * columns)
        {
            ThrowProductLength(span.Length, parameterName, rows, rowsName, columns, columnsName, atLeast: false);
        }
    }

    /// <summary>Throws unless <paramref name="span"/> has at least <c><paramref name="rows"/> × <paramref name="columns"/></c> elements (multiplied in 64 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MinimumProductLength<T>(ReadOnlySpan<T> span, string parameterName, int rows, string rowsName, int columns, string columnsName)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (span.Length < (long)rows * columns)
        {
            ThrowProductLength(span.Length, parameterName, rows, rowsName, columns, columnsName, atLeast: true);
        }
    }

    /// <summary>The exception of the kernels' length checks: <c>"name has actual floats but must have expected (why)."</c>, naming <paramref name="parameterName"/>.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void ThrowKernelLength(string parameterName, long actual, string expected, string why) =>
        throw new ArgumentException($"{parameterName} has {actual} floats but must have {expected} ({why}).", parameterName);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotSameLength(int actual, int expected, string name, string referenceName) =>
        ThrowKernelLength(name, actual, $"{expected}", $"as many as {referenceName}");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowShorter(int actual, int expected, string name, string referenceName) =>
        ThrowKernelLength(name, actual, $"at least {expected}", $"as many as {referenceName}");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotSameLength(int first, string firstName, int second, string secondName, int third, string thirdName)
    {
        if (first == second)
        {
            ThrowNotSameLength(third, first, thirdName, $"{firstName} and {secondName}");
        }

        if (first == third || second != third)
        {
            ThrowNotSameLength(second, first, secondName, first == third ? $"{firstName} and {thirdName}" : firstName);
        }

        ThrowNotSameLength(first, second, firstName, $"{secondName} and {thirdName}");
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowProductLength(int actual, string parameterName, int rows, string rowsName, int columns, string columnsName, bool atLeast) =>
        ThrowKernelLength(parameterName, actual, $"{(atLeast ? "at least " : string.Empty)}{(long)rows * columns}", $"{rowsName} × {columnsName} = {rows} × {columns}");
}
