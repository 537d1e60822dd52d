using NetCompiler.Kernels;

namespace NetCompiler.Tests;

/// <summary>
/// The matrix-form BP1 (<see cref="BatchOutputLayer"/>) against the per-sample <see cref="OutputLayer"/> the rest of
/// the suite checks by hand: same losses and deltas for every sample, in the vector lanes and in the tail.
/// </summary>
public sealed class BatchOutputLayerTests
{
    [Theory]
    [InlineData(1, 3)]
    [InlineData(15, 10)]
    [InlineData(16, 10)]
    [InlineData(17, 1)]
    [InlineData(33, 7)]
    [InlineData(64, 10)]
    public void SoftmaxCrossEntropyEqualsThePerSampleKernel(int samples, int outputs)
    {
        var random = new Random(samples * 31 + outputs);
        float[] logits = new float[outputs * samples];
        float[] targets = new float[outputs * samples];
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = (float)((random.NextDouble() * 40) - 20);
        }

        for (int s = 0; s < samples; s++)
        {
            // One-hot for most samples, a soft target for every third.
            if (s % 3 == 0)
            {
                for (int k = 0; k < outputs; k++)
                {
                    targets[(k * samples) + s] = 1f / outputs;
                }
            }
            else
            {
                targets[(random.Next(outputs) * samples) + s] = 1f;
            }
        }

        float[] deltas = new float[outputs * samples];
        float[] losses = new float[samples];
        BatchOutputLayer.SoftmaxCrossEntropy(logits, targets, outputs, deltas, losses);

        float[] z = new float[outputs], a = new float[outputs], t = new float[outputs], delta = new float[outputs];
        for (int s = 0; s < samples; s++)
        {
            for (int k = 0; k < outputs; k++)
            {
                z[k] = logits[(k * samples) + s];
                t[k] = targets[(k * samples) + s];
            }

            Activations.Softmax(z, a);
            float expected = OutputLayer.SoftmaxCrossEntropy(z, a, t, delta);
            Assert.Equal(expected, losses[s], expected * 1e-5f + 1e-6f);
            for (int k = 0; k < outputs; k++)
            {
                Assert.Equal(delta[k], deltas[(k * samples) + s], 1e-6f);
            }
        }
    }

    [Fact]
    public void ALossIsFiniteForExtremeLogitsAndAZeroTargetCostsNothing()
    {
        // Sample 0: logits 80 and -80 (e^160 would overflow without the max shift); target on the small one.
        // The other 16 samples make the first 16 go through the vector path.
        const int samples = 17;
        float[] logits = new float[2 * samples];
        float[] targets = new float[2 * samples];
        for (int s = 0; s < samples; s++)
        {
            logits[s] = 80f;
            logits[samples + s] = -80f;
            targets[samples + s] = 1f;
        }

        float[] deltas = new float[2 * samples];
        float[] losses = new float[samples];
        BatchOutputLayer.SoftmaxCrossEntropy(logits, targets, 2, deltas, losses);
        foreach (float loss in losses)
        {
            // ln(e^80 + e^-80) - (-80) = 160 (to float precision).
            Assert.Equal(160f, loss, 1e-3f);
        }

        Assert.Equal(1f, deltas[0], 1e-6f);
        Assert.Equal(-1f, deltas[samples], 1e-6f);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(16, 10)]
    [InlineData(37, 4)]
    public void SoftmaxEqualsThePerSampleSoftmaxInPlace(int samples, int outputs)
    {
        var random = new Random(samples + (7 * outputs));
        float[] logits = [.. Enumerable.Range(0, outputs * samples).Select(_ => (float)((random.NextDouble() * 60) - 30))];
        float[] activations = (float[])logits.Clone();
        BatchOutputLayer.Softmax(activations, outputs, samples, activations);

        float[] z = new float[outputs], a = new float[outputs];
        for (int s = 0; s < samples; s++)
        {
            for (int k = 0; k < outputs; k++)
            {
                z[k] = logits[(k * samples) + s];
            }

            Activations.Softmax(z, a);
            for (int k = 0; k < outputs; k++)
            {
                Assert.Equal(a[k], activations[(k * samples) + s], 1e-6f);
            }
        }
    }
}
