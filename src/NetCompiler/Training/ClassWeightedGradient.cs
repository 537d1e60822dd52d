using System.Numerics;

namespace NetCompiler.Training;

/// <summary>
/// The gradient of the class-weighted loss <c>Σ_x w_{c(x)} J_x</c> over a batch, for unbalanced classification: the
/// samples of each class are gathered into their own sub-batch, the network's unweighted batch kernel gives
/// <c>Σ_{x ∈ c} ∂J_x/∂θ</c>, and that sum is added to the gradient times <c>w_c</c>. Since each sample's gradient is
/// linear in its output delta, this equals scaling every sample's delta <c>(a − t)</c> by its class weight, without a
/// second copy of the generated kernels; the unweighted path stays as it is. Buffers are allocated once; a batch
/// allocates nothing.
/// </summary>
/// <typeparam name="TNet">The generated network class.</typeparam>
/// <typeparam name="T">The network's element type.</typeparam>
internal sealed class ClassWeightedGradient<TNet, T>
    where TNet : class, INeuralNetwork<TNet, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    private readonly T[] _weights;
    private readonly int[] _classes;
    private readonly T[] _classFeatures;
    private readonly T[] _classTargets;
    private readonly T[] _classGradient;

    /// <summary>Buffers for batches of up to <paramref name="batchSize"/> samples.</summary>
    /// <exception cref="ArgumentException"><paramref name="weights"/> does not have one weight per class.</exception>
    public ClassWeightedGradient(IReadOnlyList<float> weights, int batchSize)
    {
        int classCount = ClassCount;
        if (weights.Count != classCount)
        {
            throw new ArgumentException(
                $"{TNet.Description.Name}: TrainerOptions.ClassWeights has {weights.Count} weights but the network has {classCount} classes.",
                "options");
        }

        _weights = [.. weights.Select(T.CreateTruncating)];
        _classes = new int[batchSize];
        _classFeatures = new T[batchSize * TNet.InputSize];
        _classTargets = new T[batchSize * TNet.OutputSize];
        _classGradient = new T[TNet.ParameterCount];
    }

    /// <summary>The number of classes: the outputs, or 2 for a single-output binary classifier.</summary>
    public static int ClassCount => TNet.OutputSize == 1 ? 2 : TNet.OutputSize;

    /// <summary>
    /// Adds <c>Σ_x w_{c(x)} ∂J_x/∂θ</c> over the <paramref name="count"/> samples to <paramref name="gradient"/> and
    /// returns <c>Σ_x w_{c(x)} J_x</c>. The class of a sample is <see cref="Evaluation.ClassOf(ReadOnlySpan{float})"/> of its target. A network
    /// with dropout draws each sample's mask by its row in its class's sub-batch.
    /// </summary>
    public double Accumulate(ReadOnlySpan<T> parameters, ReadOnlySpan<T> features, ReadOnlySpan<T> targets, int count, Span<T> gradient, DropoutMask dropout)
    {
        int inputSize = TNet.InputSize;
        int outputSize = TNet.OutputSize;
        Span<int> classes = _classes.AsSpan(0, count);
        for (int sample = 0; sample < count; sample++)
        {
            classes[sample] = Evaluation.ClassIndex(targets.Slice(sample * outputSize, outputSize));
        }

        double loss = 0;
        for (int c = 0; c < _weights.Length; c++)
        {
            // Gather the samples of class c: X_c, T_c.
            int members = 0;
            for (int sample = 0; sample < count; sample++)
            {
                if (classes[sample] == c)
                {
                    features.Slice(sample * inputSize, inputSize).CopyTo(_classFeatures.AsSpan(members * inputSize));
                    targets.Slice(sample * outputSize, outputSize).CopyTo(_classTargets.AsSpan(members * outputSize));
                    members++;
                }
            }

            if (members == 0)
            {
                continue;
            }

            // g_c = Σ_{x ∈ c} ∂J_x/∂θ, then ∇ += w_c g_c.
            Span<T> classGradient = _classGradient;
            classGradient.Clear();
            ReadOnlySpan<T> classFeatures = _classFeatures.AsSpan(0, members * inputSize);
            ReadOnlySpan<T> classTargets = _classTargets.AsSpan(0, members * outputSize);
            T classLoss = members == 1
                ? TNet.AccumulateGradient(parameters, classFeatures, classTargets, classGradient, dropout)
                : TNet.AccumulateGradientBatch(parameters, classFeatures, classTargets, classGradient, dropout);
            T weight = _weights[c];
            for (int i = 0; i < gradient.Length; i++)
            {
                gradient[i] += weight * classGradient[i];
            }

            loss += double.CreateTruncating(weight) * double.CreateTruncating(classLoss);
        }

        return loss;
    }
}
