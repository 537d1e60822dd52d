using NetCompiler.Kernels;

namespace NetCompiler.Tests;

/// <summary>The row steps of the input derivatives on values small enough to compute by hand.</summary>
public sealed class InputGradientKernelTests
{
    // W = [[1, 2], [3, 4], [5, 6]]: a layer of 3 neurons over 2 inputs.
    private static readonly float[] Weights = [1, 2, 3, 4, 5, 6];

    [Fact]
    public void MultiplyRowsIsTheRowsTimesWOneRowPerAdjoint()
    {
        // [1, 0, -1] W = [1 - 5, 2 - 6]; [0, 1, 0] W = [3, 4]. The spare float of result is left as it is.
        float[] result = [9, 9, 9, 9, 7];
        InputGradientKernels.MultiplyRows([1, 0, -1, 0, 1, 0], 2, Weights, 3, 2, result);
        Assert.Equal([-4f, -4f, 3f, 4f, 7f], result);
    }

    [Fact]
    public void MultiplyRowsGivesTheBitsOfOneAddScaledPerWeightRow()
    {
        // 7 neurons (one block of four weight rows, then three single rows) over 21 inputs (vectors, then a scalar tail).
        const int Outputs = 7, Inputs = 21, Count = 3;
        var random = new Random(5);
        float[] weights = [.. Enumerable.Range(0, Outputs * Inputs).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        float[] rows = [.. Enumerable.Range(0, Count * Outputs).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        float[] expected = new float[Count * Inputs];
        for (int r = 0; r < Count; r++)
        {
            for (int j = 0; j < Outputs; j++)
            {
                DenseKernels.AddScaled(rows[(r * Outputs) + j], weights.AsSpan(j * Inputs, Inputs), expected.AsSpan(r * Inputs, Inputs));
            }
        }

        float[] result = new float[Count * Inputs];
        InputGradientKernels.MultiplyRows(rows, Count, weights, Outputs, Inputs, result);
        Assert.Equal(expected, result);
    }

    [Fact]
    public void MultiplyRowsByTransposedIsWTimesEachTangentRow()
    {
        // W [1, -1] = [-1, -1, -1]; W [0, 2] = [4, 8, 12].
        float[] result = new float[6];
        InputGradientKernels.MultiplyRowsByTransposed([1, -1, 0, 2], 2, Weights, 3, 2, result);
        Assert.Equal([-1f, -1f, -1f, 4f, 8f, 12f], result);
    }

    [Fact]
    public void TheSoftmaxStepAppliesTheFullJacobianNotItsDiagonal()
    {
        // Column 0 of diag(a) - a aᵀ for a = [0.2, 0.3, 0.5]: [0.2 - 0.04, -0.06, -0.1].
        float[] a = [0.2f, 0.3f, 0.5f];
        float[] rows = [1, 0, 0];
        InputGradientKernels.MultiplyRowsByJacobian(Activation.Softmax, new float[3], a, rows, 1);
        Assert.Equal(0.16f, rows[0], 6);
        Assert.Equal(-0.06f, rows[1], 6);
        Assert.Equal(-0.1f, rows[2], 6);
    }

    [Fact]
    public void AnElementWiseStepMultipliesEveryRowByTheDerivative()
    {
        // tanh' = 1 - a²: with a = [0.5, 0], rows [2, 3] and [-4, 1] become [1.5, 3] and [-3, 1].
        float[] rows = [2, 3, -4, 1];
        InputGradientKernels.MultiplyRowsByJacobian(Activation.Tanh, [0.5493061f, 0], [0.5f, 0], rows, 2);
        Assert.Equal([1.5f, 3f, -3f, 1f], rows);
    }

    [Fact]
    public void AnActivationOutsideTheEnumIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => InputGradientKernels.MultiplyRowsByJacobian((Activation)99, [0f], [0f], new float[1], 1));
}
