namespace NetCompiler.Benchmarks;

/// <summary>
/// The baseline: the same math written the way a tutorial writes it — jagged arrays, one sample at a
/// time, new arrays for every activation, a gradient accumulated per sample and applied at the end.
/// Hidden layers use the activation of the generated network (ReLU or tanh), the output is softmax with
/// cross-entropy, so it trains exactly what the generated code trains.
/// </summary>
public sealed class TextbookNetwork
{
    private readonly int[] _sizes;
    private readonly bool _tanh;
    private readonly float[][][] _weights;
    private readonly float[][] _biases;

    public TextbookNetwork(NetworkDescription description, ReadOnlySpan<float> parameters)
    {
        _sizes = [description.InputSize, .. description.Layers.Select(l => l.Size)];
        _tanh = description.Layers[0].Activation == Activation.Tanh;
        _weights = new float[description.Layers.Length][][];
        _biases = new float[description.Layers.Length][];
        for (int l = 0; l < description.Layers.Length; l++)
        {
            var layer = description.Layers[l];
            _weights[l] = new float[layer.Size][];
            for (int j = 0; j < layer.Size; j++)
            {
                _weights[l][j] = parameters.Slice(layer.WeightOffset + (j * layer.InputSize), layer.InputSize).ToArray();
            }

            _biases[l] = parameters.Slice(layer.BiasOffset, layer.Size).ToArray();
        }
    }

    public float[] Forward(float[] input) => ForwardAll(input)[^1];

    /// <summary>One mini-batch gradient-descent step; samples are jagged rows.</summary>
    public void TrainStep(float[][] inputs, float[][] targets, float learningRate)
    {
        int layers = _weights.Length;
        var weightGradients = new float[layers][][];
        var biasGradients = new float[layers][];
        for (int l = 0; l < layers; l++)
        {
            weightGradients[l] = new float[_sizes[l + 1]][];
            for (int j = 0; j < _sizes[l + 1]; j++)
            {
                weightGradients[l][j] = new float[_sizes[l]];
            }

            biasGradients[l] = new float[_sizes[l + 1]];
        }

        for (int sample = 0; sample < inputs.Length; sample++)
        {
            var activations = ForwardAll(inputs[sample]);
            var delta = new float[_sizes[layers]];
            for (int k = 0; k < delta.Length; k++)
            {
                delta[k] = activations[layers][k] - targets[sample][k];
            }

            for (int l = layers - 1; l >= 0; l--)
            {
                for (int j = 0; j < _sizes[l + 1]; j++)
                {
                    biasGradients[l][j] += delta[j];
                    for (int k = 0; k < _sizes[l]; k++)
                    {
                        weightGradients[l][j][k] += delta[j] * activations[l][k];
                    }
                }

                if (l == 0)
                {
                    break;
                }

                var previous = new float[_sizes[l]];
                for (int k = 0; k < _sizes[l]; k++)
                {
                    float sum = 0;
                    for (int j = 0; j < _sizes[l + 1]; j++)
                    {
                        sum += _weights[l][j][k] * delta[j];
                    }

                    float a = activations[l][k];
                    previous[k] = sum * (_tanh ? 1 - (a * a) : (a > 0 ? 1 : 0));
                }

                delta = previous;
            }
        }

        float scale = learningRate / inputs.Length;
        for (int l = 0; l < layers; l++)
        {
            for (int j = 0; j < _sizes[l + 1]; j++)
            {
                _biases[l][j] -= scale * biasGradients[l][j];
                for (int k = 0; k < _sizes[l]; k++)
                {
                    _weights[l][j][k] -= scale * weightGradients[l][j][k];
                }
            }
        }
    }

    private float[][] ForwardAll(float[] input)
    {
        var activations = new float[_weights.Length + 1][];
        activations[0] = input;
        for (int l = 0; l < _weights.Length; l++)
        {
            var z = new float[_sizes[l + 1]];
            for (int j = 0; j < z.Length; j++)
            {
                float sum = _biases[l][j];
                for (int k = 0; k < _sizes[l]; k++)
                {
                    sum += _weights[l][j][k] * activations[l][k];
                }

                z[j] = sum;
            }

            bool output = l == _weights.Length - 1;
            activations[l + 1] = output ? Softmax(z) : z.Select(v => _tanh ? MathF.Tanh(v) : MathF.Max(0, v)).ToArray();
        }

        return activations;
    }

    private static float[] Softmax(float[] z)
    {
        float max = z.Max();
        var e = z.Select(v => MathF.Exp(v - max)).ToArray();
        float sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }
}
