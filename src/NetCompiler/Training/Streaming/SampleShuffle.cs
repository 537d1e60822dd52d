using NetCompiler.Initialization;

namespace NetCompiler.Training.Streaming;

/// <summary>The trainer's shuffle, shared by the in-memory and streamed batches so both draw the same permutations.</summary>
internal static class SampleShuffle
{
    /// <summary>Fisher–Yates shuffle: for i from the last position down to 1, swap position i with a uniform j ≤ i.</summary>
    public static void Shuffle(Span<int> indices, ref DeterministicRandom random)
    {
        int next = indices.Length - 1;
        Steps(indices, ref next, int.MaxValue, ref random);
    }

    /// <summary>
    /// Up to <paramref name="steps"/> steps of <see cref="Shuffle"/>, from position <paramref name="next"/> down, which it
    /// lowers; the shuffle is complete when <paramref name="next"/> reaches 0. Taken in any number of calls, the steps
    /// make the same draws and give the same permutation as one <see cref="Shuffle"/>.
    /// </summary>
    public static void Steps(Span<int> indices, ref int next, int steps, ref DeterministicRandom random)
    {
        int i = next;
        for (; i > 0 && steps > 0; i--, steps--)
        {
            int j = random.NextInt32(i + 1);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }

        next = Math.Max(i, 0);
    }
}
