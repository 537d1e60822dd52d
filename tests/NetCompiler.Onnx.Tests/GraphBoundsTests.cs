namespace NetCompiler.Onnx.Tests;

/// <summary>
/// Issue 13, defects 5 and 6: every node the chain continues through must have an output, and a file cannot make the
/// importer work longer or allocate more than its size warrants: the graph walk is linear, and the node count, the
/// number of entries and the model's length are bounded (<see cref="OnnxImporter.MaxNodeCount"/>,
/// <see cref="OnnxImporter.MaxEntryCount"/>, <see cref="OnnxImporter.MaxModelBytes"/>), each with a message that names it.
/// </summary>
public class GraphBoundsTests
{
    private const string Prefix = "Cannot read the ONNX model as a NetCompiler network: ";

    [Fact]
    public void TheReportedFlipThatTakesTheGemmsOutputIsRejectedNamingTheNode()
    {
        // Bit 3 of byte 62 of the exported 4-16-3 model turns the tag of the first Gemm's output (field 2) into that of its
        // name (field 3): the node keeps its name and loses its only output. It used to throw ArgumentOutOfRangeException.
        var model = OnnxAssert.Export(TestData.RandomNetwork<IrisShapedNet>(seed: 1));
        Assert.Equal(0x12, model[62]);
        model[62] ^= 1 << 3;
        var net = TestData.RandomNetwork<IrisShapedNet>(seed: 2);
        var before = TestData.Snapshot(net);

        var exception = Assert.Throws<InvalidDataException>(() => OnnxAssert.Load(net, model));

        Assert.Equal(
            $"{Prefix}Node 'dense1/Gemm' (Gemm), the dense node of layer 1, has no output; the chain of dense layers continues with its result.",
            exception.Message);
        OnnxAssert.BitwiseEqual(before, net.Parameters);
    }

    public static TheoryData<string, string> NodesWithoutOutputs => new()
    {
        { "Gemm", "Node '/Gemm_0' (Gemm), the dense node of layer 1, has no output" },
        { "MatMul", "Node '/MatMul_0' (MatMul), the dense node of layer 1, has no output" },
        { "Add", "Node '/Add_1' (Add), the bias Add of layer 1 (node '/MatMul_0' (MatMul)), has no output" },
        { "Softmax", "Node '/Softmax_1' (Softmax), the Softmax of layer 1, has no output" },
    };

    [Theory]
    [MemberData(nameof(NodesWithoutOutputs))]
    public void ANodeTheChainContinuesThroughWithoutOutputsIsRejectedNamingIt(string opType, string expected)
    {
        var author = Softmax3To2(matMul: opType is "MatMul" or "Add");
        author.Graph.Nodes.Single(n => n.OpType == opType).Outputs.Clear();

        AssertInvalid(author.Build("unused", 2), $"{expected}; the chain of dense layers continues with its result.");
    }

    [Fact]
    public void ANodeWithAnEmptyOutputNameIsRejectedNamingIt()
    {
        var author = Softmax3To2(matMul: false);
        var gemm = author.Graph.Nodes.Single(n => n.OpType == "Gemm");
        gemm.Outputs[0] = string.Empty;

        AssertInvalid(author.Build("unused", 2), "Node '/Gemm_0' (Gemm), the dense node of layer 1, has an empty first output name; the chain of dense layers continues with its result.");
    }

    [Fact]
    public void ANamelessNodeWithoutOutputsIsNamedByItsPosition()
    {
        var author = Softmax3To2(matMul: false);
        var gemm = author.Graph.Nodes.Single(n => n.OpType == "Gemm");
        gemm.Outputs.Clear();
        gemm.Name = string.Empty;

        AssertInvalid(author.Build("unused", 2), "Node Gemm (node 1 of the graph), the dense node of layer 1, has no output; the chain of dense layers continues with its result.");
    }

    [Theory]
    [InlineData(100_000, 0)]
    [InlineData(0, 100_000)]
    [InlineData(50_000, 50_000)]
    public async Task AChainOfAHundredThousandPassThroughNodesIsRead(int before, int after)
    {
        // input → Identity × before → Gemm → Sigmoid → Identity × after: 100 003 nodes, within MaxNodeCount. The walk used to
        // search a list for every node it met: quadratic, about 27 s per load here, where the linear walk takes about 0.5 s
        // (1-3 s while other tests run). The assertion is on the result; the guard (15 s, generous for a linear walk on a loaded machine) keeps a
        // regression from hanging the run and, on a machine like this one, fails it.
        var layer = AuthoredLayer.Random(3, 2, seed: 7);
        var author = new ModelAuthor("input", "batch", 3);
        string x = author.InputName;
        for (int i = 0; i < before; i++)
        {
            x = author.Node("Identity", [x]);
        }

        string a = author.Node("Sigmoid", [author.TorchLinear(x, layer, "fc")]);
        for (int i = 0; i < after; i++)
        {
            a = author.Node("Identity", [a]);
        }

        var model = author.Build(a, 2);
        Assert.Equal(before + after + 3, author.Graph.Nodes.Count);
        var net = new LogisticNet();

        await Task.Run(() => OnnxAssert.Load(net, model)).WaitAsync(TimeSpan.FromSeconds(15));

        OnnxAssert.BitwiseEqual(AuthoredLayer.Parameters(layer), net.Parameters);
    }

