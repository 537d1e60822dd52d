using BenchmarkDotNet.Attributes;
using NetCompiler.Data;

namespace NetCompiler.Benchmarks.Data;

/// <summary>
/// Reads a sample file (the generated 200,000 samples: 30 features and 3 one-hot targets, 26 MB, in the page cache)
/// chunk by chunk into one reused chunk buffer, checking every chunk's CRC-32C, as the streamed trainer does; against
/// the machine's memory bandwidth measured in the same run: one copy of as many bytes from one array to another (the
/// baseline). A ratio near 1 means reading the format costs about one pass over memory.
/// </summary>
public class SampleFileReadBenchmark : GeneratedFileBenchmark
{
    private string _path = "";
    private SampleFile? _file;
    private float[] _features = [];
    private float[] _targets = [];
    private byte[] _source = [];
    private byte[] _destination = [];

    [GlobalSetup]
    public void Setup()
    {
        _path = PathOf("data.ncsamples");
        SampleFile.Write(_path, GeneratedData.Dataset());
        _file = SampleFile.Open(_path);
        _features = new float[_file.SamplesPerChunk * _file.FeatureCount];
        _targets = new float[_file.SamplesPerChunk * _file.TargetCount];
        long bytes = new FileInfo(_path).Length;
        _source = new byte[bytes];
        _destination = new byte[bytes];
        Random.Shared.NextBytes(_source);
        ThroughputColumn.Set<SampleFileReadBenchmark>(nameof(MemoryCopy), bytes);
        ThroughputColumn.Set<SampleFileReadBenchmark>(nameof(ReadChunks), bytes);
    }

    public override void Cleanup()
    {
        _file!.Dispose();
        base.Cleanup();
    }

    [Benchmark(Baseline = true)]
    public int MemoryCopy()
    {
        _source.AsSpan().CopyTo(_destination);
        return _destination[^1];
    }

    [Benchmark]
    public long ReadChunks()
    {
        SampleFile file = _file!;
        long samples = 0;
        for (int chunk = 0; chunk < file.ChunkCount; chunk++)
        {
            int n = file.ChunkSampleCount(chunk);
            file.ReadChunk(chunk, _features.AsSpan(0, n * file.FeatureCount), _targets.AsSpan(0, n * file.TargetCount));
            samples += n;
        }

        return samples;
    }
}
