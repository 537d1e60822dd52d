using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Runtime.Intrinsics.X86;
using NetCompiler.Generator.Tests.Infrastructure;
using NetCompiler.Kernels;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// The register form of single-sample Forward (every layer at most 16 neurons, so z_l and a_l are one
/// Vector512 each): which topologies get it, and its outputs against the double-precision reference for every
/// input width (1, 2, 4, 8, 16), every activation that has a register form, softmax over 4, 8 and 16 lanes with
/// and without unused lanes, several rows per block, and blocks and biases that end the parameters (loaded
/// from the last 16 floats and moved down). Also: its outputs give the same loss as ComputeLoss, which runs
/// the span form of the same layers; and, on AVX-512 machines, the bits of Forward's outputs prove that it ran the
/// register form, whose sums are added in another order than the span form's.
/// </summary>
public sealed class RegisterForwardTests
{
    private const string Namespace = "Registers";
    private const int Samples = 5;

    /// <summary>Forward against the double reference: float rounding only (as in the gradient checks).</summary>
    private static readonly Tolerance ForwardTolerance = new(Absolute: 1e-5, Relative: 1e-4);

    /// <summary>Topologies that fit in registers, and what each one covers.</summary>
    private static readonly (string Name, string Declaration)[] Fitting =
    [
        ("OneInput", "[Network(Inputs = 1)] [Dense(16, Activation.Tanh)] [Dense(1, Activation.Identity)]"), // input broadcast; 16 columns into one row; b2 moved down 15 lanes
        ("TwoInputs", "[Network(Inputs = 2, Loss = Loss.CrossEntropy)] [Dense(8, Activation.Sigmoid)] [Dense(2, Activation.Tanh)] [Dense(5, Activation.Softmax)]"), // softmax over 5 of 8 lanes; W3 and b3 moved down
        ("Iris", "[Network(Inputs = 4, Loss = Loss.CrossEntropy)] [Dense(16, Activation.Tanh)] [Dense(3, Activation.Softmax)]"), // 4 rows per block; softmax over 3 of 4 lanes
        ("EightInputs", "[Network(Inputs = 8)] [Dense(4, Activation.ReLU)] [Dense(16, Activation.LeakyReLU)] [Dense(13, Activation.Identity)]"), // 13 outputs stored as 8 + 4 + 1
        ("SixteenInputs", "[Network(Inputs = 16, Loss = Loss.CrossEntropy)] [Dense(16, Activation.ReLU)] [Dense(12, Activation.Softmax)]"), // softmax over 12 of 16 lanes
        ("SoftmaxOfFour", "[Network(Inputs = 8, Loss = Loss.CrossEntropy)] [Dense(8, Activation.Identity)] [Dense(4, Activation.Softmax)]"), // softmax filling a Vector128
        ("SoftmaxOfSixteen", "[Network(Inputs = 4, Loss = Loss.CrossEntropy)] [Dense(2, Activation.LeakyReLU)] [Dense(16, Activation.Softmax)]"), // 8 rows per block; softmax filling a Vector512
        ("SigmoidOfSixteen", "[Network(Inputs = 1, Loss = Loss.CrossEntropy)] [Dense(1, Activation.Sigmoid)] [Dense(16, Activation.Sigmoid)]"), // one column; 16 outputs stored whole
        ("Xor", "[Network(Inputs = 2, Loss = Loss.CrossEntropy)] [Dense(4, Activation.Tanh)] [Dense(1, Activation.Sigmoid)]"), // 17 parameters: W2 and b2 moved down
    ];

    /// <summary>Topologies that must keep the span form, and why.</summary>
    private static readonly (string Name, string Declaration)[] NotFitting =
    [
        ("ThirteenInputs", "[Network(Inputs = 13)] [Dense(4, Activation.Tanh)] [Dense(2, Activation.Sigmoid)]"), // 13 columns do not tile a block
        ("ThreeHidden", "[Network(Inputs = 4)] [Dense(3, Activation.Tanh)] [Dense(2, Activation.Sigmoid)]"), // layer 2 has 3 columns
        ("SeventeenNeurons", "[Network(Inputs = 4)] [Dense(17, Activation.Tanh)] [Dense(2, Activation.Sigmoid)]"), // more than one register
        ("EluHidden", "[Network(Inputs = 4)] [Dense(4, Activation.ELU)] [Dense(2, Activation.Sigmoid)]"), // no register form of ELU
        ("NineParameters", "[Network(Inputs = 2)] [Dense(2, Activation.Sigmoid)] [Dense(1, Activation.Identity)]"), // fewer than 16 parameters
    ];

    /// <summary>
    /// Topologies for the proof from the bits: every layer has at most 64 weights, so the span form writes each z_j
    /// out as one sum from left to right, <c>b_j + W[j, 0] a_0 + W[j, 1] a_1 + …</c>, and every activation is exact in
    /// float, so a scalar model gives every bit of either form. Their layers have 16, 4, 8 and 2 columns: every width
    /// of a merge.
    /// </summary>
    private static readonly (string Name, string Declaration)[] SumOrder =
    [
        ("SumOrderWide", "[Network(Inputs = 16)] [Dense(4, Activation.ReLU)] [Dense(8, Activation.LeakyReLU)] [Dense(8, Activation.Identity)]"),
        ("SumOrderNarrow", "[Network(Inputs = 2)] [Dense(8, Activation.Identity)] [Dense(2, Activation.Identity)]"),
    ];

