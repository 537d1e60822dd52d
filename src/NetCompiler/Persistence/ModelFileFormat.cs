using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace NetCompiler.Persistence;

/// <summary>
/// The NetCompiler model file format. Version 2 (below) adds to version 1 a dropout rate per layer and an optional
/// standardiser; a model that has neither is still written as version 1, which every reader reads. Version 1: a
/// header that describes the topology, protected by
/// its own CRC-32, then the parameters as little-endian float32, protected by a second CRC-32.
/// Every integer is little-endian; <c>L</c> is the layer count, <c>N</c> the name's length in bytes,
/// <c>P</c> the parameter count. The file is <c>40 + 8L + N + 4P</c> bytes long.
/// <list type="table">
/// <listheader><term>offset (bytes)</term><description>field</description></listheader>
/// <item><term>0</term><description>signature, 8 bytes: <c>4E 43 4E 45 54 0D 0A 1A</c> (<c>"NCNET\r\n"</c> and Ctrl-Z).</description></item>
/// <item><term>8</term><description>format version, uint32: 1.</description></item>
/// <item><term>12</term><description>input size, int32 (&gt; 0).</description></item>
/// <item><term>16</term><description>loss, int32: the value of <see cref="Loss"/>.</description></item>
/// <item><term>20</term><description>layer count <c>L</c>, int32 (1 to <see cref="MaxLayerCount"/>).</description></item>
/// <item><term>24 + 8i</term><description>layer <c>i + 1</c>: size, int32 (&gt; 0), then activation, int32: the value of <see cref="Activation"/>.</description></item>
/// <item><term>24 + 8L</term><description>name length <c>N</c>, int32 (0 to <see cref="MaxNameBytes"/>).</description></item>
/// <item><term>28 + 8L</term><description>name, <c>N</c> bytes of UTF-8: the class that saved the file. Informational: loading does not compare it.</description></item>
/// <item><term>28 + 8L + N</term><description>parameter count <c>P</c>, int32: must equal the count the layers imply.</description></item>
/// <item><term>32 + 8L + N</term><description>header checksum, uint32: CRC-32 of bytes <c>0</c> to <c>31 + 8L + N</c>.</description></item>
/// <item><term>36 + 8L + N</term><description>parameters, <c>P</c> IEEE-754 float32 values, little-endian, in the layout of <see cref="INeuralNetwork{TSelf, T}.Parameters"/>
/// (for each layer its weights <c>[out, in]</c> row-major, then its biases). Stored bit for bit, including -0, subnormals, infinities and NaN payloads.</description></item>
/// <item><term>36 + 8L + N + 4P</term><description>parameter checksum, uint32: CRC-32 of the <c>4P</c> parameter bytes.</description></item>
/// </list>
/// The CRC-32 is the one of zlib and PNG (<see cref="Crc32"/>). A reader checks, in this order: the
/// signature, the version, the bounds of <c>L</c> and <c>N</c>, the header checksum, the values
/// (positive sizes, known enum values, <c>P</c> consistent with the layers), the topology against the
/// network, that the data holds all <c>4P + 4</c> remaining bytes (when the stream knows its length),
/// and the parameter checksum. Version 2 differs in three places: each layer record is 12 bytes (size, activation,
/// then the dropout rate after the layer as float32, 0 for none); after the name comes the standardiser's feature
/// count <c>S</c> (int32, 0 or the input size) before <c>P</c>; and after the header checksum come, when <c>S</c> &gt; 0,
/// the <c>S</c> means, the <c>S</c> standard deviations (float32) and their CRC-32. Version 3 is version 2 with the
/// parameters' element size (int32: 4 for float32, 8 for float64) after <c>S</c>; it is written for double networks only, so a
/// float model's file is what it always was. See <c>src/NetCompiler/Persistence/FORMAT.md</c>.
/// </summary>
internal static class ModelFileFormat
{
    /// <summary>The newest format version this library writes and reads: version 3, which records the parameters' element type.</summary>
    public const uint CurrentVersion = 3;

    /// <summary>The version written for a float model with dropout or a standardiser.</summary>
    public const uint StandardizerVersion = 2;

    /// <summary>The size in bytes of a float32 parameter, the element type of every file before version 3.</summary>
    public const int SingleBytes = 4;

    /// <summary>The size in bytes of a float64 parameter (a double network's).</summary>
    public const int DoubleBytes = 8;

    /// <summary>The version written for a model without dropout or standardiser, readable by every NetCompiler.</summary>
    public const uint PlainVersion = 1;

