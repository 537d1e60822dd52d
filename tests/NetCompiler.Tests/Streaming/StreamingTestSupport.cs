using NetCompiler.Training;

namespace NetCompiler.Tests.Streaming;

/// <summary>Logistic regression over 60 inputs and 4 classes: cheap enough to stream a few hundred megabytes through in a test.</summary>
[Network(Inputs = 60, Loss = Loss.CrossEntropy)]
[Dense(4, Activation.Softmax)]
public partial class StreamedBudgetNet;

/// <summary>Chunks of samples in memory whose features name the sample: feature 0 of sample i is i; target 0 is i too.</summary>
internal sealed class NumberedChunks(int[] chunkSizes, int featureCount = 2, int targetCount = 1) : IChunkedTrainingData
{
    private readonly long[] _first = [.. chunkSizes.Select((_, i) => (long)chunkSizes.Take(i).Sum())];

    public int FeatureCount => featureCount;

    public int TargetCount => targetCount;

    public long Count => chunkSizes.Sum();

    public int ChunkCount => chunkSizes.Length;

    public int ChunkSampleCount(int chunk) => chunkSizes[chunk];

    public void ReadChunk(int chunk, Span<float> features, Span<float> targets)
    {
        for (int k = 0; k < chunkSizes[chunk]; k++)
        {
            float index = _first[chunk] + k;
            features.Slice(k * featureCount, featureCount).Fill(index);
            targets.Slice(k * targetCount, targetCount).Fill(index);
        }
    }
}
