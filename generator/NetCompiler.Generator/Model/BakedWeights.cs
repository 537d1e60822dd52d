namespace NetCompiler.Generator.Model;

/// <summary>How a weights file is read: chosen by its extension (<c>.onnx</c> is ONNX, any other name a NetCompiler model file).</summary>
internal enum WeightsFormat
{
    /// <summary>A NetCompiler model file (<c>.ncnet</c>, written by <c>ModelFile.Save</c>).</summary>
    ModelFile,

    /// <summary>An ONNX model of a chain of dense layers (as <c>OnnxImporter</c> reads).</summary>
    Onnx,
}

/// <summary>
/// What <c>[Network(Weights = "...")]</c> asks for: the file name as written, where it is written (for
/// diagnostics), and whether an ONNX file ending in logits may bake into a Softmax or Sigmoid output layer
/// (<c>AcceptLogits = true</c>). It travels beside the <see cref="NetworkSpec"/>, because its location changes with every edit.
/// </summary>
internal sealed record WeightsReference(string FileName, LocationInfo? Location, bool AcceptLogits = false);

/// <summary>One dense layer as a weights file describes it.</summary>
/// <param name="Size">The number of neurons.</param>
/// <param name="Activation">The activation, or null when an ONNX model computes none NetCompiler has.</param>
/// <param name="ActivationDescription">How messages name the activation (for ONNX, the nodes, e.g. <c>LeakyRelu(alpha=0.02)</c>).</param>
internal sealed record WeightsFileLayer(int Size, ActivationKind? Activation, string ActivationDescription);

/// <summary>The topology a weights file describes.</summary>
/// <param name="InputSize">The number of inputs.</param>
/// <param name="Loss">The loss it was trained with; null for ONNX, which records none.</param>
/// <param name="Layers">The dense layers, input side first.</param>
/// <param name="Origin">Where the file comes from, for the generated documentation, e.g. <c>saved from IrisNet</c>.</param>
internal sealed record WeightsFileTopology(int InputSize, LossKind? Loss, EquatableArray<WeightsFileLayer> Layers, string Origin);

/// <summary>
/// One weights file read from an <c>AdditionalFiles</c> item, independent of the networks that name it: its
/// topology and parameters, or why it could not be read. Plain values only, so the pipeline caches it.
/// </summary>
/// <param name="Path">The item's path, as the compiler was given it.</param>
/// <param name="Format">How the file was read.</param>
/// <param name="Error">Why the file cannot be used (the reader's message, naming the byte offset where it has one), or null.</param>
/// <param name="Topology">The topology the file describes; null when <paramref name="Error"/> is set or side files are still to be read.</param>
/// <param name="ParameterBits">The parameters' IEEE-754 bit patterns in NetCompiler's layout (per layer, W[out, in] row-major, then b): one 32-bit word per float32 parameter, two (low word first) per float64 one.</param>
/// <param name="Checksum">The CRC-32 of the parameters as little-endian bytes (for a model file, the checksum it stores).</param>
/// <param name="SideFiles">The side files (external data) an ONNX model keeps its weights in, as locations relative to it; empty for none.</param>
/// <param name="PendingModel">The bytes of an ONNX model that waits for its <paramref name="SideFiles"/>; empty otherwise.</param>
/// <param name="MissingSideFile">A side file that is not an AdditionalFiles item (NC0021), or null.</param>
/// <param name="StandardizedFeatures">How many input features the file standardises: an ONNX graph before its first dense layer (NC0029, not baked), a model file in its standardizer block (NC0023, baked without it); 0 for none.</param>
/// <param name="ElementBytes">The size of a parameter in the file: 4 (float32) or 8 (float64: a double network's model file, or a DOUBLE ONNX model).</param>
internal sealed record WeightsFile(
    string Path,
    WeightsFormat Format,
    string? Error,
    WeightsFileTopology? Topology,
    EquatableArray<uint> ParameterBits,
    uint Checksum,
    EquatableArray<string> SideFiles = default,
    EquatableArray<byte> PendingModel = default,
    string? MissingSideFile = null,
    int StandardizedFeatures = 0,
    int ElementBytes = 4)
{
    public static WeightsFile Failed(string path, WeightsFormat format, string error) =>
        new(path, format, error, null, EquatableArray<uint>.Empty, 0);

    /// <summary>An ONNX model whose weights are in <paramref name="sideFiles"/>, read once those AdditionalFiles items are.</summary>
    public static WeightsFile AwaitingSideFiles(string path, IEnumerable<string> sideFiles, byte[] model) =>
        new(path, WeightsFormat.Onnx, null, null, EquatableArray<uint>.Empty, 0, new EquatableArray<string>(sideFiles), new EquatableArray<byte>(model));

    /// <summary>An ONNX model that standardises its <paramref name="features"/> input features before the first dense layer (NC0029).</summary>
    public static WeightsFile Standardized(string path, int features) =>
        new(path, WeightsFormat.Onnx, null, null, EquatableArray<uint>.Empty, 0, StandardizedFeatures: features);

    /// <summary>Compares the checksums before the parameters, so two different files rarely cost a full comparison.</summary>
    public bool Equals(WeightsFile? other) =>
        other is not null
        && Checksum == other.Checksum
        && Path == other.Path
        && Format == other.Format
        && Error == other.Error
        && MissingSideFile == other.MissingSideFile
        && StandardizedFeatures == other.StandardizedFeatures
        && ElementBytes == other.ElementBytes
        && Equals(Topology, other.Topology)
        && SideFiles.Equals(other.SideFiles)
        && ParameterBits.Equals(other.ParameterBits)
        && PendingModel.Equals(other.PendingModel);

    /// <summary>Hashes the checksum rather than every parameter.</summary>
    public override int GetHashCode() => unchecked(((int)Checksum * 31) + Path.GetHashCode());
}

