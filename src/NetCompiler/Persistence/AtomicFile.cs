namespace NetCompiler.Persistence;

/// <summary>
/// Replaces a file all at once: the content goes to a temporary file in the same directory, which is
/// flushed to the disk and then renamed over the target. Readers see the old file or the new one,
/// never a half-written one; if writing fails the temporary file is deleted and the old file is left
/// as it was. (A crash of the whole process can leave a <c>*.tmp</c> file beside the target.)
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>.</summary>
    /// <param name="path">The file to create or replace. Its directory must exist.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    /// <param name="interceptWrites">Test seam: wraps the temporary file's stream (for instance to inject a fault). Null in production.</param>
    public static void Write(string path, Action<Stream> write, Func<Stream, Stream>? interceptWrites = null)
    {
        string fullPath = Path.GetFullPath(path);
        string fileName = Path.GetFileName(fullPath);
        if (fileName.Length == 0)
        {
            throw new ArgumentException($"'{path}' names a directory, not a file.", nameof(path));
        }

        string directory = Path.GetDirectoryName(fullPath)!;
        string temporaryPath = Path.Combine(directory, $"{fileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 64 * 1024))
            {
                Stream target = interceptWrites?.Invoke(file) ?? file;
                write(target);
                target.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temporaryPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporaryPath);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Keep the original exception; a leftover temporary file is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
