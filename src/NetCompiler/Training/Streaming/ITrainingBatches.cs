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
    /// Copies the epoch's next batch into the first rows of <paramref name="features"/> and <paramref name="targets"/>
    /// and the samples' indexes into <paramref name="rows"/>; returns the number of samples. Allocation-free.
    /// </summary>
    int Next(Span<float> features, Span<float> targets, Span<long> rows);

    /// <summary>The metric over all the training samples (<see cref="Evaluation"/>'s definition), with an output buffer of <c>OutputSize</c> floats.</summary>
    float Evaluate<TNet>(Metric metric, ReadOnlySpan<float> parameters, Span<float> output)
        where TNet : class, INeuralNetwork<TNet>;
}
