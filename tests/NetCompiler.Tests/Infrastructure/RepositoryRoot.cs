using System.Runtime.CompilerServices;

namespace NetCompiler.Tests.Infrastructure;

/// <summary>Finds the repository root: the nearest directory holding NetCompiler.sln.</summary>
internal static class RepositoryRoot
{
    /// <summary>
    /// Walks up from the test assembly's directory, then from this source file's directory, to the
    /// first directory containing NetCompiler.sln.
    /// </summary>
    public static string Locate([CallerFilePath] string callerFile = "")
    {
        foreach (string? start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(callerFile) })
        {
            for (var directory = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "NetCompiler.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException($"NetCompiler.sln not found above {AppContext.BaseDirectory} or {callerFile}.");
    }
}
