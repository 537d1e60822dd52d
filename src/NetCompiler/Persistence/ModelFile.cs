using System.Numerics;
using NetCompiler.Persistence;

namespace NetCompiler;

/// <summary>
/// Saves a generated network's parameters to a file or stream and loads them back, bit for bit.
/// Works with any generated network through <see cref="INeuralNetwork{TSelf}"/>, without reflection:
/// <code>
/// net.Save("iris.ncnet");                          // atomic: the old file survives a failed save
/// var restored = ModelFile.Load&lt;IrisNet&gt;("iris.ncnet");
/// other.Load("iris.ncnet");                        // into an existing network of the same topology
/// </code>
/// <para>
/// The format (versioned, little-endian, two CRC-32 checksums) is described on
/// <c>NetCompiler.Persistence.ModelFileFormat</c> and in <c>src/NetCompiler/Persistence/FORMAT.md</c>.
/// A file records the topology (input size, each layer's size and activation, the loss) and is
/// loaded only into a network with exactly that topology; the class name is recorded for messages
/// but not compared, so renaming a class does not orphan its models.
/// </para>
/// <para>
/// Loading checks everything before it changes the network: on any problem it throws
/// <see cref="ModelFormatException"/> (the data is not a model, is of a newer format version,
/// describes another topology, is truncated or corrupted) and the network's parameters are exactly
/// as they were. Length fields are checked against fixed bounds, against the network and, when the
/// stream knows its length, against the bytes that remain, before anything is allocated from them,
/// so a hostile header costs nothing. The parameters are read into one temporary array the size of
/// the network's own, then copied.
/// </para>
/// <para>
/// Parameters are stored exactly as they are, NaN and infinities included: a diverged model saves
/// and loads unchanged, so it can be inspected. Do not save while another thread trains the network.
/// </para>
/// <para>
/// A double network (<c>[Network(Precision = Precision.Double)]</c>) saves and loads with the same calls on the network
/// (<c>net.Save(path)</c>, <c>net.Load(path)</c>) and <c>ModelFile.Load&lt;MyNet, double&gt;(path)</c>; its file (format
/// version 3) stores float64 parameters bit for bit. A file loads only into a network of its element type: loading a double
/// file into a float network, or the reverse, throws <see cref="ModelFormatException"/> naming both.
/// </para>
/// </summary>
public static class ModelFile
{
    /// <summary>The file extension NetCompiler uses for model files, <c>.ncnet</c>. Any name works.</summary>
    public const string Extension = ".ncnet";

    /// <summary>
    /// The newest format version this library writes (3, for a double network; a float model is written as version 2 when it
    /// has dropout or a standardiser, otherwise as version 1); it reads this version and older ones.
    /// </summary>
    public const int FormatVersion = (int)ModelFileFormat.CurrentVersion;

    /// <summary>
    /// Writes the network's topology and parameters to <paramref name="stream"/> at its current
    /// position. The stream is neither flushed nor closed; several models may follow one another.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be written.</exception>
    public static void Save<TNet>(this TNet net, Stream stream)
        where TNet : class, INeuralNetwork<TNet> => Save<TNet, float>(net, stream, standardizer: null);

    /// <summary>
    /// Writes the network and the <see cref="Data.Standardizer"/> its inputs go through (fitted on its training data) to
    /// <paramref name="stream"/>, so the model file carries its preprocessing; <see cref="Load{TNet}(Stream, out Data.Standardizer?)"/>
    /// gives both back. With a null <paramref name="standardizer"/> it is <see cref="Save{TNet}(TNet, Stream)"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be written, or the standardiser does not have one feature per input.</exception>
    public static void Save<TNet>(this TNet net, Stream stream, Data.Standardizer? standardizer)
        where TNet : class, INeuralNetwork<TNet> => Save<TNet, float>(net, stream, standardizer);