    /// <summary>The most layers a file may declare.</summary>
    public const int MaxLayerCount = 4096;

    /// <summary>The longest name, in UTF-8 bytes, a file may carry.</summary>
    public const int MaxNameBytes = 4096;

    /// <summary>The size of the fixed fields: signature, version, input size, loss, layer count, name length, parameter count, two checksums.</summary>
    public const int FixedBytes = 40;

    /// <summary>The signature's bytes, as hex, for messages.</summary>
    private const string SignatureHex = "4E 43 4E 45 54 0D 0A 1A";

    /// <summary>Parameters are written in pieces of this many bytes.</summary>
    private const int WriteChunkBytes = 64 * 1024;

    /// <summary>The 8-byte signature every model file starts with: <c>"NCNET\r\n"</c> and Ctrl-Z, like PNG's, so a text-mode transfer that rewrites line ends is detected.</summary>
    public static ReadOnlySpan<byte> Signature => [0x4E, 0x43, 0x4E, 0x45, 0x54, 0x0D, 0x0A, 0x1A];

    /// <summary>
    /// Writes the whole model: header, the standardiser's statistics when there are any (<paramref name="mean"/> and
    /// <paramref name="stdDev"/>, one per input, or both empty), parameters (float or double, <typeparamref name="TValue"/>), parameter checksum.
    /// </summary>
    public static void Write<TValue>(Stream stream, NetworkDescription description, ReadOnlySpan<TValue> parameters, ReadOnlySpan<float> mean = default, ReadOnlySpan<float> stdDev = default)
        where TValue : unmanaged
    {
        stream.Write(CreateHeader(description, mean.Length, ElementBytes<TValue>()));
        Span<byte> checksumBytes = stackalloc byte[sizeof(uint)];
        if (!mean.IsEmpty)
        {
            uint statistics = WriteSingles(stream, stdDev, WriteSingles(stream, mean));
            BinaryPrimitives.WriteUInt32LittleEndian(checksumBytes, statistics);
            stream.Write(checksumBytes);
        }

        uint checksum = WriteValues(stream, parameters);
        BinaryPrimitives.WriteUInt32LittleEndian(checksumBytes, checksum);
        stream.Write(checksumBytes);
    }

    /// <summary>The version a model needs: 3 for double parameters, else 2 when it has dropout or a standardiser, otherwise 1.</summary>
    public static uint VersionFor(NetworkDescription description, int standardizerFeatures, int elementBytes = SingleBytes) =>
        elementBytes != SingleBytes ? CurrentVersion
        : standardizerFeatures > 0 || description.Layers.Any(l => l.Dropout != 0f) ? StandardizerVersion
        : PlainVersion;

    /// <summary>The element size of parameters of <typeparamref name="TValue"/>: float or double.</summary>
    public static int ElementBytes<TValue>()
        where TValue : unmanaged =>
        typeof(TValue) == typeof(double) ? DoubleBytes
        : typeof(TValue) == typeof(float) ? SingleBytes
        : throw new ArgumentException($"A model file stores float or double parameters, not {typeof(TValue).Name}.", nameof(TValue));

    /// <summary>The element type's name in messages: <c>float32</c> or <c>float64</c>.</summary>
    public static string ElementName(int elementBytes) => elementBytes == DoubleBytes ? "float64 (double)" : "float32 (float)";

