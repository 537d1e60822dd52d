using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetCompiler.Generator.Model;

/// <summary>
/// Every choice the emitter makes for one network, made once from its <see cref="NetworkSpec"/>: the parameter layout,
/// the form each layer's per-sample passes take, whether the forward pass runs in registers, the row tiles and cache
/// panels of the batched products, which products two cores may share, and the scratch layout. A plain equatable
/// value; the emitter prints it and decides nothing.
/// </summary>
internal sealed partial record NetworkPlan(
    NetworkSpec Spec,
    EquatableArray<LayerPlan> Layers,
    int ParameterCount,
    bool ForwardInRegisters,
    EquatableArray<int> MergeWidths,
    bool BatchOutputLayer,
    EquatableArray<ScratchSlice> ForwardScratch,
    EquatableArray<ScratchSlice> LossScratch,
    EquatableArray<ScratchSlice> BackpropagationScratch,
    EquatableArray<ScratchSlice> ForwardBatchScratch,
    EquatableArray<ScratchSlice> TrainBatchScratch)
{
    /// <summary>Per-sample kernels whose scratch fits in this many floats use <c>stackalloc</c>; larger ones rent from the pool. The runtime's <c>ScratchBuffer.StackallocLimit</c>, which its per-sample loops use (a test keeps the two equal).</summary>
    public const int StackallocLimit = 4096;

    /// <summary>Vector512 lanes: the widest layer the in-register forward pass holds in one register.</summary>
    public const int RegisterLanes = 16;

    /// <summary>
    /// Depth of a cache panel of the batched products on the narrow paths (the runtime's <c>RowTile.PackDepth</c>): a row
    /// tile's slice of the left-hand matrix (12 × 128 values) stays in L1 while it crosses the panel. The generated loops
    /// take the depth from <c>RowTile.DepthPanel</c> (twice this for floats with AVX-512); this one decides whether a
    /// product has depth panels at all.
    /// </summary>
    public const int DepthPanel = 128;

    /// <summary>
    /// Columns of a cache panel: four of the widest register blocks (<c>RowTile.WideColumns</c>, 64 floats), so each row
    /// tile reuses its slice of W across 256 columns, and the right-hand panel (at most 128 × 256 floats, 128 KB) stays in
    /// L2. Narrower panels (64) kept the right-hand panel in L1 but streamed all of W once per 64 columns, which cost
    /// 1024-2048-2048-10 (25 MB of weights) 10–14 points of the peak (docs/design/kernels.md, "Cache panels").
    /// </summary>
    public const int ColumnPanel = 256;

    /// <summary>Samples in a tile of the batched forward pass (<c>BatchLayout.TileSamples</c> in the runtime).</summary>
    public const int TileSamples = 64;

    /// <summary>Side of the runtime's transpose block: the split input transpose hands out multiples of it.</summary>
    public const int TransposeBlock = 8;

    public LayerPlan Output => Layers[Layers.Count - 1];

    /// <summary>The C# keyword of the element type, <c>float</c> or <c>double</c>.</summary>
    public string Element => Spec.Element;

    /// <summary>Whether the network computes in double precision.</summary>
    public bool IsDouble => Spec.Precision == PrecisionKind.Double;

    /// <summary>A read-only span of the element type.</summary>
    public string ReadOnlySpan => $"global::System.ReadOnlySpan<{Element}>";

    /// <summary>A span of the element type.</summary>
    public string Span => $"global::System.Span<{Element}>";

    /// <summary>The class of the element type's math functions: <c>global::System.MathF</c> or <c>global::System.Math</c>.</summary>
    public string MathClass => IsDouble ? "global::System.Math" : "global::System.MathF";

    /// <summary>An integer literal of the element type: <c>1f</c> or <c>1d</c>.</summary>
    public string Literal(int value) => value.ToString(CultureInfo.InvariantCulture) + (IsDouble ? "d" : "f");

    /// <summary>Whether a <c>[Dropout]</c> follows any layer: then the network also gets the training pass with dropout.</summary>
    public bool HasDropout => Layers.Any(layer => layer.Dropout > 0f);

    public int InputSize => Spec.InputSize;

    /// <summary>Floats of the per-sample forward pass's scratch (z and a of every layer).</summary>
    public int ForwardScratchLength => ScratchSlice.Total(LossScratch, samples: 1);

    /// <summary>Floats of the per-sample backward pass's scratch (z, a and δ of every layer).</summary>
    public int BackpropagationScratchLength => ScratchSlice.Total(BackpropagationScratch, samples: 1);

    /// <summary>Floats per sample of the batched forward pass's scratch (one tile of samples at a time).</summary>
    public int ForwardBatchScratchPerSample => ForwardBatchScratch.Sum(slice => slice.PerSample);

    /// <summary>Floats per sample of the batched training pass's scratch.</summary>
    public int TrainBatchScratchPerSample => TrainBatchScratch.Sum(slice => slice.PerSample);

    /// <summary>Floats of the batched training pass's scratch that do not grow with the batch.</summary>
    public int TrainBatchScratchPerBatch => TrainBatchScratch.Sum(slice => slice.Fixed);

    /// <summary>Whether the input transpose of the batched kernels is split between two cores: exactly when layer 1's product can be.</summary>
    public bool InputPassSplits => Layers[0].Splits;

    /// <summary>
    /// Whether <c>ForwardBatch</c> computes the first layer straight from the sample-major inputs (the runtime's
    /// <c>InputProduct</c>, on AVX-512 machines): float networks whose inputs fill at least one 512-bit vector.
    /// </summary>
    public bool ForwardsFromInputs => !IsDouble && Spec.InputSize >= 16;

    public static NetworkPlan For(NetworkSpec spec)
    {
        // The two-core row split and the in-register forward pass are written for floats; a double network runs on one core.
        bool single = spec.Precision == PrecisionKind.Single;
        bool twoCores = single;
        var layers = new List<LayerPlan>();
        int offset = 0;
        int previous = spec.InputSize;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var layer = new LayerPlan(
                i + 1,
                previous,
                spec.Layers[i].Size,
                spec.Layers[i].Activation,
                offset,
                RowTiles.For(spec.Layers[i].Size, twoCores),
                i == 0 ? null : RowTiles.For(previous, twoCores),
                spec.Layers[i].Dropout);
            layers.Add(layer);
            offset += layer.ParameterCount;
            previous = layer.Size;
        }

        var output = layers[layers.Count - 1];
        bool batchOutputLayer = spec.Loss == LossKind.CrossEntropy && output.Activation == ActivationKind.Softmax;
        bool inRegisters = single && offset >= RegisterLanes && layers.All(layer =>
            layer.Size <= RegisterLanes
            && layer.InputSize is 1 or 2 or 4 or 8 or 16
            && ActivationCatalog.Of(layer.Activation) is { InRegisters: true } definition
            && (!definition.OutputOnly || layer.Number == layers.Count));
        var mergeWidths = inRegisters
            ? layers.SelectMany(layer => new[] { 16, 8, 4, 2 }.Where(width => width <= layer.InputSize)).Distinct().OrderByDescending(width => width)
            : Enumerable.Empty<int>();

        return new NetworkPlan(
            spec,
            new EquatableArray<LayerPlan>(layers),
            offset,
            inRegisters,
            new EquatableArray<int>(mergeWidths),
            batchOutputLayer,
            SampleScratch(layers, outputInScratch: false, deltas: false),
            SampleScratch(layers, outputInScratch: true, deltas: false),
            SampleScratch(layers, outputInScratch: true, deltas: true),
            ForwardBatchSlices(spec.InputSize, layers),
            TrainBatchSlices(spec.InputSize, layers, batchOutputLayer));
    }

    /// <summary>z and a of every layer (the last a only when it is not the caller's output), then δ of every layer.</summary>
    private static EquatableArray<ScratchSlice> SampleScratch(List<LayerPlan> layers, bool outputInScratch, bool deltas)
    {
        var slices = new ScratchBuilder();
        foreach (var layer in layers)
        {
            slices.Add(layer.Z, fixedLength: layer.Size);
            if (outputInScratch || layer.Number < layers.Count)
            {
                slices.Add(layer.A, fixedLength: layer.Size);
            }
        }

        if (deltas)
        {
            foreach (var layer in layers)
            {
                slices.Add(layer.Delta, fixedLength: layer.Size);
            }
        }

        return slices.ToArray();
    }

    /// <summary>A0 (the tile's inputs, feature-major), then Z_l of every layer, each activated in place.</summary>
    private static EquatableArray<ScratchSlice> ForwardBatchSlices(int inputSize, List<LayerPlan> layers)
    {
        var slices = new ScratchBuilder();
        slices.Add("a0", perSample: inputSize);
        foreach (var layer in layers)
        {
            slices.Add(layer.Z, perSample: layer.Size);
        }

        return slices.ToArray();
    }

    /// <summary>
    /// A0, then for every layer Z_l, A_l, H_l (its deltas) and, below the output, A_l sample-major (the operand of the
    /// next layer's weight update) and, after a <c>[Dropout]</c>, the dropped activation D_l; then the output layer's workspace: the targets feature-major and the losses when
    /// BP1 runs for the whole batch, or one sample's z, a and δ when it runs per sample.
    /// </summary>
    private static EquatableArray<ScratchSlice> TrainBatchSlices(int inputSize, List<LayerPlan> layers, bool batchOutputLayer)
    {
        var slices = new ScratchBuilder();
        slices.Add("a0", perSample: inputSize);
        foreach (var layer in layers)
        {
            slices.Add(layer.Z, perSample: layer.Size);
            slices.Add(layer.A, perSample: layer.Size);
            slices.Add(layer.H, perSample: layer.Size);
            if (layer.Number < layers.Count)
            {
                slices.Add(layer.A + "SampleMajor", perSample: layer.Size);
            }

            if (layer.Dropout > 0f)
            {
                slices.Add(layer.Dropped, perSample: layer.Size);
            }
        }

        int outputs = layers[layers.Count - 1].Size;
        if (batchOutputLayer)
        {
            slices.Add("targetsFeatureMajor", perSample: outputs);
            slices.Add("losses", perSample: 1);
        }
        else
        {
            slices.Add("outputZ", fixedLength: outputs);
            slices.Add("outputA", fixedLength: outputs);
            slices.Add("outputDelta", fixedLength: outputs);
        }

        return slices.ToArray();
    }

    private sealed class ScratchBuilder
    {
        private readonly List<ScratchSlice> _slices = [];
        private int _perSample;
        private int _fixed;

        public void Add(string name, int perSample = 0, int fixedLength = 0)
        {
            _slices.Add(new ScratchSlice(name, _perSample, _fixed, perSample, fixedLength));
            _perSample += perSample;
            _fixed += fixedLength;
        }

        public EquatableArray<ScratchSlice> ToArray() => new(_slices);
    }
}

