namespace NetCompiler.Tests.Support;

/// <summary>Deterministic batches shaped for any generated network, found through its interface.</summary>
internal static class NetworkData
{
    /// <summary>Targets that suit the network's loss: one-hot rows for softmax, 0/1 for sigmoid outputs, values in [-1, 1] otherwise.</summary>
    public static float[] TargetsFor<TNet>(int count, int seed)
        where TNet : class, INeuralNetwork<TNet> =>
        TNet.Description.OutputActivation switch
        {
            Activation.Softmax => Numbers.OneHot(count, TNet.OutputSize, seed),
            Activation.Sigmoid => [.. Numbers.Uniform(count * TNet.OutputSize, seed).Select(v => v > 0 ? 1f : 0f)],
            _ => Numbers.Uniform(count * TNet.OutputSize, seed),
        };
}
