namespace NetCompiler.Training;

/// <summary>
/// Training samples read a chunk at a time instead of held in memory: a sample file
/// (<see cref="NetCompiler.Data.SampleFile"/>), a Parquet file's row groups, or anything that can hand out
/// consecutive runs of samples. Wrap it in <see cref="StreamedTrainingData"/> to train on it.
/// </summary>
/// <remarks>
/// Chunk <c>i</c> holds the samples that follow those of chunks <c>0 … i−1</c>, so a sample's index is its chunk's
/// first index plus its place in the chunk. <see cref="ReadChunk"/> may be called from two threads at once (the
/// trainer's reader and, for the epoch's training metric, the trainer itself), and must give the same floats every time.
/// </remarks>
public interface IChunkedTrainingData
{
    /// <summary>The number of input floats of one sample.</summary>
    int FeatureCount { get; }

    /// <summary>The number of target floats of one sample.</summary>
    int TargetCount { get; }

    /// <summary>The number of samples over all chunks.</summary>
    long Count { get; }

    /// <summary>The number of chunks.</summary>
    int ChunkCount { get; }

    /// <summary>The number of samples of chunk <paramref name="chunk"/> (at least 1).</summary>
    int ChunkSampleCount(int chunk);

    /// <summary>
    /// Reads chunk <paramref name="chunk"/>: its features, <c>[n, FeatureCount]</c> row-major, into
    /// <paramref name="features"/> and its targets, <c>[n, TargetCount]</c>, into <paramref name="targets"/>, both exactly that long.
    /// </summary>
    void ReadChunk(int chunk, Span<float> features, Span<float> targets);
}
