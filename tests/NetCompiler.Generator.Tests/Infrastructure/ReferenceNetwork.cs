namespace NetCompiler.Generator.Tests.Infrastructure;

/// <summary>
/// A slow, independent double-precision implementation of a network, written with plain loops
/// straight from the equations (z_l = W_l a_(l-1) + b_l, a_l = f_l(z_l)) and the parameter layout of
/// <see cref="NetworkDescription"/>. It shares no code with the generator or the runtime kernels.
/// </summary>
internal static class ReferenceNetwork
{
    /// <summary>
    /// The output a_L for <paramref name="input"/>. When <paramref name="preActivations"/> is given,
    /// it receives z_l of every layer, input side first.
    /// </summary>
    public static double[] Forward(NetworkDescription network, ReadOnlySpan<double> parameters, ReadOnlySpan<float> input, List<double[]>? preActivations = null)
    {
        double[] x = new double[input.Length];
        for (int i = 0; i < input.Length; i++)
        {
            x[i] = input[i];
        }

        return Forward(network, parameters, x, preActivations);
    }

    /// <summary>The output a_L for an input given in double precision (to differentiate with respect to it).</summary>
    public static double[] Forward(NetworkDescription network, ReadOnlySpan<double> parameters, double[] input, List<double[]>? preActivations = null)
    {
        double[] a = input;
        foreach (var layer in network.Layers)
        {
            double[] z = new double[layer.Size];
            for (int j = 0; j < layer.Size; j++)
            {
                double sum = parameters[layer.BiasOffset + j];
                for (int k = 0; k < layer.InputSize; k++)
                {
                    sum += parameters[layer.WeightOffset + (j * layer.InputSize) + k] * a[k];
                }

                z[j] = sum;
            }

            preActivations?.Add(z);
            a = Activate(layer.Activation, z);
        }

        return a;
    }

    /// <summary>The loss of one sample: ½‖a − t‖², −Σ t ln a (softmax) or −Σ [t ln a + (1 − t) ln(1 − a)] (sigmoid).</summary>
    public static double SampleLoss(NetworkDescription network, ReadOnlySpan<double> output, ReadOnlySpan<float> target)
    {
        double loss = 0;
        for (int k = 0; k < output.Length; k++)
        {
            double a = output[k];
            double t = target[k];
            loss += (network.Loss, network.OutputActivation) switch
            {
                (Loss.MeanSquaredError, _) => 0.5 * (a - t) * (a - t),
                (Loss.CrossEntropy, Activation.Softmax) => t == 0 ? 0 : -t * Math.Log(a),
                (Loss.CrossEntropy, Activation.Sigmoid) => -((t * Math.Log(a)) + ((1 - t) * Math.Log(1 - a))),
                _ => throw new NotSupportedException($"{network.Loss} with {network.OutputActivation}"),
            };
        }

        return loss;
    }

    /// <summary>True for the activations whose derivative jumps at z = 0 (ELU's second derivative does).</summary>
    public static bool HasKinkAtZero(Activation activation) =>
        activation is Activation.ReLU or Activation.LeakyReLU or Activation.ELU;

    private static double[] Activate(Activation activation, double[] z)
    {
        if (activation == Activation.Softmax)
        {
            double max = z.Max();
            double[] e = [.. z.Select(v => Math.Exp(v - max))];
            double sum = e.Sum();
            return [.. e.Select(v => v / sum)];
        }

        return [.. z.Select(v => Activate(activation, v))];
    }

    private static double Activate(Activation activation, double z) => activation switch
    {
        Activation.Identity => z,
        Activation.Sigmoid => Sigmoid(z),
        Activation.Tanh => Math.Tanh(z),
        Activation.ReLU => Math.Max(0, z),
        Activation.LeakyReLU => z > 0 ? z : 0.01 * z,
        Activation.ELU => z > 0 ? z : Math.Exp(z) - 1,
        Activation.Softplus => Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z))),
        Activation.SiLU => z * Sigmoid(z),
        Activation.GELU => 0.5 * z * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (z + (0.044715 * z * z * z)))),
        _ => throw new NotSupportedException(activation.ToString()),
    };

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