    private static readonly Lazy<(Assembly Assembly, IReadOnlyDictionary<string, string> Sources)> s_compiled = new(Compile);

    [Fact]
    public void ExactlyTheNetworksThatFitGetTheRegisterForm()
    {
        var sources = s_compiled.Value.Sources;
        foreach (var (name, _) in Fitting)
        {
            Assert.Contains("ForwardInRegisters(parameters, input, output);", sources[$"{Namespace}.{name}.g.cs"]);
        }

        foreach (var (name, _) in NotFitting)
        {
            Assert.DoesNotContain("ForwardInRegisters", sources[$"{Namespace}.{name}.g.cs"]);
        }
    }

    [Fact]
    public void RegisterFormMatchesTheDoublePrecisionReference()
    {
        // On a machine without AVX-512 this checks the span form, which Forward falls back to.
        var mismatches = Fitting.Concat(NotFitting).SelectMany(n => Run<List<Mismatch>>(nameof(CheckForward), n.Name)).ToList();
        Assert.True(mismatches.Count == 0, $"AVX-512: {Avx512F.IsSupported}\n" + string.Join("\n", mismatches.Take(20)));
    }

    [Fact]
    public void RegisterFormGivesTheLossComputeLossGets()
    {
        var mismatches = Fitting.SelectMany(n => Run<List<Mismatch>>(nameof(CheckLoss), n.Name)).ToList();
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(20)));
    }

    [Avx512Fact("Forward takes the register form only there; elsewhere it runs the span form, which RegisterFormMatchesTheDoublePrecisionReference checks.")]
    public void ForwardOutputsHaveTheBitsOfTheRegisterFormsSumOrder()
    {
        foreach (var (name, _) in SumOrder)
        {
            var (actual, registerOrder, sequentialOrder) = Run<(float[], float[], float[])>(nameof(SumOrderOutputs), name);

            // The proof needs data for which the two orders round differently somewhere.
            Assert.False(
                Bits(registerOrder).SequenceEqual(Bits(sequentialOrder)),
                $"{name}: every output has the same bits in the register form's order and in the sequential order, so the test would prove nothing.");
            for (int i = 0; i < actual.Length; i++)
            {
                Assert.True(
                    BitConverter.SingleToInt32Bits(actual[i]) == BitConverter.SingleToInt32Bits(registerOrder[i]),
                    $"{name}: output {i} of Forward is {actual[i]:R} (0x{BitConverter.SingleToInt32Bits(actual[i]):X8}), but the register form's order gives "
                    + $"{registerOrder[i]:R} (0x{BitConverter.SingleToInt32Bits(registerOrder[i]):X8}) and the sequential order {sequentialOrder[i]:R}.");
            }
        }
    }

    private static List<Mismatch> CheckForward<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet>
    {
        var (parameters, inputs) = Problem<TNet>(seed);
        double[] reference = [.. parameters.Select(p => (double)p)];
        var mismatches = new List<Mismatch>();
        for (int s = 0; s < Samples; s++)
        {
            float[] actual = new float[TNet.OutputSize];
            TNet.Forward(parameters, inputs[s], actual);
            double[] expected = ReferenceNetwork.Forward(TNet.Description, reference, inputs[s]);
            mismatches.AddRange(NumericComparison.Compare(TNet.Description.Name, $"sample {s} output", actual, expected, ForwardTolerance));
        }

        return mismatches;
    }

    /// <summary>ComputeLoss of one sample (the span form of every layer) against the loss of Forward's output.</summary>
    private static List<Mismatch> CheckLoss<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet>
    {
        var (parameters, inputs) = Problem<TNet>(seed);
        var network = TNet.Description;
        var mismatches = new List<Mismatch>();
        for (int s = 0; s < Samples; s++)
        {
            float[] output = new float[TNet.OutputSize];
            TNet.Forward(parameters, inputs[s], output);
            float[] target = [.. Enumerable.Range(0, TNet.OutputSize).Select(k => (network.Loss, network.OutputActivation) switch
            {
                (Loss.CrossEntropy, Activation.Softmax) => k == s % TNet.OutputSize ? 1f : 0f,
                (Loss.CrossEntropy, _) => 0.25f,
                _ => 0.5f,
            })];
            double fromForward = ReferenceNetwork.SampleLoss(network, [.. output.Select(o => (double)o)], target);
            float loss = TNet.ComputeLoss(parameters, inputs[s], target);
            mismatches.AddRange(NumericComparison.Compare(network.Name, $"sample {s} loss", [loss], [fromForward], ForwardTolerance));
        }

        return mismatches;
    }

    /// <summary>
    /// Forward's outputs for every sample of the problem, and the scalar models' outputs with each z_j added in the
    /// register form's order and in the sequential order of the span form.
    /// </summary>
    private static (float[] Actual, float[] RegisterOrder, float[] SequentialOrder) SumOrderOutputs<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet>
    {
        var (parameters, inputs) = Problem<TNet>(seed);
        var layers = TNet.Description.Layers;
        int outputSize = TNet.OutputSize;
        float[] actual = new float[Samples * outputSize];
        float[] registerOrder = new float[Samples * outputSize];
        float[] sequentialOrder = new float[Samples * outputSize];
        for (int s = 0; s < Samples; s++)
        {
            TNet.Forward(parameters, inputs[s], actual.AsSpan(s * outputSize, outputSize));
            ModelForward(layers, parameters, inputs[s], inRegisterOrder: true).CopyTo(registerOrder, s * outputSize);
            ModelForward(layers, parameters, inputs[s], inRegisterOrder: false).CopyTo(sequentialOrder, s * outputSize);
        }

        return (actual, registerOrder, sequentialOrder);
    }

    /// <summary>One sample through <paramref name="layers"/> in float, each z_j summed in one of the two orders.</summary>
    private static float[] ModelForward(IReadOnlyList<LayerDescription> layers, float[] parameters, float[] input, bool inRegisterOrder)
    {
        float[] a = input;
        foreach (var layer in layers)
        {
            float[] next = new float[layer.Size];
            for (int j = 0; j < layer.Size; j++)
            {
                var row = parameters.AsSpan(layer.WeightOffset + (j * layer.InputSize), layer.InputSize);
                float bias = parameters[layer.BiasOffset + j];
                float z = inRegisterOrder ? RegisterOrderSum(row, a, bias) : SequentialSum(row, a, bias);
                next[j] = layer.Activation switch
                {
                    Activation.Identity => z,
                    Activation.ReLU => z > 0f ? z : 0f,
                    Activation.LeakyReLU => z > 0f ? z : z * Activations.LeakyReLUSlope,
                    _ => throw new NotSupportedException($"{layer.Activation} has no exact scalar model here."),
                };
            }

            a = next;
        }

        return a;
    }

    /// <summary>
    /// <c>z_j</c> as the register form adds it: the n products <c>W[j, k] a_k</c>, each rounded to float (a block of
    /// weights times the repeated input); then merges that add partial k and partial k + w/2 for w = n, n/2, …, 2
    /// (lane permutes of two blocks), leaving one sum; then the bias.
    /// </summary>
    private static float RegisterOrderSum(ReadOnlySpan<float> row, ReadOnlySpan<float> a, float bias)
    {
        Span<float> partial = stackalloc float[row.Length];
        for (int k = 0; k < row.Length; k++)
        {
            partial[k] = row[k] * a[k];
        }

        for (int width = row.Length; width > 1; width /= 2)
        {
            for (int k = 0; k < width / 2; k++)
            {
                partial[k] += partial[k + (width / 2)];
            }
        }

        return partial[0] + bias;
    }

    /// <summary><c>z_j</c> as the span form writes it out: <c>b_j + W[j, 0] a_0 + W[j, 1] a_1 + …</c>, from left to right.</summary>
    private static float SequentialSum(ReadOnlySpan<float> row, ReadOnlySpan<float> a, float bias)
    {
        float z = bias;
        for (int k = 0; k < row.Length; k++)
        {
            z += row[k] * a[k];
        }

        return z;
    }

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    /// <summary>The network's own initialisation with biases in [-0.5, 0.5], and inputs in [-1.5, 1.5].</summary>
    private static (float[] Parameters, float[][] Inputs) Problem<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet>
    {
        var random = new Random(seed);
        float[] parameters = TNet.Create(seed).Parameters.ToArray();
        foreach (var layer in TNet.Description.Layers)
        {
            for (int j = 0; j < layer.Size; j++)
            {
                parameters[layer.BiasOffset + j] = (float)(random.NextDouble() - 0.5);
            }
        }

        float[][] inputs = [.. Enumerable.Range(0, Samples).Select(_ => Enumerable.Range(0, TNet.InputSize).Select(_ => (float)((random.NextDouble() * 3) - 1.5)).ToArray())];
        return (parameters, inputs);
    }

    private static (Assembly, IReadOnlyDictionary<string, string>) Compile()
    {
        string source = $"using NetCompiler;\nnamespace {Namespace};\n"
            + string.Concat(Fitting.Concat(NotFitting).Concat(SumOrder).Select(n => $"{n.Declaration}\npublic partial class {n.Name};\n"));
        var assembly = GeneratorHarness.CompileAndLoad(source);
        return (assembly, GeneratorHarness.Run(source).Sources);
    }

    private static T Run<T>(string check, string network)
    {
        var type = s_compiled.Value.Assembly.GetType($"{Namespace}.{network}") ?? throw new InvalidOperationException($"{network} was not generated.");
        var method = typeof(RegisterForwardTests).GetMethod(check, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type);
        try
        {
            return (T)method.Invoke(null, [network.Length])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
