using NetCompiler.Generator.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// Numerical verification of the generated code over a catalog of random topologies that covers
/// every hidden activation with every valid output activation and loss: the gradient of
/// AccumulateGradient against central differences of ComputeLoss (float) and of an independent
/// double-precision reference, Forward against that reference, and TrainStep against the mean of
/// the per-sample gradients.
/// </summary>
public sealed class GradientCheckTests(ITestOutputHelper output)
{
    /// <summary>The step of the float central differences of ComputeLoss.</summary>
    private const float Step = 5e-3f;

    /// <summary>The step of the double central differences of the reference loss.</summary>
    private const double ReferenceStep = 1e-5;

    private const float LearningRate = 0.25f;
    internal const int SamplesPerNetwork = 3;

    /// <summary>Forward and loss against the double reference: float rounding only.</summary>
    private static readonly Tolerance ForwardTolerance = new(Absolute: 1e-5, Relative: 1e-4);

    /// <summary>
    /// Gradient against float central differences of ComputeLoss. The absolute part is scaled by
    /// max(1, loss): the differences divide the rounding error of the loss (about 1e-7 of it) by 2h.
    /// </summary>
    private static readonly Tolerance FiniteDifferenceTolerance = new(Absolute: 4e-4, Relative: 4e-3);

    /// <summary>Gradient against double central differences of the reference loss: float rounding of the gradient only.</summary>
    private static readonly Tolerance ReferenceGradientTolerance = new(Absolute: 4e-6, Relative: 2e-4);

    /// <summary>TrainStep's update against θ − η · mean gradient: float rounding only.</summary>
    private static readonly Tolerance UpdateTolerance = new(Absolute: 1e-6, Relative: 1e-6);

    private static readonly Lazy<IReadOnlyList<GradientReport>> s_gradientReports =
        new(() => [.. TopologyCatalog.Networks.Select((n, i) => RunCheck<GradientReport>(nameof(CheckGradient), n, SeedOf(i), null))]);