/// <summary>
/// One named buffer of a kernel's scratch: it starts at <c>OffsetPerSample · n + OffsetFixed</c> and holds
/// <c>PerSample · n + Fixed</c> floats, for n samples (n = 1 for the per-sample kernels).
/// </summary>
internal readonly record struct ScratchSlice(string Name, int OffsetPerSample, int OffsetFixed, int PerSample, int Fixed)
{
    public static int Total(EquatableArray<ScratchSlice> slices, int samples) => slices.Sum(slice => (slice.PerSample * samples) + slice.Fixed);
}

/// <summary>
/// How the rows of one batched product are cut into register tiles: full tiles of 12 rows over
/// <c>[0, FullRows)</c>, then the edge tiles, in order, for the rest. Up to 6 rows left are one edge tile; 7 to 11 are
/// two nearly equal ones (8 → 4 + 4 rather than 6 + 2), because a tile of 1–3 rows has too few accumulators to cover
/// the FMA latency.
/// </summary>
internal sealed record RowTiles(int Rows, int FullRows, EquatableArray<int> EdgeTiles, bool TwoCores = true)
{
    /// <summary>Rows of a full tile (<c>RowTile.FullRows</c> in the runtime).</summary>
    public const int FullTile = 12;

    /// <summary>The tallest edge tile that runs as one register block (<c>RowTile.BlockRows</c> in the runtime).</summary>
    public const int BlockRows = 6;

