namespace NetCompiler.Training.Streaming;

/// <summary>
/// What the streamed shuffle needs to continue after <see cref="EpochsCompleted"/> epochs exactly as an uninterrupted
/// run would: the generator's state and, when one window holds every sample, the sample order that each epoch
/// shuffles further (empty otherwise: the chunk order and each window's order start afresh every epoch).
/// </summary>
internal sealed record ShuffleState(int EpochsCompleted, ulong Random, int[] Order);

/// <summary>
/// What a checkpoint of a streamed run records of its data, so it resumes only on data streamed the same way: the
/// sample count, the chunk count and the shuffle window (which together fix the batches a seed gives).
/// </summary>
internal readonly record struct StreamedShape(long Samples, int Chunks, int ShuffleWindow)
{
    public override string ToString() => $"{Samples} samples in {Chunks} chunks, shuffle window {ShuffleWindow}";
}

/// <summary>
/// The shuffle states the reader thread records ahead of the trainer, one per epoch, taken by the trainer when it
/// finishes that epoch. Thread-safe.
/// </summary>
internal sealed class ShuffleStates
{
    private readonly Dictionary<int, ShuffleState> _states = [];

    /// <summary>Records the state after <paramref name="epochsCompleted"/> epochs (a copy of <paramref name="order"/>).</summary>
    public void Add(int epochsCompleted, Initialization.DeterministicRandom random, int[] order)
    {
        var state = new ShuffleState(epochsCompleted, random.State, (int[])order.Clone());
        lock (_states)
        {
            _states[epochsCompleted] = state;
        }
    }

    /// <summary>Removes and returns the state after <paramref name="epochsCompleted"/> epochs.</summary>
    /// <exception cref="InvalidOperationException">The reader has not recorded it.</exception>
    public ShuffleState Take(int epochsCompleted)
    {
        lock (_states)
        {
            return _states.Remove(epochsCompleted, out var state)
                ? state
                : throw new InvalidOperationException($"The streamed reader recorded no shuffle state after epoch {epochsCompleted}.");
        }
    }
}