    [Fact]
    public void CatalogCoversEveryPairingEveryDepthAndBothLayerForms()
    {
        var networks = TopologyCatalog.Networks;
        Assert.Equal(12, TopologyCatalog.OutputPairings.Length);
        Assert.Equal(TopologyCatalog.OutputPairings.Select(p => p.ToString()).Order(), networks.Select(n => n.Output.ToString()).Distinct().Order());
        foreach (var pairing in TopologyCatalog.OutputPairings)
        {
            var withPairing = networks.Where(n => n.Output == pairing).ToList();
            Assert.Equal(TopologyCatalog.HiddenActivations.Order(), withPairing.SelectMany(n => n.HiddenActivations).Distinct().Order());
            Assert.Equal([1, 2, 3, 4], withPairing.Select(n => n.HiddenLayerCount).Order());
        }

        var sizes = networks.SelectMany(n => n.Layers.Select(l => l.Size).Append(n.Inputs)).ToList();
        Assert.All(sizes, s => Assert.InRange(s, 1, TopologyCatalog.MaxLayerSize));
        Assert.Contains(sizes, s => s > 8);

        // Both forms of a layer occur: written out term by term (≤ 64 weights) and looped over DenseKernels (> 64).
        var descriptions = networks.Select(n => NetworkDescriptionOf(n)).ToList();
        var weightCounts = descriptions.SelectMany(d => d.Layers.Select(l => l.WeightCount)).ToList();
        int unrolled = weightCounts.Count(c => c <= 64);
        int looped = weightCounts.Count(c => c > 64);
        Assert.True(unrolled >= 20 && looped >= 20, $"{unrolled} written-out and {looped} looped layers");
        var sources = CompiledCatalog.Instance.GeneratedSources.Values.ToList();
        Assert.Equal(networks.Length, sources.Count);
        Assert.Contains(sources, s => s.Contains("z[0] = bias[0] + (weights[0] * layerInput[0])", StringComparison.Ordinal));
        Assert.Contains(sources, s => s.Contains("DenseKernels.MatrixVector<float>(weights, layerInput, bias, z);", StringComparison.Ordinal));

        // Softmax under MSE draws NC0008, once per such network, suppressed by the #pragma around the declaration
        // (see PragmaWarningDisableSuppressesNC0008).
        var warnings = CompiledCatalog.Instance.Warnings;
        Assert.All(warnings, d => Assert.Equal("NC0008", d.Id));
        Assert.Equal(
            networks.Where(n => n.Output.DrawsWarning).Select(n => n.Name).Order(),
            warnings.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Split('\'')[1]).Order());
        output.WriteLine($"{networks.Length} networks, {descriptions.Sum(d => d.ParameterCount)} parameters, {unrolled} written-out and {looped} looped layers");
    }

    [Fact]
    public void PragmaWarningDisableSuppressesNC0008()
    {
        var warnings = CompiledCatalog.Instance.Warnings;
        Assert.Equal(TopologyCatalog.Networks.Count(n => n.Output.DrawsWarning), warnings.Length);
        Assert.All(warnings, d => Assert.True(d.IsSuppressed, $"{d} (location kind {d.Location.Kind}) is not suppressed by the #pragma around it"));
    }

    [Fact]
    public void ForwardMatchesTheDoublePrecisionReference()
    {
        var mismatches = TopologyCatalog.Networks
            .SelectMany((n, i) => RunCheck<List<Mismatch>>(nameof(CheckForward), n, SeedOf(i), null))
            .ToList();
        Assert.True(mismatches.Count == 0, Describe(mismatches));
    }

    [Fact]
    public void AccumulateGradientMatchesCentralDifferencesOfComputeLoss()
    {
        var reports = s_gradientReports.Value;
        Summarize(reports);
        var mismatches = reports.SelectMany(r => r.LossMismatches.Concat(r.FiniteDifferenceMismatches)).ToList();
        Assert.True(mismatches.Count == 0, Describe(mismatches));
        AssertFewSkipped(reports);
    }

    [Fact]
    public void AccumulateGradientMatchesCentralDifferencesOfTheDoublePrecisionReference()
    {
        var reports = s_gradientReports.Value;
        var mismatches = reports.SelectMany(r => r.ReferenceMismatches).ToList();
        Assert.True(mismatches.Count == 0, Describe(mismatches));
        AssertFewSkipped(reports);
    }

    [Fact]
    public void TrainStepMovesByLearningRateTimesTheMeanGradientAndAccumulateGradientAdds()
    {
        var mismatches = TopologyCatalog.Networks
            .SelectMany((n, i) => RunCheck<List<Mismatch>>(nameof(CheckTrainStep), n, SeedOf(i)))
            .ToList();
        Assert.True(mismatches.Count == 0, Describe(mismatches));
    }

    [Fact]
    public void BatchedKernelsMatchThePerSampleKernelsTheChecksAboveVerify()
    {
        var mismatches = TopologyCatalog.Networks
            .SelectMany((n, i) => RunCheck<List<Mismatch>>(nameof(CheckBatched), n, SeedOf(i)))
            .ToList();
        Assert.True(mismatches.Count == 0, Describe(mismatches));
    }

    [Fact]
    public void GradientCheckReportsOneComponentThatIsThreePercentOff()
    {
        // The checker itself must fail on a small error: scale the largest gradient component of each sample by 1.03.
        var network = TopologyCatalog.Networks.First(n => n.HiddenLayerCount >= 2 && n.Output.Activation == Activation.Softmax && n.Output.Loss == Loss.CrossEntropy);
        var corrupted = new List<int>();
        var report = RunCheck<GradientReport>(nameof(CheckGradient), network, SeedOf(network), (Action<float[]>)(gradient =>
        {
            int k = Enumerable.Range(0, gradient.Length).MaxBy(i => MathF.Abs(gradient[i]));
            gradient[k] *= 1.03f;
            corrupted.Add(k);
        }));

        Assert.Equal(SamplesPerNetwork, corrupted.Count);
        Assert.Equal(corrupted, report.FiniteDifferenceMismatches.Select(m => m.Index));
        Assert.Equal(corrupted, report.ReferenceMismatches.Select(m => m.Index));
        Assert.Empty(report.LossMismatches);
    }

    [Fact]
    public void GradientCheckReportsTwoSwappedWeightGradients()
    {
        // A transposed or shifted index: in the row of W1 with the largest gradient, swap its largest and smallest entries.
        var network = TopologyCatalog.Networks.First(n => n.Inputs >= 3 && n.HiddenLayerCount >= 2 && n.Layers[0].Activation == Activation.Sigmoid);
        int inputs = network.Inputs;
        int weights = network.Layers[0].Size * inputs;
        var swapped = new List<int>();
        var report = RunCheck<GradientReport>(nameof(CheckGradient), network, SeedOf(network), (Action<float[]>)(gradient =>
        {
            int largest = Enumerable.Range(0, weights).MaxBy(i => MathF.Abs(gradient[i]));
            int row = largest / inputs * inputs;
            int smallest = Enumerable.Range(row, inputs).MinBy(i => MathF.Abs(gradient[i]));
            (gradient[largest], gradient[smallest]) = (gradient[smallest], gradient[largest]);
            swapped.AddRange(new[] { largest, smallest }.Order());
        }));

        Assert.Equal(2 * SamplesPerNetwork, swapped.Count);
        Assert.Equal(swapped, report.FiniteDifferenceMismatches.Select(m => m.Index));
        Assert.Equal(swapped, report.ReferenceMismatches.Select(m => m.Index));
    }

    [Fact]
    public void ForwardCheckReportsAReferenceWithOutputBiasesOffByAThousandth()
    {
        var network = TopologyCatalog.Networks.Single(n => n.Name == "IdentityMseDepth2");
        var outputLayer = NetworkDescriptionOf(network).Layers[^1];
        var mismatches = RunCheck<List<Mismatch>>(nameof(CheckForward), network, SeedOf(network), (Action<double[]>)(parameters =>
        {
            for (int j = 0; j < outputLayer.Size; j++)
            {
                parameters[outputLayer.BiasOffset + j] += 1e-3;
            }
        }));

        // Every output of every sample is 0.001 off, and each is reported.
        Assert.Equal(
            Enumerable.Range(0, SamplesPerNetwork * outputLayer.Size),
            mismatches.Select(m => m.Index));
        Assert.All(mismatches, m => Assert.Equal(1e-3, m.Expected - m.Actual, 1e-5));
    }

    // ---- The checks, one generated network at a time ----------------------------------------------

    /// <summary>Forward (static and instance) against the double reference for each sample.</summary>
    private static List<Mismatch> CheckForward<TNet>(int seed, Action<double[]>? corruptReference)
        where TNet : class, INeuralNetwork<TNet>
    {
        var network = TNet.Description;
        var problem = Problem.Create<TNet>(seed);
        double[] referenceParameters = [.. problem.Parameters.Select(p => (double)p)];
        corruptReference?.Invoke(referenceParameters);
        var instance = TNet.Create(seed);
        problem.Parameters.CopyTo(instance.Parameters);

        var mismatches = new List<Mismatch>();
        for (int s = 0; s < SamplesPerNetwork; s++)
        {
            float[] actual = new float[TNet.OutputSize];
            TNet.Forward(problem.Parameters, problem.Inputs[s], actual);
            double[] expected = ReferenceNetwork.Forward(network, referenceParameters, problem.Inputs[s]);
            mismatches.AddRange(NumericComparison.Compare(network.Name, $"sample {s} output", actual, expected, ForwardTolerance)
                .Select(m => m with { Index = (s * TNet.OutputSize) + m.Index }));

            float[] fromInstance = new float[TNet.OutputSize];
            instance.Forward(problem.Inputs[s], fromInstance);
            double[] staticOutput = [.. actual.Select(a => (double)a)];
            mismatches.AddRange(NumericComparison.Compare(network.Name, $"sample {s} instance output", fromInstance, staticOutput, new Tolerance(0, 0)));
        }

        return mismatches;
    }

    /// <summary>
    /// For each sample: AccumulateGradient into a zeroed buffer (then <paramref name="corruptGradient"/>, to test
    /// this check), its loss against ComputeLoss and the reference, and every gradient component against
    /// central differences of ComputeLoss (float, step <see cref="Step"/>) and of the reference loss
    /// (double, step <see cref="ReferenceStep"/>). A component is skipped when one of its perturbations
    /// moves a pre-activation of a ReLU, LeakyReLU or ELU layer across 0.
    /// </summary>
    private static GradientReport CheckGradient<TNet>(int seed, Action<float[]>? corruptGradient)
        where TNet : class, INeuralNetwork<TNet>
    {
        var network = TNet.Description;
        var problem = Problem.Create<TNet>(seed);
        float[] parameters = problem.Parameters;
        var report = new GradientReport(network.Name);
        int count = TNet.ParameterCount;
        for (int s = 0; s < SamplesPerNetwork; s++)
        {
            float[] input = problem.Inputs[s];
            float[] target = problem.Targets[s];
            float[] gradient = new float[count];
            float loss = TNet.AccumulateGradient(parameters, input, target, gradient);
            corruptGradient?.Invoke(gradient);
            var reference = new ReferenceEvaluator(network, parameters, input, target);

            float computed = TNet.ComputeLoss(parameters, input, target);
            double referenceLoss = reference.Loss;
            report.LossMismatches.AddRange(NumericComparison.Compare(network.Name, $"sample {s} loss of AccumulateGradient vs ComputeLoss", [loss], [computed], new Tolerance(0, 1e-6)));
            report.LossMismatches.AddRange(NumericComparison.Compare(network.Name, $"sample {s} loss vs reference", [loss], [referenceLoss], ForwardTolerance));

            double[] differences = new double[count];
            double[] referenceDifferences = new double[count];
            bool[] skip = new bool[count];
            for (int i = 0; i < count; i++)
            {
                float original = parameters[i];
                float up = original + Step;
                float down = original - Step;
                parameters[i] = up;
                float lossUp = TNet.ComputeLoss(parameters, input, target);
                parameters[i] = down;
                float lossDown = TNet.ComputeLoss(parameters, input, target);
                parameters[i] = original;
                differences[i] = ((double)lossUp - lossDown) / ((double)up - down);

                var referenceUp = reference.Evaluate(i, original + ReferenceStep);
                var referenceDown = reference.Evaluate(i, original - ReferenceStep);
                referenceDifferences[i] = (referenceUp.Loss - referenceDown.Loss) / (2 * ReferenceStep);

                skip[i] = referenceUp.CrossesKink || referenceDown.CrossesKink
                    || reference.Evaluate(i, up).CrossesKink || reference.Evaluate(i, down).CrossesKink;
            }

            int skipped = skip.Count(b => b);
            report.Checked += count - skipped;
            report.Skipped += skipped;
            var tolerance = FiniteDifferenceTolerance.WithAbsoluteScaledBy(Math.Max(1, Math.Abs(loss)));
            report.FiniteDifferenceMismatches.AddRange(NumericComparison.Compare(network.Name, $"sample {s} gradient vs differences of ComputeLoss", gradient, differences, tolerance, skip)
                .Select(m => m with { Component = ParameterName(network, m.Index) }));
            report.ReferenceMismatches.AddRange(NumericComparison.Compare(network.Name, $"sample {s} gradient vs differences of the reference", gradient, referenceDifferences, ReferenceGradientTolerance, skip)
                .Select(m => m with { Component = ParameterName(network, m.Index) }));
            for (int i = 0; i < count; i++)
            {
                if (!skip[i])
                {
                    report.WorstFiniteDifferenceUse = Math.Max(report.WorstFiniteDifferenceUse, tolerance.Use(gradient[i], differences[i]));
                    report.WorstReferenceUse = Math.Max(report.WorstReferenceUse, ReferenceGradientTolerance.Use(gradient[i], referenceDifferences[i]));
                }
            }
        }

        return report;
    }

    /// <summary>
    /// TrainStep on the three samples (with garbage in its scratch gradient) against θ − η · mean of the three
    /// AccumulateGradient results, its returned loss against their mean loss, and AccumulateGradient adding to,
    /// not overwriting, a buffer that already holds values.
    /// </summary>
    private static List<Mismatch> CheckTrainStep<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet>
    {
        var network = TNet.Description;
        var problem = Problem.Create<TNet>(seed);
        var random = new Random(seed);
        int count = TNet.ParameterCount;
        var mismatches = new List<Mismatch>();
        double[] gradientSum = new double[count];
        double lossSum = 0;
        for (int s = 0; s < SamplesPerNetwork; s++)
        {
            float[] gradient = new float[count];
            lossSum += TNet.AccumulateGradient(problem.Parameters, problem.Inputs[s], problem.Targets[s], gradient);
            float[] accumulated = [.. Enumerable.Range(0, count).Select(_ => Uniform(random, -1, 1))];
            double[] expectedSum = [.. accumulated.Select((a, i) => (double)a + gradient[i])];
            TNet.AccumulateGradient(problem.Parameters, problem.Inputs[s], problem.Targets[s], accumulated);
            mismatches.AddRange(NumericComparison.Compare(network.Name, $"sample {s} gradient added to a filled buffer", accumulated, expectedSum, UpdateTolerance));
            for (int i = 0; i < count; i++)
            {
                gradientSum[i] += gradient[i];
            }
        }

        float[] updated = [.. problem.Parameters];
        float[] scratch = [.. Enumerable.Range(0, count).Select(_ => Uniform(random, -100, 100))];
        float meanLoss = TNet.TrainStep(updated, scratch, problem.BatchInputs, problem.BatchTargets, LearningRate);

        double[] expected = [.. problem.Parameters.Select((p, i) => p - (LearningRate * gradientSum[i] / SamplesPerNetwork))];
        mismatches.AddRange(NumericComparison.Compare(network.Name, "parameter after TrainStep", updated, expected, UpdateTolerance));
        mismatches.AddRange(NumericComparison.Compare(network.Name, "loss returned by TrainStep vs mean sample loss", [meanLoss], [lossSum / SamplesPerNetwork], UpdateTolerance));
        float batchLoss = TNet.ComputeLoss(problem.Parameters, problem.BatchInputs, problem.BatchTargets);
        mismatches.AddRange(NumericComparison.Compare(network.Name, "loss returned by TrainStep vs ComputeLoss of the batch", [meanLoss], [batchLoss], UpdateTolerance));
        return mismatches;
    }

    /// <summary>
    /// The matrix-form kernels against the per-sample ones verified above: TrainStepBatch on the three samples
    /// against θ − η · mean of the three AccumulateGradient results, and on 37 random samples (edge tiles of
    /// every block width) against TrainStep; ForwardBatch against Forward on the same 37 samples.
    /// </summary>
    private static List<Mismatch> CheckBatched<TNet>(int seed)
        where TNet : class, INeuralNetwork<TNet>
    {
        var network = TNet.Description;
        var problem = Problem.Create<TNet>(seed);
        int count = TNet.ParameterCount;
        var mismatches = new List<Mismatch>();
        double[] gradientSum = new double[count];
        for (int s = 0; s < SamplesPerNetwork; s++)
        {
            float[] gradient = new float[count];
            TNet.AccumulateGradient(problem.Parameters, problem.Inputs[s], problem.Targets[s], gradient);
            for (int i = 0; i < count; i++)
            {
                gradientSum[i] += gradient[i];
            }
        }

        float[] updated = [.. problem.Parameters];
        TNet.TrainStepBatch(updated, problem.BatchInputs, problem.BatchTargets, LearningRate);
        double[] expected = [.. problem.Parameters.Select((p, i) => p - (LearningRate * gradientSum[i] / SamplesPerNetwork))];
        mismatches.AddRange(NumericComparison.Compare(network.Name, "parameter after TrainStepBatch", updated, expected, UpdateTolerance));

        const int Samples = 37;
        var random = new Random(seed);
        float[] inputs = [.. Enumerable.Range(0, Samples * TNet.InputSize).Select(_ => Uniform(random, -1, 1))];
        float[] targets = [.. Enumerable.Range(0, Samples).SelectMany(_ => problem.Targets[random.Next(SamplesPerNetwork)])];
        float[] perSample = [.. problem.Parameters];
        float[] batched = [.. problem.Parameters];
        float perSampleLoss = TNet.TrainStep(perSample, new float[count], inputs, targets, LearningRate);
        float batchedLoss = TNet.TrainStepBatch(batched, inputs, targets, LearningRate);
        mismatches.AddRange(NumericComparison.Compare(network.Name, "parameter after TrainStepBatch (37 samples) vs TrainStep", batched, [.. perSample.Select(p => (double)p)], UpdateTolerance));
        mismatches.AddRange(NumericComparison.Compare(network.Name, "loss of TrainStepBatch vs TrainStep", [batchedLoss], [perSampleLoss], UpdateTolerance));

        float[] outputs = new float[Samples * TNet.OutputSize];
        TNet.ForwardBatch(problem.Parameters, inputs, outputs);
        double[] expectedOutputs = new double[outputs.Length];
        float[] output = new float[TNet.OutputSize];
        for (int s = 0; s < Samples; s++)
        {
            TNet.Forward(problem.Parameters, inputs.AsSpan(s * TNet.InputSize, TNet.InputSize), output);
            for (int k = 0; k < output.Length; k++)
            {
                expectedOutputs[(s * TNet.OutputSize) + k] = output[k];
            }
        }

        mismatches.AddRange(NumericComparison.Compare(network.Name, "ForwardBatch output vs Forward", outputs, expectedOutputs, UpdateTolerance));
        return mismatches;
    }

    // ---- Helpers --------------------------------------------------------------------------------

    private static int SeedOf(int index) => TopologyCatalog.Seed + index;

    private static int SeedOf(CatalogNetwork network) => SeedOf(TopologyCatalog.Networks.IndexOf(network));

    private static NetworkDescription NetworkDescriptionOf(CatalogNetwork network) =>
        (NetworkDescription)CompiledCatalog.Instance.Types[network.Name].GetProperty(nameof(INeuralNetwork<>.Description))!.GetValue(null)!;

    /// <summary>Calls the generic check <paramref name="method"/> with the generated class of <paramref name="network"/> as TNet.</summary>
    private static T RunCheck<T>(string method, CatalogNetwork network, params object?[] arguments) =>
        CompiledCatalog.Run<T>(typeof(GradientCheckTests), method, network, arguments);

    /// <summary>Names parameter <paramref name="index"/> by the layout, e.g. <c>W2[3, 0]</c> or <c>b1[4]</c>.</summary>
    private static string ParameterName(NetworkDescription network, int index)
    {
        for (int l = 0; l < network.Layers.Length; l++)
        {
            var layer = network.Layers[l];
            if (index < layer.BiasOffset)
            {
                int w = index - layer.WeightOffset;
                return $"W{l + 1}[{w / layer.InputSize}, {w % layer.InputSize}]";
            }

            if (index < layer.BiasOffset + layer.Size)
            {
                return $"b{l + 1}[{index - layer.BiasOffset}]";
            }
        }

        throw new ArgumentOutOfRangeException(nameof(index), index, $"{network.Name} has {network.ParameterCount} parameters.");
    }

    private static float Uniform(Random random, double low, double high) => (float)(low + ((high - low) * random.NextDouble()));

    private static string Describe(List<Mismatch> mismatches) =>
        $"{mismatches.Count} mismatches:\n" + string.Join("\n", mismatches.Take(40));

    private static void AssertFewSkipped(IReadOnlyList<GradientReport> reports)
    {
        int checkedCount = reports.Sum(r => r.Checked);
        int skipped = reports.Sum(r => r.Skipped);
        Assert.True(checkedCount > 10_000, $"only {checkedCount} components checked");
        Assert.True(skipped <= 0.02 * (checkedCount + skipped), $"{skipped} of {checkedCount + skipped} components skipped near a kink");
    }

    private void Summarize(IReadOnlyList<GradientReport> reports)
    {
        output.WriteLine(
            $"{reports.Count} networks, {reports.Sum(r => r.Checked)} gradient components checked ({SamplesPerNetwork} samples each), "
            + $"{reports.Sum(r => r.Skipped)} skipped near a kink");
        output.WriteLine(
            $"worst share of the tolerance used: {reports.Max(r => r.WorstFiniteDifferenceUse):F3} against ComputeLoss differences, "
            + $"{reports.Max(r => r.WorstReferenceUse):F3} against reference differences");
    }

    /// <summary>Parameters, three inputs and targets for one network, all drawn from one seed.</summary>
    internal sealed record Problem(float[] Parameters, float[][] Inputs, float[][] Targets)
    {
        public float[] BatchInputs => [.. Inputs.SelectMany(x => x)];

        public float[] BatchTargets => [.. Targets.SelectMany(x => x)];

        /// <summary>
        /// The network's own initialisation with random biases in [-0.5, 0.5] (it starts them at zero), inputs in
        /// [-1.5, 1.5], and targets that suit the loss: arbitrary for MSE, one-hot (samples 0 and 2) or a
        /// probability vector (sample 1) for softmax cross-entropy, values in (0, 1) for sigmoid cross-entropy.
        /// </summary>
        public static Problem Create<TNet>(int seed)
            where TNet : class, INeuralNetwork<TNet>
        {
            var network = TNet.Description;
            var random = new Random(seed);
            float[] parameters = TNet.Create(seed).Parameters.ToArray();
            foreach (var layer in network.Layers)
            {
                for (int j = 0; j < layer.Size; j++)
                {
                    parameters[layer.BiasOffset + j] = Uniform(random, -0.5, 0.5);
                }
            }

            var inputs = new float[SamplesPerNetwork][];
            var targets = new float[SamplesPerNetwork][];
            for (int s = 0; s < SamplesPerNetwork; s++)
            {
                inputs[s] = [.. Enumerable.Range(0, TNet.InputSize).Select(_ => Uniform(random, -1.5, 1.5))];
                targets[s] = (network.Loss, network.OutputActivation) switch
                {
                    (Loss.CrossEntropy, Activation.Softmax) when s == 1 => ProbabilityVector(random, TNet.OutputSize),
                    (Loss.CrossEntropy, Activation.Softmax) => OneHot(random.Next(TNet.OutputSize), TNet.OutputSize),
                    (Loss.CrossEntropy, _) => [.. Enumerable.Range(0, TNet.OutputSize).Select(_ => Uniform(random, 0.02, 0.98))],
                    _ => [.. Enumerable.Range(0, TNet.OutputSize).Select(_ => Uniform(random, -1, 1))],
                };
            }

            return new Problem(parameters, inputs, targets);
        }

        private static float[] OneHot(int hot, int size) => [.. Enumerable.Range(0, size).Select(k => k == hot ? 1f : 0f)];

        private static float[] ProbabilityVector(Random random, int size)
        {
            float[] weights = [.. Enumerable.Range(0, size).Select(_ => Uniform(random, 0.05, 1))];
            float sum = weights.Sum();
            return [.. weights.Select(w => w / sum)];
        }
    }

    /// <summary>What the gradient check of one network found.</summary>
    private sealed class GradientReport(string network)
    {
        public string Network { get; } = network;

        public int Checked { get; set; }

        public int Skipped { get; set; }

        public double WorstFiniteDifferenceUse { get; set; }

        public double WorstReferenceUse { get; set; }

        public List<Mismatch> LossMismatches { get; } = [];

        public List<Mismatch> FiniteDifferenceMismatches { get; } = [];

        public List<Mismatch> ReferenceMismatches { get; } = [];
    }

    /// <summary>
    /// The reference loss of one sample with one parameter changed, and whether that change moves a
    /// pre-activation of a layer whose activation has a kink at 0 (ReLU, LeakyReLU, ELU) to the other side of 0.
    /// </summary>
    private sealed class ReferenceEvaluator
    {
        private readonly NetworkDescription _network;
        private readonly double[] _parameters;
        private readonly float[] _input;
        private readonly float[] _target;
        private readonly List<double[]> _baseline = [];

        public ReferenceEvaluator(NetworkDescription network, float[] parameters, float[] input, float[] target)
        {
            _network = network;
            _parameters = [.. parameters.Select(p => (double)p)];
            _input = input;
            _target = target;
            Loss = ReferenceNetwork.SampleLoss(network, ReferenceNetwork.Forward(network, _parameters, input, _baseline), target);
        }

        /// <summary>The loss with the parameters unchanged.</summary>
        public double Loss { get; }

        /// <summary>Evaluates with parameter <paramref name="index"/> set to <paramref name="value"/>.</summary>
        public (double Loss, bool CrossesKink) Evaluate(int index, double value)
        {
            double saved = _parameters[index];
            _parameters[index] = value;
            var preActivations = new List<double[]>();
            double[] output = ReferenceNetwork.Forward(_network, _parameters, _input, preActivations);
            _parameters[index] = saved;

            bool crosses = false;
            for (int l = 0; l < _network.Layers.Length; l++)
            {
                if (ReferenceNetwork.HasKinkAtZero(_network.Layers[l].Activation))
                {
                    for (int j = 0; j < preActivations[l].Length; j++)
                    {
                        // Also too close to call: float rounding in the generated code may put it on either side.
                        crosses |= (preActivations[l][j] > 0) != (_baseline[l][j] > 0) || Math.Abs(_baseline[l][j]) < 1e-6;
                    }
                }
            }

            return (ReferenceNetwork.SampleLoss(_network, output, _target), crosses);
        }
    }
}
