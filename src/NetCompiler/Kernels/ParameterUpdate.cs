using System.ComponentModel;
using System.Numerics;
using NetCompiler.Kernels.Blocks;

namespace NetCompiler.Kernels;

/// <summary>
/// An optimizer's step (Adam, SGD with or without momentum, RMSProp) fused with the weight-gradient products of a
/// generated training kernel (<c>OptimizerStepBatch</c>): each register tile of a layer's gradient
/// <c>∂J/∂W_l = H_l A_(l-1)ᵀ</c> is computed into a buffer that stays in L1 and goes straight into the optimizer's update
/// of that tile's parameters and state, so the gradient never exists as a whole: no buffer to clear, no pass for its
/// norm, no copy of the parameters. The same pass writes each old parameter to a backup, sums the squares of the
/// gradient and checks that every new parameter is finite. The <see cref="Training.Trainer{TNet, T}"/> creates one per
/// run; generated code calls <see cref="Tile{TRows}"/> and <see cref="Biases"/>. Not meant to be used directly.
/// </summary>
/// <typeparam name="T">The element type of the network: float or double.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ParameterUpdate<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>The depth of the panels the gradient products are summed in: that of the generated weight updates, so the sums are the same.</summary>
    private const int DepthPanel = 128;

    /// <summary>One register tile of the gradient (up to 12 whole rows), or one layer's bias gradient.</summary>
    private T[] _tile;

    private protected ParameterUpdate(int parameterCount, int largestLayer)
    {
        Backup = new T[parameterCount];
        _tile = new T[Math.Max(RowTile.FullRows * 256, largestLayer)];
    }

    /// <summary>The parameters before the step, element by element, as the step's passes found them.</summary>
    internal T[] Backup { get; }

    /// <summary>What the passes of the step so far found.</summary>
    private protected Training.UpdateChecks Checks;

    /// <summary>Σ g² of the raw (summed, unscaled) gradient over the elements updated since <see cref="Begin"/>.</summary>
    internal double SumOfSquares => Checks.SumOfSquares;

    /// <summary>Whether an updated parameter came out NaN or infinite since <see cref="Begin"/>.</summary>
    internal bool SawNotFinite => Checks.SawNotFinite;

    /// <summary>Starts a step: clears the checks.</summary>
    internal void Begin() => Checks = default;

    /// <summary>
    /// The step of <typeparamref name="TRows"/> rows of a layer's weights over <paramref name="width"/> columns: the
    /// gradient tile <c>G[r, c] = Σ_s H[r, s] · A[s, column + c]</c> (H's rows from <paramref name="deltaOffset"/>, one per
    /// neuron, <paramref name="samples"/> long; A sample-major with rows of <paramref name="inputSize"/>) in panels of 128
    /// samples, then the optimizer's update of the weights at <c>weightOffset + r·inputSize + c</c>.
    /// </summary>
    public void Tile<TRows>(Span<T> parameters, int weightOffset, int inputSize, ReadOnlySpan<T> delta, int deltaOffset, int samples, ReadOnlySpan<T> previousSampleMajor, int column, int width)
        where TRows : struct, IRowCount
    {
        if (_tile.Length < TRows.Value * width)
        {
            // Once per run, for the widest layer's tiles.
            _tile = new T[TRows.Value * width];
        }

        for (int k = 0; k < samples; k += DepthPanel)
        {
            int depth = Math.Min(DepthPanel, samples - k);
            RowTile.MultiplyAdd<T, TRows>(delta, deltaOffset + k, samples, 1, previousSampleMajor, (k * inputSize) + column, inputSize, depth, _tile, 0, width, width, T.One, accumulate: k != 0);
        }

        Apply(parameters, weightOffset, inputSize, TRows.Value, width, _tile);
    }

    /// <summary>
    /// The step of a layer's <paramref name="size"/> biases at <paramref name="biasOffset"/>: their gradient
    /// <c>H 1</c> (the row sums of the layer's deltas over <paramref name="samples"/> samples), then the optimizer's update.
    /// </summary>
    public void Biases(Span<T> parameters, int biasOffset, int size, ReadOnlySpan<T> delta, int samples)
    {
        Span<T> sums = _tile.AsSpan(0, size);
        sums.Clear();
        MatrixKernels.AddScaledRowSums(delta, samples, T.One, sums);
        Apply(parameters, biasOffset, size, 1, size, sums);
    }

    /// <summary>
    /// The optimizer's update of <paramref name="rows"/> rows of <paramref name="width"/> parameters, row r at
    /// <c>offset + r·stride</c>, from the raw gradient (row r at <c>r·width</c> of <paramref name="gradient"/>).
    /// </summary>
    private protected abstract void Apply(Span<T> parameters, int offset, int stride, int rows, int width, ReadOnlySpan<T> gradient);
}
