using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Tests;

/// <summary>
/// The plan the emitter prints, computed for a handful of topologies and compared with plans worked out by hand: the
/// parameter layout, the per-sample form of each layer, the in-register forward pass, the row tiles and cache panels of
/// the batched products, which products two cores may share, and the scratch layout.
/// </summary>
public sealed class NetworkPlanTests
{
    [Fact]
    public void TheStackLimitOfTheGeneratedForwardIsTheRuntimeLoopsOne()
    {
        // Forward is generated and the per-sample loops are the runtime's: both put at most this many floats on the stack.
        Assert.Equal(NetCompiler.Kernels.ScratchBuffer.StackallocLimit, NetworkPlan.StackallocLimit);
    }

    [Fact]
    public void Xor241HasUnrolledLayersInRegistersAndOneEdgeTilePerProduct()
    {
        var plan = Plan(2, LossKind.CrossEntropy, (4, ActivationKind.Tanh), (1, ActivationKind.Sigmoid));

        Assert.Equal(17, plan.ParameterCount);
        Assert.Equal([(0, 8), (12, 16)], plan.Layers.Select(l => (l.WeightOffset, l.BiasOffset)));
        Assert.All(plan.Layers, l => Assert.Equal(SampleForm.Unrolled, l.Form));
        Assert.True(plan.ForwardInRegisters);
        Assert.Equal([4, 2], plan.MergeWidths);
        Assert.False(plan.BatchOutputLayer);
        Assert.Equal(new RowTiles(4, 0, new([4])), plan.Layers[0].ForwardTiles);
        Assert.Null(plan.Layers[0].PropagateTiles);
        Assert.Equal(new RowTiles(4, 0, new([4])), plan.Layers[1].PropagateTiles);
        Assert.Equal(new RowTiles(1, 0, new([1])), plan.Layers[1].ForwardTiles);
        Assert.All(plan.Layers, l => Assert.False(l.Splits || l.ForwardPanels || l.PropagatePanels));
    }

    [Fact]
    public void Iris4163FusesTheSoftmaxCrossEntropyOutputLayerForTheBatch()
    {
        var plan = Plan(4, LossKind.CrossEntropy, (16, ActivationKind.Tanh), (3, ActivationKind.Softmax));

        Assert.Equal(131, plan.ParameterCount);
        Assert.True(plan.ForwardInRegisters);
        Assert.Equal([16, 8, 4, 2], plan.MergeWidths);
        Assert.True(plan.BatchOutputLayer);
        Assert.Equal(new RowTiles(16, 12, new([4])), plan.Layers[0].ForwardTiles);
        Assert.Equal(new RowTiles(3, 0, new([3])), plan.Layers[1].ForwardTiles);

        // Per sample: z1, a1, z2, a2 (38 floats), then δ1, δ2 (57); Forward writes a2 into the caller's output.
        Assert.Equal(38, plan.ForwardScratchLength);
        Assert.Equal(57, plan.BackpropagationScratchLength);
        Assert.Equal(["z1", "a1", "z2"], plan.ForwardScratch.Select(s => s.Name));

        // Batch, per sample: a0 4, z1 a1 h1 a1SampleMajor 4 × 16, z2 a2 h2 3 × 3, targets 3, losses 1 = 81.
        Assert.Equal(
            ["a0", "z1", "a1", "h1", "a1SampleMajor", "z2", "a2", "h2", "targetsFeatureMajor", "losses"],
            plan.TrainBatchScratch.Select(s => s.Name));
        Assert.Equal(81, plan.TrainBatchScratchPerSample);
        Assert.Equal(0, plan.TrainBatchScratchPerBatch);
        Assert.Equal(new ScratchSlice("h2", 74, 0, 3, 0), plan.TrainBatchScratch[7]);
        Assert.Equal(4 + 16 + 3, plan.ForwardBatchScratchPerSample);
    }

    [Fact]
    public void Mnist78412810LoopsTheLargeLayerPanelsItsDepthAndSplitsItsRows()
    {
        var plan = Plan(784, LossKind.CrossEntropy, (128, ActivationKind.ReLU), (10, ActivationKind.Softmax));

        Assert.Equal(101_770, plan.ParameterCount);
        Assert.False(plan.ForwardInRegisters);
        Assert.Empty(plan.MergeWidths);
        var hidden = plan.Layers[0];
        Assert.Equal(SampleForm.Looped, hidden.Form);
        Assert.Equal(new RowTiles(128, 120, new([4, 4])), hidden.ForwardTiles);
        Assert.True(hidden.Splits);
        Assert.True(hidden.ForwardPanels);
        Assert.True(plan.InputPassSplits);

        var output = plan.Layers[1];
        Assert.Equal(new RowTiles(10, 0, new([5, 5])), output.ForwardTiles);
        Assert.False(output.Splits);
        Assert.Equal(new RowTiles(128, 120, new([4, 4])), output.PropagateTiles);
        Assert.True(output.PropagateTiles!.Splits);
        Assert.False(output.PropagatePanels);
    }

