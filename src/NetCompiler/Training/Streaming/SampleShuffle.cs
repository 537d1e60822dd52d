using NetCompiler.Initialization;

namespace NetCompiler.Training.Streaming;

/// <summary>The trainer's shuffle, shared by the in-memory and streamed batches so both draw the same permutations.</summary>
internal static class SampleShuffle
{
    /// <summary>Fisher–Yates shuffle: for i from the last position down to 1, swap position i with a uniform j ≤ i.</summary>
    public static void Shuffle(Span<int> indices, ref DeterministicRandom random)
    {
        for (int i = indices.Length - 1; i > 0; i--)
        {
            int j = random.NextInt32(i + 1);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }
    }
}
