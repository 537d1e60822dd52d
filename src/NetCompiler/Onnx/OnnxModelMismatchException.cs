namespace NetCompiler.Onnx;

/// <summary>
/// The ONNX model is a readable chain of dense layers, but its topology differs from the network it
/// was loaded into. <see cref="Differences"/> lists every difference and the message lists them too.
/// The network's parameters are left unchanged.
/// </summary>
/// <remarks>
/// Data that is not a readable model at all (malformed protobuf, an unsupported operator) throws
/// <see cref="InvalidDataException"/> instead.
/// </remarks>
public sealed class OnnxModelMismatchException : Exception
{
    /// <summary>Creates the exception; the message names the network and lists every difference.</summary>
    public OnnxModelMismatchException(NetworkDescription network, IReadOnlyList<string> differences)
        : base(FormatMessage(network, differences))
    {
        Differences = differences;
    }

    /// <summary>Each difference between the ONNX model and the network, e.g. <c>layer 2: ONNX has 64 units, network has 32</c>.</summary>
    public IReadOnlyList<string> Differences { get; }

    private static string FormatMessage(NetworkDescription network, IReadOnlyList<string> differences)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(differences);
        return $"The ONNX model does not match {network.Name} ({network}): {string.Join("; ", differences)}. The network's parameters were not changed.";
    }
}
