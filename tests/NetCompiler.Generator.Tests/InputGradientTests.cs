using NetCompiler.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// The derivatives with respect to the input that every generated network has (InputGradient, Jacobian in forward and
/// reverse mode, LossInputGradient and the batched forms), on the random-topology catalog that covers every hidden
/// activation with every output activation and loss: against central differences of the independent double-precision
/// reference network, against each other, and for their argument checks and their allocations.
/// </summary>
public sealed class InputGradientTests(ITestOutputHelper output)
{
    /// <summary>The step of the double central differences of the reference network.</summary>
    private const double Step = 1e-5;

    /// <summary>A float derivative against double central differences of the reference: float rounding of the derivative only.</summary>
    private static readonly Tolerance DerivativeTolerance = new(Absolute: 4e-6, Relative: 2e-4);

    /// <summary>Forward-mode against reverse-mode Jacobian: the same products summed in another order.</summary>
    private static readonly Tolerance ModeTolerance = new(Absolute: 1e-6, Relative: 1e-5);

    private static readonly Lazy<IReadOnlyList<DerivativeReport>> s_reports =
        new(() => [.. TopologyCatalog.Networks.Select((n, i) => Run<DerivativeReport>(nameof(CheckDerivatives), n, SeedOf(i), null))]);

    [Fact]
    public void JacobianInBothModesMatchesCentralDifferencesOfTheReference()
    {
        var reports = s_reports.Value;
        Summarize(reports);
        AssertNone(reports.SelectMany(r => r.ForwardJacobian.Concat(r.ReverseJacobian)));
        AssertFewSkipped(reports);
    }

    [Fact]
    public void ForwardAndReverseModeJacobiansAreEqual() =>
        AssertNone(s_reports.Value.SelectMany(r => r.ModesDiffer));

    [Fact]
    public void InputGradientMatchesCentralDifferencesOfTheReference() =>
        AssertNone(s_reports.Value.SelectMany(r => r.InputGradient));

    [Fact]
    public void LossInputGradientMatchesCentralDifferencesOfTheReferenceLoss() =>
        AssertNone(s_reports.Value.SelectMany(r => r.LossInputGradient));

    [Fact]
    public void TheDefaultJacobianModeIsTheSmallerSideAndTheGeneratedCommentSaysWhich()
    {
        foreach (var network in TopologyCatalog.Networks)
        {
            bool forward = network.Inputs <= network.Layers[^1].Size;
            Assert.True(Run<bool>(nameof(DefaultJacobianIs), network, SeedOf(network), forward ? JacobianMode.Forward : JacobianMode.Reverse), $"{network}: Jacobian without a mode is not the {(forward ? "forward" : "reverse")} mode");
            string source = CompiledCatalog.Instance.GeneratedSources[$"{TopologyCatalog.Namespace}.{network.Name}.g.cs"];
            Assert.Contains(forward ? "// Jacobian: forward mode by default, since InputSize" : "// Jacobian: reverse mode by default, since OutputSize", source, StringComparison.Ordinal);
        }

        Assert.Contains(TopologyCatalog.Networks, n => n.Inputs <= n.Layers[^1].Size);
        Assert.Contains(TopologyCatalog.Networks, n => n.Inputs > n.Layers[^1].Size);
    }

    [Fact]
    public void DerivativeCheckReportsOneJacobianEntryThatIsThreePercentOff()
    {
        // The check itself must fail on a small error: scale the largest entry of each forward-mode Jacobian by 1.03.
        var network = TopologyCatalog.Networks.First(n => n.HiddenLayerCount >= 2 && n.Output.Activation == Activation.Softmax);
        var corrupted = new List<int>();
        var report = Run<DerivativeReport>(nameof(CheckDerivatives), network, SeedOf(network), (Action<float[]>)(jacobian =>
        {
            int k = Enumerable.Range(0, jacobian.Length).MaxBy(i => MathF.Abs(jacobian[i]));
            jacobian[k] *= 1.03f;
            corrupted.Add(k);
        }));

        Assert.Equal(GradientCheckTests.SamplesPerNetwork, corrupted.Count);
        Assert.Equal(corrupted, report.ForwardJacobian.Select(m => m.Index));
        Assert.Equal(corrupted, report.ModesDiffer.Select(m => m.Index));
        Assert.Empty(report.ReverseJacobian);
    }

    [Fact]
    public void BatchedFormsEqualThePerSampleForms()
    {
        foreach (var network in TopologyCatalog.Networks)
        {
            Run<bool>(nameof(CheckBatches), network, SeedOf(network));
        }
    }

