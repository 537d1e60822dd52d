using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace NetCompiler.Kernels;

/// <summary>
/// BP1 of a whole batch in the matrix form: the loss of every sample and the output deltas <c>H_L</c>, with
/// logits, targets and deltas all feature-major (<c>[outputs, samples]</c>: row k holds output k of every sample),
/// so each step is a vector operation across 16 samples and nothing is gathered or scattered per sample.
/// Called by generated code. Every <c>[outputs, samples]</c> buffer must hold exactly <c>outputs × samples</c> values
/// (the product is formed in 64 bits); otherwise <see cref="ArgumentException"/> names it and gives that length.
/// Called by generated code (hidden from IntelliSense); not meant to be called directly, and may change between versions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class BatchOutputLayer
{
    /// <summary>
    /// Softmax cross-entropy of every sample: <c>a = softmax(z)</c> per sample (one exp per element),
    /// <c>J_s = Σ_k t_k (logsumexp(z_s) - z_k)</c> (finite for any finite logits) and the fused delta
    /// <c>δ = a - t</c>, which is written to <paramref name="deltas"/>. The loss of sample s goes to
    /// <c>losses[s]</c>. Equal, within float rounding, to <see cref="OutputLayer.SoftmaxCrossEntropy{T}"/> per sample.
    /// </summary>
    /// <param name="logits">Z_L, <c>[outputs, samples]</c>.</param>
    /// <param name="targets">T transposed to <c>[outputs, samples]</c>.</param>
    /// <param name="outputs">The number of outputs (rows).</param>
    /// <param name="deltas">H_L, <c>[outputs, samples]</c>; may not alias the inputs.</param>
    /// <param name="losses">One loss per sample: its length is the number of samples.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="outputs"/> is not positive.</exception>
    /// <exception cref="ArgumentException">A buffer does not hold <c>outputs × losses.Length</c> values. When logits, targets
    /// and deltas agree on a whole number of samples other than <c>losses.Length</c>, <paramref name="losses"/> is named.</exception>
    public static void SoftmaxCrossEntropy<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, int outputs, Span<T> deltas, Span<T> losses)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        int samples = losses.Length;
        long size = (long)outputs * samples;
        if (logits.Length != size || targets.Length != size || deltas.Length != size)
        {
            ThrowWrongSizes(logits.Length, targets.Length, deltas.Length, outputs, samples);
        }

        ref T z = ref MemoryMarshal.GetReference(logits);
        ref T t = ref MemoryMarshal.GetReference(targets);
        ref T h = ref MemoryMarshal.GetReference(deltas);
        int s = 0;
        if (typeof(T) == typeof(float) && Vector512.IsHardwareAccelerated)
        {
            s = SoftmaxCrossEntropy512(ref Unsafe.As<T, float>(ref z), ref Unsafe.As<T, float>(ref t), ref Unsafe.As<T, float>(ref h), outputs, samples, ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(losses)));
        }

        // The samples left over (every sample of a double network, or without 512-bit vectors): the same steps one sample at a time.
        for (; s < samples; s++)
        {
            T sum = SampleExponentials(ref z, ref h, outputs, samples, s, out T max);
            T logSumExp = max + T.Log(sum);
            T inverse = T.One / sum;
            T loss = T.Zero;
            for (int k = 0; k < outputs; k++)
            {
                int at = (k * samples) + s;
                T target = Unsafe.Add(ref t, at);
                if (target != T.Zero)
                {
                    loss += target * (logSumExp - Unsafe.Add(ref z, at));
                }

                Unsafe.Add(ref h, at) = (Unsafe.Add(ref h, at) * inverse) - target;
            }

            losses[s] = loss;
        }
    }

    /// <summary>The floats of <see cref="SoftmaxCrossEntropy{T}"/> 16 samples at a time; returns the first sample left over.</summary>
    private static int SoftmaxCrossEntropy512(ref float z, ref float t, ref float h, int outputs, int samples, ref float losses)
    {
        int s = 0;
        for (; s + Vector512<float>.Count <= samples; s += Vector512<float>.Count)
        {
            // e[k, s] = exp(z[k, s] - max_s), kept in the delta rows until the sum is known.
            var sum = VectorOfExponentials(ref z, ref h, outputs, samples, s, out var max);

            // logsumexp_s = max_s + ln Σ_k e[k, s]; J_s = Σ_k t_k (logsumexp_s - z_k), with 0 · ∞ counted as 0.
            var logSumExp = max + Log(sum);
            var inverse = Vector512<float>.One / sum;
            var loss = Vector512<float>.Zero;
            for (int k = 0; k < outputs; k++)
            {
                nuint at = (nuint)((k * samples) + s);
                var target = Vector512.LoadUnsafe(ref t, at);
                var term = target * (logSumExp - Vector512.LoadUnsafe(ref z, at));
                loss += Vector512.ConditionalSelect(Vector512.Equals(target, Vector512<float>.Zero), Vector512<float>.Zero, term);
                ((Vector512.LoadUnsafe(ref h, at) * inverse) - target).StoreUnsafe(ref h, at);
            }

            loss.StoreUnsafe(ref losses, (nuint)s);
        }

        return s;
    }

    /// <summary>
    /// Softmax of every sample of a feature-major batch: <c>a[k, s] = exp(z[k, s] - max_s) / Σ_j exp(z[j, s] - max_s)</c>.
    /// <paramref name="activations"/> may be <paramref name="logits"/> itself.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="outputs"/> is not positive, or <paramref name="samples"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="logits"/> or <paramref name="activations"/> does not hold exactly <c>outputs × samples</c> values.</exception>
    public static void Softmax<T>(ReadOnlySpan<T> logits, int outputs, int samples, Span<T> activations)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        Guard.ProductLength(logits, nameof(logits), outputs, nameof(outputs), samples, nameof(samples));
        Guard.ProductLength(activations, nameof(activations), outputs, nameof(outputs), samples, nameof(samples));

        ref T z = ref MemoryMarshal.GetReference(logits);
        ref T a = ref MemoryMarshal.GetReference(activations);
        int s = 0;
        if (typeof(T) == typeof(float) && Vector512.IsHardwareAccelerated)
        {
            ref float zFloats = ref Unsafe.As<T, float>(ref z);
            ref float aFloats = ref Unsafe.As<T, float>(ref a);
            for (; s + Vector512<float>.Count <= samples; s += Vector512<float>.Count)
            {
                var inverse = Vector512<float>.One / VectorOfExponentials(ref zFloats, ref aFloats, outputs, samples, s, out _);
                for (int k = 0; k < outputs; k++)
                {
                    nuint at = (nuint)((k * samples) + s);
                    (Vector512.LoadUnsafe(ref aFloats, at) * inverse).StoreUnsafe(ref aFloats, at);
                }
            }
        }

        for (; s < samples; s++)
        {
            T inverse = T.One / SampleExponentials(ref z, ref a, outputs, samples, s, out _);
            for (int k = 0; k < outputs; k++)
            {
                Unsafe.Add(ref a, (k * samples) + s) *= inverse;
            }
        }
    }

    /// <summary>
    /// For the 16 samples from <paramref name="first"/>: <c>max_s = max_k z[k, s]</c> (so no exponent is positive and
    /// none overflows), <c>e[k, s] = exp(z[k, s] - max_s)</c> written to <paramref name="e"/>, and returns <c>Σ_k e[k, s]</c>.
    /// </summary>
    private static Vector512<float> VectorOfExponentials(ref float z, ref float e, int outputs, int samples, int first, out Vector512<float> max)
    {
        max = Vector512.LoadUnsafe(ref z, (nuint)first);
        for (int k = 1; k < outputs; k++)
        {
            max = Vector512.Max(max, Vector512.LoadUnsafe(ref z, (nuint)((k * samples) + first)));
        }

        var sum = Vector512<float>.Zero;
        for (int k = 0; k < outputs; k++)
        {
            nuint at = (nuint)((k * samples) + first);
            var exponential = VectorMath.Exp(Vector512.LoadUnsafe(ref z, at) - max);
            exponential.StoreUnsafe(ref e, at);
            sum += exponential;
        }

        return sum;
    }

    /// <summary>The same as the vector <see cref="VectorOfExponentials"/> for the one sample <paramref name="sample"/>.</summary>
    private static T SampleExponentials<T>(ref T z, ref T e, int outputs, int samples, int sample, out T max)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        max = Unsafe.Add(ref z, sample);
        for (int k = 1; k < outputs; k++)
        {
            max = T.Max(max, Unsafe.Add(ref z, (k * samples) + sample));
        }

        T sum = T.Zero;
        for (int k = 0; k < outputs; k++)
        {
            T exponential = T.Exp(Unsafe.Add(ref z, (k * samples) + sample) - max);
            Unsafe.Add(ref e, (k * samples) + sample) = exponential;
            sum += exponential;
        }

        return sum;
    }

    /// <summary>
    /// The exception of <see cref="SoftmaxCrossEntropy{T}"/>: when logits, targets and deltas agree with one another on a
    /// whole number of samples, the sample count (the length of losses) is what is wrong; otherwise the first buffer
    /// that does not hold outputs × samples values is.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowWrongSizes(int logits, int targets, int deltas, int outputs, int samples)
    {
        if (logits == targets && logits == deltas && logits % outputs == 0)
        {
            Guard.ThrowKernelLength("losses", samples, $"{logits / outputs}", $"one per sample: logits, targets and deltas hold {logits / outputs} samples of {outputs} outputs");
        }

        string why = $"outputs × samples = {outputs} × {samples}, samples being losses.Length";
        long size = (long)outputs * samples;
        var (name, length) = logits != size ? ("logits", logits) : targets != size ? ("targets", targets) : ("deltas", deltas);
        Guard.ThrowKernelLength(name, length, $"{size}", why);
    }

    /// <summary>ln of each lane: one scalar logarithm per sample, so it needs no vector version.</summary>
    private static Vector512<float> Log(Vector512<float> x)
    {
        Span<float> lanes = stackalloc float[Vector512<float>.Count];
        x.StoreUnsafe(ref MemoryMarshal.GetReference(lanes));
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = MathF.Log(lanes[i]);
        }

        return Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(lanes));
    }
}
