namespace NetCompiler.Training.Streaming;

/// <summary>
/// Where the trainer takes its batches from: the samples in memory (<see cref="InMemoryBatches"/>) or streamed
/// (<see cref="StreamedBatches"/>). An epoch is <see cref="BatchesPerEpoch"/> calls of <see cref="Next"/> after one
/// <see cref="BeginEpoch"/>.
/// </summary>
internal interface ITrainingBatches
{
    /// <summary>The number of batches of an epoch.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>Starts an epoch: in memory, shuffles the sample order with <paramref name="random"/>.</summary>
    void BeginEpoch(ref Initialization.DeterministicRandom random);

    /// <summary>
    /// The epoch's next batch: its samples' features and targets (row-major) and their indexes in the training data;
    /// returns the number of samples. The spans stay valid until the next call. Allocation-free.
    /// </summary>
    int Next(out ReadOnlySpan<float> features, out ReadOnlySpan<float> targets, out ReadOnlySpan<long> rows);

    /// <summary>
    /// After epoch <paramref name="epoch"/> (1-based), before a checkpoint: puts the shuffle state the checkpoint must
    /// hold into <paramref name="order"/> (the training state's order) and <paramref name="random"/>. In memory they
    /// are that state already; streamed, the reader thread recorded it ahead of the trainer.
    /// </summary>
    void EndEpoch(int epoch, Span<int> order, ref Initialization.DeterministicRandom random);
}