/// <summary>A side file (ONNX external data) read from an <c>AdditionalFiles</c> item: its bytes, or why it cannot be read.</summary>
/// <param name="Path">The item's path, as the compiler was given it.</param>
/// <param name="Bytes">The file's content; empty when <paramref name="Error"/> is set.</param>
/// <param name="Error">Why the file cannot be read, or null.</param>
internal sealed record SideFile(string Path, EquatableArray<byte> Bytes, string? Error)
{
    /// <summary>Hashes the path and length rather than every byte.</summary>
    public override int GetHashCode() => unchecked((Path.GetHashCode() * 31) + Bytes.Count);
}

/// <summary>
/// The parameters a network bakes in, checked against its topology. Part of the <see cref="NetworkSpec"/>:
/// a new file content re-emits the network, an unchanged one does not.
/// </summary>
/// <param name="FileName">The file name as written in <c>Weights = "..."</c>.</param>
/// <param name="Format">How the file was read.</param>
/// <param name="Origin">Where the file comes from, e.g. <c>saved from IrisNet</c>.</param>
/// <param name="Checksum">The CRC-32 of the parameters as little-endian bytes.</param>
/// <param name="ParameterBits">The parameters' IEEE-754 bit patterns, one 32-bit word per parameter of a float32 file, two (low word first) per parameter of a float64 one.</param>
/// <param name="ElementBytes">The size of a parameter in the file: 4 (float32) or 8 (float64).</param>
internal sealed record BakedWeights(string FileName, WeightsFormat Format, string Origin, uint Checksum, EquatableArray<uint> ParameterBits, int ElementBytes = 4)
{
    /// <summary>The 32-bit words of <see cref="ParameterBits"/> per parameter: 1 for float32, 2 for float64.</summary>
    public int WordsPerParameter => ElementBytes / 4;

    /// <summary>An ONNX model that standardises its <paramref name="features"/> input features before the first dense layer (NC0029).</summary>
    public static WeightsFile Standardized(string path, int features) =>
        new(path, WeightsFormat.Onnx, null, null, EquatableArray<uint>.Empty, 0, StandardizedFeatures: features);

    /// <summary>Compares the checksums before the parameters.</summary>
    public bool Equals(BakedWeights? other) =>
        other is not null
        && Checksum == other.Checksum
        && FileName == other.FileName
        && Format == other.Format
        && Origin == other.Origin
        && ElementBytes == other.ElementBytes
        && ParameterBits.Equals(other.ParameterBits);

    /// <summary>Hashes the checksum rather than every parameter.</summary>
    public override int GetHashCode() => unchecked(((int)Checksum * 31) + FileName.GetHashCode());
}
