namespace NetCompiler.Onnx.Tests;

/// <summary>Deterministic random parameters and inputs, and the reference outputs of Forward.</summary>
internal static class TestData
{
    /// <summary>A network whose every weight and bias is drawn uniformly from [-1, 1) (non-zero biases, unlike the default init).</summary>
    public static TNet RandomNetwork<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet>
    {
        var net = TNet.Create(seed);
        Fill(net.Parameters, seed, 1f);
        return net;
    }

    /// <summary>Fills <paramref name="values"/> with uniform values in [-scale, scale).</summary>
    public static void Fill(Span<float> values, int seed, float scale)
    {
        var random = new Random(seed);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = scale * ((2f * random.NextSingle()) - 1f);
        }
    }

    /// <summary>A row-major batch of <paramref name="count"/> random samples with entries in [-3, 3).</summary>
    public static float[] Inputs(int count, int inputSize, int seed)
    {
        var inputs = new float[count * inputSize];
        Fill(inputs, seed, 3f);
        return inputs;
    }

    /// <summary>Forward of every sample of a row-major batch.</summary>
    public static float[] ForwardBatch<TNet>(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs)
        where TNet : class, INeuralNetwork<TNet>
    {
        int count = inputs.Length / TNet.InputSize;
        var outputs = new float[count * TNet.OutputSize];
        for (int sample = 0; sample < count; sample++)
        {
            TNet.Forward(parameters, inputs.Slice(sample * TNet.InputSize, TNet.InputSize), outputs.AsSpan(sample * TNet.OutputSize, TNet.OutputSize));
        }

        return outputs;
    }

    /// <summary>The parameters of a network, copied.</summary>
    public static float[] Snapshot<TNet>(TNet net)
        where TNet : class, INeuralNetwork<TNet> => net.Parameters.ToArray();
}