    /// <summary>Whether two threads may share the product's rows: it has at least two full tiles, handed out whole (and the network's products run on two cores).</summary>
    public bool Splits => TwoCores && Rows >= 2 * FullTile;

    public static RowTiles For(int rows, bool twoCores = true)
    {
        int rest = rows % FullTile;
        int[] edges = rest > BlockRows ? [(rest + 1) / 2, rest / 2] : rest > 0 ? [rest] : [];
        return new RowTiles(rows, rows - rest, new EquatableArray<int>(edges), twoCores);
    }
}

/// <summary>The per-sample form of a layer's products.</summary>
internal enum SampleForm
{
    /// <summary><c>W a + b</c>, <c>δ aᵀ</c> and <c>Wᵀ δ</c> written out term by term with constant indices.</summary>
    Unrolled,

    /// <summary>Loops over the runtime's vectorised dot and axpy kernels.</summary>
    Looped,
}

/// <summary>
/// One dense layer: its number (1-based, as in the papers), sizes, activation, place in the parameter buffer, the form
/// of its per-sample products, and the row tiles of its batched forward product (rows = neurons; the weight update
/// uses the same) and of its delta propagation (rows = the layer's inputs; null for layer 1, which propagates nothing).
/// </summary>
internal sealed record LayerPlan(
    int Number,
    int InputSize,
    int Size,
    ActivationKind Activation,
    int WeightOffset,
    RowTiles ForwardTiles,
    RowTiles? PropagateTiles,
    float Dropout = 0f)
{
    /// <summary>Layers with at most this many weights have their per-sample products written out term by term.</summary>
    public const int UnrollThreshold = 64;

    public int WeightCount => Size * InputSize;

    public int BiasOffset => WeightOffset + WeightCount;

    public int ParameterCount => WeightCount + Size;

    public SampleForm Form => WeightCount <= UnrollThreshold ? SampleForm.Unrolled : SampleForm.Looped;

    /// <summary>Whether the forward product, the weight update and the element-wise passes between them may run as row ranges on two cores.</summary>
    public bool Splits => ForwardTiles.Splits;

    /// <summary>Whether the batched forward product runs over the depth (the layer's inputs) in cache panels.</summary>
    public bool ForwardPanels => InputSize > NetworkPlan.DepthPanel;

    /// <summary>Whether the delta propagation runs over the depth (the layer's neurons) in cache panels.</summary>
    public bool PropagatePanels => Size > NetworkPlan.DepthPanel;

    /// <summary>The prefix of this layer's constants, e.g. <c>Layer2</c>.</summary>
    public string Prefix => "Layer" + N;

    public string SizeConstant => Prefix + "Size";

    public string InputSizeConstant => Prefix + "InputSize";

    public string WeightOffsetConstant => Prefix + "WeightOffset";

    public string WeightCountConstant => Prefix + "WeightCount";

    public string BiasOffsetConstant => Prefix + "BiasOffset";

    /// <summary>The layer number as text.</summary>
    public string N => Number.ToString(CultureInfo.InvariantCulture);

    /// <summary>Names of this layer's buffers in generated code: <c>z2</c>, <c>a2</c>, <c>delta2</c>, and <c>h2</c> for a batch's deltas.</summary>
    public string Z => "z" + N;

    public string A => "a" + N;

    public string Delta => "delta" + N;

    public string H => "h" + N;

    /// <summary>The activation after this layer's dropout, <c>dropped2</c> (<c>ã2</c>), in the training pass with dropout.</summary>
    public string Dropped => "dropped" + N;

    /// <summary>The constant holding this layer's dropout rate, <c>Layer2Dropout</c>.</summary>
    public string DropoutConstant => Prefix + "Dropout";
}
