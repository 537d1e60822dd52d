using NetCompiler.Tests.Support;

namespace NetCompiler.Tests;

/// <summary>
/// The batched matrix-form kernels (<c>ForwardBatch</c>, <c>TrainStepBatch</c>) against the per-sample
/// kernels the rest of the suite checks by hand and by finite differences: same outputs, same losses,
/// same updated parameters within float rounding, for batch sizes around every tile edge.
/// </summary>
public sealed class BatchedKernelTests
{
    // Around the 16-, 32- and 64-column blocks, past the 256-column cache panel, and the single-sample path.
    public static readonly TheoryData<int> BatchSizes = new() { 1, 2, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 130, 257, 300 };

    [Theory]
    [MemberData(nameof(BatchSizes))]
    public void ForwardBatchEqualsForwardPerSample(int batch)
    {
        CheckForward<IrisNet>(batch);
        CheckForward<LoopedNet>(batch);
        CheckForward<EdgeTileNet>(batch);
        CheckForward<SoftmaxRegressionNet>(batch);
        CheckForward<SigmoidRegressionNet>(batch);
        CheckForward<XorNet>(batch);
        CheckForward<PanelNet>(batch);
    }

    [Theory]
    [MemberData(nameof(BatchSizes))]
    public void TrainStepBatchEqualsTrainStep(int batch)
    {
        CheckTrainStep<IrisNet>(batch);
        CheckTrainStep<LoopedNet>(batch);
        CheckTrainStep<EdgeTileNet>(batch);
        CheckTrainStep<SoftmaxRegressionNet>(batch);
        CheckTrainStep<SigmoidRegressionNet>(batch);
        CheckTrainStep<TanhSoftmaxNet>(batch);
        CheckTrainStep<PanelNet>(batch);
    }

    [Theory]
    [MemberData(nameof(BatchSizes))]
    public void AccumulateGradientBatchEqualsTheSumOfPerSampleGradients(int batch)
    {
        CheckAccumulateGradient<IrisNet>(batch);
        CheckAccumulateGradient<LoopedNet>(batch);
        CheckAccumulateGradient<EdgeTileNet>(batch);
        CheckAccumulateGradient<SoftmaxRegressionNet>(batch);
        CheckAccumulateGradient<SigmoidRegressionNet>(batch);
        CheckAccumulateGradient<PanelNet>(batch);
    }

    [Fact]
    public void AccumulateGradientBatchAddsToTheGradientAndLeavesItUnchangedWhenItRefuses()
    {
        var inputs = Numbers.Uniform(20 * LoopedNet.InputSize, seed: 5);
        var targets = Numbers.OneHot(20, LoopedNet.OutputSize, seed: 6);
        var parameters = new LoopedNet(seed: 2).Parameters.ToArray();
        float[] once = new float[LoopedNet.ParameterCount];
        LoopedNet.AccumulateGradientBatch(parameters, inputs, targets, once);
        float[] twice = (float[])once.Clone();
        LoopedNet.AccumulateGradientBatch(parameters, inputs, targets, twice);
        Numbers.AssertClose(once.Select(g => 2 * g).ToArray(), twice, 1e-6, "the gradient after two calls");

        inputs[(7 * LoopedNet.InputSize) + 3] = float.NaN;
        float[] before = (float[])twice.Clone();
        var exception = Assert.Throws<TrainingDivergedException>(() => LoopedNet.AccumulateGradientBatch(parameters, inputs, targets, twice));
        Assert.Equal($"LoopedNet: input[3] of sample 7 in the batch is {float.NaN}. The parameters were not changed.", exception.Message);
        Assert.Equal(before, twice);
    }

