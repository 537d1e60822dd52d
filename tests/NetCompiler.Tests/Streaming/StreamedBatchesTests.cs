using NetCompiler.Initialization;
using NetCompiler.Training;
using NetCompiler.Training.Streaming;
using NetCompiler.Tests.Support;

namespace NetCompiler.Tests.Streaming;

/// <summary>The streamed batches: every epoch uses every sample once, batches are full but an epoch's last, rows travel with their samples, and the shuffle is seeded.</summary>
[Collection(RunAloneCollection.Name)]
public class StreamedBatchesTests
{
    private static List<long[]> Epochs(IChunkedTrainingData source, int window, int batchSize, int epochs, bool shuffle, int seed, out List<int> batchSizes)
    {
        var data = new StreamedTrainingData(source, window);
        using var batches = new StreamedBatches(data, batchSize, epochs, shuffle, new DeterministicRandom(seed));
        batches.Start();
        var result = new List<long[]>();
        batchSizes = [];
        var random = new DeterministicRandom(seed);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var order = new List<long>();
            batches.BeginEpoch(ref random);
            for (int b = 0; b < batches.BatchesPerEpoch; b++)
            {
                int n = batches.Next(out var features, out var targets, out var rows);
                batchSizes.Add(n);
                for (int k = 0; k < n; k++)
                {
                    // The sample's floats came with its index.
                    Assert.Equal(rows[k], (long)features[k * source.FeatureCount]);
                    Assert.Equal(rows[k], (long)targets[k * source.TargetCount]);
                    order.Add(rows[k]);
                }
            }

            result.Add([.. order]);
        }

        return result;
    }

    [Theory]
    [InlineData(10, false)]
    [InlineData(10, true)]
    [InlineData(37, true)]
    [InlineData(1000, true)]
    public void EveryEpochIsAPermutationCutIntoFullBatches(int window, bool shuffle)
    {
        var source = new NumberedChunks([7, 10, 3, 10, 10, 5, 10, 9]);

        var epochs = Epochs(source, window, batchSize: 8, epochs: 3, shuffle, seed: 5, out var sizes);

        foreach (long[] order in epochs)
        {
            Assert.Equal(Enumerable.Range(0, 64).Select(i => (long)i), order.Order());
        }

        Assert.Equal(Enumerable.Repeat(8, 24), sizes);
        if (!shuffle)
        {
            Assert.Equal(Enumerable.Range(0, 64).Select(i => (long)i), epochs[0]);
        }
        else
        {
            Assert.NotEqual(epochs[0], epochs[1]);
        }
    }

    [Fact]
    public void ARingOfFourLargeBatchesHandsOverEverySampleInOrderAcrossManyRefills()
    {
        // 8 × 40,001 floats a batch: over the ring's 1 MiB, so it holds its minimum of four batches, and 50 batches an
        // epoch refill it many times over, each side sleeping for half the ring.
        var source = new NumberedChunks([100, 100, 100, 100], featureCount: 40_000, targetCount: 1);
        using (var ring = new BatchRing(8, 40_000, 1))
        {
            Assert.Equal(4, ring.Capacity);
        }

        var epochs = Epochs(source, window: 150, batchSize: 8, epochs: 2, shuffle: true, seed: 3, out var sizes);

        Assert.All(epochs, order => Assert.Equal(Enumerable.Range(0, 400).Select(i => (long)i), order.Order()));
        Assert.Equal(Enumerable.Repeat(8, 100), sizes);
    }

    [Fact]
    public void AnEpochsLastBatchHoldsTheRemainder()
    {
        Epochs(new NumberedChunks([5, 5, 3]), window: 5, batchSize: 4, epochs: 2, shuffle: true, seed: 1, out var sizes);

        Assert.Equal([4, 4, 4, 1, 4, 4, 4, 1], sizes);
    }

    [Fact]
    public void TheSameSeedGivesTheSameOrderAndAnotherSeedAnother()
    {
        var source = new NumberedChunks([10, 10, 10, 10, 10, 10]);

        var first = Epochs(source, 20, 6, 2, true, seed: 3, out _);
        var again = Epochs(source, 20, 6, 2, true, seed: 3, out _);
        var other = Epochs(source, 20, 6, 2, true, seed: 4, out _);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void AWindowKeepsItsSamplesTogether()
    {
        // Windows of two 10-sample chunks: the first 20 samples of an epoch come from two whole chunks.
        var source = new NumberedChunks([10, 10, 10, 10, 10, 10]);

        var epochs = Epochs(source, 20, 5, 1, true, seed: 8, out _);

        long[] firstWindow = epochs[0][..20];
        Assert.Equal(2, firstWindow.Select(row => row / 10).Distinct().Count());
    }

    [Fact]
    public void AReadFailureReachesTheTrainerAfterTheBatchesBeforeIt()
    {
        var source = new FailingChunks(new NumberedChunks([4, 4, 4, 4]), failingChunk: 2);
        var data = new StreamedTrainingData(source, 4);
        using var batches = new StreamedBatches(data, 4, 1, shuffle: false, new DeterministicRandom(0));
        batches.Start();
        Assert.Equal(4, batches.Next(out _, out _, out _));
        Assert.Equal(4, batches.Next(out _, out _, out _));
        var error = Assert.Throws<IOException>(() => batches.Next(out _, out _, out _));
        Assert.Equal("chunk 2 is unreadable", error.Message);
    }

    private sealed class FailingChunks(IChunkedTrainingData inner, int failingChunk) : IChunkedTrainingData
    {
        public int FeatureCount => inner.FeatureCount;

        public int TargetCount => inner.TargetCount;

        public long Count => inner.Count;

        public int ChunkCount => inner.ChunkCount;

        public int ChunkSampleCount(int chunk) => inner.ChunkSampleCount(chunk);

        public void ReadChunk(int chunk, Span<float> features, Span<float> targets)
        {
            if (chunk == failingChunk)
            {
                throw new IOException($"chunk {chunk} is unreadable");
            }

            inner.ReadChunk(chunk, features, targets);
        }
    }
}
