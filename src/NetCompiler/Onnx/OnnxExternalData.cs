using System.Globalization;

namespace NetCompiler.Onnx;

/// <summary>The side files a model's external data may name, found relative to the model (a folder on disk, or the generator's AdditionalFiles).</summary>
internal abstract class OnnxSideFiles
{
    /// <summary>The length in bytes of the side file at <paramref name="location"/> (already checked to stay in the model's folder); throws <see cref="InvalidDataException"/> when there is none.</summary>
    public abstract long LengthOf(string location);

    /// <summary>Fills <paramref name="destination"/> from the side file at <paramref name="location"/>, starting at byte <paramref name="offset"/> (the range is inside the file).</summary>
    public abstract void Read(string location, long offset, byte[] destination);
}

/// <summary>
/// Reads the values of tensors stored in side files (TensorProto <c>data_location = EXTERNAL</c> with the
/// <c>external_data</c> entries <c>location</c>, <c>offset</c> and <c>length</c>), as the dynamo exporter writes large
/// models. A location is a path relative to the model's folder; one that is absolute or leaves the folder, and a range
/// outside the side file, are refused, so a model file cannot make the importer read anywhere else.
/// </summary>
internal static class OnnxExternalData
{
    /// <summary>The side-file locations the model's initializers name, checked, in order of first use.</summary>
    public static IReadOnlyList<string> Locations(OnnxModel model) =>
        [.. ExternalTensors(model).Select(t => CheckLocation(Entry(t, "location") ?? string.Empty, t.Name)).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Replaces the external values of the model's initializers by their bytes from <paramref name="sideFiles"/>; with no
    /// side files (a model read from a stream) an initializer stored outside the model is refused.
    /// </summary>
    public static void Resolve(OnnxModel model, OnnxSideFiles? sideFiles)
    {
        long total = 0;
        foreach (var tensor in ExternalTensors(model))
        {
            string location = CheckLocation(Entry(tensor, "location") ?? string.Empty, tensor.Name);
            if (sideFiles is null)
            {
                throw Invalid($"The tensor '{tensor.Name}' keeps its values in the side file '{location}', and a model read from a stream has no folder to find it in; load the model from its file with OnnxImporter.Load(net, path).");
            }

            long offset = Number(tensor, "offset") ?? 0;
            long expected = ByteCount(tensor);
            long? length = Number(tensor, "length");
            if (length is long stated && stated != expected)
            {
                throw Invalid($"The tensor '{tensor.Name}' has the dimensions [{string.Join(", ", tensor.Dims)}] ({expected} bytes) but its external data says length = {stated}.");
            }

            long fileLength = sideFiles.LengthOf(location);
            if (offset > fileLength || expected > fileLength - offset)
            {
                throw Invalid($"The tensor '{tensor.Name}' is stored at bytes {offset} to {offset + expected} of the side file '{location}', which has {fileLength} bytes; the range lies outside the side file (is it truncated, or from another export?).");
            }

            total += expected;
            if (total > OnnxSerializer.MaxModelBytes)
            {
                throw Invalid($"The model's external data holds more than {OnnxSerializer.MaxModelBytes} bytes; NetCompiler reads models of at most {OnnxSerializer.MaxModelBytes} bytes (OnnxImporter.MaxModelBytes).");
            }

            var bytes = new byte[expected];
            sideFiles.Read(location, offset, bytes);
            tensor.RawData = bytes;
            tensor.DataLocation = 0;
            tensor.ExternalData.Clear();
        }
    }

    /// <summary>
    /// <paramref name="location"/> as a relative path with '/' separators, or <see cref="InvalidDataException"/> when it is
    /// empty, absolute (a leading slash, a drive or a colon), or has a '..' segment (which could leave the model's folder).
    /// </summary>
    public static string CheckLocation(string location, string tensor)
    {
        if (location.Length == 0)
        {
            throw Invalid($"The tensor '{tensor}' is stored externally but names no location (the external_data entry 'location' is missing).");
        }

        string normalized = location.Replace('\\', '/');
        if (normalized[0] == '/' || normalized.IndexOf(':') >= 0 || normalized.IndexOf('\0') >= 0)
        {
            throw Invalid($"The tensor '{tensor}' is stored in '{location}', an absolute location; external data must be a path relative to the model's folder, so a model cannot make the importer read anywhere else.");
        }

        var segments = normalized.Split('/').Where(s => s.Length > 0 && s != ".").ToList();
        if (segments.Contains("..") || segments.Count == 0)
        {
            throw Invalid($"The tensor '{tensor}' is stored in '{location}', which leaves the model's folder; external data must be a path inside the model's folder, so a model cannot make the importer read anywhere else.");
        }

        return string.Join("/", segments);
    }

    private static IEnumerable<OnnxTensor> ExternalTensors(OnnxModel model) => model.Graph?.Initializers.Where(t => t.IsExternal) ?? [];

    private static string? Entry(OnnxTensor tensor, string key) =>
        tensor.ExternalData.LastOrDefault(e => e.Key == key) is { Key: not null } entry ? entry.Value : null;

    private static long? Number(OnnxTensor tensor, string key)
    {
        if (Entry(tensor, key) is not { } text)
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw Invalid($"The tensor '{tensor.Name}' has the external data {key} = '{text}'; it must be a non-negative whole number of bytes.");
    }

    /// <summary>How many bytes the tensor's values take: its element count times the width of its type.</summary>
    private static long ByteCount(OnnxTensor tensor)
    {
        int width = (OnnxDataType)tensor.DataType switch
        {
            OnnxDataType.Float or OnnxDataType.Int32 => 4,
            OnnxDataType.Int64 or OnnxDataType.Double => 8,
            OnnxDataType.Bool => 1,
            _ => throw Invalid($"The tensor '{tensor.Name}' is stored externally with data type {tensor.DataType}; NetCompiler reads FLOAT weights."),
        };
        return tensor.ElementCount() * width;
    }

    private static InvalidDataException Invalid(string message) => new($"Cannot read the ONNX model as a NetCompiler network: {message}");
}
