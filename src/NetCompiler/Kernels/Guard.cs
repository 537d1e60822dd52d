using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Kernels;

/// <summary>Argument checks shared by every generated network, with messages that name the network and the buffer. Called by generated code (hidden from IntelliSense); not meant to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Guard
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="span"/> has exactly <paramref name="expected"/> elements.</summary>
    public static void Length(ReadOnlySpan<float> span, int expected, string network, string what, string parameterName)
    {
        if (span.Length != expected)
        {
            ThrowWrongLength(span.Length, expected, network, what, parameterName);
        }
    }

    /// <summary>
    /// Checks a batch stored row-major (<c>[count, inputSize]</c> inputs and <c>[count, outputSize]</c>
    /// targets) and returns its sample count.
    /// </summary>
    public static int BatchCount(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int inputSize, int outputSize, string network, string targetsName = "targets")
    {
        if (inputs.IsEmpty)
        {
            throw new ArgumentException($"{network}: the batch is empty; pass at least one sample ({inputSize} floats).", nameof(inputs));
        }

        return SampleCount(inputs.Length, targets.Length, inputSize, outputSize, network, nameof(inputs), targetsName, "InputSize", "OutputSize");
    }

    /// <summary>
    /// Checks an optional outputs buffer of a batch of <paramref name="count"/> samples: empty (no outputs wanted) or exactly
    /// <c>count × outputSize</c> floats; otherwise <see cref="ArgumentException"/> naming it.
    /// </summary>
    public static void OptionalBatchOutputs(ReadOnlySpan<float> outputs, int count, int outputSize, string network)
    {
        if (!outputs.IsEmpty && outputs.Length != (long)count * outputSize)
        {
            throw new ArgumentException(
                $"{network}: outputs has {outputs.Length} floats, but the batch of {count} samples has {(long)count * outputSize} outputs ({count} × OutputSize {outputSize}); pass that many, or none.",
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
    public static int TrainingBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int inputSize, int outputSize, float learningRate, string network) =>
        TrainingBatch(inputs, targets, inputSize, outputSize, learningRate, network, out _);

    /// <summary>
    /// <see cref="TrainingBatch(ReadOnlySpan{float}, ReadOnlySpan{float}, int, int, float, string)"/>, which also gives the
    /// largest magnitude among the inputs (<paramref name="largestInput"/>), read in the same pass as their check, for the
    /// bound of a fused update (<see cref="GradientDescent.FusedUpdateStaysFinite"/>).
    /// </summary>
    public static int TrainingBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int inputSize, int outputSize, float learningRate, string network, out float largestInput)
    {
        int count = BatchCount(inputs, targets, inputSize, outputSize, network);
        largestInput = MaxMagnitude(inputs);
        if (!float.IsFinite(largestInput) || !AllFinite(targets))
        {
            ThrowIfBatchNotFinite(inputs, targets, inputSize, outputSize, network);
        }

        GradientDescent.ThrowIfStepNotFinite(learningRate / count, network);
        return count;
    }

    /// <summary>
    /// Throws <see cref="TrainingDivergedException"/> naming the first sample, and the input or target in
    /// it, that is NaN or infinite. Training checks its batch first, because a saturating activation
    /// (ReLU(NaN) = 0, tanh(∞) = 1) can hide a bad input from the loss and let it poison the gradient.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is not whole samples, or <paramref name="targets"/> does not have as many samples.</exception>
    public static void ThrowIfBatchNotFinite(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, int inputSize, int outputSize, string network)
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
    public static void ThrowNonFiniteLoss(string network, int sample, float loss, ReadOnlySpan<float> input, ReadOnlySpan<float> target)
    {
        throw new TrainingDivergedException(
            $"{network}: the loss of sample {sample} in the batch is {loss}; {NonFiniteLossCause(input, target)}. The parameters were not changed.");
    }

    /// <summary>Why a sample's loss is not finite: its first non-finite input or target, or else diverged parameters.</summary>
    internal static string NonFiniteLossCause(ReadOnlySpan<float> input, ReadOnlySpan<float> target) =>
        FirstNonFinite(input) is int i
            ? $"input[{i}] of that sample is {input[i]}"
            : FirstNonFinite(target) is int t
                ? $"target[{t}] of that sample is {target[t]}"
                : "its inputs and targets are finite, so the parameters have diverged (lower the learning rate)";

    /// <summary>Throws <see cref="TrainingDivergedException"/> if <paramref name="values"/> holds a NaN or an infinity.</summary>
    public static void ThrowIfNotFinite(ReadOnlySpan<float> values, string network, string what)
    {
        if (FirstNonFinite(values) is int bad)
        {
            throw new TrainingDivergedException(
                $"{network}: element {bad} of {what} is {values[bad]}; the parameters were not changed (lower the learning rate or check the data).");
        }
    }

    /// <summary>Returns the index of the first NaN or infinite value, or null.</summary>
    public static int? FirstNonFinite(ReadOnlySpan<float> values)
    {
        if (AllFinite(values))
        {
            return null;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>
    /// The largest magnitude <c>|x|</c> in <paramref name="values"/> (0 when empty); +∞ when a value is infinite, and NaN
    /// when a value is NaN, so the result is finite exactly when every value is. One pass: with the sign bit cleared,
    /// the bits of a float order as its magnitude does (and those of ∞ and NaN above every finite one), so an unsigned
    /// integer maximum of <c>bits &amp; 0x7FFFFFFF</c> is the largest magnitude, one instruction per vector.
    /// </summary>
    public static float MaxMagnitude(ReadOnlySpan<float> values)
    {
        ref uint start = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetReference(values));
        nuint length = (nuint)values.Length;
        nuint i = 0;
        uint largest = 0;
        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<uint>.Count)
        {
            var magnitude = Vector512.Create(0x7FFF_FFFFu);
            Vector512<uint> max0 = default, max1 = default;
            for (; i + (2 * (nuint)Vector512<uint>.Count) <= length; i += 2 * (nuint)Vector512<uint>.Count)
            {
                max0 = Vector512.Max(max0, Vector512.LoadUnsafe(ref start, i) & magnitude);
                max1 = Vector512.Max(max1, Vector512.LoadUnsafe(ref start, i + (nuint)Vector512<uint>.Count) & magnitude);
            }

            var max = Vector512.Max(max0, max1);
            largest = LargestLane(Vector256.Max(max.GetLower(), max.GetUpper()));
        }
        else if (Vector256.IsHardwareAccelerated && length >= (nuint)Vector256<uint>.Count)
        {
            var magnitude = Vector256.Create(0x7FFF_FFFFu);
            Vector256<uint> max = default;
            for (; i + (nuint)Vector256<uint>.Count <= length; i += (nuint)Vector256<uint>.Count)
            {
                max = Vector256.Max(max, Vector256.LoadUnsafe(ref start, i) & magnitude);
            }

            largest = LargestLane(max);
        }

        for (; i < length; i++)
        {
            largest = Math.Max(largest, Unsafe.Add(ref start, i) & 0x7FFF_FFFFu);
        }

        return BitConverter.UInt32BitsToSingle(largest);
    }

    private static uint LargestLane(Vector256<uint> lanes)
    {
        var half = Vector128.Max(lanes.GetLower(), lanes.GetUpper());
        return Math.Max(Math.Max(half[0], half[1]), Math.Max(half[2], half[3]));
    }

    /// <summary>
    /// <see cref="MaxMagnitude"/> of values that must be finite: throws <see cref="TrainingDivergedException"/> as
    /// <see cref="ThrowIfNotFinite"/> does when one is not. One pass over the values for both.
    /// </summary>
    public static float FiniteMaxMagnitude(ReadOnlySpan<float> values, string network, string what)
    {
        float largest = MaxMagnitude(values);
        if (!float.IsFinite(largest))
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
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        ref float start = ref MemoryMarshal.GetReference(values);
        int i = 0;
        if (Vector512.IsHardwareAccelerated && values.Length >= Vector512<float>.Count)
        {
            Vector512<float> any0 = default, any1 = default;
            for (; i + (2 * Vector512<float>.Count) <= values.Length; i += 2 * Vector512<float>.Count)
            {
                var v0 = Vector512.LoadUnsafe(ref start, (nuint)i);
                var v1 = Vector512.LoadUnsafe(ref start, (nuint)(i + Vector512<float>.Count));
                any0 |= v0 - v0;
                any1 |= v1 - v1;
            }

            if (i + Vector512<float>.Count <= values.Length)
            {
                var v = Vector512.LoadUnsafe(ref start, (nuint)i);
                any0 |= v - v;
                i += Vector512<float>.Count;
            }

            if ((any0 | any1) != Vector512<float>.Zero)
            {
                return false;
            }
        }
        else if (Vector256.IsHardwareAccelerated && values.Length >= Vector256<float>.Count)
        {
            Vector256<float> any = default;
            for (; i + Vector256<float>.Count <= values.Length; i += Vector256<float>.Count)
            {
                var v = Vector256.LoadUnsafe(ref start, (nuint)i);
                any |= v - v;
            }

            if (any != Vector256<float>.Zero)
            {
                return false;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!float.IsFinite(Unsafe.Add(ref start, i)))
            {
                return false;
            }
        }

        return true;
    }

    private static void ThrowWrongLength(int actual, int expected, string network, string what, string parameterName) =>
        throw new ArgumentException($"{network}: {parameterName} has {actual} floats but must have {expected} ({what}).", parameterName);

    // ---- The length checks of the public kernels. One rule for all of them: a span of the wrong length is an
    // ArgumentException whose ParamName is that span's parameter and whose message says "<name> has <n> floats but must
    // have <expected> (<why>)". Products of sizes are formed in 64 bits (two ints multiply to less than 2^62), so no size
    // can wrap around to a length that passes. Each check is one or two compares; the messages are built only on the
    // throwing path, in methods that are never inlined.

    /// <summary>Throws unless <paramref name="second"/> has as many elements as <paramref name="first"/>; names <paramref name="secondName"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void SameLength(ReadOnlySpan<float> first, string firstName, ReadOnlySpan<float> second, string secondName)
    {
        if (first.Length != second.Length)
        {
            ThrowNotSameLength(second.Length, first.Length, secondName, firstName);
        }
    }

    /// <summary>Throws unless <paramref name="second"/> has at least as many elements as <paramref name="first"/>; names <paramref name="secondName"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void AtLeastLength(ReadOnlySpan<float> first, string firstName, ReadOnlySpan<float> second, string secondName)
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
    internal static void SameLength(
        ReadOnlySpan<float> first, string firstName, ReadOnlySpan<float> second, string secondName, ReadOnlySpan<float> third, string thirdName)
    {
        if (first.Length != second.Length || first.Length != third.Length)
        {
            ThrowNotSameLength(first.Length, firstName, second.Length, secondName, third.Length, thirdName);
        }
    }

    /// <summary>Throws unless <paramref name="span"/> has exactly <c><paramref name="rows"/> × <paramref name="columns"/></c> elements (multiplied in 64 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ProductLength(ReadOnlySpan<float> span, string parameterName, int rows, string rowsName, int columns, string columnsName)
    {
        if (span.Length != (long)rows * columns)
        {
            ThrowProductLength(span.Length, parameterName, rows, rowsName, columns, columnsName, atLeast: false);
        }
    }

    /// <summary>Throws unless <paramref name="span"/> has at least <c><paramref name="rows"/> × <paramref name="columns"/></c> elements (multiplied in 64 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void MinimumProductLength(ReadOnlySpan<float> span, string parameterName, int rows, string rowsName, int columns, string columnsName)
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