    [Fact]
    public void WrongSizedSpansThrowArgumentExceptionsNamingTheSpan()
    {
        var network = TopologyCatalog.Networks.First(n => n.Inputs != n.Layers[^1].Size && n.Inputs > 1);
        Run<bool>(nameof(CheckArgumentErrors), network);
    }

    [Fact]
    public void EveryInputDerivativeAllocatesNothingPerCall()
    {
        // A catalog network (scratch on the stack) and 784-128-10, whose forward-mode Jacobian rents its scratch from the pool.
        foreach (var network in TopologyCatalog.Networks.Where(n => n.HiddenLayerCount == 2).Take(3))
        {
            Assert.Equal(0, Run<long>(nameof(MeasureAllocations), network));
        }

        var mnist = GeneratorHarness.CompileAndLoad("""
            using NetCompiler;
            namespace Allocations;
            [Network(Inputs = 784, Loss = Loss.CrossEntropy)]
            [Dense(128, Activation.ReLU)]
            [Dense(10, Activation.Softmax)]
            public partial class MnistNet;
            """).GetType("Allocations.MnistNet")!;
        long bytes = (long)typeof(InputGradientTests).GetMethod(nameof(MeasureAllocations), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(mnist).Invoke(null, null)!;
        Assert.Equal(0, bytes);
    }

    // ---- The checks, one generated network at a time ----------------------------------------------

    /// <summary>
    /// For each sample of the network's problem: the reference Jacobian by central differences (a column is skipped when
    /// its perturbation moves a pre-activation of a ReLU, LeakyReLU or ELU layer across 0), the Jacobian in both modes
    /// against it (the forward one passed to <paramref name="corruptJacobian"/> first, to test this check) and against each
    /// other, InputGradient for a random output gradient g against gᵀ J, and LossInputGradient against central differences
    /// of the reference loss, its loss against ComputeLoss.
    /// </summary>
    private static DerivativeReport CheckDerivatives<TNet>(int seed, Action<float[]>? corruptJacobian)
        where TNet : class, INeuralNetwork<TNet>
    {
        var network = TNet.Description;
        var problem = GradientCheckTests.Problem.Create<TNet>(seed);
        var random = new Random(seed);
        double[] parameters = [.. problem.Parameters.Select(p => (double)p)];
        int inputs = TNet.InputSize;
        int outputs = TNet.OutputSize;
        var report = new DerivativeReport();
        var instance = TNet.Create(seed);
        problem.Parameters.CopyTo(instance.Parameters);
        for (int s = 0; s < GradientCheckTests.SamplesPerNetwork; s++)
        {
            float[] input = problem.Inputs[s];
            float[] target = problem.Targets[s];
            double[] x = [.. input.Select(v => (double)v)];
            var baseline = new List<double[]>();
            ReferenceNetwork.Forward(network, parameters, x, baseline);

            // The reference: J[k, i] and ∂J_x/∂x_i by central differences in double precision.
            double[] jacobian = new double[outputs * inputs];
            double[] lossGradient = new double[inputs];
            bool[] skipColumn = new bool[inputs];
            for (int i = 0; i < inputs; i++)
            {
                var (up, upCrosses) = Perturbed(network, parameters, x, i, Step, baseline);
                var (down, downCrosses) = Perturbed(network, parameters, x, i, -Step, baseline);
                skipColumn[i] = upCrosses || downCrosses;
                for (int k = 0; k < outputs; k++)
                {
                    jacobian[(k * inputs) + i] = (up[k] - down[k]) / (2 * Step);
                }

                lossGradient[i] = (ReferenceNetwork.SampleLoss(network, up, target) - ReferenceNetwork.SampleLoss(network, down, target)) / (2 * Step);
            }

            bool[] skip = [.. Enumerable.Range(0, outputs * inputs).Select(index => skipColumn[index % inputs])];
            report.Checked += skip.Count(b => !b);
            report.Skipped += skip.Count(b => b);

            float[] forward = new float[outputs * inputs];
            float[] reverse = new float[outputs * inputs];
            TNet.Jacobian(problem.Parameters, input, forward, JacobianMode.Forward);
            TNet.Jacobian(problem.Parameters, input, reverse, JacobianMode.Reverse);
            corruptJacobian?.Invoke(forward);
            report.ForwardJacobian.AddRange(NumericComparison.Compare(network.Name, $"sample {s} forward-mode Jacobian vs differences", forward, jacobian, DerivativeTolerance, skip));
            report.ReverseJacobian.AddRange(NumericComparison.Compare(network.Name, $"sample {s} reverse-mode Jacobian vs differences", reverse, jacobian, DerivativeTolerance, skip));
            report.ModesDiffer.AddRange(NumericComparison.Compare(network.Name, $"sample {s} forward-mode vs reverse-mode Jacobian", forward, [.. reverse.Select(v => (double)v)], ModeTolerance));

            // InputGradient for a random g: gᵀ J, from the static and the instance form.
            float[] g = [.. Enumerable.Range(0, outputs).Select(_ => (float)((random.NextDouble() * 2) - 1))];
            double[] expected = [.. Enumerable.Range(0, inputs).Select(i => Enumerable.Range(0, outputs).Sum(k => g[k] * jacobian[(k * inputs) + i]))];
            float[] gradient = new float[inputs];
            TNet.InputGradient(problem.Parameters, input, g, gradient);
            report.InputGradient.AddRange(NumericComparison.Compare(network.Name, $"sample {s} InputGradient vs gᵀ J of differences", gradient, expected, DerivativeTolerance, skipColumn));
            float[] fromInstance = new float[inputs];
            instance.InputGradient(input, g, fromInstance);
            report.InputGradient.AddRange(NumericComparison.Compare(network.Name, $"sample {s} instance InputGradient vs static", fromInstance, [.. gradient.Select(v => (double)v)], new Tolerance(0, 0)));

            // LossInputGradient: ∂J_x/∂x, and J_x equal to ComputeLoss of the one sample.
            float[] lossInputGradient = new float[inputs];
            float loss = TNet.LossInputGradient(problem.Parameters, input, target, lossInputGradient);
            var tolerance = DerivativeTolerance.WithAbsoluteScaledBy(Math.Max(1, Math.Abs(loss)));
            report.LossInputGradient.AddRange(NumericComparison.Compare(network.Name, $"sample {s} LossInputGradient vs differences of the reference loss", lossInputGradient, lossGradient, tolerance, skipColumn));
            report.LossInputGradient.AddRange(NumericComparison.Compare(network.Name, $"sample {s} loss of LossInputGradient vs ComputeLoss", [loss], [TNet.ComputeLoss(problem.Parameters, input, target)], new Tolerance(0, 1e-6)));
            for (int index = 0; index < forward.Length; index++)
            {
                if (!skip[index])
                {
                    report.WorstUse = Math.Max(report.WorstUse, Math.Max(DerivativeTolerance.Use(forward[index], jacobian[index]), DerivativeTolerance.Use(reverse[index], jacobian[index])));
                }
            }
        }

        return report;
    }

    /// <summary>The reference output with input <paramref name="i"/> moved by <paramref name="step"/>, and whether that moves a pre-activation of a layer with a kink at 0 across it (or it is too close to call).</summary>
    private static (double[] Output, bool CrossesKink) Perturbed(NetworkDescription network, double[] parameters, double[] x, int i, double step, List<double[]> baseline)
    {
        double[] moved = [.. x];
        moved[i] += step;
        var preActivations = new List<double[]>();
        double[] result = ReferenceNetwork.Forward(network, parameters, moved, preActivations);
        bool crosses = false;
        for (int l = 0; l < network.Layers.Length; l++)
        {
            if (ReferenceNetwork.HasKinkAtZero(network.Layers[l].Activation))
            {
                for (int j = 0; j < preActivations[l].Length; j++)
                {
                    crosses |= (preActivations[l][j] > 0) != (baseline[l][j] > 0) || Math.Abs(baseline[l][j]) < 1e-6;
                }
            }
        }

        return (result, crosses);
    }

    /// <summary>Whether Jacobian without a mode gives exactly the Jacobian in <paramref name="mode"/>.</summary>
    private static bool DefaultJacobianIs<TNet>(int seed, JacobianMode mode)
        where TNet : class, INeuralNetwork<TNet>
    {
        var problem = GradientCheckTests.Problem.Create<TNet>(seed);
        float[] byDefault = new float[TNet.OutputSize * TNet.InputSize];
        float[] inMode = new float[byDefault.Length];
        float[] fromInstance = new float[byDefault.Length];
        var instance = TNet.Create(seed);
        problem.Parameters.CopyTo(instance.Parameters);
        TNet.Jacobian(problem.Parameters, problem.Inputs[0], byDefault);
        TNet.Jacobian(problem.Parameters, problem.Inputs[0], inMode, mode);
        instance.Jacobian(problem.Inputs[0], fromInstance);
        return byDefault.SequenceEqual(inMode) && fromInstance.SequenceEqual(inMode);
    }

    /// <summary>InputGradientBatch and LossInputGradientBatch over 5 random samples against the per-sample forms: the same bits.</summary>
    private static bool CheckBatches<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet>
    {
        const int Samples = 5;
        var problem = GradientCheckTests.Problem.Create<TNet>(seed);
        var random = new Random(seed);
        int inputs = TNet.InputSize;
        int outputs = TNet.OutputSize;
        float[] batchInputs = [.. Enumerable.Range(0, Samples * inputs).Select(_ => (float)((random.NextDouble() * 3) - 1.5))];
        float[] outputGradients = [.. Enumerable.Range(0, Samples * outputs).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        float[] targets = [.. Enumerable.Range(0, Samples).SelectMany(s => problem.Targets[s % problem.Targets.Length])];

        float[] gradients = new float[Samples * inputs];
        float[] lossGradients = new float[Samples * inputs];
        TNet.InputGradientBatch(problem.Parameters, batchInputs, outputGradients, gradients);
        float lossSum = TNet.LossInputGradientBatch(problem.Parameters, batchInputs, targets, lossGradients);

        double expectedSum = 0;
        float[] one = new float[inputs];
        for (int s = 0; s < Samples; s++)
        {
            var input = batchInputs.AsSpan(s * inputs, inputs);
            TNet.InputGradient(problem.Parameters, input, outputGradients.AsSpan(s * outputs, outputs), one);
            Assert.Equal(one, gradients.AsSpan(s * inputs, inputs).ToArray());
            expectedSum += TNet.LossInputGradient(problem.Parameters, input, targets.AsSpan(s * outputs, outputs), one);
            Assert.Equal(one, lossGradients.AsSpan(s * inputs, inputs).ToArray());
        }

        Assert.Equal((float)expectedSum, lossSum);
        return true;
    }

    /// <summary>Each span of each input-derivative method, one float too long and one too short: an ArgumentException whose ParamName and message name it.</summary>
    private static bool CheckArgumentErrors<TNet>()
        where TNet : class, INeuralNetwork<TNet>
    {
        int p = TNet.ParameterCount;
        int n = TNet.InputSize;
        int m = TNet.OutputSize;
        foreach (int delta in new[] { 1, -1 })
        {
            ExpectNamed("parameters", () => TNet.InputGradient(new float[p + delta], new float[n], new float[m], new float[n]));
            ExpectNamed("input", () => TNet.InputGradient(new float[p], new float[n + delta], new float[m], new float[n]));
            ExpectNamed("outputGradient", () => TNet.InputGradient(new float[p], new float[n], new float[m + delta], new float[n]));
            ExpectNamed("inputGradient", () => TNet.InputGradient(new float[p], new float[n], new float[m], new float[n + delta]));
            ExpectNamed("parameters", () => TNet.Jacobian(new float[p + delta], new float[n], new float[m * n]));
            ExpectNamed("input", () => TNet.Jacobian(new float[p], new float[n + delta], new float[m * n], JacobianMode.Forward));
            ExpectNamed("jacobian", () => TNet.Jacobian(new float[p], new float[n], new float[(m * n) + delta]));
            ExpectNamed("jacobian", () => TNet.Jacobian(new float[p], new float[n], new float[(m * n) + delta], JacobianMode.Reverse));
            ExpectNamed("parameters", () => TNet.LossInputGradient(new float[p + delta], new float[n], new float[m], new float[n]));
            ExpectNamed("input", () => TNet.LossInputGradient(new float[p], new float[n + delta], new float[m], new float[n]));
            ExpectNamed("target", () => TNet.LossInputGradient(new float[p], new float[n], new float[m + delta], new float[n]));
            ExpectNamed("inputGradient", () => TNet.LossInputGradient(new float[p], new float[n], new float[m], new float[n + delta]));
            ExpectNamed("outputGradients", () => TNet.InputGradientBatch(new float[p], new float[2 * n], new float[(2 * m) + delta], new float[2 * n]));
            ExpectNamed("inputGradients", () => TNet.InputGradientBatch(new float[p], new float[2 * n], new float[2 * m], new float[(2 * n) + delta]));
            ExpectNamed("targets", () => TNet.LossInputGradientBatch(new float[p], new float[2 * n], new float[(2 * m) + delta], new float[2 * n]));
            ExpectNamed("inputGradients", () => TNet.LossInputGradientBatch(new float[p], new float[2 * n], new float[2 * m], new float[(2 * n) + delta]));
        }

        ExpectNamed("inputs", () => TNet.InputGradientBatch(new float[p], new float[(2 * n) + 1], new float[2 * m], new float[2 * n]));
        ExpectNamed("inputs", () => TNet.LossInputGradientBatch(new float[p], [], [], []));
        var outOfRange = Assert.Throws<ArgumentOutOfRangeException>(() => TNet.Jacobian(new float[p], new float[n], new float[m * n], (JacobianMode)2));
        Assert.Equal("mode", outOfRange.ParamName);
        return true;
    }

    private static void ExpectNamed(string span, Action call)
    {
        var exception = Assert.ThrowsAny<ArgumentException>(call);
        Assert.Equal(span, exception.ParamName);
        Assert.Contains(span, exception.Message, StringComparison.Ordinal);
    }

    /// <summary>The fewest bytes allocated in one of three rounds of 20 calls of each input-derivative method, after a warm-up round.</summary>
    private static long MeasureAllocations<TNet>()
        where TNet : class, INeuralNetwork<TNet>
    {
        var instance = TNet.Create(1);
        float[] parameters = instance.Parameters.ToArray();
        float[] input = new float[TNet.InputSize];
        float[] outputGradient = new float[TNet.OutputSize];
        float[] target = new float[TNet.OutputSize];
        input.AsSpan().Fill(0.25f);
        outputGradient[0] = 1f;
        target[0] = 1f;
        float[] gradient = new float[TNet.InputSize];
        float[] jacobian = new float[TNet.OutputSize * TNet.InputSize];
        long least = long.MaxValue;
        for (int round = 0; round < 4 && least != 0; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int call = 0; call < 20; call++)
            {
                TNet.InputGradient(parameters, input, outputGradient, gradient);
                instance.InputGradient(input, outputGradient, gradient);
                TNet.InputGradientBatch(parameters, input, outputGradient, gradient);
                TNet.Jacobian(parameters, input, jacobian);
                TNet.Jacobian(parameters, input, jacobian, JacobianMode.Forward);
                TNet.Jacobian(parameters, input, jacobian, JacobianMode.Reverse);
                instance.Jacobian(input, jacobian);
                TNet.LossInputGradient(parameters, input, target, gradient);
                instance.LossInputGradient(input, target, gradient);
                TNet.LossInputGradientBatch(parameters, input, target, gradient);
            }

            // The first round warms the pool and the JIT; it does not count.
            least = round == 0 ? long.MaxValue : Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }

    // ---- Helpers --------------------------------------------------------------------------------

    private static int SeedOf(int index) => TopologyCatalog.Seed + index;

    private static int SeedOf(CatalogNetwork network) => SeedOf(TopologyCatalog.Networks.IndexOf(network));

    private static T Run<T>(string method, CatalogNetwork network, params object?[] arguments) =>
        CompiledCatalog.Run<T>(typeof(InputGradientTests), method, network, arguments);

    private static void AssertNone(IEnumerable<Mismatch> mismatches)
    {
        var list = mismatches.ToList();
        Assert.True(list.Count == 0, $"{list.Count} mismatches:\n" + string.Join("\n", list.Take(40)));
    }

    private static void AssertFewSkipped(IReadOnlyList<DerivativeReport> reports)
    {
        int checkedCount = reports.Sum(r => r.Checked);
        int skipped = reports.Sum(r => r.Skipped);
        Assert.True(checkedCount > 1_000, $"only {checkedCount} Jacobian entries checked");
        Assert.True(skipped <= 0.02 * (checkedCount + skipped), $"{skipped} of {checkedCount + skipped} Jacobian entries skipped near a kink");
    }

    private void Summarize(IReadOnlyList<DerivativeReport> reports) => output.WriteLine(
        $"{reports.Count} networks, {reports.Sum(r => r.Checked)} Jacobian entries checked in each mode ({GradientCheckTests.SamplesPerNetwork} samples each), "
        + $"{reports.Sum(r => r.Skipped)} skipped near a kink; worst share of the tolerance used: {reports.Max(r => r.WorstUse):F3}");

    /// <summary>What the derivative check of one network found.</summary>
    private sealed class DerivativeReport
    {
        public int Checked { get; set; }

        public int Skipped { get; set; }

        public double WorstUse { get; set; }

        public List<Mismatch> ForwardJacobian { get; } = [];

        public List<Mismatch> ReverseJacobian { get; } = [];

        public List<Mismatch> ModesDiffer { get; } = [];

        public List<Mismatch> InputGradient { get; } = [];

        public List<Mismatch> LossInputGradient { get; } = [];
    }
}
