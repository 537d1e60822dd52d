using System.Globalization;
using System.Text;
using NetCompiler.Data;
using NetCompiler.Initialization;
using NetCompiler.Tests.Data;
using NetCompiler.Tests.Support;
using NetCompiler.Tests.Training;
using NetCompiler.Training;

namespace NetCompiler.Tests.Streaming;

/// <summary>Streaming straight from IDX and CSV files: the same samples and batches as the loaders and converters give, and their error messages.</summary>
[Collection(RunAloneCollection.Name)]
public class StreamedSourcesTests
{
    private static (byte[] Pixels, byte[] Labels) RandomImages(int count, int pixelsPerImage)
    {
        var random = new DeterministicRandom(5);
        var pixels = new byte[count * pixelsPerImage];
        var labels = new byte[count];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)random.NextInt32(256);
        }

        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = (byte)random.NextInt32(10);
        }

        return (pixels, labels);
    }

    private static (float[] Features, float[] Targets) ReadAllChunks(IChunkedTrainingData data)
    {
        var features = new float[data.Count * data.FeatureCount];
        var targets = new float[data.Count * data.TargetCount];
        long first = 0;
        for (int chunk = 0; chunk < data.ChunkCount; chunk++)
        {
            int n = data.ChunkSampleCount(chunk);
            data.ReadChunk(chunk, features.AsSpan((int)(first * data.FeatureCount), n * data.FeatureCount), targets.AsSpan((int)(first * data.TargetCount), n * data.TargetCount));
            first += n;
        }

        return (features, targets);
    }

    [Fact]
    public void IdxChunksReadStraightFromTheFilesAreTheLoadersSamples()
    {
        using var directory = new TempDirectory();
        var (pixels, labels) = RandomImages(1000, 12);
        string images = directory.WriteBytes("images.idx", IdxBytes.Images(1000, 3, 4, pixels));
        string labelFile = directory.WriteBytes("labels.idx", IdxBytes.Labels(labels));

        using var streamed = IdxTrainingData.Open(images, labelFile, samplesPerChunk: 64);
        var (features, targets) = ReadAllChunks(streamed);

        var loaded = IdxDataset.Load(images, labelFile);
        Assert.Equal(16, streamed.ChunkCount);
        Assert.Equal(40, streamed.ChunkSampleCount(15));
        Assert.Equal(loaded.Features, features);
        Assert.Equal(loaded.Targets, targets);
        Assert.Equal(loaded.ClassNames, streamed.ClassNames);
    }

    [Fact]
    public void AnIdxLabelOutsideTheClassesFailsItsChunkWithTheLoadersMessage()
    {
        using var directory = new TempDirectory();
        var (pixels, labels) = RandomImages(200, 4);
        labels[130] = 12;
        string images = directory.WriteBytes("images.idx", IdxBytes.Images(200, 2, 2, pixels));
        string labelFile = directory.WriteBytes("labels.idx", IdxBytes.Labels(labels));
        using var streamed = IdxTrainingData.Open(images, labelFile, samplesPerChunk: 64);

        var inFirstChunks = Record.Exception(() => streamed.ReadChunk(0, new float[64 * 4], new float[64 * 10]));
        var error = Assert.Throws<DataFormatException>(() => streamed.ReadChunk(2, new float[64 * 4], new float[64 * 10]));

        Assert.Null(inFirstChunks);
        Assert.Equal($"{labelFile}: the label at offset 138 is 12, but there are 10 classes (0 to 9).", error.Message);
        Assert.Equal(error.Message, Assert.Throws<DataFormatException>(() => IdxDataset.Load(images, labelFile)).Message);
    }

    [Fact]
    public void AGzipIdxFileIsRefusedForStreamingAndStillConverts()
    {
        using var directory = new TempDirectory();
        string images = directory.WriteGzip("images.idx.gz", IdxBytes.ThreeImages());
        string labels = directory.WriteBytes("labels.idx", IdxBytes.Labels(IdxBytes.ThreeLabels));

        var error = Assert.Throws<DataFormatException>(() => IdxTrainingData.Open(images, labels));

        Assert.Equal($"{images}: the file is gzip-compressed, so a chunk cannot be read at its offset; decompress it to stream it, or load it in memory with IdxDataset.Load.", error.Message);
    }

    [Fact]
    public void UncompressedIdxFilesConvertChunkByChunkToTheLoadersSamples()
    {
        using var directory = new TempDirectory();
        var (pixels, labels) = RandomImages(500, 6);
        string images = directory.WriteBytes("images.idx", IdxBytes.Images(500, 2, 3, pixels));
        string labelFile = directory.WriteBytes("labels.idx", IdxBytes.Labels(labels));
        string samplePath = Path.Combine(directory.Path, "d.ncsamples");

        SampleFile.ConvertIdx(images, labelFile, samplePath, samplesPerChunk: 37);

        var loaded = IdxDataset.Load(images, labelFile);
        using var file = SampleFile.Open(samplePath);
        Assert.Equal(37, file.SamplesPerChunk);
        var converted = file.ToDataset();
        Assert.Equal(loaded.Features, converted.Features);
        Assert.Equal(loaded.Targets, converted.Targets);
    }

    private static string BlobCsv(TempDirectory directory, int rows)
    {
        var data = TrainingTestData.Blobs(rows, seed: 4);
        var csv = new StringBuilder("x,y,label\n");
        for (int i = 0; i < rows; i++)
        {
            int label = data.Targets.Slice(i * 3, 3).IndexOf(1f);
            csv.Append(CultureInfo.InvariantCulture, $"{data.Features[i * 2]:R},{data.Features[(i * 2) + 1]:R},{"abc"[label]}\n");
        }

        return directory.WriteText("blobs.csv", csv.ToString());
    }

    [Fact]
    public void TrainingStreamedFromACsvGivesTheWeightsOfItsConvertedSampleFile()
    {
        using var directory = new TempDirectory();
        using var cache = new TempDirectory();
        string csvPath = BlobCsv(directory, 1500);
        string samplePath = Path.Combine(directory.Path, "blobs.ncsamples");
        string[]? convertedClasses = SampleFile.ConvertCsv(csvPath, samplePath, samplesPerChunk: 100);
        var options = new TrainerOptions { Epochs = 3, BatchSize = 16, Seed = 9, Optimizer = new Adam(TrainerBlobNet.ParameterCount) };

        var fromFile = new TrainerBlobNet(seed: 1);
        using (var file = SampleFile.Open(samplePath))
        {
            new Trainer<TrainerBlobNet>(options).FitStreamed(fromFile, new StreamedTrainingData(file, shuffleWindow: 300));
        }

        var fromCsv = new TrainerBlobNet(seed: 1);
        options = new TrainerOptions { Epochs = 3, BatchSize = 16, Seed = 9, Optimizer = new Adam(TrainerBlobNet.ParameterCount) };
        TrainingResult result;
        using (var csv = CsvTrainingData.Open(csvPath, cacheDirectory: cache.Path, samplesPerChunk: 100))
        {
            Assert.Equal(convertedClasses, csv.ClassNames);
            Assert.Equal(15, csv.ChunkCount);
            result = new Trainer<TrainerBlobNet>(options).FitStreamed(fromCsv, new StreamedTrainingData(csv, shuffleWindow: 300));
        }

        Assert.Equal(fromFile.Parameters.ToArray(), fromCsv.Parameters.ToArray());
        Assert.True(result.History[^1].TrainingMetric > 0.9f, $"accuracy {result.History[^1].TrainingMetric}");
        Assert.Empty(Directory.GetFiles(cache.Path));
    }

    [Fact]
    public void ACsvStreamedFromTheFileHasTheLoadersSamplesAndLeavesNoFileBehind()
    {
        using var directory = new TempDirectory();
        using var cache = new TempDirectory();
        string csvPath = BlobCsv(directory, 700);

        using var csv = CsvTrainingData.Open(csvPath, cacheDirectory: cache.Path, samplesPerChunk: 64);
        var (features, targets) = ReadAllChunks(csv);

        var loaded = CsvDataset.Load(csvPath);
        Assert.Equal(loaded.Features, features);
        Assert.Equal(loaded.Targets, targets);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Empty(Directory.GetFiles(cache.Path));
        }
    }

    [Fact]
    public void AMalformedCsvFailsWhenOpenedWithTheLoadersMessageAndLeavesNoFile()
    {
        using var directory = new TempDirectory();
        using var cache = new TempDirectory();
        string csvPath = directory.WriteText("d.csv", "x,y,label\n1,2,a\n3,4,b\n5,\"six\",a\n");

        var error = Assert.Throws<DataFormatException>(() => CsvTrainingData.Open(csvPath, cacheDirectory: cache.Path));

        Assert.Equal($"{csvPath}: line 4, column 'y': 'six' is not a number.", error.Message);
        Assert.Equal(error.Message, Assert.Throws<DataFormatException>(() => CsvDataset.Load(csvPath)).Message);
        Assert.Empty(Directory.GetFiles(cache.Path));
    }
}
