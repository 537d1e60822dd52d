using System.Buffers.Binary;
using System.IO.Compression;

namespace NetCompiler.Tests.Data;

/// <summary>A temporary directory for the files a test writes; deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "netcompiler-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string WriteText(string name, string text)
    {
        string path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    public string WriteBytes(string name, byte[] bytes)
    {
        string path = System.IO.Path.Combine(Path, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string WriteGzip(string name, byte[] bytes) => WriteBytes(name, IdxBytes.Gzip(bytes));

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Builds IDX files byte by byte, as the MNIST database lays them out.</summary>
internal static class IdxBytes
{
    /// <summary>Three 2×2 images; pixel values chosen so p / 255 is a round number (51 → 0.2, 102 → 0.4, …).</summary>
    public static readonly byte[] ThreePixels = [0, 255, 51, 102, 153, 204, 255, 0, 51, 51, 0, 0];

    /// <summary>The labels of the three images.</summary>
    public static readonly byte[] ThreeLabels = [7, 0, 9];

    /// <summary>The image file of <see cref="ThreePixels"/>: 16 header bytes and 12 pixels.</summary>
    public static byte[] ThreeImages() => Images(count: 3, rows: 2, columns: 2, ThreePixels);

    public static byte[] Images(uint count, uint rows, uint columns, byte[] pixels, uint magic = 0x00000803) =>
        [.. BigEndian(magic), .. BigEndian(count), .. BigEndian(rows), .. BigEndian(columns), .. pixels];

    public static byte[] Labels(byte[] labels, uint? count = null, uint magic = 0x00000801) =>
        [.. BigEndian(magic), .. BigEndian(count ?? (uint)labels.Length), .. labels];

    public static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }

    private static byte[] BigEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}
