namespace NetCompiler.Training;

/// <summary>
/// Training data streamed from an <see cref="IChunkedTrainingData"/> (a sample file, Parquet row groups, IDX or CSV
/// files): the <see cref="Trainer{TNet}"/> reads it chunk by chunk on a second thread while it trains, holding at most
/// two shuffle windows and a few batches in memory, whatever the data's size.
/// </summary>
/// <remarks>
/// <para>
/// <b>The shuffle</b> (when <see cref="TrainerOptions.Shuffle"/> is on, deterministic for a given
/// <see cref="TrainerOptions.Seed"/>): each epoch the chunk order is a new Fisher–Yates permutation of the chunks, and
/// the chunks, in that order, are read into windows of at most <see cref="ShuffleWindow"/> samples (whole chunks; a
/// window takes chunks while they fit). The samples of each window are permuted (a Fisher–Yates permutation of the
/// window's positions) and batches are cut from the permuted window, continuing into the next window until the
/// epoch's samples are used: every batch but an epoch's last holds <see cref="TrainerOptions.BatchSize"/> samples. All
/// the permutations are drawn, in that order, from one generator seeded with the seed. A sample never leaves its
/// window, so the shuffle mixes samples across about <see cref="ShuffleWindow"/> neighbours (and across chunks in any
/// order), not across the whole file: write files whose rows are not sorted by class.
/// </para>
/// <para>
/// When the window holds every sample the data is read once and stays in memory, the chunk order is not shuffled
/// and the window's permutation carries over from epoch to epoch exactly as the in-memory trainer's does: the same
/// seed gives the same batches, and the same weights, as training on the same samples in memory.
/// </para>
/// <para>
/// <b>Memory</b>: two windows (the one batches are cut from and the next, read meanwhile), each
/// <c>ShuffleWindow × (FeatureCount + TargetCount) × 4</c> bytes plus 12 bytes per sample (its index in the data,
/// named in divergence messages, and its place in the window's permutation); about 1 MiB of batches in flight (4 to
/// 256 batches); one chunk for the epoch's training metric. Nothing grows with the data's size.
/// </para>
/// <para>
/// <b>The reader thread</b> copies the shuffled rows of each batch into a ring of batch buffers, so the training step
/// finds its batch ready and trains on it in place. After each batch it prepares a little of the next window (reads
/// one of its chunks, or once they are read, takes a few thousand steps of its permutation), so the next window is
/// ready when the current one is used up. Neither thread spins: the reader sleeps while the ring is full and wakes when
/// half of it is free, once per half ring of batches, so on a busy machine it takes little time from the trainer. It is
/// a dedicated thread, started by <see cref="Trainer{TNet, T}.FitStreamed"/> and ended when it returns or throws. Every
/// chunk is checked as it is read (a sample file's checksum, a label's class), each time it is read: a chunk that fails
/// (a corrupt sample file) makes the step that would use it throw the reader's exception, naming the file and chunk.
/// </para>
/// <para>
/// The training metric of each epoch (<see cref="TrainerOptions.EvaluateTrainingMetric"/>) comes from the training steps'
/// own outputs, so the data is read once per epoch. A validation set is passed to <c>FitStreamed</c> in memory;
/// <see cref="TrainerOptions.ValidationSplit"/> does not apply to streamed data. Checkpoints
/// (<see cref="CheckpointOptions.LatestPath"/>) record the shuffle's state after each epoch, and
/// <see cref="Trainer{TNet, T}.ResumeStreamed"/> continues from one bit for bit, on the same data streamed with the same window.
/// </para>
/// </remarks>
public sealed class StreamedTrainingData
{
    /// <summary>The default window: 65,536 samples, or 16 chunks when that is more.</summary>
    public const int DefaultShuffleWindow = 65_536;

    /// <summary>Streams <paramref name="source"/> with a shuffle window of <paramref name="shuffleWindow"/> samples (0 for the default).</summary>
    /// <exception cref="ArgumentException">The source is empty or a chunk is empty.</exception>
    public StreamedTrainingData(IChunkedTrainingData source, int shuffleWindow = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(shuffleWindow);
        if (source.Count <= 0 || source.ChunkCount <= 0)
        {
            throw new ArgumentException("The streamed data is empty.", nameof(source));
        }

        int largestChunk = 0;
        for (int chunk = 0; chunk < source.ChunkCount; chunk++)
        {
            int count = source.ChunkSampleCount(chunk);
            if (count <= 0)
            {
                throw new ArgumentException($"Chunk {chunk} of the streamed data reports {count} samples; every chunk holds at least one.", nameof(source));
            }

            largestChunk = Math.Max(largestChunk, count);
        }

        int requested = shuffleWindow == 0 ? (int)Math.Min(int.MaxValue, Math.Max(DefaultShuffleWindow, 16L * largestChunk)) : shuffleWindow;
        Source = source;
        LargestChunk = largestChunk;
        int arrayLimit = Array.MaxLength / Math.Max(source.FeatureCount, source.TargetCount);
        if (largestChunk > arrayLimit)
        {
            throw new ArgumentException($"A chunk of {largestChunk} samples of {source.FeatureCount} features does not fit one array; write smaller chunks.", nameof(source));
        }

        ShuffleWindow = (int)Math.Min(Math.Min(Math.Max(requested, largestChunk), source.Count), arrayLimit);
    }

    /// <summary>The samples.</summary>
    public IChunkedTrainingData Source { get; }

    /// <summary>
    /// The most samples one shuffle window holds: the requested size, raised to the largest chunk and lowered to the
    /// sample count (and to what one array holds). Equal to <see cref="IChunkedTrainingData.Count"/> when all the data is held in memory.
    /// </summary>
    public int ShuffleWindow { get; }

    /// <summary>The samples of the largest chunk.</summary>
    internal int LargestChunk { get; }

    /// <summary>Whether one window holds all the samples (read once, shuffled as in memory).</summary>
    internal bool IsResident => ShuffleWindow == Source.Count;
}
