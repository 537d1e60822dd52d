namespace NetCompiler.Onnx;

/// <summary>The side files of a model read from disk: files in the model's folder (or below it), never through a symbolic link.</summary>
internal sealed class OnnxSideFileFolder(string modelPath) : OnnxSideFiles
{
    private readonly string _folder = Path.GetFullPath(Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".");

    public override long LengthOf(string location) => Open(location, out _).Length;

    public override void Read(string location, long offset, byte[] destination)
    {
        using var stream = new FileStream(Open(location, out _).FullName, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        stream.Position = offset;
        stream.ReadExactly(destination);
    }

    /// <summary>The side file at <paramref name="location"/> (a relative location already checked by <see cref="OnnxExternalData.CheckLocation"/>).</summary>
    private FileInfo Open(string location, out string path)
    {
        path = Path.GetFullPath(Path.Combine(_folder, location));
        string root = Path.EndsInDirectorySeparator(_folder) ? _folder : _folder + Path.DirectorySeparatorChar;
        var file = new FileInfo(path);
        if (!path.StartsWith(root, StringComparison.Ordinal) || file.LinkTarget is not null || GoesThroughALink(file.Directory))
        {
            throw Invalid($"The side file '{location}' is not a file in the model's folder (it is a link, or resolves outside the folder); NetCompiler reads external data only from the model's folder.");
        }

        if (!file.Exists)
        {
            throw Invalid($"The model keeps its weights in the side file '{location}', which is not in the model's folder; copy it next to the model (its location is relative to the model file).");
        }

        return file;
    }

    /// <summary>Whether a folder between the model's folder and the side file is a symbolic link (which could lead anywhere).</summary>
    private bool GoesThroughALink(DirectoryInfo? folder)
    {
        for (; folder is not null && folder.FullName.Length > _folder.Length; folder = folder.Parent)
        {
            if (folder.LinkTarget is not null)
            {
                return true;
            }
        }

        return false;
    }

    private static InvalidDataException Invalid(string message) => new($"Cannot read the ONNX model as a NetCompiler network: {message}");
}
