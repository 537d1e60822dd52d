namespace NetCompiler.Initialization;

/// <summary>
/// SplitMix64: a tiny generator whose sequence is fixed forever (unlike <see cref="Random"/>, whose
/// seeded sequence may change between .NET versions), so a seed gives the same network everywhere.
/// </summary>
public struct DeterministicRandom
{
    private ulong _state;

    /// <summary>Starts the sequence for <paramref name="seed"/>.</summary>
    public DeterministicRandom(int seed) => _state = unchecked((ulong)(long)seed);

    /// <summary>The generator's whole state, for checkpoints: a generator restored with <see cref="FromState"/> continues the same sequence.</summary>
    internal readonly ulong State => _state;

    /// <summary>A generator that continues from <paramref name="state"/> (a <see cref="State"/> taken earlier).</summary>
    internal static DeterministicRandom FromState(ulong state)
    {
        var random = default(DeterministicRandom);
        random._state = state;
        return random;
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = unchecked(_state += 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }

    /// <summary>A float uniformly distributed in [0, 1), with 24 random bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>An integer uniformly distributed in [0, <paramref name="exclusiveMax"/>).</summary>
    public int NextInt32(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        return (int)((NextUInt64() >> 33) % (ulong)exclusiveMax);
    }
}