    /// <summary><see cref="Save{TNet}(TNet, Stream, Data.Standardizer?)"/> for a network of any precision (float or double parameters).</summary>
    /// <exception cref="ArgumentException"><paramref name="stream"/> cannot be written, or the standardiser does not have one feature per input.</exception>
    public static void Save<TNet, T>(this INeuralNetwork<TNet, T> net, Stream stream, Data.Standardizer? standardizer = null)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream cannot be written.", nameof(stream));
        }

        var (mean, stdDev) = Statistics<TNet, T>(standardizer);
        ModelFileFormat.Write<T>(stream, TNet.Description, CheckedParameters(net), mean, stdDev);
    }

    /// <summary>
    /// Saves the network and the <see cref="Data.Standardizer"/> its inputs go through to <paramref name="path"/>, atomically
    /// as <see cref="Save{TNet}(TNet, string)"/> does; <see cref="Load{TNet}(string, out Data.Standardizer?)"/> gives both back.
    /// </summary>
    /// <exception cref="ArgumentException">The standardiser does not have one feature per input.</exception>
    /// <exception cref="IOException">The file cannot be written or replaced (its directory must exist).</exception>
    public static void Save<TNet>(this TNet net, string path, Data.Standardizer? standardizer)
        where TNet : class, INeuralNetwork<TNet> => Save<TNet, float>(net, path, standardizer);

    /// <summary><see cref="Save{TNet}(TNet, string, Data.Standardizer?)"/> for a network of any precision (float or double parameters).</summary>
    /// <exception cref="ArgumentException">The standardiser does not have one feature per input.</exception>
    /// <exception cref="IOException">The file cannot be written or replaced (its directory must exist).</exception>
    public static void Save<TNet, T>(this INeuralNetwork<TNet, T> net, string path, Data.Standardizer? standardizer = null)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var description = TNet.Description;
        var parameters = CheckedParameters(net).ToArray();
        var (mean, stdDev) = Statistics<TNet, T>(standardizer);
        AtomicFile.Write(path, stream => ModelFileFormat.Write<T>(stream, description, parameters, mean, stdDev));
    }

    /// <summary>
    /// Creates a network with the parameters of the model file <paramref name="path"/>, and gives the standardiser saved
    /// with it (null when the file has none, as every file of format version 1).
    /// </summary>
    /// <exception cref="ModelFormatException">The file is not a model of <typeparamref name="TNet"/>'s topology, or is truncated or corrupted.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static TNet Load<TNet>(string path, out Data.Standardizer? standardizer)
        where TNet : class, INeuralNetwork<TNet> => Load<TNet, float>(path, out standardizer);

    /// <summary><see cref="Load{TNet}(string, out Data.Standardizer?)"/> for a network of any precision: <c>ModelFile.Load&lt;MyNet, double&gt;(path, out var standardizer)</c>.</summary>
    /// <exception cref="ModelFormatException">The file is not a model of <typeparamref name="TNet"/>'s topology and element type, or is truncated or corrupted.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static TNet Load<TNet, T>(string path, out Data.Standardizer? standardizer)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var net = TNet.Create(0);
        using var stream = OpenRead(path);
        standardizer = LoadInto<TNet, T>(net, new ModelReader(stream, path, intoNetwork: true), requireEnd: true);
        return net;
    }

    /// <summary>Creates a network with the parameters read from <paramref name="stream"/>, and gives the standardiser saved with it, or null.</summary>
    /// <exception cref="ModelFormatException">The data is not a model of <typeparamref name="TNet"/>'s topology, or is truncated or corrupted.</exception>
    public static TNet Load<TNet>(Stream stream, out Data.Standardizer? standardizer)
        where TNet : class, INeuralNetwork<TNet> => Load<TNet, float>(stream, out standardizer);

    /// <summary><see cref="Load{TNet}(Stream, out Data.Standardizer?)"/> for a network of any precision.</summary>
    /// <exception cref="ModelFormatException">The data is not a model of <typeparamref name="TNet"/>'s topology and element type, or is truncated or corrupted.</exception>
    public static TNet Load<TNet, T>(Stream stream, out Data.Standardizer? standardizer)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        RequireReadable(stream);
        var net = TNet.Create(0);
        standardizer = LoadInto<TNet, T>(net, new ModelReader(stream, filePath: null, intoNetwork: true), requireEnd: false);
        return net;
    }

    /// <summary>The standardiser saved in the model file <paramref name="path"/>, or null when it has none. Reads the header and the statistics only.</summary>
    /// <exception cref="ModelFormatException">The file is not a model, is of a newer format, or is truncated or corrupted before the parameters.</exception>
    public static Data.Standardizer? ReadStandardizer(string path)
    {
        using var stream = OpenRead(path);
        var reader = new ModelReader(stream, path, intoNetwork: false);
        ModelFileFormat.ReadHeader(reader, out int features);
        return ToStandardizer(ModelFileFormat.ReadStandardizer(reader, features));
    }

    /// <summary>
    /// Saves the network to <paramref name="path"/>, creating or replacing it atomically: the model is
    /// written to a temporary file in the same directory, flushed to the disk, then renamed over
    /// <paramref name="path"/>. If anything fails, the temporary file is deleted and a previous file at
    /// <paramref name="path"/> is left intact. A temporary file left by a save that was killed is deleted by the
    /// next save to the same path (a temporary file that a running save has open is left alone).
    /// </summary>
    /// <exception cref="IOException">The file cannot be written or replaced (its directory must exist).</exception>
    public static void Save<TNet>(this TNet net, string path)
        where TNet : class, INeuralNetwork<TNet> =>
        Save<TNet, float>(net, path, interceptWrites: null);

    /// <summary>
    /// Loads parameters saved by <see cref="Save{TNet}(TNet, Stream)"/> from <paramref name="stream"/>
    /// into <paramref name="net"/>. Reads exactly one model, leaving the stream just after it (models
    /// may be concatenated). On failure <paramref name="net"/> is unchanged.
    /// </summary>
    /// <exception cref="ModelFormatException">The data is not a model of this network's topology, or is truncated or corrupted.</exception>
    public static void Load<TNet>(this TNet net, Stream stream)
        where TNet : class, INeuralNetwork<TNet> => Load<TNet, float>(net, stream);

    /// <summary><see cref="Load{TNet}(TNet, Stream)"/> for a network of any precision; the model must have the network's element type.</summary>
    /// <exception cref="ModelFormatException">The data is not a model of this network's topology and element type, or is truncated or corrupted.</exception>
    public static void Load<TNet, T>(this INeuralNetwork<TNet, T> net, Stream stream)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(net);
        RequireReadable(stream);
        LoadInto<TNet, T>(net, new ModelReader(stream, filePath: null, intoNetwork: true), requireEnd: false);
    }

    /// <summary>
    /// Loads the model file <paramref name="path"/> into <paramref name="net"/>. The file must hold
    /// exactly one model of the network's topology. On failure <paramref name="net"/> is unchanged.
    /// </summary>
    /// <exception cref="ModelFormatException">The file is not a model of this network's topology, or is truncated or corrupted; the message names the file.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static void Load<TNet>(this TNet net, string path)
        where TNet : class, INeuralNetwork<TNet> => Load<TNet, float>(net, path);

    /// <summary><see cref="Load{TNet}(TNet, string)"/> for a network of any precision; the file must have the network's element type.</summary>
    /// <exception cref="ModelFormatException">The file is not a model of this network's topology and element type, or is truncated or corrupted; the message names the file.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static void Load<TNet, T>(this INeuralNetwork<TNet, T> net, string path)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(net);
        using var stream = OpenRead(path);
        LoadInto<TNet, T>(net, new ModelReader(stream, path, intoNetwork: true), requireEnd: true);
    }

    /// <summary>Creates a network with the parameters read from <paramref name="stream"/> (see <see cref="Load{TNet}(TNet, Stream)"/>).</summary>
    /// <exception cref="ModelFormatException">The data is not a model of <typeparamref name="TNet"/>'s topology, or is truncated or corrupted.</exception>
    public static TNet Load<TNet>(Stream stream)
        where TNet : class, INeuralNetwork<TNet> => Load<TNet, float>(stream);

    /// <summary><see cref="Load{TNet}(Stream)"/> for a network of any precision: <c>ModelFile.Load&lt;MyNet, double&gt;(stream)</c>.</summary>
    /// <exception cref="ModelFormatException">The data is not a model of <typeparamref name="TNet"/>'s topology and element type, or is truncated or corrupted.</exception>
    public static TNet Load<TNet, T>(Stream stream)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var net = TNet.Create(0);
        Load<TNet, T>(net, stream);
        return net;
    }

    /// <summary>Creates a network with the parameters of the model file <paramref name="path"/> (see <see cref="Load{TNet}(TNet, string)"/>).</summary>
    /// <exception cref="ModelFormatException">The file is not a model of <typeparamref name="TNet"/>'s topology, or is truncated or corrupted.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static TNet Load<TNet>(string path)
        where TNet : class, INeuralNetwork<TNet> => Load<TNet, float>(path);

    /// <summary><see cref="Load{TNet}(string)"/> for a network of any precision: <c>ModelFile.Load&lt;MyNet, double&gt;(path)</c>.</summary>
    /// <exception cref="ModelFormatException">The file is not a model of <typeparamref name="TNet"/>'s topology and element type, or is truncated or corrupted.</exception>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    public static TNet Load<TNet, T>(string path)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var net = TNet.Create(0);
        Load<TNet, T>(net, path);
        return net;
    }

    /// <summary>
    /// Reads only the header of the model at the stream's position and returns the topology it
    /// describes, named after the class that saved it, e.g. to find out which network a file is for.
    /// The parameters are not read or checked.
    /// </summary>
    /// <exception cref="ModelFormatException">The data is not a model, is of a newer format, or its header is truncated or corrupted.</exception>
    public static NetworkDescription ReadDescription(Stream stream)
    {
        RequireReadable(stream);
        return ModelFileFormat.ReadHeader(new ModelReader(stream, filePath: null, intoNetwork: false));
    }

    /// <summary>Reads only the header of the model file <paramref name="path"/> (see <see cref="ReadDescription(Stream)"/>).</summary>
    /// <exception cref="ModelFormatException">The file is not a model, is of a newer format, or its header is truncated or corrupted.</exception>
    public static NetworkDescription ReadDescription(string path)
    {
        using var stream = OpenRead(path);
        return ModelFileFormat.ReadHeader(new ModelReader(stream, path, intoNetwork: false));
    }

    /// <summary><see cref="Save{TNet}(TNet, string)"/> with a seam that wraps the temporary file's stream, so tests can inject faults.</summary>
    internal static void Save<TNet, T>(INeuralNetwork<TNet, T> net, string path, Func<Stream, Stream>? interceptWrites)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var description = TNet.Description;
        CheckedParameters(net);
        AtomicFile.Write(path, stream => ModelFileFormat.Write<T>(stream, description, net.Parameters), interceptWrites);
    }

    /// <summary>Reads a whole model into <paramref name="net"/> (only once every check passed) and returns its standardiser, or null.</summary>
    private static Data.Standardizer? LoadInto<TNet, T>(INeuralNetwork<TNet, T> net, ModelReader reader, bool requireEnd)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var network = TNet.Description;
        var destination = CheckedParameters(net);
        var file = ModelFileFormat.ReadHeader(reader, out int standardizerFeatures, out int elementBytes);
        ModelFileFormat.RequireSameTopology(file, network, reader);
        ModelFileFormat.RequireElementType<T>(elementBytes, network, reader);
        var statistics = ModelFileFormat.ReadStandardizer(reader, standardizerFeatures);
        T[] parameters = ModelFileFormat.ReadParameters<T>(reader, file.ParameterCount);
        if (requireEnd)
        {
            reader.RequireEnd();
        }

        parameters.CopyTo(destination);
        return ToStandardizer(statistics);
    }

    private static Data.Standardizer? ToStandardizer((float[] Mean, float[] StdDev)? statistics) =>
        statistics is var (mean, stdDev) ? new Data.Standardizer(mean, stdDev) : null;

    /// <summary>The standardiser's statistics to write (both empty for none), after checking it has one feature per input.</summary>
    private static (float[] Mean, float[] StdDev) Statistics<TNet, T>(Data.Standardizer? standardizer)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        if (standardizer is null)
        {
            return ([], []);
        }

        if (standardizer.FeatureCount != TNet.InputSize)
        {
            throw new ArgumentException(
                $"{TNet.Description.Name}: the standardiser has {standardizer.FeatureCount} features but the network has {TNet.InputSize} inputs.",
                nameof(standardizer));
        }

        return ([.. standardizer.Mean], [.. standardizer.StdDev]);
    }

    private static Span<T> CheckedParameters<TNet, T>(INeuralNetwork<TNet, T> net)
        where TNet : class, INeuralNetwork<TNet, T>
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var parameters = net.Parameters;
        if (parameters.Length != TNet.Description.ParameterCount)
        {
            throw new ArgumentException(
                $"{TNet.Description.Name}: Parameters has {parameters.Length} {Kernels.Guard.ElementNames<T>()} but the description says {TNet.Description.ParameterCount}.",
                nameof(net));
        }

        return parameters;
    }

    private static FileStream OpenRead(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.SequentialScan);
    }

    private static void RequireReadable(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("The stream cannot be read.", nameof(stream));
        }
    }
}