    [Fact]
    public void AGraphOfMoreThanMaxNodeCountNodesIsRejectedWhileDecoding()
    {
        Assert.Equal(131_072, OnnxImporter.MaxNodeCount);
        var author = new ModelAuthor("input", "batch", 3);
        string x = author.InputName;
        for (int i = 0; i < OnnxImporter.MaxNodeCount; i++)
        {
            x = author.Node("Identity", [x]);
        }

        var model = author.Build(author.TorchLinear(x, AuthoredLayer.Random(3, 2, seed: 8), "fc"), 2);

        AssertInvalid(model, "The ONNX graph has more than 131072 nodes; NetCompiler reads graphs of at most 131072 nodes (OnnxImporter.MaxNodeCount).");
    }

    [Fact]
    public void ANodeWithMoreThanMaxEntryCountInputsIsRejected()
    {
        // Each input name takes two bytes of the file and a list slot and a string in memory.
        Assert.Equal(1_048_576, OnnxImporter.MaxEntryCount);
        var author = Softmax3To2(matMul: false);
        var gemm = author.Graph.Nodes.Single(n => n.OpType == "Gemm");
        gemm.Inputs.AddRange(Enumerable.Repeat(string.Empty, OnnxImporter.MaxEntryCount));

        AssertInvalid(author.Build("unused", 2), MaxEntryCountMessage);
    }

    [Fact]
    public void APackedRunOfMoreThanMaxEntryCountDimensionsIsRejectedWithoutDecodingItAll()
    {
        // ModelProto.graph { initializer { dims: packed run of 8 million one-byte varints } }: 8 MB that would decode
        // into 64 MB of longs. The decoder stops one past the bound.
        var tensor = new ProtoWriter();
        tensor.WriteBytes(1, Enumerable.Repeat((byte)1, 8 * OnnxImporter.MaxEntryCount).ToArray());
        var graph = new ProtoWriter();
        graph.WriteMessage(5, tensor);
        var model = new ProtoWriter();
        model.WriteMessage(7, graph);

        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var exception = Assert.Throws<InvalidDataException>(() => OnnxSerializer.Decode(model.WrittenSpan));
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        Assert.Equal(Prefix + MaxEntryCountMessage, exception.Message);
        Assert.InRange(allocated, 0, 8L * 2 * 2 * OnnxImporter.MaxEntryCount); // a list of at most one past the bound, grown by doubling
    }

    [Fact]
    public void AStreamLongerThanMaxModelBytesIsRejectedBeforeItIsRead()
    {
        Assert.Equal(1 << 30, OnnxImporter.MaxModelBytes);
        var net = TestData.RandomNetwork<LogisticNet>(seed: 3);
        var before = TestData.Snapshot(net);
        using var huge = new LengthOnlyStream(OnnxImporter.MaxModelBytes + 1L);

        var exception = Assert.Throws<InvalidDataException>(() => OnnxImporter.Load(net, huge));

        Assert.Equal($"{Prefix}The ONNX model is 1073741825 bytes long; NetCompiler reads models of at most 1073741824 bytes (OnnxImporter.MaxModelBytes).", exception.Message);
        Assert.Equal(0, huge.BytesRead);
        OnnxAssert.BitwiseEqual(before, net.Parameters);
    }

    private const string MaxEntryCountMessage =
        "The ONNX model holds more than 1048576 entries (nodes, their inputs, outputs and attributes, tensors, dimensions and repeated integers); NetCompiler reads at most 1048576 (OnnxImporter.MaxEntryCount).";

    /// <summary>3 → 2 Softmax: <c>Gemm</c> (or <c>MatMul</c> then <c>Add</c>), then <c>Softmax</c>, named as <see cref="ModelAuthor"/> names them.</summary>
    private static ModelAuthor Softmax3To2(bool matMul)
    {
        var layer = AuthoredLayer.Random(3, 2, seed: 4);
        var author = new ModelAuthor("input", "batch", 3);
        string z = matMul ? author.KerasDense(author.InputName, layer, "dense") : author.TorchLinear(author.InputName, layer, "fc");
        author.Node("Softmax", [z], OnnxAttribute.Int("axis", 1));
        return author;
    }

    /// <summary>Asserts loading into a <see cref="LogisticNet"/> throws <see cref="InvalidDataException"/> with <paramref name="problem"/> and changes no parameter.</summary>
    private static void AssertInvalid(byte[] model, string problem)
    {
        var net = TestData.RandomNetwork<LogisticNet>(seed: 5);
        var before = TestData.Snapshot(net);

        var exception = Assert.Throws<InvalidDataException>(() => OnnxAssert.Load(net, model));

        Assert.Equal(Prefix + problem, exception.Message);
        OnnxAssert.BitwiseEqual(before, net.Parameters);
    }

    /// <summary>A seekable stream that claims a length but holds no data, and counts what is read from it.</summary>
    private sealed class LengthOnlyStream(long length) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = (int)Math.Min(count, Length - Position);
            Position += read;
            BytesRead += read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
