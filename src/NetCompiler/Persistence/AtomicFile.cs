namespace NetCompiler.Persistence;

/// <summary>
/// Replaces a file all at once: the content goes to a temporary file <c>&lt;name&gt;.&lt;32 hex digits&gt;.tmp</c> in the same
/// directory, which is flushed to the disk and then renamed over the target. Readers see the old file or the new one,
/// never a half-written one; if writing fails the temporary file is deleted and the old file is left as it was.
/// A process killed while saving leaves its temporary file behind; the next write to the same target deletes such
/// stale files (those of exactly this naming that no one has open, see <see cref="RemoveStaleTemporaryFiles"/>).
/// </summary>
internal static class AtomicFile
{
    /// <summary>The extension of the temporary files.</summary>
    private const string TemporaryExtension = ".tmp";

    /// <summary>The length of the random part of a temporary file's name: a GUID in the "N" format.</summary>
    private const int RandomPartLength = 32;

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
        RemoveStaleTemporaryFiles(directory, fileName);
        string temporaryPath = Path.Combine(directory, $"{fileName}.{Guid.NewGuid():N}{TemporaryExtension}");
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

    /// <summary>True when <paramref name="candidate"/> is named as a temporary file of <paramref name="fileName"/>: <c>&lt;fileName&gt;.&lt;32 lowercase hex digits&gt;.tmp</c>.</summary>
    internal static bool IsTemporaryFileOf(string candidate, string fileName)
    {
        if (candidate.Length != fileName.Length + 1 + RandomPartLength + TemporaryExtension.Length
            || !candidate.StartsWith(fileName, StringComparison.Ordinal)
            || candidate[fileName.Length] != '.'
            || !candidate.EndsWith(TemporaryExtension, StringComparison.Ordinal))
        {
            return false;
        }

        foreach (char c in candidate.AsSpan(fileName.Length + 1, RandomPartLength))
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Deletes the temporary files a killed save to <paramref name="fileName"/> left in <paramref name="directory"/>. A
    /// temporary file is open with <see cref="FileShare.None"/> while its save runs, so one that cannot be opened
    /// exclusively belongs to a save in progress (in this or another process) and is left alone. Best effort: a file that
    /// cannot be listed, opened or deleted is skipped, and the save goes on.
    /// </summary>
    private static void RemoveStaleTemporaryFiles(string directory, string fileName)
    {
        IEnumerable<string> candidates;
        try
        {
            // Every *.tmp, filtered by IsTemporaryFileOf: the file name may hold characters a search pattern would read as wildcards.
            candidates = Directory.EnumerateFiles(directory, "*" + TemporaryExtension, SearchOption.TopDirectoryOnly);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return;
        }

        try
        {
            foreach (string candidate in candidates)
            {
                if (!IsTemporaryFileOf(Path.GetFileName(candidate), fileName))
                {
                    continue;
                }

                try
                {
                    // Opening exclusively fails while a save holds the file; DeleteOnClose removes it once we let go.
                    using var stale = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // In use by a running save, or not ours to delete: leave it.
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The directory changed or became unreadable while it was listed; the cleanup is only a courtesy.
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