    [Fact]
    public void PooledWideNetworkAgreesToo()
    {
        CheckForward<WideNet>(40);
        CheckTrainStep<WideNet>(40);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(8, 8)]
    [InlineData(16, 24)]
    [InlineData(17, 9)]
    [InlineData(32, 784)]
    [InlineData(37, 101)]
    public void TransposeMatchesItsDefinition(int rows, int columns)
    {
        var source = Numbers.Uniform(rows * columns, seed: rows + columns);
        var destination = new float[rows * columns];
        Kernels.MatrixKernels.Transpose(source, rows, columns, destination);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                Assert.Equal(source[(r * columns) + c], destination[(c * rows) + r]);
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(4, 4)]
    [InlineData(16, 24)]
    [InlineData(17, 9)]
    [InlineData(32, 784)]
    [InlineData(37, 101)]
    public void TransposeOfDoublesMatchesItsDefinition(int rows, int columns)
    {
        double[] source = [.. Numbers.Uniform(rows * columns, seed: rows + columns).Select(v => v + (1e-12 * v))];
        var destination = new double[rows * columns];
        Kernels.MatrixKernels.Transpose<double>(source, rows, columns, destination);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                Assert.Equal(source[(r * columns) + c], destination[(c * rows) + r]);
            }
        }

        // A range of rows writes only its columns of the transpose (the two-core passes' contract).
        var partial = new double[rows * columns];
        int first = rows / 3, end = rows - (rows / 4);
        Kernels.MatrixKernels.TransposeRows<double>(source, rows, columns, partial, first, end);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                Assert.Equal(r >= first && r < end ? source[(r * columns) + c] : 0, partial[(c * rows) + r]);
            }
        }
    }

    [Theory]
    [InlineData(37, 101, 0, 37)]
    [InlineData(37, 101, 12, 24)]
    [InlineData(37, 101, 5, 30)]
    [InlineData(37, 101, 24, 37)]
    [InlineData(256, 64, 132, 256)]
    [InlineData(20, 9, 7, 7)]
    public void TransposeRowsWritesOnlyItsColumnsOfTheTranspose(int rows, int columns, int firstRow, int endRow) =>
        AssertTransposesOnly(rows, columns, (r, _) => r >= firstRow && r < endRow, (source, destination) =>
            Kernels.MatrixKernels.TransposeRows(source, rows, columns, destination, firstRow, endRow));

    [Theory]
    [InlineData(32, 784, 0, 784)]
    [InlineData(32, 784, 8, 16)]
    [InlineData(13, 30, 5, 27)]
    [InlineData(9, 20, 16, 20)]
    [InlineData(9, 20, 4, 4)]
    public void TransposeColumnsWritesOnlyItsRowsOfTheTranspose(int rows, int columns, int firstColumn, int endColumn) =>
        AssertTransposesOnly(rows, columns, (_, c) => c >= firstColumn && c < endColumn, (source, destination) =>
            Kernels.MatrixKernels.TransposeColumns(source, rows, columns, destination, firstColumn, endColumn));

    [Fact]
    public void TransposeRejectsSizesItsBuffersCannotHold()
    {
        var small = new float[16];
        Assert.Throws<ArgumentException>(() => Kernels.MatrixKernels.Transpose(small, 4, 5, small));

        // rows × columns overflows int: must be caught, not wrap to a small (negative) size and write out of bounds.
        var overflow = Assert.Throws<ArgumentException>(() => Kernels.MatrixKernels.Transpose(small, 40_000_000, 784, new float[16]));
        Assert.Contains("40000000 × 784", overflow.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.MatrixKernels.Transpose(small, -4, -4, small));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.MatrixKernels.TransposeRows(small, 4, 4, small, 3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.MatrixKernels.TransposeRows(small, 4, 4, small, 0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kernels.MatrixKernels.TransposeColumns(small, 2, 8, small, 0, 9));
        Assert.Throws<ArgumentException>(() => Kernels.MatrixKernels.TransposeColumns(small, 3, 8, small, 0, 8));
        Assert.Equal(new float[16], small);
    }

    [Fact]
    public void TrainStepBatchIsDeterministic()
    {
        var inputs = Numbers.Uniform(48 * LoopedNet.InputSize, seed: 5);
        var targets = Numbers.OneHot(48, LoopedNet.OutputSize, seed: 6);
        var first = new LoopedNet(seed: 2);
        var second = new LoopedNet(seed: 2);
        for (int step = 0; step < 5; step++)
        {
            LoopedNet.TrainStepBatch(first.Parameters, inputs, targets, 0.05f);
            LoopedNet.TrainStepBatch(second.Parameters, inputs, targets, 0.05f);
        }

        Numbers.AssertBitIdentical(first.Parameters, second.Parameters, "parameters");
    }

    [Fact]
    public void BatchedKernelsAllocateNothingOnceWarm()
    {
        var inputs = Numbers.Uniform(64 * LoopedNet.InputSize, seed: 5);
        var targets = Numbers.OneHot(64, LoopedNet.OutputSize, seed: 6);
        var outputs = new float[64 * LoopedNet.OutputSize];
        var net = new LoopedNet(seed: 2);
        for (int i = 0; i < 20; i++)
        {
            LoopedNet.ForwardBatch(net.Parameters, inputs, outputs);
            LoopedNet.TrainStepBatch(net.Parameters, inputs, targets, 1e-4f);
        }

        long allocated = Allocations.LeastPerRound(calls: 500, () =>
        {
            LoopedNet.ForwardBatch(net.Parameters, inputs, outputs);
            LoopedNet.TrainStepBatch(net.Parameters, inputs, targets, 1e-4f);
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void NaNInputNamesTheSampleAndChangesNothing()
    {
        var net = new EdgeTileNet(seed: 1);
        var before = net.Parameters.ToArray();
        var inputs = Numbers.Uniform(40 * EdgeTileNet.InputSize, seed: 3);
        inputs[(17 * EdgeTileNet.InputSize) + 4] = float.NaN;

        var error = Assert.Throws<TrainingDivergedException>(() =>
            EdgeTileNet.TrainStepBatch(net.Parameters, inputs, Numbers.Uniform(40 * EdgeTileNet.OutputSize, seed: 4, scale: 0.5f), 0.1f));

        Assert.Equal("EdgeTileNet: input[4] of sample 17 in the batch is NaN. The parameters were not changed.", error.Message);
        Numbers.AssertBitIdentical(before, net.Parameters, "parameters");
    }

    [Fact]
    public void DivergenceThrowsBeforeAnyParameterChanges()
    {
        var net = new SigmoidRegressionNet(seed: 3);
        float[] inputs = [100f, 100f, -50f, 20f];
        float[] targets = [-100f, 100f];
        float[] lastGood = [];
        var error = Assert.Throws<TrainingDivergedException>(() =>
        {
            for (int step = 0; step < 100; step++)
            {
                lastGood = net.Parameters.ToArray();
                SigmoidRegressionNet.TrainStepBatch(net.Parameters, inputs, targets, 1e30f);
            }
        });

        Assert.Contains("SigmoidRegressionNet", error.Message, StringComparison.Ordinal);
        Numbers.AssertBitIdentical(lastGood, net.Parameters, "parameters");
        Numbers.AssertAllFinite(net.Parameters, "parameters");
    }

    [Fact]
    public void WrongSizedOutputsNameTheArgument()
    {
        var net = new IrisNet(seed: 1);
        var error = Assert.Throws<ArgumentException>(() => IrisNet.ForwardBatch(net.Parameters, new float[8], new float[5]));
        Assert.Equal("outputs", error.ParamName);
        Assert.StartsWith("IrisNet: inputs hold 2 samples, so outputs must have 6 floats", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneSampleRunsForwardBitForBitWithTheBatchChecks()
    {
        var net = new IrisNet(seed: 3);
        var input = Numbers.Uniform(IrisNet.InputSize, seed: 5);
        var expected = new float[IrisNet.OutputSize];
        IrisNet.Forward(net.Parameters, input, expected);
        var actual = new float[IrisNet.OutputSize];
        IrisNet.ForwardBatch(net.Parameters, input, actual);
        Numbers.AssertBitIdentical(expected, actual, "outputs of one sample");

        // The same exceptions as for a larger batch: the parameters first, then the outputs against the samples.
        var shortParameters = new float[IrisNet.ParameterCount - 1];
        var one = Assert.Throws<ArgumentException>(() => IrisNet.ForwardBatch(shortParameters, input, actual));
        var two = Assert.Throws<ArgumentException>(() => IrisNet.ForwardBatch(shortParameters, new float[2 * IrisNet.InputSize], new float[2 * IrisNet.OutputSize]));
        Assert.Equal("parameters", one.ParamName);
        Assert.Equal(two.Message, one.Message);
        var outputs = Assert.Throws<ArgumentException>(() => IrisNet.ForwardBatch(net.Parameters, input, new float[IrisNet.OutputSize + 1]));
        Assert.Equal("outputs", outputs.ParamName);
        Assert.StartsWith("IrisNet: inputs hold 1 samples, so outputs must have 3 floats", outputs.Message, StringComparison.Ordinal);
    }

    private static void CheckForward<TNet>(int batch)
        where TNet : class, INeuralNetwork<TNet>
    {
        var net = TNet.Create(11);
        var inputs = Numbers.Uniform(batch * TNet.InputSize, seed: batch);
        var expected = new float[batch * TNet.OutputSize];
        for (int sample = 0; sample < batch; sample++)
        {
            TNet.Forward(net.Parameters, inputs.AsSpan(sample * TNet.InputSize, TNet.InputSize), expected.AsSpan(sample * TNet.OutputSize, TNet.OutputSize));
        }

        var actual = new float[batch * TNet.OutputSize];
        TNet.ForwardBatch(net.Parameters, inputs, actual);
        Numbers.AssertClose(expected, actual, 2e-6, $"{typeof(TNet).Name} outputs (batch {batch})");
    }

    private static void CheckTrainStep<TNet>(int batch)
        where TNet : class, INeuralNetwork<TNet>
    {
        var inputs = Numbers.Uniform(batch * TNet.InputSize, seed: batch);
        var targets = TNet.Description.OutputActivation is Activation.Softmax
            ? Numbers.OneHot(batch, TNet.OutputSize, seed: batch + 1)
            : Numbers.Uniform(batch * TNet.OutputSize, seed: batch + 1, scale: 0.5f).Select(v => v + 0.5f).ToArray();
        var perSample = TNet.Create(13);
        var batched = TNet.Create(13);

        float expectedLoss = TNet.TrainStep(perSample.Parameters, new float[TNet.ParameterCount], inputs, targets, 0.3f);
        float actualLoss = TNet.TrainStepBatch(batched.Parameters, inputs, targets, 0.3f);

        Assert.Equal(expectedLoss, actualLoss, 1e-5f * Math.Max(1f, Math.Abs(expectedLoss)));
        Numbers.AssertClose(perSample.Parameters, batched.Parameters, 2e-6, $"{typeof(TNet).Name} parameters after one step (batch {batch})");
        Assert.NotEqual(TNet.Create(13).Parameters.ToArray(), batched.Parameters.ToArray());
    }

    private static void CheckAccumulateGradient<TNet>(int batch)
        where TNet : class, INeuralNetwork<TNet>
    {
        var inputs = Numbers.Uniform(batch * TNet.InputSize, seed: batch + 2);
        var targets = TNet.Description.OutputActivation is Activation.Softmax
            ? Numbers.OneHot(batch, TNet.OutputSize, seed: batch + 3)
            : Numbers.Uniform(batch * TNet.OutputSize, seed: batch + 3, scale: 0.5f).Select(v => v + 0.5f).ToArray();
        var parameters = TNet.Create(17).Parameters.ToArray();

        float[] expected = new float[TNet.ParameterCount];
        double expectedLoss = 0;
        for (int s = 0; s < batch; s++)
        {
            expectedLoss += TNet.AccumulateGradient(parameters, inputs.AsSpan(s * TNet.InputSize, TNet.InputSize), targets.AsSpan(s * TNet.OutputSize, TNet.OutputSize), expected);
        }

        float[] actual = new float[TNet.ParameterCount];
        float actualLoss = TNet.AccumulateGradientBatch(parameters, inputs, targets, actual);

        Assert.Equal((float)expectedLoss, actualLoss, 1e-5f * Math.Max(1f, Math.Abs((float)expectedLoss)));
        Numbers.AssertClose(expected, actual, 2e-6 * batch, $"{typeof(TNet).Name} gradient summed over {batch} samples");
        Assert.Contains(actual, g => g != 0f);

        // The form the Trainer calls also hands out the outputs of its forward pass: those of Forward per sample, and
        // the same gradient and loss bit for bit as without them.
        float[] expectedOutputs = new float[batch * TNet.OutputSize];
        for (int s = 0; s < batch; s++)
        {
            TNet.Forward(parameters, inputs.AsSpan(s * TNet.InputSize, TNet.InputSize), expectedOutputs.AsSpan(s * TNet.OutputSize, TNet.OutputSize));
        }

        float[] withOutputs = new float[TNet.ParameterCount];
        float[] outputs = new float[batch * TNet.OutputSize];
        float lossWithOutputs = TNet.AccumulateGradientBatch(parameters, inputs, targets, withOutputs, new DropoutMask(1, 0), outputs);
        Numbers.AssertClose(expectedOutputs, outputs, 2e-6, $"{typeof(TNet).Name} outputs of the training pass (batch {batch})");
        Assert.Equal(actualLoss, lossWithOutputs);
        Numbers.AssertBitIdentical(actual, withOutputs, "the gradient with the outputs taken");
    }

    [Fact]
    public void TheTrainingPassOutputsMustBeNoneOrOnePerSampleAndOutput()
    {
        var inputs = Numbers.Uniform(4 * IrisNet.InputSize, seed: 5);
        var targets = Numbers.OneHot(4, IrisNet.OutputSize, seed: 6);
        var parameters = new IrisNet(seed: 2).Parameters.ToArray();
        var gradient = new float[IrisNet.ParameterCount];
        var error = Assert.Throws<ArgumentException>(() => Accumulate<IrisNet>(parameters, inputs, targets, gradient, new float[(4 * IrisNet.OutputSize) - 1]));
        Assert.Equal("outputs", error.ParamName);
        Assert.StartsWith("IrisNet: outputs must have 12 values (4 samples × OutputSize 3), or none; it has 11.", error.Message, StringComparison.Ordinal);
        Assert.All(gradient, g => Assert.Equal(0f, g));

        // None: the plain gradient.
        float loss = Accumulate<IrisNet>(parameters, inputs, targets, gradient, []);
        var expected = new float[IrisNet.ParameterCount];
        Assert.Equal(IrisNet.AccumulateGradientBatch(parameters, inputs, targets, expected), loss);
        Numbers.AssertBitIdentical(expected, gradient, "the gradient without outputs");
    }

    private static float Accumulate<TNet>(float[] parameters, float[] inputs, float[] targets, float[] gradient, float[] outputs)
        where TNet : class, INeuralNetwork<TNet> =>
        TNet.AccumulateGradientBatch(parameters, inputs, targets, gradient, new DropoutMask(1, 0), outputs);

    /// <summary>
    /// Runs <paramref name="transpose"/> on a <c>[rows, columns]</c> source and a destination filled with -7, and checks
    /// that exactly the source elements <paramref name="inRange"/> selects reached their transposed places.
    /// </summary>
    private static void AssertTransposesOnly(int rows, int columns, Func<int, int, bool> inRange, Action<float[], float[]> transpose)
    {
        var source = Numbers.Uniform(rows * columns, seed: rows + columns);
        var destination = Enumerable.Repeat(-7f, rows * columns).ToArray();
        transpose(source, destination);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                float expected = inRange(r, c) ? source[(r * columns) + c] : -7f;
                Assert.True(expected == destination[(c * rows) + r], $"destination[{c}, {r}] is {destination[(c * rows) + r]}, expected {expected}");
            }
        }
    }
}
