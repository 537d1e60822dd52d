namespace NetCompiler;

/// <summary>
/// Thrown by <see cref="ModelFile"/> when model data cannot be loaded: it is not a NetCompiler model
/// file, it was written in a newer format version, it describes a different topology than the
/// network it is loaded into, it is truncated, or a checksum shows it is corrupted. The message says
/// what was expected and names the file (when loading from a path) and the byte offset where the
/// problem was found. The network being loaded into is never changed when this is thrown.
/// It is an <see cref="IOException"/> (<see cref="InvalidDataException"/> is sealed), so one
/// <c>catch (IOException)</c> around a load handles a missing file and a bad one alike.
/// </summary>
public sealed class ModelFormatException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The complete message, naming the file and the offset when known.</param>
    /// <param name="filePath">The path of the file being read, or null when reading from a stream.</param>
    /// <param name="offset">The byte offset, from the start of the model data, where the problem was found, if it has one.</param>
    public ModelFormatException(string message, string? filePath = null, long? offset = null)
        : base(message)
    {
        FilePath = filePath;
        Offset = offset;
    }

    /// <summary>The path of the file being read, or null when the model was read from a stream.</summary>
    public string? FilePath { get; }

    /// <summary>
    /// The byte offset where the problem was found, counted from the first byte of the model (the
    /// start of the file, or the stream's position when loading began); null when the problem is
    /// not at one place (for instance a topology mismatch).
    /// </summary>
    public long? Offset { get; }
}
