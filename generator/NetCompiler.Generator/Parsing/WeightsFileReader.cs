using System.Buffers.Binary;
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

    /// <summary>Reads the weights file <paramref name="text"/> refers to.</summary>
    public static WeightsFile Read(AdditionalText text, CancellationToken cancellationToken)
    {
        string path = text.Path;
        string name = System.IO.Path.GetFileName(path);
        var format = FormatOf(path);
        byte[] bytes;
        try
        {
            // Banned for analyzers because an analyzer reading arbitrary files makes builds unreproducible; an
            // AdditionalFiles item is a declared input of the compilation, and there is no other way to get its bytes
            // (see the remarks above).
#pragma warning disable RS1035
            bytes = File.ReadAllBytes(path);
#pragma warning restore RS1035
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or System.Security.SecurityException)
        {
            return WeightsFile.Failed(path, format, $"'{name}' cannot be opened: {e.Message}");
        }

        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return format == WeightsFormat.Onnx ? ReadOnnx(path, bytes) : ReadModelFile(path, name, bytes);
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
        var header = ModelFileFormat.ReadHeader(reader, out int standardizerFeatures);
        ModelFileFormat.ReadStandardizer(reader, standardizerFeatures);
        int start = checked((int)reader.Offset);
        ModelFileFormat.ReadParameters(reader, header.ParameterCount);
        reader.RequireEnd();

        // The parameter bytes have passed their checksum; their bit patterns are taken as they are in the file.
        var parameters = bytes.AsSpan(start, header.ParameterCount * sizeof(float));
        var bits = new uint[header.ParameterCount];
        for (int i = 0; i < bits.Length; i++)
        {
            bits[i] = BinaryPrimitives.ReadUInt32LittleEndian(parameters.Slice(i * sizeof(float)));
        }

        var layers = header.Layers.Select(l => new WeightsFileLayer(l.Size, l.Activation, l.Activation.ToString()));
        string origin = header.Name.Length > 0 ? $"NetCompiler model file saved from {header.Name}" : "NetCompiler model file";
        var topology = new WeightsFileTopology(header.InputSize, header.Loss, new EquatableArray<WeightsFileLayer>(layers), origin);
        return new WeightsFile(path, WeightsFormat.ModelFile, null, topology, new EquatableArray<uint>(bits), Crc32.Compute(parameters));
    }

    private static WeightsFile ReadOnnx(string path, byte[] bytes)
    {
        var model = OnnxSerializer.Decode(bytes);
        var layers = OnnxMlpReader.Read(model);

        long count = layers.Sum(l => ((long)l.Size * l.InputSize) + l.Size);
        if (count > int.MaxValue)
        {
            throw new InvalidDataException($"The model has {count} parameters, more than a network can hold ({int.MaxValue}).");
        }

        var bits = new uint[count];
        int offset = 0;
        foreach (var layer in layers)
        {
            MemoryMarshal.Cast<float, uint>(layer.Weights.AsSpan()).CopyTo(bits.AsSpan(offset));
            offset += layer.Weights.Length;
            MemoryMarshal.Cast<float, uint>(layer.Bias.AsSpan()).CopyTo(bits.AsSpan(offset));
            offset += layer.Bias.Length;
        }

        string producer = string.Join(" ", new[] { model.ProducerName, model.ProducerVersion }.Where(s => s.Length > 0));
        string origin = producer.Length > 0 ? $"ONNX model produced by {producer}" : "ONNX model";
        var topology = new WeightsFileTopology(
            layers[0].InputSize,
            Loss: null,
            new EquatableArray<WeightsFileLayer>(layers.Select(l => new WeightsFileLayer(l.Size, l.Activation.Match, l.Activation.Description))),
            origin);
        return new WeightsFile(path, WeightsFormat.Onnx, null, topology, new EquatableArray<uint>(bits), Checksum(bits));
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
