namespace NetCompiler;

/// <summary>
/// Which activations dropout keeps in one training step: a counter-based random function of (seed, step, layer,
/// sample, unit), so the mask of a sample does not depend on the order in which samples, layers or cores are
/// processed. The per-sample and batched paths, one core or two, and a run resumed from a checkpoint all draw the same
/// mask for the same seed and step.
/// </summary>
/// <param name="Seed">The run's seed (the <c>Trainer</c> uses <c>TrainerOptions.Seed</c>).</param>
/// <param name="Step">The optimizer step, counted from 0 over the whole run.</param>
public readonly record struct DropoutMask(long Seed, long Step)
{
    /// <summary>
    /// True when unit <paramref name="unit"/> of layer <paramref name="layer"/> (1-based) is kept for sample
    /// <paramref name="sample"/> of the batch: a uniform number in [0, 1) drawn from the key is ≥ <paramref name="rate"/>.
    /// </summary>
    public bool Keeps(int layer, int sample, int unit, float rate) => Uniform(layer, sample, unit) >= rate;

    /// <summary>The uniform number in [0, 1) (24 random bits) of one unit: SplitMix64's finaliser applied in turn to each part of the key.</summary>
    public float Uniform(int layer, int sample, int unit)
    {
        ulong hash = Mix(unchecked((ulong)Seed));
        hash = Mix(hash ^ unchecked((ulong)Step));
        hash = Mix(hash ^ (uint)layer);
        hash = Mix(hash ^ (uint)sample);
        hash = Mix(hash ^ (uint)unit);
        return (hash >> 40) * (1f / (1 << 24));
    }

    /// <summary>SplitMix64's step and finaliser (Steele, Lea and Flood, "Fast splittable pseudorandom number generators").</summary>
    private static ulong Mix(ulong value)
    {
        ulong z = unchecked(value + 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