    [Fact]
    public void Deep784256256HasFullTilesOnlyAndPanelsEveryDeepProduct()
    {
        var plan = Plan(784, LossKind.CrossEntropy, (256, ActivationKind.ReLU), (256, ActivationKind.ReLU), (10, ActivationKind.Softmax));

        Assert.Equal(784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10, plan.ParameterCount);
        // 256 = 21 × 12 + 4: one edge tile of 4 rows.
        Assert.Equal(new RowTiles(256, 252, new([4])), plan.Layers[0].ForwardTiles);
        Assert.True(plan.Layers[1].ForwardPanels);
        Assert.True(plan.Layers[1].PropagatePanels);
        Assert.False(plan.Layers[2].PropagatePanels);
        Assert.Equal([true, true, false], plan.Layers.Select(l => l.Splits));
    }

    [Fact]
    public void Funnel137531RunsBp1PerSampleAndCutsSevenRowsIntoFourAndThree()
    {
        var plan = Plan(13, LossKind.MeanSquaredError, (7, ActivationKind.Tanh), (5, ActivationKind.ReLU), (3, ActivationKind.Sigmoid), (1, ActivationKind.Identity));

        Assert.Equal(7 * 13 + 7 + 5 * 7 + 5 + 3 * 5 + 3 + 1 * 3 + 1, plan.ParameterCount);
        Assert.Equal([SampleForm.Looped, SampleForm.Unrolled, SampleForm.Unrolled, SampleForm.Unrolled], plan.Layers.Select(l => l.Form));
        Assert.False(plan.ForwardInRegisters);
        Assert.False(plan.BatchOutputLayer);
        Assert.Equal(new RowTiles(7, 0, new([4, 3])), plan.Layers[0].ForwardTiles);
        Assert.Equal(["outputZ", "outputA", "outputDelta"], plan.TrainBatchScratch.TakeLast(3).Select(s => s.Name));
        Assert.Equal(3, plan.TrainBatchScratchPerBatch);
    }

    [Fact]
    public void EqualSpecsGiveEqualPlansAndADifferentSizeADifferentOne()
    {
        var first = Plan(784, LossKind.CrossEntropy, (128, ActivationKind.ReLU), (10, ActivationKind.Softmax));
        var second = Plan(784, LossKind.CrossEntropy, (128, ActivationKind.ReLU), (10, ActivationKind.Softmax));
        var other = Plan(784, LossKind.CrossEntropy, (100, ActivationKind.ReLU), (10, ActivationKind.Softmax));

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.NotEqual(first, other);
    }

    [Theory]
    [InlineData(1, new int[0], new[] { 1 })]
    [InlineData(6, new int[0], new[] { 6 })]
    [InlineData(7, new int[0], new[] { 4, 3 })]
    [InlineData(11, new int[0], new[] { 6, 5 })]
    [InlineData(12, new[] { 12 }, new int[0])]
    [InlineData(13, new[] { 12 }, new[] { 1 })]
    [InlineData(20, new[] { 12 }, new[] { 4, 4 })]
    [InlineData(24, new[] { 12, 12 }, new int[0])]
    public void RowsAreCutIntoFullTilesThenAtMostTwoNearlyEqualEdgeTiles(int rows, int[] fullTiles, int[] edges)
    {
        var tiles = RowTiles.For(rows);

        Assert.Equal(fullTiles.Sum(), tiles.FullRows);
        Assert.Equal(edges, tiles.EdgeTiles);
        Assert.Equal(rows, tiles.FullRows + tiles.EdgeTiles.Sum());
        Assert.Equal(rows >= 24, tiles.Splits);
    }

    [Fact]
    public void TheJacobianRunsOnTheSmallerSideAndItsScratchHoldsActivationsThenTwoRowBuffers()
    {
        // 4 inputs, 3 outputs: reverse mode (3 rows); 2 inputs, 2 outputs: forward mode (a tie, and T_1 = W_1 is a copy).
        var iris = Plan(4, LossKind.CrossEntropy, (16, ActivationKind.Tanh), (3, ActivationKind.Softmax));
        var square = Plan(2, LossKind.MeanSquaredError, (5, ActivationKind.ReLU), (2, ActivationKind.Identity));
        var wide = Plan(3, LossKind.MeanSquaredError, (7, ActivationKind.Tanh), (9, ActivationKind.Identity));

        Assert.False(iris.JacobianInForwardMode);
        Assert.True(square.JacobianInForwardMode);
        Assert.True(wide.JacobianInForwardMode);
        Assert.Equal(16, iris.WidestLayer);
        Assert.Equal(38, iris.InputDerivativeActivationsLength);
        Assert.Equal(
            [("z1", 0, 0, 0, 16), ("a1", 0, 16, 0, 16), ("z2", 0, 32, 0, 3), ("a2", 0, 35, 0, 3), ("rows0", 0, 38, 16, 0), ("rows1", 16, 38, 16, 0)],
            iris.InputDerivativeScratch.Select(s => (s.Name, s.OffsetPerSample, s.OffsetFixed, s.PerSample, s.Fixed)));
    }

    private static NetworkPlan Plan(int inputs, LossKind loss, params (int Size, ActivationKind Activation)[] layers) =>
        NetworkPlan.For(new NetworkSpec(
            "Plans",
            EquatableArray<ContainingTypeSpec>.Empty,
            "Net",
            "Net",
            inputs,
            loss,
            new EquatableArray<LayerSpec>(layers.Select(l => new LayerSpec(l.Size, l.Activation)))));
}
