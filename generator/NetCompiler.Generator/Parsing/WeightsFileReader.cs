using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using NetCompiler.Generator.Model;
using NetCompiler.Onnx;
using NetCompiler.Persistence;

namespace NetCompiler.Generator.Parsing;

/// <summary>
/// Reads one weights file named by <c>[Network(Weights = "...")]</c> into a <see cref="WeightsFile"/>: its
/// topology and parameters, or the reason it cannot be used. A NetCompiler model file is read and checked by the
/// runtime's own <c>ModelFileFormat</c> (signature, version, bounds, both CRC-32s, nothing after the model); an ONNX
/// model by the runtime's <c>OnnxSerializer</c> and <c>OnnxMlpReader</c> (see NetCompiler.Generator.csproj). So a
/// file bakes in exactly when <c>ModelFile.Load</c> or <c>OnnxImporter.Load</c> would accept it at run time, and the
/// messages are the same. Never throws for a bad file.
/// </summary>
/// <remarks>
/// <para>
/// Why the bytes come from the file at <see cref="AdditionalText.Path"/>: the compiler's API offers additional
/// files only as text (<see cref="AdditionalText.GetText"/>), and asking for the text of a binary file makes the
/// command-line compiler fail the build with CS2015 ("is a binary file instead of a text file"; dotnet/roslyn#47292
/// asks for a binary API, which does not exist). The generator therefore never calls <c>GetText</c> on a weights
/// file and reads the bytes of the path the compiler was given, which is the same file on the command line and in
/// the IDE. It does so only in the pipeline step whose input is the <see cref="AdditionalText"/> itself, so the file
/// is read again exactly when the compiler (or the IDE, watching the item) hands over a new one.
/// </para>
/// </remarks>
internal static class WeightsFileReader
{
    /// <summary>The extension read as ONNX; every other name is read as a NetCompiler model file.</summary>
    public const string OnnxExtension = ".onnx";

    /// <summary>Reads the weights file <paramref name="text"/> refers to (an ONNX model with external data then waits for its side files, see <see cref="Complete"/>).</summary>
    public static WeightsFile Read(AdditionalText text, CancellationToken cancellationToken)
    {
        string path = text.Path;
        string name = System.IO.Path.GetFileName(path);
        var format = FormatOf(path);
        var (bytes, error) = ReadBytes(path);
        if (error is not null)
        {
            return WeightsFile.Failed(path, format, $"'{name}' cannot be opened: {error}");
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Guarded(path, format, () => format == WeightsFormat.Onnx ? ReadOnnx(path, bytes!) : ReadModelFile(path, name, bytes!));
    }

    /// <summary>Reads an AdditionalFiles item that is the side file (external data) of an ONNX weights file, of at most <see cref="OnnxSerializer.MaxModelBytes"/> bytes.</summary>
    public static SideFile ReadSideFile(AdditionalText text, CancellationToken cancellationToken)
    {
        var (bytes, error) = ReadBytes(text.Path, OnnxSerializer.MaxModelBytes);
        cancellationToken.ThrowIfCancellationRequested();
        return error is null
            ? new SideFile(text.Path, new EquatableArray<byte>(bytes!), null)
            : new SideFile(text.Path, EquatableArray<byte>.Empty, error);
    }

    /// <summary>
    /// An ONNX weights file whose weights are in side files, read with the side files found among
    /// <paramref name="sideFiles"/> (the AdditionalFiles items next to it); a side file that is not among them is
    /// recorded for NC0021. Any other file is returned as it is.
    /// </summary>
    public static WeightsFile Complete(WeightsFile file, ImmutableArray<SideFile> sideFiles, CancellationToken cancellationToken)
    {
        if (file.PendingModel.Count == 0)
        {
            return file;
        }

        string name = System.IO.Path.GetFileName(file.Path);
        var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string location in file.SideFiles)
        {
            string expected = SideFilePath(file.Path, location);
            var side = sideFiles.FirstOrDefault(s => SamePath(s.Path, expected));
            if (side is null)
            {
                return file with { MissingSideFile = location };
            }

            if (side.Error is not null)
            {
                return WeightsFile.Failed(file.Path, file.Format, $"'{name}': its side file '{location}' cannot be opened: {side.Error}");
            }

            contents[location] = [.. side.Bytes];
        }

        cancellationToken.ThrowIfCancellationRequested();
        return Guarded(file.Path, file.Format, () =>
        {
            var model = OnnxSerializer.Decode([.. file.PendingModel]);
            OnnxExternalData.Resolve(model, new InMemorySideFiles(contents));
            return FromOnnx(file.Path, model);
        });
    }

