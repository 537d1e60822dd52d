using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace NetCompiler.Kernels;

/// <summary>
/// Activation functions <c>a = f(z)</c> and their derivatives <c>f'(z)</c>, called by generated code.
/// Each derivative takes both <c>z</c> and <c>a = f(z)</c> so it can use whichever is cheaper and exact.
/// Called by generated code (hidden from IntelliSense); not meant to be called directly, and may change between versions.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Activations
{
    /// <summary>The slope of <see cref="Activation.LeakyReLU"/> for negative inputs.</summary>
    public const float LeakyReLUSlope = 0.01f;

    /// <summary><c>√(2/π)</c>, used by the tanh form of GELU.</summary>
    public const float GeluScale = 0.7978845608028654f;

    /// <summary>The cubic coefficient of the tanh form of GELU.</summary>
    public const float GeluCubic = 0.044715f;

    /// <summary><c>f(z) = z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Identity(float z) => z;

    /// <summary><c>f'(z) = 1</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float IdentityDerivative(float z, float a) => 1f;

    /// <summary><c>σ(z) = 1 / (1 + e^-z)</c>, evaluated without overflow for any finite z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float z)
    {
        if (z >= 0f)
        {
            return 1f / (1f + MathF.Exp(-z));
        }

        float e = MathF.Exp(z);
        return e / (1f + e);
    }

    /// <summary><c>σ'(z) = a (1 - a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SigmoidDerivative(float z, float a) => a * (1f - a);

    /// <summary><c>tanh z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float z) => MathF.Tanh(z);

    /// <summary><c>tanh'(z) = 1 - a²</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float TanhDerivative(float z, float a) => 1f - (a * a);

    /// <summary><c>max(0, z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReLU(float z) => z > 0f ? z : 0f;

    /// <summary>1 for <c>z &gt; 0</c>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReLUDerivative(float z, float a) => z > 0f ? 1f : 0f;

    /// <summary><c>z</c> for <c>z &gt; 0</c>, else <c>0.01 z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReLU(float z) => z > 0f ? z : LeakyReLUSlope * z;

    /// <summary>1 for <c>z &gt; 0</c>, else 0.01.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReLUDerivative(float z, float a) => z > 0f ? 1f : LeakyReLUSlope;

    /// <summary><c>z</c> for <c>z &gt; 0</c>, else <c>e^z - 1</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ELU(float z) => z > 0f ? z : MathF.Exp(z) - 1f;

    /// <summary>1 for <c>z &gt; 0</c>, else <c>e^z = a + 1</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ELUDerivative(float z, float a) => z > 0f ? 1f : a + 1f;

    /// <summary><c>ln(1 + e^z)</c>, evaluated without overflow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Softplus(float z) =>
        z > 0f ? z + MathF.Log(1f + MathF.Exp(-z)) : MathF.Log(1f + MathF.Exp(z));

    /// <summary><c>softplus'(z) = σ(z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SoftplusDerivative(float z, float a) => Sigmoid(z);

    /// <summary><c>z σ(z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SiLU(float z) => z * Sigmoid(z);

    /// <summary><c>σ(z) (1 + z (1 - σ(z)))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SiLUDerivative(float z, float a)
    {
        float s = Sigmoid(z);
        return s * (1f + (z * (1f - s)));
    }

    /// <summary><c>0.5 z (1 + tanh(√(2/π) (z + 0.044715 z³)))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GELU(float z)
    {
        float u = GeluScale * (z + (GeluCubic * z * z * z));
        return 0.5f * z * (1f + MathF.Tanh(u));
    }

    /// <summary>The exact derivative of <see cref="GELU(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GELUDerivative(float z, float a)
    {
        // Beyond |z| = 10 tanh(u) is ±1 in float and the exact derivative rounds to 1 or 0; returning
        // those avoids 0 × ∞ once z² overflows.
        if (MathF.Abs(z) > 10f)
        {
            return z > 0f ? 1f : 0f;
        }

        float u = GeluScale * (z + (GeluCubic * z * z * z));
        float t = MathF.Tanh(u);
        return (0.5f * (1f + t)) + (0.5f * z * (1f - (t * t)) * GeluScale * (1f + (3f * GeluCubic * z * z)));
    }

    /// <summary>
    /// <c>a_i = e^(z_i - m) / Σ_j e^(z_j - m)</c> with <c>m = max_j z_j</c>, so any finite logits give
    /// finite probabilities that sum to 1. <paramref name="a"/> must have <c>z.Length</c> elements and may be <paramref name="z"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="a"/> does not have as many elements as <paramref name="z"/>.</exception>
    public static void Softmax(ReadOnlySpan<float> z, Span<float> a)
    {
        Guard.SameLength(z, nameof(z), a, nameof(a));
        float max = float.NegativeInfinity;
        foreach (float value in z)
        {
            max = MathF.Max(max, value);
        }

        float sum = 0f;
        for (int i = 0; i < z.Length; i++)
        {
            float e = MathF.Exp(z[i] - max);
            a[i] = e;
            sum += e;
        }

        float scale = 1f / sum;
        for (int i = 0; i < z.Length; i++)
        {
            a[i] *= scale;
        }
    }
}
