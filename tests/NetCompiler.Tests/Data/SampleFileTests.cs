using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using NetCompiler.Data;

namespace NetCompiler.Tests.Data;

/// <summary>The binary sample file: exact round trips, the documented layout, converters that agree with the loaders, and corruption caught with its place.</summary>
public class SampleFileTests
{
    private static Dataset Numbers(int count, int featureCount = 3, int targetCount = 2)
    {
        var features = new float[count * featureCount];
        var targets = new float[count * targetCount];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (i * 0.37f) - 11f;
        }

        for (int i = 0; i < targets.Length; i++)
        {
            targets[i] = i % 5;
        }

        return new Dataset(features, featureCount, targets, targetCount);
    }

    [Fact]
    public void WritesAndReadsBackBitForBitAcrossChunks()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "n.ncsamples");
        var data = Numbers(1000);

        SampleFile.Write(path, data, samplesPerChunk: 64);

        using var file = SampleFile.Open(path);
        Assert.Equal((3, 2, 1000L, 64, 16), (file.FeatureCount, file.TargetCount, file.Count, file.SamplesPerChunk, file.ChunkCount));
        Assert.Equal(1000 - (15 * 64), file.ChunkSampleCount(15));
        var loaded = file.ToDataset();
        Assert.Equal(data.Features, loaded.Features);
        Assert.Equal(data.Targets, loaded.Targets);
    }

    [Fact]
    public void TheLayoutIsTheDocumentedOne()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "two.ncsamples");
        var data = new Dataset([1f, 2f, 3f, 4f], 2, [0.5f, -1f], 1);

        SampleFile.Write(path, data, samplesPerChunk: 1);

        byte[] bytes = File.ReadAllBytes(path);
        Assert.Equal(64 + (4 * 2 * 3) + (4 * 2), bytes.Length);
        Assert.Equal("NCSAMPLE", Encoding.ASCII.GetString(bytes, 0, 8));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12)));
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(20)));
        Assert.Equal(2L, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(24)));

        // Chunk 0: features 1, 2 then target 0.5; chunk 1: 3, 4 then -1.
        float[] floats = [.. Enumerable.Range(0, 6).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(64 + (4 * i))))];
        Assert.Equal([1f, 2f, 0.5f, 3f, 4f, -1f], floats);
        Assert.Equal(Crc32C.Compute(bytes.AsSpan(0, 60)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(60)));
        Assert.Equal(Crc32C.Compute(bytes.AsSpan(64, 12)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(88)));
        Assert.Equal(Crc32C.Compute(bytes.AsSpan(76, 12)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(92)));
    }

    [Fact]
    public void Crc32CMatchesItsCheckValue()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0xE3069283u, Crc32C.Append(Crc32C.Compute("1234"u8), "56789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    [Fact]
    public void Crc32CInThreeChainsEqualsTheByteAtATimeTableAtEveryLength()
    {
        var random = new Initialization.DeterministicRandom(3);
        byte[] data = new byte[(3 * 8192 * 2) + (3 * 256 * 3) + 100];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)random.NextInt32(256);
        }

        uint[] table = global::NetCompiler.Persistence.ReflectedCrc.CreateTable(0x82F63B78u);
        foreach (int length in (int[])[0, 1, 7, 8, 255, 768, 769, 3 * 256 * 2, 8191, 3 * 8192, (3 * 8192) + 1, (3 * 8192) + 777, 2 * 3 * 8192, data.Length - 3, data.Length])
        {
            foreach (int start in (int[])[0, 1, 3])
            {
                if (start + length > data.Length)
                {
                    continue;
                }

                ReadOnlySpan<byte> part = data.AsSpan(start, length);
                Assert.Equal(~global::NetCompiler.Persistence.ReflectedCrc.Update(table, ~0u, part), Crc32C.Compute(part));
                Assert.Equal(Crc32C.Compute(part), Crc32C.Append(Crc32C.Compute(part[..(length / 3)]), part[(length / 3)..]));
            }
        }
    }

    [Fact]
    public void AFlippedByteInAChunkIsReportedWithTheChunkAndItsOffset()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "n.ncsamples");
        SampleFile.Write(path, Numbers(100), samplesPerChunk: 10);
        byte[] bytes = File.ReadAllBytes(path);
        long chunk3 = 64 + (3 * 10 * 5 * 4);
        bytes[chunk3 + 17] ^= 0x04;
        File.WriteAllBytes(path, bytes);

        using var file = SampleFile.Open(path);
        var error = Assert.Throws<DataFormatException>(() => file.ToDataset());

        Assert.StartsWith($"{path}: chunk 3 of 10 (offset {chunk3}, 200 bytes) has the checksum 0x", error.Message);
        Assert.EndsWith("; the file is corrupt.", error.Message);
        Assert.Equal(chunk3, error.Offset);
    }

    [Fact]
    public void ACorruptHeaderATruncatedFileAndAForeignFileAreRefusedWhenOpened()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "n.ncsamples");
        SampleFile.Write(path, Numbers(100), samplesPerChunk: 10);
        byte[] good = File.ReadAllBytes(path);

        byte[] header = (byte[])good.Clone();
        header[13] ^= 1;
        File.WriteAllBytes(path, header);
        Assert.Contains("the header's checksum is 0x", Assert.Throws<DataFormatException>(() => SampleFile.Open(path)).Message);

        File.WriteAllBytes(path, good[..^5]);
        Assert.Equal(
            $"{path}: the file has {good.Length - 5} bytes but its header (100 samples of 3 + 2 floats in 10 chunks) needs {good.Length}; the file is truncated or has extra bytes.",
            Assert.Throws<DataFormatException>(() => SampleFile.Open(path)).Message);

        File.WriteAllText(path, "a,b\n1,2\n");
        Assert.Equal(
            $"{path}: this is not a NetCompiler sample file: it does not start with the 64-byte header whose first bytes are \"NCSAMPLE\".",
            Assert.Throws<DataFormatException>(() => SampleFile.Open(path)).Message);
    }

    [Fact]
    public void NonFiniteSamplesAreRefusedAndLeaveNoFile()
    {
        using var directory = new TempDirectory();
        string path = Path.Combine(directory.Path, "n.ncsamples");

        var error = Assert.Throws<ArgumentException>(() => SampleFile.Create(path, 2, 1, writer =>
        {
            writer.Write([1f, 2f], [0f]);
            writer.Write([3f, float.NaN], [1f]);
        }));

        Assert.StartsWith("Sample 1 has the feature NaN; a sample file holds finite numbers only.", error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ACsvConvertedStreamedEqualsTheCsvLoadedInMemory()
    {
        using var directory = new TempDirectory();
        var csv = new StringBuilder("x,y,label\n");
        for (int i = 0; i < 5000; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i * 0.001},{-i * 0.5},{(i % 3 == 0 ? "c" : i % 3 == 1 ? "a" : "b")}\n");
        }

        string csvPath = directory.WriteText("d.csv", csv.ToString());
        string samplePath = Path.Combine(directory.Path, "d.ncsamples");

        string[]? classes = SampleFile.ConvertCsv(csvPath, samplePath, samplesPerChunk: 333);

        var expected = CsvDataset.Load(csvPath);
        var actual = SampleFile.Load(samplePath);
        Assert.Equal(expected.ClassNames, classes);
        Assert.Equal(["a", "b", "c"], classes!);
        Assert.Equal(expected.Features, actual.Features);
        Assert.Equal(expected.Targets, actual.Targets);
    }

    [Fact]
    public void AMalformedCsvFailsTheConversionWithTheLoadersMessage()
    {
        using var directory = new TempDirectory();
        string csvPath = directory.WriteText("d.csv", "x,y\n1,a\n2,b\nz,a\n");
        string samplePath = Path.Combine(directory.Path, "d.ncsamples");

        var error = Assert.Throws<DataFormatException>(() => SampleFile.ConvertCsv(csvPath, samplePath));

        Assert.Equal($"{csvPath}: line 4, column 'x': 'z' is not a number.", error.Message);
        Assert.False(File.Exists(samplePath));
    }

    [Fact]
    public void IdxImagesAndLabelsConvertToTheSameSamplesTheLoaderGives()
    {
        using var directory = new TempDirectory();
        string images = directory.WriteGzip("images.idx.gz", IdxBytes.ThreeImages());
        string labels = directory.WriteBytes("labels.idx", IdxBytes.Labels(IdxBytes.ThreeLabels));
        string samplePath = Path.Combine(directory.Path, "mnist.ncsamples");

        SampleFile.ConvertIdx(images, labels, samplePath);

        var expected = IdxDataset.Load(images, labels);
        var actual = SampleFile.Load(samplePath);
        Assert.Equal(expected.Features, actual.Features);
        Assert.Equal(expected.Targets, actual.Targets);
        Assert.Equal(1f, actual.Targets[7]);
    }
}
