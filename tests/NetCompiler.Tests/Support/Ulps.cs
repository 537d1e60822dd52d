using NetCompiler.Kernels;

namespace NetCompiler.Tests.Support;

/// <summary>
/// Errors measured in units in the last place (ulp) of float against double-precision references, and the
/// inputs the vector math is swept over.
/// </summary>
internal static class Ulps
{
    /// <summary>
    /// The spacing of floats at |<paramref name="reference"/>|: <c>2^(e - 23)</c> for a normal float with
    /// exponent e, <c>2^-149</c> in the subnormal range. A correctly rounded result is within 0.5 of it.
    /// </summary>
    public static double Ulp(double reference)
    {
        const double smallestNormal = 1.1754943508222875e-38; // 2^-126
        double magnitude = Math.Abs(reference);
        return magnitude < smallestNormal
            ? Math.ScaleB(1, -149)
            : Math.ScaleB(1, Math.ILogB(magnitude) - 23);
    }

    /// <summary><c>|actual - reference|</c> in ulps of the reference; 0 when both are the same infinity.</summary>
    public static double Error(float actual, double reference) =>
        actual == reference ? 0 : Math.Abs(actual - reference) / Ulp(reference);

    /// <summary>
    /// Every <paramref name="stride"/>-th float from -<paramref name="limit"/> to <paramref name="limit"/> in
    /// bit order (so as densely near 0, relative to the magnitude, as near the ends), with ±0, the subnormals
    /// ±2^-149 and ±2^-130, and every float within 2000 ulp of each point in <paramref name="dense"/>.
    /// </summary>
    public static float[] Sweep(float limit, int stride, params float[] dense)
    {
        var values = new List<float> { 0f, -0f, float.Epsilon, -float.Epsilon, MathF.ScaleB(1, -130), -MathF.ScaleB(1, -130) };
        int top = BitConverter.SingleToInt32Bits(limit);
        for (int bits = 0; bits <= top; bits += stride)
        {
            float value = BitConverter.Int32BitsToSingle(bits);
            values.Add(value);
            values.Add(-value);
        }

        foreach (float point in dense)
        {
            int center = BitConverter.SingleToInt32Bits(point);
            for (int offset = -2000; offset <= 2000; offset++)
            {
                values.Add(BitConverter.Int32BitsToSingle(center + offset));
            }
        }

        return [.. values];
    }

    /// <summary><c>σ(z)</c> in double, without overflow.</summary>
    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    /// <summary><c>ln(1 + u)</c> in double, accurate for tiny u (Goldberg's correction of <c>ln(1 + u)</c>).</summary>
    public static double LogOnePlus(double u)
    {
        double w = 1 + u;
        return w == 1 ? u : Math.Log(w) * u / (w - 1);
    }

    /// <summary><c>e^z - 1</c> in double, accurate near 0.</summary>
    public static double ExpMinusOne(double z) =>
        Math.Abs(z) < 1e-5 ? z + (z * z / 2) + (z * z * z / 6) : Math.Exp(z) - 1;

    /// <summary>The argument <c>u = √(2/π) (z + 0.044715 z³)</c> of GELU, with the float constants the library uses.</summary>
    public static double GeluArgument(double z) => Activations.GeluScale * (z + (Activations.GeluCubic * z * z * z));

    /// <summary>Each element-wise activation in double, with the library's constants and the definitions of <see cref="Activations"/>.</summary>
    public static double Reference(Activation activation, double z) => activation switch
    {
        Activation.Identity => z,
        Activation.Sigmoid => Sigmoid(z),
        Activation.Tanh => Math.Tanh(z),
        Activation.ReLU => z > 0 ? z : 0,
        Activation.LeakyReLU => z > 0 ? z : Activations.LeakyReLUSlope * z,
        Activation.ELU => z > 0 ? z : ExpMinusOne(z),
        Activation.Softplus => Math.Max(z, 0) + LogOnePlus(Math.Exp(-Math.Abs(z))),
        Activation.SiLU => z * Sigmoid(z),
        Activation.GELU => z * Sigmoid(2 * GeluArgument(z)), // 0.5 z (1 + tanh u) without cancellation.
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an element-wise activation."),
    };
}
