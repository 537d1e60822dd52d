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
    public void EveryBitFlipTruncationAndOverwrittenByteOfAnExportedModel_IsRejectedCleanlyOrReadExactly()
    {
        // LinearBottleneckNet (3 → 4 → 2 Tanh, 26 parameters) exports to a few hundred bytes: two Gemm layers, their
        // initializers, a Tanh, typed graph input and output.
        var source = TestData.RandomNetwork<LinearBottleneckNet>(seed: 11);
        byte[] model = OnnxAssert.Export(source);
        float[] saved = TestData.Snapshot(source);
        var parameterAt = ParameterBytes(model, saved);
        Assert.Equal(4 * LinearBottleneckNet.ParameterCount, parameterAt.Count);

        var net = new LinearBottleneckNet();
        float[] baseline = TestData.Snapshot(TestData.RandomNetwork<LinearBottleneckNet>(seed: 12));
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

                Check(net, baseline, flipped, WithoutDroppedBiases(flipped, expected), mustBeAccepted: parameterAt.ContainsKey(offset), $"bit {bit} of byte {offset} flipped", tally);
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
                Check(net, baseline, overwritten, WithoutDroppedBiases(overwritten, saved), mustBeAccepted: false, $"byte {offset} set to 0x{value:X2}", tally);
            }
        }

        output.WriteLine($"{model.Length}-byte model: {tally}");
        Assert.True(tally.Failures.Count == 0, $"{tally.Failures.Count} of {tally.Total} mutations misbehaved; the first:\n{string.Join("\n", tally.Failures.Take(10))}");

        // Every flip of a weight's bit is read; everything else the importer rejects, or reads unchanged (a flip in a name
        // or in a field it does not use).
        Assert.Equal(8 * model.Length, tally.Flips);
        Assert.Equal(32 * LinearBottleneckNet.ParameterCount, tally.AcceptedWithTheFlippedValue);
        Assert.Equal(tally.Total, tally.Rejected + tally.AcceptedWithTheFlippedValue + tally.AcceptedWithoutABias + tally.AcceptedUnchanged);
    }

    /// <summary>Loads <paramref name="data"/> into <paramref name="net"/> (reset to <paramref name="baseline"/>) and records a failure unless it behaves as documented.</summary>
    private static void Check(LinearBottleneckNet net, float[] baseline, byte[] data, float[] ifAccepted, bool mustBeAccepted, string mutation, Tally tally)
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

        if (net.Parameters.Length != LinearBottleneckNet.ParameterCount || !SameBits(ifAccepted, net.Parameters))
        {
            tally.Failures.Add($"{mutation}: accepted, but the parameters are not the {LinearBottleneckNet.ParameterCount} the file stores");
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
    private static float[] WithoutDroppedBiases(byte[] data, float[] values)
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
        var layers = LinearBottleneckNet.Description.Layers;
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
