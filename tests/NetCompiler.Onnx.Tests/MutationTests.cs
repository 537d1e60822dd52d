using System.Text;

namespace NetCompiler.Onnx.Tests;

/// <summary>
/// The guarantee of issue 13 for ONNX files: every single-bit flip, every truncation and every byte overwritten with 0x00
/// or 0xFF of a small exported model either throws one of the importer's documented exceptions
/// (<see cref="InvalidDataException"/>, <see cref="OnnxModelMismatchException"/>) and leaves the network's parameters as
/// they were, or is accepted with parameters of the right count that are exactly what the mutated file stores.
/// </summary>
public class MutationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void EveryBitFlipTruncationAndOverwrittenByteOfAnExportedModelIsRejectedCleanlyOrReadExactly()
    {
        // LinearBottleneckNet (3 → 4 → 2 Tanh, 26 parameters) exports to 511 bytes: two Gemm layers, their initializers,
        // a Tanh, typed graph input and output.
        var tally = Mutate<LinearBottleneckNet>();

        Assert.Equal(511 * 8, tally.Flips);
        Assert.Equal(32 * LinearBottleneckNet.ParameterCount, tally.AcceptedWithTheFlippedValue);
    }

    [Fact]
    public void EveryBitFlipTruncationAndOverwrittenByteOfAnExportedSoftmaxClassifierIsRejectedCleanlyOrReadExactly()
    {
        // SiluGeluSoftmaxNet (4 → 8 SiLU → 7 GELU → 3 Softmax, 127 parameters) exports to 1909 bytes: SiLU and GELU spelled
        // with Sigmoid, Mul, Pow, Add, Tanh and Constant nodes, and a Softmax, so mutations reach every part of the walk.
        var tally = Mutate<SiluGeluSoftmaxNet>();

        Assert.Equal(1909 * 8, tally.Flips);
        Assert.Equal(32 * SiluGeluSoftmaxNet.ParameterCount, tally.AcceptedWithTheFlippedValue);
    }

    [Fact]
    public void EveryBitFlipTruncationAndOverwrittenByteOfAKerasModelIsRejectedCleanlyOrReadExactly()
    {
        // As tf2onnx writes Keras' Dense layers: MatMul with [in, out] kernels in float_data, then the bias Add, then
        // LeakyRelu, Elu and Softplus (6 → 9 → 5 → 2, 125 parameters), so mutations reach the MatMul + Add path too.
        var (l1, l2, l3) = (AuthoredLayer.Random(6, 9, 21), AuthoredLayer.Random(9, 5, 23), AuthoredLayer.Random(5, 2, 25));
        var author = new ModelAuthor("dense_input", new OnnxDimension(null, "unk__12"), 6, graphName: "tf2onnx");
        string h = author.Node("LeakyRelu", [author.KerasDense(author.InputName, l1, "dense")], OnnxAttribute.Float("alpha", 0.01f));
        h = author.Node("Elu", [author.KerasDense(h, l2, "dense_1")], OnnxAttribute.Float("alpha", 1f));
        h = author.Node("Softplus", [author.KerasDense(h, l3, "dense_2")]);
        var model = author.Build(h, 2, outputName: "dense_2", opset: 13, producer: "tf2onnx");

        var tally = Mutate<LeakyEluSoftplusNet>(model, AuthoredLayer.Parameters(l1, l2, l3));

        Assert.Equal(model.Length * 8, tally.Flips);
        Assert.Equal(32 * LeakyEluSoftplusNet.ParameterCount, tally.AcceptedWithTheFlippedValue);
    }

    /// <summary>
    /// Applies every mutation to <typeparamref name="TNet"/>'s exported model and checks each load; returns the tally, after
    /// asserting that no load misbehaved.
    /// </summary>
    private Tally Mutate<TNet>()
        where TNet : class, INeuralNetwork<TNet>
    {
        var source = TestData.RandomNetwork<TNet>(seed: 11);
        return Mutate<TNet>(OnnxAssert.Export(source), TestData.Snapshot(source));
    }

    /// <summary>Applies every mutation to <paramref name="model"/>, which holds <paramref name="saved"/>, and checks each load into a <typeparamref name="TNet"/>.</summary>
    private Tally Mutate<TNet>(byte[] model, float[] saved)
        where TNet : class, INeuralNetwork<TNet>
    {
        var parameterAt = ParameterBytes(model, saved);
        Assert.Equal(4 * TNet.ParameterCount, parameterAt.Count);

        var net = TNet.Create(0);
        float[] baseline = TestData.Snapshot(TestData.RandomNetwork<TNet>(seed: 12));
        var tally = new Tally { Saved = saved };
        for (int offset = 0; offset < model.Length; offset++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] flipped = (byte[])model.Clone();
                flipped[offset] ^= (byte)(1 << bit);
                float[] expected = (float[])saved.Clone();
                if (parameterAt.TryGetValue(offset, out var at))
                {
                    // Inside a weight's raw_data: nothing but that value can change, so the file must be read, with that bit flipped.
                    int bits = BitConverter.SingleToInt32Bits(expected[at.Parameter]) ^ (1 << ((8 * at.Byte) + bit));
                    expected[at.Parameter] = BitConverter.Int32BitsToSingle(bits);
                }

                Check(net, baseline, flipped, WithoutDroppedBiases<TNet>(flipped, expected), mustBeAccepted: parameterAt.ContainsKey(offset), $"bit {bit} of byte {offset} flipped", tally);
            }
        }

        for (int length = 0; length < model.Length; length++)
        {
            Check(net, baseline, model[..length], saved, mustBeAccepted: false, $"truncated to {length} bytes", tally);
        }

        foreach (byte value in new byte[] { 0x00, 0xFF })
        {
            for (int offset = 0; offset < model.Length; offset++)
            {
                if (model[offset] == value || parameterAt.ContainsKey(offset))
                {
                    continue; // unchanged, or a weight's byte (flips cover those exactly)
                }

                byte[] overwritten = (byte[])model.Clone();
                overwritten[offset] = value;
                Check(net, baseline, overwritten, WithoutDroppedBiases<TNet>(overwritten, saved), mustBeAccepted: false, $"byte {offset} set to 0x{value:X2}", tally);
            }
        }

        output.WriteLine($"{typeof(TNet).Name}, {model.Length}-byte model: {tally}");
        Assert.True(tally.Failures.Count == 0, $"{tally.Failures.Count} of {tally.Total} mutations misbehaved; the first:\n{string.Join("\n", tally.Failures.Take(10))}");

        // Every flip of a weight's bit is read; everything else the importer rejects, or reads unchanged (a flip in a name
        // or in a field it does not use), or without a bias its Gemm no longer names.
        Assert.Equal(tally.Total, tally.Rejected + tally.AcceptedWithTheFlippedValue + tally.AcceptedWithoutABias + tally.AcceptedUnchanged);
        return tally;
    }

    /// <summary>Loads <paramref name="data"/> into <paramref name="net"/> (reset to <paramref name="baseline"/>) and records a failure unless it behaves as documented.</summary>
    private static void Check<TNet>(TNet net, float[] baseline, byte[] data, float[] ifAccepted, bool mustBeAccepted, string mutation, Tally tally)
        where TNet : class, INeuralNetwork<TNet>
    {
        tally.Total++;
        tally.Flips += mutation.StartsWith("bit ", StringComparison.Ordinal) ? 1 : 0;
        baseline.CopyTo(net.Parameters);
        Exception? exception = Record.Exception(() => OnnxAssert.Load(net, data));
        if (exception is InvalidDataException or OnnxModelMismatchException)
        {
            tally.Rejected++;
            if (!SameBits(baseline, net.Parameters))
            {
                tally.Failures.Add($"{mutation}: rejected ({exception.GetType().Name}) but the parameters changed");
            }

            if (mustBeAccepted)
            {
                tally.Failures.Add($"{mutation}: a weight's value changed, yet the model was rejected: {exception.Message}");
            }

            if (exception.Message.Length > 2000)
            {
                tally.Failures.Add($"{mutation}: a message of {exception.Message.Length} characters");
            }

            return;
        }

        if (exception is not null)
        {
            tally.Failures.Add($"{mutation}: undocumented {exception.GetType().Name}: {exception.Message}\n{exception.StackTrace}");
            return;
        }

        if (net.Parameters.Length != TNet.ParameterCount || !SameBits(ifAccepted, net.Parameters))
        {
            tally.Failures.Add($"{mutation}: accepted, but the parameters are not the {TNet.ParameterCount} the file stores");
            return;
        }

        if (mustBeAccepted)
        {
            tally.AcceptedWithTheFlippedValue++;
        }
        else if (SameBits(tally.Saved, ifAccepted))
        {
            tally.AcceptedUnchanged++;
        }
        else
        {
            tally.AcceptedWithoutABias++;
        }
    }

    /// <summary>
    /// <paramref name="values"/>, with the biases of every layer whose Gemm no longer names its bias input in
    /// <paramref name="data"/> set to 0. A mutation of the third input's tag (into another field) leaves a valid model:
    /// Gemm's C is optional, the layer then has no bias, which the importer reads as zeros, and the bias initializer is
    /// simply unused.
    /// </summary>
    private static float[] WithoutDroppedBiases<TNet>(byte[] data, float[] values)
        where TNet : class, INeuralNetwork<TNet>
    {
        OnnxGraph? graph;
        try
        {
            graph = OnnxSerializer.Decode(data).Graph;
        }
        catch (InvalidDataException)
        {
            return values; // not decodable, so never accepted
        }

        var gemms = graph?.Nodes.Where(n => n.OpType == "Gemm").ToList() ?? [];
        var layers = TNet.Description.Layers;
        if (gemms.Count != layers.Length)
        {
            return values;
        }

        float[] expected = (float[])values.Clone();
        for (int l = 0; l < layers.Length; l++)
        {
            if (gemms[l].Inputs.Count < 3 || gemms[l].Inputs[2].Length == 0)
            {
                Array.Clear(expected, layers[l].BiasOffset, layers[l].Size);
            }
        }

        return expected;
    }

    /// <summary>Where each parameter's four little-endian bytes are in the exported file: offset → (parameter, byte within it).</summary>
    private static Dictionary<int, (int Parameter, int Byte)> ParameterBytes(byte[] model, float[] parameters)
    {
        var map = new Dictionary<int, (int, int)>();
        for (int p = 0; p < parameters.Length; p++)
        {
            byte[] bytes = BitConverter.GetBytes(parameters[p]);
            int at = model.AsSpan().IndexOf(bytes);
            Assert.True(at >= 0 && model.AsSpan(at + 1).IndexOf(bytes) < 0, $"parameter {p}'s bytes are not found exactly once");
            for (int b = 0; b < 4; b++)
            {
                map.Add(at + b, (p, b));
            }
        }

        return map;
    }

    private static bool SameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual) =>
        expected.Length == actual.Length && System.Runtime.InteropServices.MemoryMarshal.AsBytes(expected).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(actual));

    private sealed class Tally
    {
        public List<string> Failures { get; } = [];

        public int Total { get; set; }

        public int Flips { get; set; }

        public int Rejected { get; set; }

        public int AcceptedUnchanged { get; set; }

        public int AcceptedWithTheFlippedValue { get; set; }

        public int AcceptedWithoutABias { get; set; }

        public float[] Saved { get; init; } = [];

        public override string ToString() => new StringBuilder()
            .Append($"{Total} mutations: {Rejected} rejected, {AcceptedWithTheFlippedValue} read with the flipped weight, ")
            .Append($"{AcceptedWithoutABias} read without a layer's bias (its Gemm no longer names it), {AcceptedUnchanged} read unchanged")
            .ToString();
    }
}
