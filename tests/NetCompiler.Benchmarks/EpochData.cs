namespace NetCompiler.Benchmarks;

/// <summary>The training set of the epoch benchmarks: seeded random inputs in [0, 1) and one-hot targets, row-major.</summary>
internal static class EpochData
{
    public static (float[] Features, float[] Targets) Create(int samples, int inputSize, int outputSize, int seed)
    {
        var random = new Random(seed);
        var features = new float[samples * inputSize];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (float)random.NextDouble();
        }

        var targets = new float[samples * outputSize];
        for (int s = 0; s < samples; s++)
        {
            targets[(s * outputSize) + random.Next(outputSize)] = 1f;
        }

        return (features, targets);
    }
}
