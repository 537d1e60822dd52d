using System.Numerics;
namespace NetCompiler.Initialization;

/// <summary>
/// Deterministic initialisation of a parameter buffer. Weights are drawn uniformly from
/// <c>[-limit, limit]</c>: He (<c>limit = √(6 / fan_in)</c>) for the ReLU family (ReLU, LeakyReLU, ELU,
/// SiLU, GELU), Glorot/Xavier (<c>limit = √(6 / (fan_in + fan_out))</c>) for the others (Identity,
/// Sigmoid, Tanh, Softmax, Softplus). Biases start at zero. Layers are filled in order from one
/// <see cref="DeterministicRandom"/> stream seeded with the seed.
/// </summary>
public static class ParameterInitializer
{
    /// <summary>Fills <paramref name="parameters"/> for the network <paramref name="description"/>.</summary>
    /// <remarks>A double network draws the same numbers as a float one and widens them (exactly), so the same seed starts both from the same weights.</remarks>
    public static void Initialize<T>(NetworkDescription description, Span<T> parameters, int seed)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(description);
        if (parameters.Length != description.ParameterCount)
        {
            throw new ArgumentException(
                $"{description.Name}: parameters has {parameters.Length} {Kernels.Guard.ElementNames<T>()} but must have {description.ParameterCount}.", nameof(parameters));
        }

        var random = new DeterministicRandom(seed);
        foreach (var layer in description.Layers)
        {
            float limit = Limit(layer);
            var weights = parameters.Slice(layer.WeightOffset, layer.WeightCount);
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] = T.CreateTruncating(((2f * random.NextSingle()) - 1f) * limit);
            }

            parameters.Slice(layer.BiasOffset, layer.Size).Clear();
        }
    }

    /// <summary>The half-width of the uniform distribution a layer's weights are drawn from.</summary>
    public static float Limit(LayerDescription layer) => ActivationCatalog.Of(layer.Activation).Initialization switch
    {
        WeightInitialization.He => MathF.Sqrt(6f / layer.InputSize),
        _ => MathF.Sqrt(6f / (layer.InputSize + layer.Size)),
    };
}