    /// <summary>
    /// The header bytes for <paramref name="description"/> (and a standardiser of <paramref name="standardizerFeatures"/> features,
    /// 0 for none, and parameters of <paramref name="elementBytes"/> bytes), its checksum included.
    /// </summary>
    public static byte[] CreateHeader(NetworkDescription description, int standardizerFeatures = 0, int elementBytes = SingleBytes)
    {
        byte[] name = Encoding.UTF8.GetBytes(description.Name ?? string.Empty);
        if (name.Length > MaxNameBytes)
        {
            throw new ArgumentException(
                $"The network's name is {name.Length} bytes of UTF-8; a model file stores at most {MaxNameBytes}.", nameof(description));
        }

        int layerCount = description.Layers.Length;
        if (layerCount > MaxLayerCount)
        {
            throw new ArgumentException(
                $"{description.Name} has {layerCount} layers; a model file stores at most {MaxLayerCount}.", nameof(description));
        }

        uint version = VersionFor(description, standardizerFeatures, elementBytes);
        int layerBytes = LayerRecordBytes(version);
        int standardizerField = version >= 2 ? sizeof(int) : 0;
        int elementField = version >= 3 ? sizeof(int) : 0;
        var header = new byte[FixedBytes - sizeof(uint) + (layerBytes * layerCount) + name.Length + standardizerField + elementField];
        var span = header.AsSpan();
        Signature.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], version);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], description.InputSize);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], (int)description.Loss);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], layerCount);
        int at = 24;
        foreach (var layer in description.Layers)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], layer.Size);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 4)..], (int)layer.Activation);
            if (version >= 2)
            {
                BinaryPrimitives.WriteSingleLittleEndian(span[(at + 8)..], layer.Dropout);
            }

            at += layerBytes;
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[at..], name.Length);
        name.CopyTo(span[(at + 4)..]);
        at += 4 + name.Length;
        if (version >= 2)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], standardizerFeatures);
            at += 4;
        }

        if (version >= 3)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], elementBytes);
            at += 4;
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[at..], description.ParameterCount);
        at += 4;
        BinaryPrimitives.WriteUInt32LittleEndian(span[at..], Crc32.Compute(span[..at]));
        return header;
    }

    /// <summary>
    /// Reads and validates a header: signature, version, bounds, checksum and values. Returns the
    /// topology it describes, named after the class that saved it. Allocates at most a few kilobytes
    /// whatever the data claims. What follows is the standardiser, if any (<see cref="ReadStandardizer"/>), then the parameters.
    /// </summary>
    public static NetworkDescription ReadHeader(ModelReader reader) => ReadHeader(reader, out _);

    /// <summary><see cref="ReadHeader(ModelReader)"/>, also giving the standardiser's feature count (0: none; otherwise the input size).</summary>
    public static NetworkDescription ReadHeader(ModelReader reader, out int standardizerFeatures) =>
        ReadHeader(reader, out standardizerFeatures, out _);

    /// <summary>
    /// <see cref="ReadHeader(ModelReader, out int)"/>, also giving the size of a parameter in bytes: <see cref="SingleBytes"/>
    /// (every file before version 3) or <see cref="DoubleBytes"/>.
    /// </summary>
    public static NetworkDescription ReadHeader(ModelReader reader, out int standardizerFeatures, out int elementBytes)
    {
        reader.RestartChecksum();
        ReadSignature(reader);

        long versionOffset = reader.Offset;
        uint version = reader.ReadUInt32("the format version");
        if (version == 0)
        {
            throw reader.Error($"is corrupted: its format version is 0, which does not exist (this library reads version {CurrentVersion}).", versionOffset);
        }

        if (version > CurrentVersion)
        {
            throw reader.Error(
                $"is a NetCompiler model file of format version {version}, but this version of NetCompiler reads format version {CurrentVersion} and older; update NetCompiler to load it.",
                versionOffset);
        }

        int inputSize = reader.ReadInt32("the input size");
        int loss = reader.ReadInt32("the loss");
        long layerCountOffset = reader.Offset;
        int layerCount = reader.ReadInt32("the layer count");
        if (layerCount is < 1 or > MaxLayerCount)
        {
            throw reader.Error($"is corrupted: its layer count is {layerCount}, but it must be between 1 and {MaxLayerCount}.", layerCountOffset);
        }

        int recordBytes = LayerRecordBytes(version);
        var sizes = new int[layerCount];
        var activations = new int[layerCount];
        var dropouts = new float[layerCount];
        Span<byte> layerBytes = stackalloc byte[recordBytes];
        for (int i = 0; i < layerCount; i++)
        {
            reader.Read(layerBytes, $"layer {i + 1}");
            sizes[i] = BinaryPrimitives.ReadInt32LittleEndian(layerBytes);
            activations[i] = BinaryPrimitives.ReadInt32LittleEndian(layerBytes[4..]);
            dropouts[i] = version >= 2 ? BinaryPrimitives.ReadSingleLittleEndian(layerBytes[8..]) : 0f;
        }

        long nameLengthOffset = reader.Offset;
        int nameLength = reader.ReadInt32("the name length");
        if (nameLength is < 0 or > MaxNameBytes)
        {
            throw reader.Error($"is corrupted: its name length is {nameLength}, but it must be between 0 and {MaxNameBytes} bytes.", nameLengthOffset);
        }

        var nameBytes = new byte[nameLength];
        reader.Read(nameBytes, "the name");
        long standardizerOffset = reader.Offset;
        standardizerFeatures = version >= 2 ? reader.ReadInt32("the standardiser's feature count") : 0;
        long elementOffset = reader.Offset;
        elementBytes = version >= 3 ? reader.ReadInt32("the parameters' element size") : SingleBytes;
        long parameterCountOffset = reader.Offset;
        int parameterCount = reader.ReadInt32("the parameter count");

        uint computed = reader.Checksum;
        long checksumOffset = reader.Offset;
        uint stored = reader.ReadUInt32("the header checksum");
        if (stored != computed)
        {
            throw reader.Error(
                $"is corrupted: the header checksum at byte {checksumOffset} is 0x{stored:X8}, but bytes 0-{checksumOffset - 1} give 0x{computed:X8}.",
                checksumOffset);
        }

        // The header is intact; now its values must make sense.
        if (inputSize < 1)
        {
            throw reader.Error($"is corrupted: its input size is {inputSize}, but it must be positive.", 12);
        }

        if (!Enum.IsDefined((Loss)loss))
        {
            throw reader.Error($"uses loss {loss}, which this version of NetCompiler does not know (it knows {KnownValues<Loss>()}).", 16);
        }

        // Each layer adds (size × previous size) + size < 2^62 parameters, so a 64-bit sum that stops growing once it passes
        // int.MaxValue (the most a NetworkDescription can hold) never wraps: without that stop, four layers of 2^31 - 1 add up
        // to 2^64 - 2^33 and wrap, and a crafted header could make the sum come out equal to a small stored count.
        if (standardizerFeatures != 0 && standardizerFeatures != inputSize)
        {
            throw reader.Error($"is corrupted: its standardiser has {standardizerFeatures} features, but the network has {inputSize} inputs (0 means no standardiser).", standardizerOffset);
        }

        if (elementBytes is not (SingleBytes or DoubleBytes))
        {
            throw reader.Error($"is corrupted: its parameters' element size is {elementBytes} bytes, but it must be {SingleBytes} (float32) or {DoubleBytes} (float64).", elementOffset);
        }

        var layers = new (int Size, Activation Activation, float Dropout)[layerCount];
        long impliedParameterCount = 0;
        bool countExceedsLimit = false;
        int previousSize = inputSize;
        for (int i = 0; i < layerCount; i++)
        {
            long layerOffset = 24 + ((long)recordBytes * i);
            if (sizes[i] < 1)
            {
                throw reader.Error($"is corrupted: layer {i + 1} has size {sizes[i]}, but it must be positive.", layerOffset);
            }

            if (!Enum.IsDefined((Activation)activations[i]))
            {
                throw reader.Error(
                    $"uses activation {activations[i]} in layer {i + 1}, which this version of NetCompiler does not know (it knows {KnownValues<Activation>()}).",
                    layerOffset + 4);
            }

            if (!(dropouts[i] >= 0f && dropouts[i] < 1f) || (dropouts[i] != 0f && i == layerCount - 1))
            {
                throw reader.Error(
                    $"is corrupted: layer {i + 1} has dropout rate {dropouts[i]}, but a rate is in [0, 1) and the output layer has none.",
                    layerOffset + 8);
            }

            layers[i] = (sizes[i], (Activation)activations[i], dropouts[i]);
            if (!countExceedsLimit)
            {
                impliedParameterCount += ((long)sizes[i] * previousSize) + sizes[i];
                countExceedsLimit = impliedParameterCount > int.MaxValue && i < layerCount - 1;
            }

            previousSize = sizes[i];
        }

        if (countExceedsLimit || impliedParameterCount != parameterCount)
        {
            string implied = countExceedsLimit ? $"more than {int.MaxValue}" : $"{impliedParameterCount}";
            throw reader.Error(
                $"is corrupted: its header says {parameterCount} parameters, but its layers ({inputSize} → {string.Join(" → ", layers.Select(l => $"{l.Size} {l.Activation}"))}) have {implied}.",
                parameterCountOffset);
        }

        return new NetworkDescription(Encoding.UTF8.GetString(nameBytes), inputSize, (Loss)loss, layers);
    }

    /// <summary>
    /// Reads the standardiser's <paramref name="features"/> means and standard deviations and their checksum (nothing when
    /// <paramref name="features"/> is 0, then null), and checks that they are finite and the deviations not negative.
    /// </summary>
    public static (float[] Mean, float[] StdDev)? ReadStandardizer(ModelReader reader, int features)
    {
        if (features == 0)
        {
            return null;
        }

        reader.RequireAvailable((8L * features) + sizeof(uint), "the standardiser's statistics and their checksum");
        long start = reader.Offset;
        reader.RestartChecksum();
        float[] mean = new float[features];
        float[] stdDev = new float[features];
        reader.ReadSingles(mean, $"the standardiser's {features} means");
        reader.ReadSingles(stdDev, $"the standardiser's {features} standard deviations");
        uint computed = reader.Checksum;
        long checksumOffset = reader.Offset;
        uint stored = reader.ReadUInt32("the standardiser's checksum");
        if (stored != computed)
        {
            throw reader.Error(
                $"is corrupted: the standardiser's checksum at byte {checksumOffset} is 0x{stored:X8}, but its statistics at bytes {start}-{checksumOffset - 1} give 0x{computed:X8}.",
                checksumOffset);
        }

        for (int i = 0; i < features; i++)
        {
            if (IsNotFinite(mean[i]) || IsNotFinite(stdDev[i]) || stdDev[i] < 0f)
            {
                throw reader.Error(
                    $"holds an invalid standardiser: feature {i} has mean {mean[i]} and standard deviation {stdDev[i]} (both must be finite, the deviation not negative).",
                    start + (4L * i));
            }
        }

        return (mean, stdDev);
    }

    /// <summary>
    /// Throws unless the file's topology is the network's, listing every difference, e.g.
    /// <c>layer 2 size: file 8, network 3</c> and <c>loss: file MeanSquaredError, network CrossEntropy</c>.
    /// </summary>
    public static void RequireSameTopology(NetworkDescription file, NetworkDescription network, ModelReader reader)
    {
        var differences = new List<string>();
        if (file.InputSize != network.InputSize)
        {
            differences.Add($"input size: file {file.InputSize}, network {network.InputSize}");
        }

        if (file.Layers.Length != network.Layers.Length)
        {
            differences.Add($"layer count: file {file.Layers.Length}, network {network.Layers.Length}");
        }

        for (int i = 0; i < Math.Min(file.Layers.Length, network.Layers.Length); i++)
        {
            var (inFile, inNetwork) = (file.Layers[i], network.Layers[i]);
            if (inFile.Size != inNetwork.Size)
            {
                differences.Add($"layer {i + 1} size: file {inFile.Size}, network {inNetwork.Size}");
            }

            if (inFile.Activation != inNetwork.Activation)
            {
                differences.Add($"layer {i + 1} activation: file {inFile.Activation}, network {inNetwork.Activation}");
            }
        }

        if (file.Loss != network.Loss)
        {
            differences.Add($"loss: file {file.Loss}, network {network.Loss}");
        }

        if (differences.Count > 0)
        {
            string savedBy = file.Name.Length > 0 ? $" (saved from {file.Name})" : string.Empty;
            throw reader.Error(
                $"holds a model whose topology differs from {network.Name}'s:\n  {string.Join("\n  ", differences)}\n" +
                $"File{savedBy}: {file}.\nNetwork {network.Name}: {network}.",
                offset: null);
        }
    }

    /// <summary>
    /// Throws unless the file's parameters (<paramref name="elementBytes"/> each) are of the network's element type
    /// <typeparamref name="TValue"/>, naming both: a float network does not load a double file, nor the reverse.
    /// </summary>
    public static void RequireElementType<TValue>(int elementBytes, NetworkDescription network, ModelReader reader)
        where TValue : unmanaged
    {
        int networkBytes = ElementBytes<TValue>();
        if (elementBytes != networkBytes)
        {
            throw reader.Error(
                $"holds {ElementName(elementBytes)} parameters, but {network.Name} is a {ElementName(networkBytes)} network; load it into a network declared with " +
                $"Precision = Precision.{(elementBytes == DoubleBytes ? "Double" : "Single")}, or save it again from one of {ElementName(networkBytes)}.",
                offset: null);
        }
    }

    /// <summary>
    /// Reads the parameters and their checksum into a new array after checking, when the stream knows
    /// its length, that they are all there. The header has been validated against the network, so the
    /// array is never larger than the network's own parameters.
    /// </summary>
    public static float[] ReadParameters(ModelReader reader, int parameterCount) => ReadParameters<float>(reader, parameterCount);

    /// <summary><see cref="ReadParameters(ModelReader, int)"/> for parameters of <typeparamref name="TValue"/> (float or double), as the header declared.</summary>
    public static TValue[] ReadParameters<TValue>(ModelReader reader, int parameterCount)
        where TValue : unmanaged
    {
        int elementBytes = ElementBytes<TValue>();
        reader.RequireAvailable(((long)elementBytes * parameterCount) + sizeof(uint), "the parameters and their checksum");
        TValue[] parameters = GC.AllocateUninitializedArray<TValue>(parameterCount);
        long start = reader.Offset;
        reader.RestartChecksum();
        reader.ReadValues<TValue>(parameters, $"the {parameterCount} parameters");
        uint computed = reader.Checksum;
        long checksumOffset = reader.Offset;
        uint stored = reader.ReadUInt32("the parameter checksum");
        if (stored != computed)
        {
            throw reader.Error(
                $"is corrupted: the parameter checksum at byte {checksumOffset} is 0x{stored:X8}, but the parameters at bytes {start}-{checksumOffset - 1} give 0x{computed:X8}.",
                checksumOffset);
        }

        return parameters;
    }

    /// <summary>True for NaN and ±∞ (<c>float.IsFinite</c> is not in netstandard2.0, where the generator compiles this file).</summary>
    private static bool IsNotFinite(float value) => float.IsNaN(value) || float.IsInfinity(value);

    /// <summary>The bytes of one layer record: size and activation (8), and from version 2 the dropout rate (12).</summary>
    private static int LayerRecordBytes(uint version) => version >= 2 ? 12 : 8;

    private static void ReadSignature(ModelReader reader)
    {
        Span<byte> signature = stackalloc byte[8];
        int read = reader.ReadAvailable(signature);
        if (read == 0)
        {
            throw reader.Error($"is empty; a NetCompiler model file starts with the signature {SignatureHex} (\"NCNET\").", 0);
        }

        if (!signature[..read].SequenceEqual(Signature[..read]))
        {
            throw reader.Error(
                $"is not a NetCompiler model file: it starts with {Describe(signature[..read])}, not the signature {SignatureHex} (\"NCNET\").",
                0);
        }

        if (read < signature.Length)
        {
            throw reader.Error(
                $"is truncated: expected the signature at bytes 0-7 (8 bytes), but the data ends at byte {read}.", read);
        }
    }

    /// <summary>Bytes as hex, followed by their printable ASCII form, e.g. <c>89 50 4E 47 0D 0A 1A 0A (".PNG....")</c>.</summary>
    private static string Describe(ReadOnlySpan<byte> bytes)
    {
        var hex = new StringBuilder();
        var text = new StringBuilder();
        foreach (byte b in bytes)
        {
            hex.Append(hex.Length > 0 ? " " : string.Empty).Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        }

        return $"{hex} (\"{text}\")";
    }

    private static string KnownValues<TEnum>()
        where TEnum : struct, Enum =>
        string.Join(", ", Enum.GetValues<TEnum>().Select(v => $"{v} = {Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)}"));

    /// <summary>Writes the floats little-endian through a pooled buffer, a piece at a time, and returns their CRC-32 (continuing <paramref name="checksum"/>).</summary>
    private static uint WriteSingles(Stream stream, ReadOnlySpan<float> values, uint checksum = 0) => WriteValues(stream, values, checksum);

    /// <summary>Writes float or double values little-endian through a pooled buffer, a piece at a time, and returns their CRC-32 (continuing <paramref name="checksum"/>).</summary>
    private static uint WriteValues<TValue>(Stream stream, ReadOnlySpan<TValue> values, uint checksum = 0)
        where TValue : unmanaged
    {
        int elementBytes = ElementBytes<TValue>();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(WriteChunkBytes);
        int chunk = WriteChunkBytes / elementBytes;
        try
        {
            for (int start = 0; start < values.Length; start += chunk)
            {
                var piece = values.Slice(start, Math.Min(chunk, values.Length - start));
                var bytes = buffer.AsSpan(0, piece.Length * elementBytes);
                MemoryMarshal.AsBytes(piece).CopyTo(bytes);
                if (!BitConverter.IsLittleEndian)
                {
                    if (elementBytes == DoubleBytes)
                    {
                        var bits = MemoryMarshal.Cast<byte, long>(bytes);
                        BinaryPrimitives.ReverseEndianness(bits, bits);
                    }
                    else
                    {
                        var bits = MemoryMarshal.Cast<byte, int>(bytes);
                        BinaryPrimitives.ReverseEndianness(bits, bits);
                    }
                }

                checksum = Crc32.Append(checksum, bytes);
                stream.Write(bytes);
            }

            return checksum;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
