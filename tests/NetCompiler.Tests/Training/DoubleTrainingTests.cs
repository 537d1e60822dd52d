using NetCompiler.Training;

namespace NetCompiler.Tests.Training;

/// <summary>The trainer, the optimizers and the evaluation of double networks (<c>Precision = Precision.Double</c>).</summary>
public class DoubleTrainingTests
{
    /// <summary>The worked example's weights w1..w8 and biases b1, b1, b2, b2 (layout: W1, b1, W2, b2).</summary>
    private static readonly double[] MazurParameters = [0.15, 0.20, 0.25, 0.30, 0.35, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.60];

    /// <summary>
    /// One plain SGD step of rate 0.5 through <see cref="Trainer{TNet, T}"/> on the worked example's one sample: the reported
    /// loss is the published total error before the step, and w5 and w1 after it are the published values (every gradient is
    /// taken before the update, so updating the biases too does not change them). The sample is read as floats and widened:
    /// the inputs 0.05f and 0.10f differ from 0.05 and 0.10 by less than 1e-9, below the published digits.
    /// </summary>
    [Fact]
    public void OneSgdStepThroughTheTrainerReproducesTheWorkedExample()
    {
        var net = new DoubleMazurNet(seed: 0);
        MazurParameters.CopyTo(net.Parameters);
        var data = new TrainingData([0.05f, 0.10f], [0.01f, 0.99f], featureCount: 2, targetCount: 2);
        var trainer = new Trainer<DoubleMazurNet, double>(new TrainerOptions
        {
            Epochs = 1,
            BatchSize = 1,
            Shuffle = false,
            Optimizer = new Sgd(DoubleMazurNet.ParameterCount),
            Schedule = 0.5f,
        });

        var result = trainer.Fit(net, data);

        Assert.Equal(0.298371109, Math.Round(result.History[0].TrainingLoss, 7), 7);
        Assert.Equal(0.35891648, Math.Round(net.Parameters[6], 8));
        Assert.Equal(0.149780716, Math.Round(net.Parameters[0], 9));

        // The same step by the network's own kernel, on the widened sample: bit for bit.
        double[] expected = [.. MazurParameters];
        DoubleMazurNet.TrainStep(expected, new double[DoubleMazurNet.ParameterCount], [0.05f, 0.10f], [0.01f, 0.99f], 0.5);
        Assert.Equal(expected, net.Parameters.ToArray());
    }

    /// <summary>
    /// Full-batch Adam through the trainer is, step for step, the mean gradient of the network's batch kernel followed by
    /// <see cref="Optimizer.Step(Span{double}, ReadOnlySpan{double}, double, double)"/>; and it learns XOR.
    /// </summary>
    [Fact]
    public void AdamTrainingEqualsTheManualLoopAndLearnsXor()
    {
        var data = TrainingTestData.Xor();
        var net = new DoubleXorNet(seed: 1);
        double[] manual = net.Parameters.ToArray();
        var trainer = new Trainer<DoubleXorNet, double>(new TrainerOptions
        {
            Epochs = 400,
            BatchSize = 4,
            Shuffle = false,
            Optimizer = new Adam(DoubleXorNet.ParameterCount),
            Schedule = 0.05f,
        });

        var result = trainer.Fit(net, data);

        double[] features = [.. data.Features.ToArray().Select(x => (double)x)];
        double[] targets = [.. data.Targets.ToArray().Select(x => (double)x)];
        double[] gradient = new double[DoubleXorNet.ParameterCount];
        var adam = new Adam(DoubleXorNet.ParameterCount);
        for (int epoch = 0; epoch < 400; epoch++)
        {
            Array.Clear(gradient);
            DoubleXorNet.AccumulateGradientBatch(manual, features, targets, gradient);
            adam.Step(manual, gradient, (double)0.05f, gradientScale: 1.0 / 4);
        }

        Assert.Equal(manual, net.Parameters.ToArray());
        Assert.Equal(1f, Evaluation.Accuracy(net, data));
        double[] output = new double[1];
        DoubleXorNet.Forward(net.Parameters, [1.0, 0.0], output);
        Assert.Equal(new Prediction(1, (float)output[0]), net.Classify([1.0, 0.0]));
        Assert.Equal(1f, result.History[^1].TrainingMetric);
        Assert.True(Evaluation.Loss(net, data) < 0.05f, $"loss {Evaluation.Loss(net, data)}");
        Assert.Equal(Evaluation.Loss(net, data), Evaluation.Compute<DoubleXorNet, double>(Metric.Loss, net.Parameters, data));
    }

