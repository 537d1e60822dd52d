using System.ComponentModel;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetCompiler.Kernels;

/// <summary>The plain gradient-descent update used by generated training steps. Called by generated code (hidden from IntelliSense); not meant to be called directly.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class GradientDescent
{
    /// <summary>
    /// Applies <c>θ ← θ - scale · g</c>. Checks first that the scale, the gradient and every updated
    /// value are finite, and throws <see cref="TrainingDivergedException"/> without touching
    /// <paramref name="parameters"/> if not. <paramref name="gradient"/> must have <c>parameters.Length</c> elements.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="gradient"/> does not have as many elements as <paramref name="parameters"/>.</exception>
    public static void Apply<T>(Span<T> parameters, ReadOnlySpan<T> gradient, T scale, string network)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.Length(gradient, parameters.Length, network, "as many as parameters", nameof(gradient));
        ThrowIfStepNotFinite(scale, network);

        if (Guard.FirstNonFinite(gradient) is int bad)
        {
            throw new TrainingDivergedException(
                $"{network}: gradient[{bad}] is {gradient[bad]}; the parameters were not changed (lower the learning rate or check the data).");
        }

        if (!UpdateStaysFinite(parameters, gradient, scale))
        {
            for (int p = 0; p < parameters.Length; p++)
            {
                if (!T.IsFinite(parameters[p] - (scale * gradient[p])))
                {
                    throw new TrainingDivergedException(
                        $"{network}: the step would make parameter {p} {parameters[p] - (scale * gradient[p])} (gradient {gradient[p]} × step {scale}); the parameters were not changed (lower the learning rate).");
                }
            }
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var ps = MemoryMarshal.Cast<T, Vector<T>>(parameters);
            var gs = MemoryMarshal.Cast<T, Vector<T>>(gradient);
            var step = new Vector<T>(scale);
            for (int v = 0; v < ps.Length; v++)
            {
                ps[v] -= step * gs[v];
            }

            i = ps.Length * Vector<T>.Count;
        }

        for (; i < parameters.Length; i++)
        {
            parameters[i] -= scale * gradient[i];
        }
    }

    /// <summary>
    /// Throws <see cref="TrainingDivergedException"/> when the step <paramref name="scale"/> (the learning rate over the
    /// batch size) is NaN or infinite, before anything is computed: every training step refuses such a learning rate.
    /// </summary>
    public static void ThrowIfStepNotFinite<T>(T scale, string network)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (!T.IsFinite(scale))
        {
            throw new TrainingDivergedException($"{network}: the learning rate scale {scale} is not finite. The parameters were not changed.");
        }
    }

    /// <summary>
    /// Whether the fused update of the layers over <paramref name="samples"/> samples,
    /// <c>W += -(η/N) H Aᵀ</c> and <c>b += -(η/N) H 1</c>, stays finite whatever the (finite) parameters: every partial sum
    /// it forms is at most <c>N · max|H| · max|A|</c> in magnitude and every change it adds at most
    /// <c>|η| · max|H| · max|A|</c> (with max|A| taken as at least 1, for the biases), and a float smaller than 2^103 (half
    /// the spacing of floats at <see cref="float.MaxValue"/>) added to any finite float gives a finite float (and so, with a far wider margin, for doubles). The maxima
    /// may be taken over all layers at once (a bound of every layer's product). False for a NaN or infinite maximum. When
    /// this is false the step must go through a gradient buffer and <see cref="Apply{T}"/>, which checks every parameter.
    /// </summary>
    /// <param name="learningRate">η.</param>
    /// <param name="samples">N.</param>
    /// <param name="largestDelta">max|H| over the deltas of the layers updated (<see cref="Guard.FiniteMaxMagnitude{T}"/>).</param>
    /// <param name="largestLayerInput">max|A| over their inputs; 0 (read as 1) when every input lies in [-1, 1].</param>
    public static bool FusedUpdateStaysFinite<T>(T learningRate, int samples, T largestDelta, T largestLayerInput)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double bound = Math.Max(Math.Abs(double.CreateTruncating(learningRate)), samples) * double.CreateTruncating(largestDelta) * Math.Max(1.0, double.CreateTruncating(largestLayerInput));
        return bound < FiniteMargin;
    }

    /// <summary>Whether <c>θ + step · g</c> is finite for every finite θ when <c>|g| ≤ gradientMagnitude</c> (see <see cref="FusedUpdateStaysFinite{T}"/>).</summary>
    public static bool StepStaysFinite<T>(T step, double gradientMagnitude)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        Math.Abs(double.CreateTruncating(step)) * gradientMagnitude < FiniteMargin;

    /// <summary>2^103: any float of smaller magnitude added to a finite float rounds to a finite float.</summary>
    private const double FiniteMargin = 10141204801825835211973625643008.0;

    /// <summary>
    /// True when every <c>θ_p - scale · g_p</c> is finite: the same vector pass as <see cref="Guard.AllFinite{T}"/>
    /// (OR of the bits of u - u), over the values the update would write, without writing them.
    /// </summary>
    private static bool UpdateStaysFinite<T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> gradient, T scale)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var ps = MemoryMarshal.Cast<T, Vector<T>>(parameters);
            var gs = MemoryMarshal.Cast<T, Vector<T>>(gradient);
            var step = new Vector<T>(scale);
            var any = Vector<T>.Zero;
            for (int v = 0; v < ps.Length; v++)
            {
                var updated = ps[v] - (step * gs[v]);
                any |= updated - updated;
            }

            if (any != Vector<T>.Zero)
            {
                return false;
            }

            i = ps.Length * Vector<T>.Count;
        }

        for (; i < parameters.Length; i++)
        {
            if (!T.IsFinite(parameters[i] - (scale * gradient[i])))
            {
                return false;
            }
        }

        return true;
    }
}
