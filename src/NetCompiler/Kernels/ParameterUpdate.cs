using System.ComponentModel;
using System.Numerics;
using System.Runtime.InteropServices;
using NetCompiler.Kernels.Blocks;
using NetCompiler.Kernels.Parallel;

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
    /// <summary>The calling thread's tile buffer and checks.</summary>
    private readonly TileWork _caller;

    /// <summary>The worker thread's, made at the first layer split between two cores (see <see cref="Layer"/>).</summary>
    private TileWork? _worker;

    /// <summary><see cref="RowRange"/> as the delegate <see cref="ParallelRows"/> runs, made once.</summary>
    private readonly Parallel.RowRangeKernel _rowRange;

    /// <summary>The layer being split between two cores, and the thread that split it.</summary>
    private LayerPlace _split;
    private int _splitterThread;

    private protected ParameterUpdate(NetworkDescription network)
    {
        Backup = new T[network.ParameterCount];
        _caller = new TileWork(TileLength(network));
        _rowRange = RowRange;
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

    /// <summary>Σ g² of the raw (summed, unscaled) gradient over the elements updated since <see cref="Begin"/>.</summary>
    internal double SumOfSquares => _caller.Checks.SumOfSquares;

    /// <summary>Whether an updated parameter came out NaN or infinite since <see cref="Begin"/>.</summary>
    internal bool SawNotFinite => _caller.Checks.SawNotFinite;

    /// <summary>Starts a step: clears the checks.</summary>
    internal void Begin()
    {
        _caller.Checks = default;
        if (_worker is not null)
        {
            _worker.Checks = default;
        }
    }

    /// <summary>
    /// The step of one layer, called by generated code: its <paramref name="size"/> biases at <paramref name="biasOffset"/>
    /// from <c>∂J/∂b = H 1</c>, then its weights at <paramref name="weightOffset"/> from <c>∂J/∂W = H Aᵀ</c> a register tile
    /// at a time, cut as the generator cuts the layer's products: tiles of 12 rows, then up to 6 rows as one edge tile and
    /// 7 to 11 as two. H (<paramref name="delta"/>) has one row of <paramref name="samples"/> per neuron; A
    /// (<paramref name="previousSampleMajor"/>) one row of <paramref name="inputSize"/> per sample.
    /// </summary>
    /// <remarks>
    /// <para>A tile takes whole rows of the weights when the layer has at most <see cref="WholeRowInputs"/> inputs: its weights,
    /// optimizer state and backup are then one contiguous block the update streams through (in 256-column panels the
    /// 12 rows of 4 buffers are 48 short runs, which the hardware prefetchers follow poorly). Wider layers go in
    /// 256-column panels, so the panel of A stays in L2 across the tiles.</para>
    /// <para>Inside a <see cref="ParallelRows"/> scope (<c>TrainerOptions.UseSecondCore</c>), a float layer whose product
    /// is large enough (<see cref="ParallelRows.ShouldSplit"/>) has its rows split between this thread and the library's
    /// worker thread, each with its own tile buffer: each tile is computed by one thread with the same code, so the
    /// parameters, state and backup come out bit for bit as on one thread; the two threads' sums of squares are added.</para>
    /// </remarks>
    public void Layer(Span<T> parameters, int weightOffset, int biasOffset, int size, int inputSize, ReadOnlySpan<T> delta, ReadOnlySpan<T> previousSampleMajor, int samples)
    {
        Biases(parameters, biasOffset, size, delta, samples);
        var layer = new LayerPlace(weightOffset, size, inputSize, samples);
        long work = (long)size * inputSize * samples;
        if (typeof(T) == typeof(float) && size >= 2 * RowTile.FullRows && ParallelRows.ShouldSplit(work))
        {
            _worker ??= new TileWork(_caller.Tile.Length);
            _split = layer;
            _splitterThread = Environment.CurrentManagedThreadId;
            ParallelRows.Run(_rowRange, MemoryMarshal.Cast<T, float>(delta), MemoryMarshal.Cast<T, float>(previousSampleMajor), MemoryMarshal.Cast<T, float>(parameters), samples, 1f, size, RowTile.FullRows, work);
            _caller.Checks.Add(_worker.Checks);
            _worker.Checks = default;
            return;
        }

        Rows(parameters, layer, 0, size, delta, previousSampleMajor, _caller);
    }

    /// <summary>Rows <c>[firstRow, endRow)</c> of the layer being split, on whichever thread runs them, with that thread's buffer.</summary>
    private void RowRange(ReadOnlySpan<float> delta, ReadOnlySpan<float> previousSampleMajor, Span<float> parameters, int samples, float alpha, int firstRow, int endRow)
    {
        var work = Environment.CurrentManagedThreadId == _splitterThread ? _caller : _worker!;
        Rows(MemoryMarshal.Cast<float, T>(parameters), _split, firstRow, endRow, MemoryMarshal.Cast<float, T>(delta), MemoryMarshal.Cast<float, T>(previousSampleMajor), work);
    }

    /// <summary>
    /// The weights' step for rows <c>[firstRow, endRow)</c> of <paramref name="layer"/>: whole 12-row tiles from
    /// <paramref name="firstRow"/> on, then, if rows are left before <paramref name="endRow"/> (only at the layer's end),
    /// the edge tiles, panel by panel.
    /// </summary>
    private void Rows(Span<T> parameters, LayerPlace layer, int firstRow, int endRow, ReadOnlySpan<T> delta, ReadOnlySpan<T> previousSampleMajor, TileWork work)
    {
        int inputSize = layer.InputSize;
        int panel = PanelWidth(inputSize);
        for (int column = 0; column < inputSize; column += panel)
        {
            var tile = new TilePlace(layer.WeightOffset + column, inputSize, layer.Samples, column, Math.Min(panel, inputSize - column));
            int row = firstRow;
            for (; row + RowTile.FullRows <= endRow; row += RowTile.FullRows)
            {
                Tile<Rows12>(parameters, tile, row, delta, previousSampleMajor, work);
            }

            int rest = endRow - row;
            if (rest > RowTile.BlockRows)
            {
                EdgeTile((rest + 1) / 2, parameters, tile, row, delta, previousSampleMajor, work);
                EdgeTile(rest / 2, parameters, tile, row + ((rest + 1) / 2), delta, previousSampleMajor, work);
            }
            else if (rest > 0)
            {
                EdgeTile(rest, parameters, tile, row, delta, previousSampleMajor, work);
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
    private void EdgeTile(int rows, Span<T> parameters, TilePlace tile, int row, ReadOnlySpan<T> delta, ReadOnlySpan<T> previousSampleMajor, TileWork work)
    {
        switch (rows)
        {
            case 1: Tile<Rows1>(parameters, tile, row, delta, previousSampleMajor, work); break;
            case 2: Tile<Rows2>(parameters, tile, row, delta, previousSampleMajor, work); break;
            case 3: Tile<Rows3>(parameters, tile, row, delta, previousSampleMajor, work); break;
            case 4: Tile<Rows4>(parameters, tile, row, delta, previousSampleMajor, work); break;
            case 5: Tile<Rows5>(parameters, tile, row, delta, previousSampleMajor, work); break;
            default: Tile<Rows6>(parameters, tile, row, delta, previousSampleMajor, work); break;
        }
    }

    /// <summary>
    /// The step of <typeparamref name="TRows"/> rows from <paramref name="row"/> on, over the panel's columns: the gradient
    /// tile <c>G[r, c] = Σ_s H[row + r, s] · A[s, column + c]</c> in the depth panels of
    /// <see cref="RowTile.DepthPanel{T}"/> (as the generated weight updates sum them, so the sums are the same), then the optimizer's update of those weights.
    /// </summary>
    private void Tile<TRows>(Span<T> parameters, TilePlace tile, int row, ReadOnlySpan<T> delta, ReadOnlySpan<T> previousSampleMajor, TileWork work)
        where TRows : struct, IRowCount
    {
        int rows = TRows.Value;
        int width = tile.Width;
        T[] buffer = work.Tile;
        if (buffer.Length < rows * width)
        {
            throw new ArgumentException($"The tiles of a layer of {tile.InputSize} inputs do not fit the update made for another network.", nameof(tile));
        }

        // The depth panels of the generated weight updates, so the sums are the same.
        int deep = RowTile.DepthPanel<T>();
        for (int k = 0; k < tile.Samples; k += deep)
        {
            int depth = Math.Min(deep, tile.Samples - k);
            RowTile.MultiplyAdd<T, TRows>(delta, (row * tile.Samples) + k, tile.Samples, 1, previousSampleMajor, (k * tile.InputSize) + tile.Column, tile.InputSize, depth, buffer, 0, width, width, T.One, accumulate: k != 0);
        }

        Apply(parameters, tile.WeightOffset + (row * tile.InputSize), tile.InputSize, rows, width, buffer, ref work.Checks);
    }

    /// <summary>Where a panel's tiles are: the weights of its first column in row 0, the row length, the batch, its columns.</summary>
    private readonly record struct TilePlace(int WeightOffset, int InputSize, int Samples, int Column, int Width);

    /// <summary>A layer's weights (row 0 at <see cref="WeightOffset"/>), its rows, its inputs and the batch.</summary>
    private readonly record struct LayerPlace(int WeightOffset, int Size, int InputSize, int Samples);

    /// <summary>What one thread of a step works with: its tile buffer, and what its passes found.</summary>
    private sealed class TileWork(int length)
    {
        public readonly T[] Tile = new T[length];
        public Training.UpdateChecks Checks;
    }

    /// <summary>
    /// The step of a layer's <paramref name="size"/> biases at <paramref name="biasOffset"/>: their gradient
    /// <c>H 1</c> (the row sums of the layer's deltas over <paramref name="samples"/> samples), then the optimizer's update.
    /// </summary>
    private void Biases(Span<T> parameters, int biasOffset, int size, ReadOnlySpan<T> delta, int samples)
    {
        Span<T> sums = _caller.Tile.AsSpan(0, size);
        sums.Clear();
        MatrixKernels.AddScaledRowSums(delta, samples, T.One, sums);
        Apply(parameters, biasOffset, size, 1, size, sums, ref _caller.Checks);
    }

    /// <summary>
    /// The optimizer's update of <paramref name="rows"/> rows of <paramref name="width"/> parameters, row r at
    /// <c>offset + r·stride</c>, from the raw gradient (row r at <c>r·width</c> of <paramref name="gradient"/>), adding what
    /// the pass finds to <paramref name="checks"/>. Called by two threads at once (on disjoint rows) when a layer is split.
    /// </summary>
    private protected abstract void Apply(Span<T> parameters, int offset, int stride, int rows, int width, ReadOnlySpan<T> gradient, ref Training.UpdateChecks checks);
}