    /// <summary>Mini-batches with shuffling, momentum SGD and a validation split: a double network classifies held-out points.</summary>
    [Fact]
    public void ThreeBlobsWithMomentumSgdClassifyHeldOutPoints()
    {
        var data = TrainingTestData.Blobs(150, seed: 7);
        var test = TrainingTestData.Blobs(60, seed: 99);
        var net = new DoubleBlobNet(seed: 2);
        var trainer = new Trainer<DoubleBlobNet, double>(new TrainerOptions
        {
            Epochs = 30,
            BatchSize = 16,
            ValidationSplit = 0.2f,
            Optimizer = new Sgd(DoubleBlobNet.ParameterCount, momentum: 0.9f),
            Schedule = 0.05f,
        });

        var result = trainer.Fit(net, data);

        Assert.True(Evaluation.Accuracy(net, test) >= 0.95f, $"accuracy {Evaluation.Accuracy(net, test)}");
        Assert.NotNull(result.History[^1].ValidationLoss);
        var confusion = Evaluation.ConfusionMatrix(net, test);
        Assert.Equal(Evaluation.Accuracy(net, test), confusion.Accuracy, 6);
    }

    /// <summary>Each optimizer's double update is, to the bit, the scalar double formula with the float hyperparameters widened.</summary>
    [Theory]
    [InlineData("Sgd")]
    [InlineData("Nesterov")]
    [InlineData("Adam")]
    [InlineData("AdamW")]
    [InlineData("RmsProp")]
    public void DoubleUpdatesEqualTheScalarDoubleFormula(string name)
    {
        const int Count = 37; // two 512-bit vectors of doubles and a tail
        var random = new Random(3);
        double[] parameters = [.. Enumerable.Range(0, Count).Select(_ => random.NextDouble() - 0.5)];
        double[] reference = [.. parameters];
        double[] velocity = new double[Count], first = new double[Count], second = new double[Count];
        Optimizer optimizer = name switch
        {
            "Sgd" => new Sgd(Count) { WeightDecay = 0.1f },
            "Nesterov" => new Sgd(Count, momentum: 0.9f, nesterov: true),
            "Adam" => new Adam(Count) { WeightDecay = 0.1f },
            "AdamW" => new Adam(Count) { WeightDecay = 0.1f, DecoupledWeightDecay = true },
            _ => new RmsProp(Count, alpha: 0.9f),
        };
        double rate = 0.01, scale = 0.25;
        for (int step = 1; step <= 3; step++)
        {
            double[] gradient = [.. Enumerable.Range(0, Count).Select(_ => random.NextDouble() - 0.5)];
            optimizer.Step(parameters, gradient, rate, scale);
            for (int i = 0; i < Count; i++)
            {
                double decay = 0.1f;
                switch (name)
                {
                    case "Sgd":
                        reference[i] -= rate * ((scale * gradient[i]) + (decay * reference[i]));
                        break;
                    case "Nesterov":
                        {
                            double g = (scale * gradient[i]) + (0.0 * reference[i]);
                            velocity[i] = ((double)0.9f * velocity[i]) + g;
                            reference[i] -= rate * (g + ((double)0.9f * velocity[i]));
                            break;
                        }

                    case "Adam" or "AdamW":
                        {
                            bool decoupled = name == "AdamW";
                            double beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;
                            double g = (scale * gradient[i]) + ((decoupled ? 0.0 : decay) * reference[i]);
                            first[i] = (beta1 * first[i]) + ((1 - beta1) * g);
                            second[i] = (beta2 * second[i]) + ((1 - beta2) * g * g);
                            double stepSize = rate / (1.0 - Math.Pow(beta1, step));
                            double inverseRoot = 1.0 / Math.Sqrt(1.0 - Math.Pow(beta2, step));
                            double shrink = decoupled ? 1 - (rate * decay) : 1;
                            reference[i] = (shrink * reference[i]) - (stepSize * first[i] / ((Math.Sqrt(second[i]) * inverseRoot) + epsilon));
                            break;
                        }

                    default:
                        {
                            double alpha = 0.9f, epsilon = 1e-8f;
                            double g = (scale * gradient[i]) + (0.0 * reference[i]);
                            second[i] = (alpha * second[i]) + ((1 - alpha) * g * g);
                            reference[i] -= rate * g / (Math.Sqrt(second[i]) + epsilon);
                            break;
                        }
                }
            }

            Assert.Equal(reference, parameters);
        }
    }

    [Fact]
    public void AnOptimizerKeepsTheElementTypeItStartedWithUntilReset()
    {
        var optimizer = new Adam(2);
        optimizer.Step(new float[2], [1f, 2f], 0.1f);

        var exception = Assert.Throws<InvalidOperationException>(() => optimizer.Step(new double[2], [1.0, 2.0], 0.1));

        Assert.Contains("holds the state of 1 steps on floats", exception.Message);
        optimizer.Reset();
        optimizer.Step(new double[2], [1.0, 2.0], 0.1);
        Assert.Equal(1, optimizer.StepCount);
    }
}