    /// <summary>The paths of the side files the ONNX weights files wait for, to pick out those AdditionalFiles items.</summary>
    public static IEnumerable<string> SideFilePaths(WeightsFile file) =>
        file.PendingModel.Count == 0 ? [] : file.SideFiles.Select(location => SideFilePath(file.Path, location));

    /// <summary>Whether the AdditionalFiles item at <paramref name="path"/> is one of <paramref name="sideFilePaths"/>.</summary>
    public static bool IsAnyOf(string path, EquatableArray<string> sideFilePaths) => sideFilePaths.Any(p => SamePath(path, p));

    /// <summary>The path of the side file <paramref name="location"/> (relative, checked) next to the model at <paramref name="modelPath"/>.</summary>
    private static string SideFilePath(string modelPath, string location)
    {
        string normalized = modelPath.Replace('\\', '/');
        int slash = normalized.LastIndexOf('/');
        return slash < 0 ? location : normalized.Substring(0, slash + 1) + location;
    }

    /// <summary>Whether two paths name the same file: either slash separates folders, and letter case is ignored, as <see cref="Matches"/> does.</summary>
    private static bool SamePath(string path, string other) =>
        string.Equals(path.Replace('\\', '/'), other.Replace('\\', '/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>The bytes of the file at <paramref name="path"/>, or why they cannot be read (including a length beyond <paramref name="maxBytes"/>).</summary>
    private static (byte[]? Bytes, string? Error) ReadBytes(string path, long maxBytes = long.MaxValue)
    {
        try
        {
            // Banned for analyzers because an analyzer reading arbitrary files makes builds unreproducible; an
            // AdditionalFiles item is a declared input of the compilation, and there is no other way to get its bytes
            // (see the remarks above).
#pragma warning disable RS1035
            long length = new FileInfo(path).Length;
            return length > maxBytes
                ? (null, $"it is {length} bytes long; NetCompiler reads side files of at most {maxBytes} bytes")
                : (File.ReadAllBytes(path), null);
#pragma warning restore RS1035
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or System.Security.SecurityException)
        {
            return (null, e.Message);
        }
    }

    /// <summary>Runs a reader, turning every way a hostile file can make it fail into a <see cref="WeightsFile.Failed"/> with the reader's message.</summary>
    private static WeightsFile Guarded(string path, WeightsFormat format, Func<WeightsFile> read)
    {
        string name = System.IO.Path.GetFileName(path);
        try
        {
            return read();
        }
        catch (ModelFormatException e)
        {
            return WeightsFile.Failed(path, format, e.Message);
        }
        catch (InvalidDataException e)
        {
            return WeightsFile.Failed(path, format, $"'{name}': {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Hostile bytes must never crash the build; anything the readers did not anticipate is reported as it is.
            return WeightsFile.Failed(path, format, $"'{name}' could not be read ({e.GetType().Name}: {e.Message})");
        }
    }

    /// <summary><see cref="WeightsFormat.Onnx"/> for a <c>.onnx</c> file, otherwise <see cref="WeightsFormat.ModelFile"/>.</summary>
    public static WeightsFormat FormatOf(string path) =>
        path.EndsWith(OnnxExtension, StringComparison.OrdinalIgnoreCase) ? WeightsFormat.Onnx : WeightsFormat.ModelFile;

    /// <summary>
    /// Whether the AdditionalFiles item at <paramref name="path"/> is the one <c>Weights = "<paramref name="name"/>"</c>
    /// names: the path ends with the name at a folder boundary (<c>iris.ncnet</c> and <c>Models/iris.ncnet</c> both
    /// name <c>/src/App/Models/iris.ncnet</c>). Either slash separates folders; letter case is ignored, as on Windows.
    /// </summary>
    public static bool Matches(string path, string name)
    {
        string normalizedName = name.Replace('\\', '/');
        while (normalizedName.StartsWith("./", StringComparison.Ordinal))
        {
            normalizedName = normalizedName.Substring(2);
        }

        if (normalizedName.Length == 0)
        {
            return false;
        }

        string normalizedPath = path.Replace('\\', '/');
        return normalizedPath.EndsWith(normalizedName, StringComparison.OrdinalIgnoreCase)
            && (normalizedPath.Length == normalizedName.Length
                || normalizedPath[normalizedPath.Length - normalizedName.Length - 1] == '/');
    }

    /// <summary>Whether <paramref name="path"/> is named by any of <paramref name="names"/>.</summary>
    public static bool MatchesAny(string path, EquatableArray<string> names)
    {
        foreach (string name in names)
        {
            if (Matches(path, name))
            {
                return true;
            }
        }

        return false;
    }

    private static WeightsFile ReadModelFile(string path, string name, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        var reader = new ModelReader(stream, name, intoNetwork: false);
        var header = ModelFileFormat.ReadHeader(reader, out int standardizerFeatures, out int elementBytes);
        ModelFileFormat.ReadStandardizer(reader, standardizerFeatures);
        int start = checked((int)reader.Offset);
        if (elementBytes == ModelFileFormat.DoubleBytes)
        {
            ModelFileFormat.ReadParameters<double>(reader, header.ParameterCount);
        }
        else
        {
            ModelFileFormat.ReadParameters(reader, header.ParameterCount);
        }

        reader.RequireEnd();

        // The parameter bytes have passed their checksum; their bit patterns are taken as they are in the file, 32 bits a word.
        var parameters = bytes.AsSpan(start, checked(header.ParameterCount * elementBytes));
        var bits = new uint[parameters.Length / sizeof(uint)];
        for (int i = 0; i < bits.Length; i++)
        {
            bits[i] = BinaryPrimitives.ReadUInt32LittleEndian(parameters.Slice(i * sizeof(float)));
        }

        var layers = header.Layers.Select(l => new WeightsFileLayer(l.Size, l.Activation, l.Activation.ToString()));
        string origin = header.Name.Length > 0 ? $"NetCompiler model file saved from {header.Name}" : "NetCompiler model file";
        var topology = new WeightsFileTopology(header.InputSize, header.Loss, new EquatableArray<WeightsFileLayer>(layers), origin);
        return new WeightsFile(path, WeightsFormat.ModelFile, null, topology, new EquatableArray<uint>(bits), Crc32.Compute(parameters), StandardizedFeatures: standardizerFeatures, ElementBytes: elementBytes);
    }

    private static WeightsFile ReadOnnx(string path, byte[] bytes)
    {
        var model = OnnxSerializer.Decode(bytes);
        var sideFiles = OnnxExternalData.Locations(model);
        return sideFiles.Count > 0 ? WeightsFile.AwaitingSideFiles(path, sideFiles, bytes) : FromOnnx(path, model);
    }

    private static WeightsFile FromOnnx(string path, OnnxModel model)
    {
        var mlp = OnnxMlpReader.Read(model);
        if (mlp.Standardization is { } standardization)
        {
            // Baked parameters cannot carry the graph's preprocessing: NC0029 says so rather than drop it.
            return WeightsFile.Standardized(path, standardization.Mean.Length);
        }

        var layers = mlp.Layers;
        long count = layers.Sum(l => ((long)l.Size * l.InputSize) + l.Size);
        if (count > int.MaxValue)
        {
            throw new InvalidDataException($"The model has {count} parameters, more than a network can hold ({int.MaxValue}).");
        }

        // A FLOAT model's values are its floats widened: narrowing them back gives the stored bits. A DOUBLE model's take two words each.
        int words = mlp.IsDouble ? 2 : 1;
        var bits = new uint[checked(count * words)];
        int offset = 0;
        foreach (var values in layers.SelectMany(l => new[] { l.Weights, l.Bias }))
        {
            if (mlp.IsDouble)
            {
                MemoryMarshal.Cast<double, uint>(values.AsSpan()).CopyTo(bits.AsSpan(offset));
            }
            else
            {
                float[] narrowed = [.. values.Select(v => (float)v)];
                MemoryMarshal.Cast<float, uint>(narrowed.AsSpan()).CopyTo(bits.AsSpan(offset));
            }

            offset += values.Length * words;
        }

        string producer = string.Join(" ", new[] { model.ProducerName, model.ProducerVersion }.Where(s => s.Length > 0));
        string origin = producer.Length > 0 ? $"ONNX model produced by {producer}" : "ONNX model";
        var topology = new WeightsFileTopology(
            layers[0].InputSize,
            Loss: null,
            new EquatableArray<WeightsFileLayer>(layers.Select(l => new WeightsFileLayer(l.Size, l.Activation.Match, l.Activation.Description))),
            origin);
        return new WeightsFile(path, WeightsFormat.Onnx, null, topology, new EquatableArray<uint>(bits), Checksum(bits), ElementBytes: words * sizeof(float));
    }

    /// <summary>The CRC-32 of <paramref name="bits"/> written as little-endian bytes, as a model file's parameter checksum.</summary>
    private static uint Checksum(uint[] bits)
    {
        var bytes = new byte[bits.Length * sizeof(uint)];
        for (int i = 0; i < bits.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * sizeof(uint)), bits[i]);
        }

        return Crc32.Compute(bytes);
    }
}

/// <summary>The side files of an ONNX weights file, as read from their AdditionalFiles items.</summary>
internal sealed class InMemorySideFiles(IReadOnlyDictionary<string, byte[]> contents) : OnnxSideFiles
{
    public override long LengthOf(string location) => contents[location].Length;

    public override void Read(string location, long offset, byte[] destination) =>
        Array.Copy(contents[location], offset, destination, 0, destination.Length);
}
