using System.ComponentModel;
using System.Numerics;
using NetCompiler.Kernels.Blocks;

namespace NetCompiler.Kernels;

/// <summary>
/// An optimizer's step (Adam, SGD with or without momentum, RMSProp) fused with the weight-gradient products of a
/// generated training kernel (<c>OptimizerStepBatch</c>): each register tile of a layer's gradient
/// <c>∂J/∂W_l = H_l A_(l-1)ᵀ</c> is computed into a buffer that stays in cache and goes straight into the optimizer's update
/// of that tile's parameters and state, so the gradient never exists as a whole: no buffer to clear, no pass for its
/// norm, no copy of the parameters. The same pass writes each old parameter to a backup, sums the squares of the
/// gradient and checks that every new parameter is finite. The <see cref="Training.Trainer{TNet, T}"/> creates one per
/// run; generated code calls <see cref="Layer"/> for each layer. Not meant to be used directly.
/// </summary>
/// <typeparam name="T">The element type of the network: float or double.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class ParameterUpdate<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary>One register tile of the gradient (up to 12 whole rows), or one layer's bias gradient.</summary>
    private readonly T[] _tile;

    private protected ParameterUpdate(NetworkDescription network)
    {
        Backup = new T[network.ParameterCount];
        _tile = new T[TileLength(network)];
    }

    /// <summary>The largest tile of <paramref name="network"/>'s layers: 12 rows of a whole row or a panel, or one layer's biases.</summary>
    private static int TileLength(NetworkDescription network)
    {
        int length = 0;
        foreach (var layer in network.Layers)
        {
            length = Math.Max(length, Math.Max(RowTile.FullRows * PanelWidth(layer.InputSize), layer.Size));
        }

        return length;
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
    /// The step of one layer, called by generated code: its <paramref name="size"/> biases at <paramref name="biasOffset"/>
    /// from <c>∂J/∂b = H 1</c>, then its weights at <paramref name="weightOffset"/> from <c>∂J/∂W = H Aᵀ</c> a register tile
    /// at a time, cut as the generator cuts the layer's products: tiles of 12 rows, then up to 6 rows as one edge tile and
    /// 7 to 11 as two. H (<paramref name="delta"/>) has one row of <paramref name="samples"/> per neuron; A
    /// (<paramref name="previousSampleMajor"/>) one row of <paramref name="inputSize"/> per sample.
    /// </summary>
    /// <remarks>
    /// A tile takes whole rows of the weights when the layer has at most <see cref="WholeRowInputs"/> inputs: its weights,
    /// optimizer state and backup are then one contiguous block the update streams through (in 256-column panels the
    /// 12 rows of 4 buffers are 48 short runs, which the hardware prefetchers follow poorly). Wider layers go in
    /// 256-column panels, so the panel of A stays in L2 across the tiles.
    /// </remarks>
    public void Layer(Span<T> parameters, int weightOffset, int biasOffset, int size, int inputSize, ReadOnlySpan<T> delta, ReadOnlySpan<T> previousSampleMajor, int samples)
    {
        Biases(parameters, biasOffset, size, delta, samples);
        int panel = PanelWidth(inputSize);
        for (int column = 0; column < inputSize; column += panel)
        {
            var tile = new TilePlace(weightOffset + column, inputSize, samples, column, Math.Min(panel, inputSize - column));
            int row = 0;
            for (; row + RowTile.FullRows <= size; row += RowTile.FullRows)
            {
                Tile<Rows12>(parameters, tile, row, delta, previousSampleMajor);
            }

            int rest = size - row;
            if (rest > RowTile.BlockRows)
            {
                EdgeTile((rest + 1) / 2, parameters, tile, row, delta, previousSampleMajor);
                EdgeTile(rest / 2, parameters, tile, row + ((rest + 1) / 2), delta, previousSampleMajor);
            }
            else if (rest > 0)
            {
                EdgeTile(rest, parameters, tile, row, delta, previousSampleMajor);
            }
        }
    }

    /// <summary>The widest layer input whose tiles take whole rows (see <see cref="Layer"/>).</summary>
    public const int WholeRowInputs = 1024;

    /// <summary>The columns of a panel of a wider layer: those of the generated products' cache panels.</summary>
    private const int ColumnPanel = 256;

    /// <summary>The columns of a layer's tiles: its whole rows up to <see cref="WholeRowInputs"/> inputs, else a panel.</summary>
    private static int PanelWidth(int inputSize) => inputSize <= WholeRowInputs ? inputSize : ColumnPanel;

    /// <summary>An edge tile of 1 to 6 rows: the row count as a type, for the register blocks.</summary>
    private void EdgeTile(int rows, Span<T> parameters, TilePlace tile, int row, ReadOnlySpan<T> delta, ReadOnlySpan<T> previousSampleMajor)
    {
        switch (rows)
        {
            case 1: Tile<Rows1>(parameters, tile, row, delta, previousSampleMajor); break;
            case 2: Tile<Rows2>(parameters, tile, row, delta, previousSampleMajor); break;
            case 3: Tile<Rows3>(parameters, tile, row, delta, previousSampleMajor); break;
            case 4: Tile<Rows4>(parameters, tile, row, delta, previousSampleMajor); break;
            case 5: Tile<Rows5>(parameters, tile, row, delta, previousSampleMajor); break;
            default: Tile<Rows6>(parameters, tile, row, delta, previousSampleMajor); break;
        }
    }

    /// <summary>
    /// The step of <typeparamref name="TRows"/> rows from <paramref name="row"/> on, over the panel's columns: the gradient
    /// tile <c>G[r, c] = Σ_s H[row + r, s] · A[s, column + c]</c> in the depth panels of
    /// <see cref="RowTile.DepthPanel{T}"/> (as the generated weight updates sum them, so the sums are the same), then the optimizer's update of those weights.
    /// </summary>
    private void Tile<TRows>(Span<T> parameters, TilePlace tile, int row, ReadOnlySpan<T> delta, ReadOnlySpan<T> previousSampleMajor)
        where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        int width = tile.Width;
        if (_tile.Length < rows * width)
        {
            throw new ArgumentException($"The tiles of a layer of {tile.InputSize} inputs do not fit the update made for another network.", nameof(tile));
        }

        // The depth panels of the generated weight updates, so the sums are the same.
        int deep = RowTile.DepthPanel<T>();
        for (int k = 0; k < tile.Samples; k += deep)
        {
            int depth = Math.Min(deep, tile.Samples - k);
            RowTile.MultiplyAdd<T, TRows>(delta, (row * tile.Samples) + k, tile.Samples, 1, previousSampleMajor, (k * tile.InputSize) + tile.Column, tile.InputSize, depth, _tile, 0, width, width, T.One, accumulate: k != 0);
        }

        Apply(parameters, tile.WeightOffset + (row * tile.InputSize), tile.InputSize, rows, width, _tile);
    }

    /// <summary>Where a panel's tiles are: the weights of its first column in row 0, the row length, the batch, its columns.</summary>
    private readonly record struct TilePlace(int WeightOffset, int InputSize, int Samples, int Column, int Width);

    /// <summary>
    /// The step of a layer's <paramref name="size"/> biases at <paramref name="biasOffset"/>: their gradient
    /// <c>H 1</c> (the row sums of the layer's deltas over <paramref name="samples"/> samples), then the optimizer's update.
    /// </summary>
    private void Biases(Span<T> parameters, int biasOffset, int size, ReadOnlySpan<T> delta, int samples)
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
