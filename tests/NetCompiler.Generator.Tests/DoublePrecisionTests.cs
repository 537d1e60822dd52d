using System.Reflection;
using System.Runtime.ExceptionServices;
using NetCompiler.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// Networks declared with <c>Precision = Precision.Double</c>: the gradient of every network of the random-topology
/// catalog against double central differences of its own loss at 1e-7 relative, the batched kernels against the
/// per-sample ones, and the worked example of the backpropagation literature to every published digit.
/// </summary>
public sealed class DoublePrecisionTests(ITestOutputHelper output)
{
    /// <summary>The step of the central differences: truncation error about h² and rounding error about 1e-16 / h.</summary>
    private const double Step = 1e-5;

    /// <summary>The tolerance of the gradient check: 1e-7 relative, with an absolute floor for components near zero.</summary>
    private const double Relative = 1e-7;

    private const double Absolute = 1e-9;

    [Fact]
    public void EveryCatalogGradientMatchesDoubleCentralDifferencesToOneInTenMillion()
    {
        int checkedCount = 0, skipped = 0;
        double worst = 0;
        for (int i = 0; i < TopologyCatalog.Networks.Length; i++)
        {
            var network = TopologyCatalog.Networks[i];
            var (c, s, w) = Run<(int, int, double)>(nameof(CheckGradient), network, TopologyCatalog.Seed + i);
            checkedCount += c;
            skipped += s;
            worst = Math.Max(worst, w);
        }

        output.WriteLine($"{checkedCount} components checked, {skipped} samples skipped near a kink, worst share of the tolerance {worst:F3}");
        Assert.True(checkedCount > 10_000, $"only {checkedCount} components checked");
        Assert.True(worst <= 1, $"a gradient component is off by {worst:F2} times the tolerance");
    }

    [Fact]
    public void EveryCatalogInputDerivativeMatchesDoubleCentralDifferencesToOneInTenMillion()
    {
        int checkedCount = 0, skipped = 0;
        double worst = 0;
        for (int i = 0; i < TopologyCatalog.Networks.Length; i++)
        {
            var network = TopologyCatalog.Networks[i];
            var (c, s, w) = Run<(int, int, double)>(nameof(CheckInputDerivatives), network, TopologyCatalog.Seed + i);
            checkedCount += c;
            skipped += s;
            worst = Math.Max(worst, w);
        }

        output.WriteLine($"{checkedCount} input derivatives checked, {skipped} samples skipped near a kink, worst share of the tolerance {worst:F3}");
        Assert.True(checkedCount > 5_000, $"only {checkedCount} input derivatives checked");
        Assert.True(worst <= 1, $"an input derivative is off by {worst:F2} times the tolerance");
    }

    [Fact]
    public void BatchedKernelsAgreeWithThePerSampleOnesInDouble()
    {
        for (int i = 0; i < TopologyCatalog.Networks.Length; i++)
        {
            Run<bool>(nameof(CheckBatched), TopologyCatalog.Networks[i], TopologyCatalog.Seed + i);
        }
    }

    [Fact]
    public void TheGeneratedDoubleNetworkTakesAndReturnsDoubles()
    {
        string source = CompiledCatalog.Double.GeneratedSources.Values.First();
        Assert.Contains("global::NetCompiler.INeuralNetwork<", source, StringComparison.Ordinal);
        Assert.Contains(", double>", source, StringComparison.Ordinal);
        Assert.Contains("public static double ComputeLoss(global::System.ReadOnlySpan<double> parameters", source, StringComparison.Ordinal);
        Assert.DoesNotContain("ReadOnlySpan<float>", source, StringComparison.Ordinal);
    }

    /// <summary>
    /// The 2-2-2 sigmoid network of the literature's worked example (Mazur, "A step by step backpropagation example"):
    /// inputs 0.05 and 0.10, targets 0.01 and 0.99, w1..w8 = 0.15 … 0.55, biases 0.35 and 0.60, MSE (½ Σ (t − a)² for
    /// one sample), one step of rate 0.5 with the biases held fixed. The published total error and updated weights must
    /// come out to every digit given.
    /// </summary>
    [Fact]
    public void TheWorkedBackpropagationExampleIsReproducedToEveryPublishedDigit()
    {
        const string source = """
            using NetCompiler;
            namespace Worked;
            [Network(Inputs = 2, Precision = Precision.Double)]
            [Dense(2, Activation.Sigmoid)]
            [Dense(2, Activation.Sigmoid)]
            public partial class MazurNet;
            """;
        var type = GeneratorHarness.CompileAndLoad(source).GetType("Worked.MazurNet")!;
        var (error, w5, w1) = ((double, double, double))typeof(DoublePrecisionTests)
            .GetMethod(nameof(WorkedExample), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type).Invoke(null, null)!;

        Assert.Equal(0.298371109, Math.Round(error, 9));
        Assert.Equal(0.35891648, Math.Round(w5, 8));
        Assert.Equal(0.149780716, Math.Round(w1, 9));
    }

