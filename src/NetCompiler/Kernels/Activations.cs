using System.ComponentModel;
using System.Numerics;
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
    public const float LeakyReLUSlope = (float)LeakyReLUSlopeExact;

    /// <summary><c>√(2/π)</c>, used by the tanh form of GELU.</summary>
    public const float GeluScale = (float)GeluScaleExact;

    /// <summary>The cubic coefficient of the tanh form of GELU.</summary>
    public const float GeluCubic = (float)GeluCubicExact;

    // The constants to the precision of a double network (the float ones are these, rounded).
    internal const double LeakyReLUSlopeExact = 0.01;
    internal const double GeluScaleExact = 0.7978845608028654;
    internal const double GeluCubicExact = 0.044715;

    /// <summary><c>f(z) = z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Identity<T>(T z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => z;

    /// <summary><c>f'(z) = 1</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T IdentityDerivative<T>(T z, T a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => T.One;

    /// <summary><c>σ(z) = 1 / (1 + e^-z)</c>, evaluated without overflow for any finite z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sigmoid<T>(T z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (z >= T.Zero)
        {
            return T.One / (T.One + T.Exp(-z));
        }

        T e = T.Exp(z);
        return e / (T.One + e);
    }

    /// <summary><c>σ'(z) = a (1 - a)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SigmoidDerivative<T>(T z, T a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => a * (T.One - a);

    /// <summary><c>tanh z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Tanh<T>(T z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => T.Tanh(z);

    /// <summary><c>tanh'(z) = 1 - a²</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T TanhDerivative<T>(T z, T a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => T.One - (a * a);

    /// <summary><c>max(0, z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReLU<T>(T z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => z > T.Zero ? z : T.Zero;

    /// <summary>1 for <c>z &gt; 0</c>, else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ReLUDerivative<T>(T z, T a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => z > T.Zero ? T.One : T.Zero;

    /// <summary><c>z</c> for <c>z &gt; 0</c>, else <c>0.01 z</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LeakyReLU<T>(T z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => z > T.Zero ? z : T.CreateTruncating(LeakyReLUSlopeExact) * z;

    /// <summary>1 for <c>z &gt; 0</c>, else 0.01.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T LeakyReLUDerivative<T>(T z, T a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => z > T.Zero ? T.One : T.CreateTruncating(LeakyReLUSlopeExact);

    /// <summary><c>z</c> for <c>z &gt; 0</c>, else <c>e^z - 1</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ELU<T>(T z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => z > T.Zero ? z : T.Exp(z) - T.One;

    /// <summary>1 for <c>z &gt; 0</c>, else <c>e^z = a + 1</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ELUDerivative<T>(T z, T a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => z > T.Zero ? T.One : a + T.One;

    /// <summary><c>ln(1 + e^z)</c>, evaluated without overflow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Softplus<T>(T z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> =>
        z > T.Zero ? z + T.Log(T.One + T.Exp(-z)) : T.Log(T.One + T.Exp(z));

    /// <summary><c>softplus'(z) = σ(z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SoftplusDerivative<T>(T z, T a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => Sigmoid(z);

    /// <summary><c>z σ(z)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SiLU<T>(T z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T> => z * Sigmoid(z);

    /// <summary><c>σ(z) (1 + z (1 - σ(z)))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T SiLUDerivative<T>(T z, T a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T s = Sigmoid(z);
        return s * (T.One + (z * (T.One - s)));
    }

    /// <summary><c>0.5 z (1 + tanh(√(2/π) (z + 0.044715 z³)))</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T GELU<T>(T z)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        T u = T.CreateTruncating(GeluScaleExact) * (z + (T.CreateTruncating(GeluCubicExact) * z * z * z));
        return T.CreateTruncating(0.5) * z * (T.One + T.Tanh(u));
    }

    /// <summary>The exact derivative of <see cref="GELU{T}(T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T GELUDerivative<T>(T z, T a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        // Beyond |z| = 10 tanh(u) is ±1 in float and the exact derivative rounds to 1 or 0; returning
        // those avoids 0 × ∞ once z² overflows.
        if (T.Abs(z) > T.CreateTruncating(10.0))
        {
            return z > T.Zero ? T.One : T.Zero;
        }

        T u = T.CreateTruncating(GeluScaleExact) * (z + (T.CreateTruncating(GeluCubicExact) * z * z * z));
        T t = T.Tanh(u);
        return (T.CreateTruncating(0.5) * (T.One + t)) + (T.CreateTruncating(0.5) * z * (T.One - (t * t)) * T.CreateTruncating(GeluScaleExact) * (T.One + (T.CreateTruncating(3.0) * T.CreateTruncating(GeluCubicExact) * z * z)));
    }

    /// <summary>
    /// <c>a_i = e^(z_i - m) / Σ_j e^(z_j - m)</c> with <c>m = max_j z_j</c>, so any finite logits give
    /// finite probabilities that sum to 1. <paramref name="a"/> must have <c>z.Length</c> elements and may be <paramref name="z"/> itself.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="a"/> does not have as many elements as <paramref name="z"/>.</exception>
    public static void Softmax<T>(ReadOnlySpan<T> z, Span<T> a)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Guard.SameLength(z, nameof(z), a, nameof(a));
        T max = T.NegativeInfinity;
        foreach (T value in z)
        {
            max = T.Max(max, value);
        }

        T sum = T.Zero;
        for (int i = 0; i < z.Length; i++)
        {
            T e = T.Exp(z[i] - max);
            a[i] = e;
            sum += e;
        }

        T scale = T.One / sum;
        for (int i = 0; i < z.Length; i++)
        {
            a[i] *= scale;
        }
    }
}
