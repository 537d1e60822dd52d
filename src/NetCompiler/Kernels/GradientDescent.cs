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
    public static void Apply(Span<float> parameters, ReadOnlySpan<float> gradient, float scale, string network)
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
                if (!float.IsFinite(parameters[p] - (scale * gradient[p])))
                {
                    throw new TrainingDivergedException(
                        $"{network}: the step would make parameter {p} {parameters[p] - (scale * gradient[p])} (gradient {gradient[p]} × step {scale}); the parameters were not changed (lower the learning rate).");
                }
            }
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var ps = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            var gs = MemoryMarshal.Cast<float, Vector<float>>(gradient);
            var step = new Vector<float>(scale);
            for (int v = 0; v < ps.Length; v++)
            {
                ps[v] -= step * gs[v];
            }

            i = ps.Length * Vector<float>.Count;
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
    public static void ThrowIfStepNotFinite(float scale, string network)
    {
        if (!float.IsFinite(scale))
        {
            throw new TrainingDivergedException($"{network}: the learning rate scale {scale} is not finite. The parameters were not changed.");
        }
    }

    /// <summary>
    /// Whether the fused update of the layers over <paramref name="samples"/> samples,
    /// <c>W += -(η/N) H Aᵀ</c> and <c>b += -(η/N) H 1</c>, stays finite whatever the (finite) parameters: every partial sum
    /// it forms is at most <c>N · max|H| · max|A|</c> in magnitude and every change it adds at most
    /// <c>|η| · max|H| · max|A|</c> (with max|A| taken as at least 1, for the biases), and a float smaller than 2^103 (half
    /// the spacing of floats at <see cref="float.MaxValue"/>) added to any finite float gives a finite float. The maxima
    /// may be taken over all layers at once (a bound of every layer's product). False for a NaN or infinite maximum. When
    /// this is false the step must go through a gradient buffer and <see cref="Apply"/>, which checks every parameter.
    /// </summary>
    /// <param name="learningRate">η.</param>
    /// <param name="samples">N.</param>
    /// <param name="largestDelta">max|H| over the deltas of the layers updated (<see cref="Guard.FiniteMaxMagnitude"/>).</param>
    /// <param name="largestLayerInput">max|A| over their inputs; 0 (read as 1) when every input lies in [-1, 1].</param>
    public static bool FusedUpdateStaysFinite(float learningRate, int samples, float largestDelta, float largestLayerInput)
    {
        double bound = Math.Max(Math.Abs((double)learningRate), samples) * largestDelta * Math.Max(1.0, largestLayerInput);
        return bound < FiniteMargin;
    }

    /// <summary>Whether <c>θ + step · g</c> is finite for every finite θ when <c>|g| ≤ gradientMagnitude</c> (see <see cref="FusedUpdateStaysFinite"/>).</summary>
    public static bool StepStaysFinite(float step, double gradientMagnitude) => Math.Abs((double)step) * gradientMagnitude < FiniteMargin;

    /// <summary>2^103: any float of smaller magnitude added to a finite float rounds to a finite float.</summary>
    private const double FiniteMargin = 10141204801825835211973625643008.0;

    /// <summary>
    /// True when every <c>θ_p - scale · g_p</c> is finite: the same vector pass as <see cref="Guard.AllFinite"/>
    /// (OR of the bits of u - u), over the values the update would write, without writing them.
    /// </summary>
    private static bool UpdateStaysFinite(ReadOnlySpan<float> parameters, ReadOnlySpan<float> gradient, float scale)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var ps = MemoryMarshal.Cast<float, Vector<float>>(parameters);
            var gs = MemoryMarshal.Cast<float, Vector<float>>(gradient);
            var step = new Vector<float>(scale);
            var any = Vector<float>.Zero;
            for (int v = 0; v < ps.Length; v++)
            {
                var updated = ps[v] - (step * gs[v]);
                any |= updated - updated;
            }

            if (any != Vector<float>.Zero)
            {
                return false;
            }

            i = ps.Length * Vector<float>.Count;
        }

        for (; i < parameters.Length; i++)
        {
            if (!float.IsFinite(parameters[i] - (scale * gradient[i])))
            {
                return false;
            }
        }

        return true;
    }
}