    private static (double Error, double W5, double W1) WorkedExample<TNet>()
        where TNet : class, INeuralNetwork<TNet, double>
    {
        // Layout: W1 [2, 2] (w1 w2 / w3 w4), b1, W2 [2, 2] (w5 w6 / w7 w8), b2.
        double[] parameters = [0.15, 0.20, 0.25, 0.30, 0.35, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.60];
        double[] input = [0.05, 0.10];
        double[] target = [0.01, 0.99];
        double[] gradient = new double[TNet.ParameterCount];
        double error = TNet.AccumulateGradient(parameters, input, target, gradient);

        // One step of rate 0.5 on the weights; the example holds the biases fixed.
        double[] biases = [parameters[4], parameters[5], parameters[10], parameters[11]];
        double loss = TNet.TrainStep(parameters, new double[TNet.ParameterCount], input, target, 0.5);
        Assert.Equal(error, loss);
        Assert.Equal(biases[0] - (0.5 * gradient[4]), parameters[4], 15);
        return (error, parameters[6], parameters[0]);
    }

    private static (int Checked, int Skipped, double Worst) CheckGradient<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet, double>
    {
        var random = new Random(seed);
        var description = TNet.Description;
        double[] parameters = [.. TNet.Create(seed).Parameters.ToArray().Select(p => p + (0.05 * (random.NextDouble() - 0.5)))];
        int checkedCount = 0, skipped = 0;
        double worst = 0;
        for (int sample = 0; sample < 3; sample++)
        {
            float[] inputFloats = [.. Enumerable.Range(0, TNet.InputSize).Select(_ => (float)((random.NextDouble() * 2) - 1))];
            double[] input = [.. inputFloats.Select(x => (double)x)];
            double[] target = Target(description, random);

            // A sample whose pre-activations of a ReLU-family layer lie near the kink is skipped: the differences would straddle it.
            var preActivations = new List<double[]>();
            ReferenceNetwork.Forward(description, parameters, inputFloats, preActivations);
            if (description.Layers.Select((layer, l) => ReferenceNetwork.HasKinkAtZero(layer.Activation) && preActivations[l].Any(z => Math.Abs(z) < 1e-3)).Any(kinked => kinked))
            {
                skipped++;
                continue;
            }

            double[] gradient = new double[TNet.ParameterCount];
            TNet.AccumulateGradient(parameters, input, target, gradient);
            for (int p = 0; p < parameters.Length; p++)
            {
                double saved = parameters[p];
                parameters[p] = saved + Step;
                double plus = TNet.ComputeLoss(parameters, input, target);
                parameters[p] = saved - Step;
                double minus = TNet.ComputeLoss(parameters, input, target);
                parameters[p] = saved;
                double difference = (plus - minus) / (2 * Step);
                double allowed = Absolute + (Relative * Math.Max(Math.Abs(difference), Math.Abs(gradient[p])));
                worst = Math.Max(worst, Math.Abs(difference - gradient[p]) / allowed);
                checkedCount++;
            }
        }

        return (checkedCount, skipped, worst);
    }

    /// <summary>
    /// For a few samples of a double network: both Jacobian modes against central differences of its own Forward, the two
    /// modes against each other, InputGradient against gᵀJ, and LossInputGradient against central differences of its loss.
    /// Returns the derivatives checked, the samples skipped near a ReLU-family kink, and the worst share of the tolerance.
    /// </summary>
    private static (int Checked, int Skipped, double Worst) CheckInputDerivatives<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet, double>
    {
        var random = new Random(seed);
        var description = TNet.Description;
        double[] parameters = [.. TNet.Create(seed).Parameters.ToArray()];
        int inputs = TNet.InputSize, outputs = TNet.OutputSize;
        int checkedCount = 0, skipped = 0;
        double worst = 0;
        void Compare(double expected, double actual)
        {
            double allowed = Absolute + (Relative * Math.Max(Math.Abs(expected), Math.Abs(actual)));
            worst = Math.Max(worst, Math.Abs(expected - actual) / allowed);
            checkedCount++;
        }

        for (int sample = 0; sample < 3; sample++)
        {
            float[] inputFloats = [.. Enumerable.Range(0, inputs).Select(_ => (float)((random.NextDouble() * 2) - 1))];
            double[] input = [.. inputFloats.Select(x => (double)x)];
            double[] target = Target(description, random);
            var preActivations = new List<double[]>();
            ReferenceNetwork.Forward(description, [.. parameters], inputFloats, preActivations);
            if (description.Layers.Select((layer, l) => ReferenceNetwork.HasKinkAtZero(layer.Activation) && preActivations[l].Any(z => Math.Abs(z) < 1e-3)).Any(kinked => kinked))
            {
                skipped++;
                continue;
            }

            double[] forward = new double[outputs * inputs];
            double[] reverse = new double[outputs * inputs];
            TNet.Jacobian(parameters, input, forward, JacobianMode.Forward);
            TNet.Jacobian(parameters, input, reverse, JacobianMode.Reverse);
            double[] plus = new double[outputs], minus = new double[outputs];
            double[] lossGradient = new double[inputs];
            TNet.LossInputGradient(parameters, input, target, lossGradient);
            for (int i = 0; i < inputs; i++)
            {
                double saved = input[i];
                input[i] = saved + Step;
                TNet.Forward(parameters, input, plus);
                double lossPlus = TNet.ComputeLoss(parameters, input, target);
                input[i] = saved - Step;
                TNet.Forward(parameters, input, minus);
                double lossMinus = TNet.ComputeLoss(parameters, input, target);
                input[i] = saved;
                for (int k = 0; k < outputs; k++)
                {
                    double difference = (plus[k] - minus[k]) / (2 * Step);
                    Compare(difference, forward[(k * inputs) + i]);
                    Compare(difference, reverse[(k * inputs) + i]);
                }

                Compare((lossPlus - lossMinus) / (2 * Step), lossGradient[i]);
            }

            // InputGradient is gᵀJ for any g.
            double[] g = [.. Enumerable.Range(0, outputs).Select(_ => (random.NextDouble() * 2) - 1)];
            double[] vjp = new double[inputs];
            TNet.InputGradient(parameters, input, g, vjp);
            for (int i = 0; i < inputs; i++)
            {
                double expected = 0;
                for (int k = 0; k < outputs; k++)
                {
                    expected += g[k] * reverse[(k * inputs) + i];
                }

                Compare(expected, vjp[i]);
            }
        }

        return (checkedCount, skipped, worst);
    }

