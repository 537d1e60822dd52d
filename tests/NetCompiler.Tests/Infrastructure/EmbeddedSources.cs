using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text;

namespace NetCompiler.Tests.Infrastructure;

/// <summary>The source files a portable PDB embeds (what a debugger shows when it steps into the library).</summary>
internal static class EmbeddedSources
{
    /// <summary>The custom debug information kind of an embedded source (the Portable PDB specification's GUID).</summary>
    private static readonly Guid EmbeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    /// <summary>Every document of the PDB by its path, with its embedded text, or null where the source is not embedded.</summary>
    public static Dictionary<string, string?> Read(Stream pdb)
    {
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        var documents = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var handle in reader.Documents)
        {
            string path = reader.GetString(reader.GetDocument(handle).Name);
            documents[path] = null;
            foreach (var informationHandle in reader.GetCustomDebugInformation(handle))
            {
                var information = reader.GetCustomDebugInformation(informationHandle);
                if (reader.GetGuid(information.Kind) == EmbeddedSourceKind)
                {
                    documents[path] = Decode(reader.GetBlobBytes(information.Value));
                }
            }
        }

        return documents;
    }

    /// <summary>The blob: a 32-bit format (0: the bytes follow as they are; otherwise the size after deflate), then the bytes.</summary>
    private static string Decode(byte[] blob)
    {
        int format = BitConverter.ToInt32(blob, 0);
        byte[] bytes;
        if (format == 0)
        {
            bytes = blob[4..];
        }
        else
        {
            using var deflate = new DeflateStream(new MemoryStream(blob, 4, blob.Length - 4), CompressionMode.Decompress);
            using var text = new MemoryStream();
            deflate.CopyTo(text);
            bytes = text.ToArray();
        }

        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(bytes).TrimStart('\uFEFF');
    }
}
