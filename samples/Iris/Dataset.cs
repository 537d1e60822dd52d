namespace Samples.Iris;

/// <summary>
/// Samples ready for the network, stored the way its kernels read batches: row-major
/// <c>Inputs[count, InputSize]</c> (standardised measurements) and <c>Targets[count, OutputSize]</c>
/// (one-hot species: setosa = 1 0 0, versicolor = 0 1 0, virginica = 0 0 1).
/// </summary>
public sealed class Dataset
{
    private readonly float[] _inputs;
    private readonly float[] _targets;

    private Dataset(IReadOnlyList<IrisSample> samples, float[] inputs, float[] targets)
    {
        Samples = samples;
        _inputs = inputs;
        _targets = targets;
    }

    /// <summary>The original flowers, in the same order as the rows.</summary>
    public IReadOnlyList<IrisSample> Samples { get; }

    /// <summary>The number of samples.</summary>
    public int Count => Samples.Count;

    /// <summary>Standardises the measurements and one-hot encodes the species.</summary>
    public static Dataset Create(IReadOnlyList<IrisSample> samples, Standardizer standardizer)
    {
        var inputs = new float[samples.Count * IrisNet.InputSize];
        var targets = new float[samples.Count * IrisNet.OutputSize];
        for (int i = 0; i < samples.Count; i++)
        {
            standardizer.Transform(samples[i].Measurements, inputs.AsSpan(i * IrisNet.InputSize, IrisNet.InputSize));
            targets[(i * IrisNet.OutputSize) + samples[i].Species] = 1f;
        }

        return new Dataset(samples, inputs, targets);
    }

    /// <summary>The network input of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Input(int index) => _inputs.AsSpan(index * IrisNet.InputSize, IrisNet.InputSize);

    /// <summary>The one-hot target of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Target(int index) => _targets.AsSpan(index * IrisNet.OutputSize, IrisNet.OutputSize);

    /// <summary>The species index of sample <paramref name="index"/>.</summary>
    public int Label(int index) => Samples[index].Species;
}