    private static bool CheckBatched<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet, double>
    {
        var random = new Random(seed);
        const int count = 37; // whole vector blocks of 8 doubles and a tail
        double[] parameters = [.. TNet.Create(seed).Parameters.ToArray()];
        double[] inputs = [.. Enumerable.Range(0, count * TNet.InputSize).Select(_ => (random.NextDouble() * 2) - 1)];
        double[] targets = [.. Enumerable.Range(0, count).SelectMany(_ => Target(TNet.Description, random))];

        double[] batched = new double[count * TNet.OutputSize];
        TNet.ForwardBatch(parameters, inputs, batched);
        double[] one = new double[TNet.OutputSize];
        for (int s = 0; s < count; s++)
        {
            TNet.Forward(parameters, inputs.AsSpan(s * TNet.InputSize, TNet.InputSize), one);
            for (int k = 0; k < one.Length; k++)
            {
                Assert.Equal(one[k], batched[(s * TNet.OutputSize) + k], 1e-12);
            }
        }

        double[] batchGradient = new double[TNet.ParameterCount];
        double[] sampleGradient = new double[TNet.ParameterCount];
        double batchLoss = TNet.AccumulateGradientBatch(parameters, inputs, targets, batchGradient);
        double sampleLoss = 0;
        for (int s = 0; s < count; s++)
        {
            sampleLoss += TNet.AccumulateGradient(parameters, inputs.AsSpan(s * TNet.InputSize, TNet.InputSize), targets.AsSpan(s * TNet.OutputSize, TNet.OutputSize), sampleGradient);
        }

        Assert.Equal(sampleLoss, batchLoss, 1e-10 * Math.Max(1, Math.Abs(sampleLoss)));
        for (int p = 0; p < batchGradient.Length; p++)
        {
            Assert.Equal(sampleGradient[p], batchGradient[p], 1e-10 * Math.Max(1, Math.Abs(sampleGradient[p])));
        }

        // The fused batched step equals θ − η/N Σ ∂J_x/∂θ.
        double[] stepped = [.. parameters];
        TNet.TrainStepBatch(stepped, inputs, targets, 0.25);
        for (int p = 0; p < stepped.Length; p++)
        {
            Assert.Equal(parameters[p] - (0.25 / count * sampleGradient[p]), stepped[p], 1e-12 * Math.Max(1, Math.Abs(parameters[p])));
        }

        return true;
    }

    /// <summary>A target the network's loss accepts: one-hot for softmax cross-entropy, in (0, 1) for sigmoid outputs, any value otherwise.</summary>
    private static double[] Target(NetworkDescription description, Random random)
    {
        var output = description.Layers[^1];
        double[] target = new double[output.Size];
        if (description.Loss == Loss.CrossEntropy && output.Activation == Activation.Softmax)
        {
            target[random.Next(output.Size)] = 1;
        }
        else
        {
            for (int k = 0; k < target.Length; k++)
            {
                target[k] = output.Activation is Activation.Sigmoid or Activation.Softmax ? random.NextDouble() : (random.NextDouble() * 2) - 1;
            }
        }

        return target;
    }

    private static T Run<T>(string method, CatalogNetwork network, int seed)
    {
        var generic = typeof(DoublePrecisionTests).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(CompiledCatalog.Double.Types[network.Name]);
        try
        {
            return (T)generic.Invoke(null, [seed])!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }
}
