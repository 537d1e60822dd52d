using System.Collections.Generic;
using System.Linq;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

// Single-sample forward propagation of small networks in registers: when every layer has at most 16 neurons,
// z_l and a_l of a layer are one Vector512 each and never touch memory. The product W_l a_(l-1) is formed
// block by block: 16 consecutive weights (16 / n rows of n = InputSize columns) times the layer input repeated
// 16 / n times gives the products W[j, k] a[k], and pairwise permutes of blocks ("merges") add up the n
// partial sums of each row until lane j holds Σ_k W[j, k] a[k].
internal static partial class NetworkEmitter
{
    private const int Lanes = 16;
    private const string Vector512Type = "global::System.Runtime.Intrinsics.Vector512";
    private const string Vector128Type = "global::System.Runtime.Intrinsics.Vector128";
    private const string Vector256Type = "global::System.Runtime.Intrinsics.Vector256";
    private const string VectorOfFloats = "global::System.Runtime.Intrinsics.Vector512<float>";
    private const string Avx512 = "global::System.Runtime.Intrinsics.X86.Avx512F";
    private const string VectorMath = "global::NetCompiler.Kernels.VectorMath";
    private const string RowMerge = "global::NetCompiler.Kernels.Blocks.RowMerge";

    private static void WriteForwardInRegisters(CodeWriter writer, NetworkPlan layout)
    {
        writer.Summary("<c>Forward</c> with AVX-512 and every layer in one Vector512 register (at most 16 neurons each): block products of W_l and the repeated layer input, summed per row by <see cref=\"global::NetCompiler.Kernels.Blocks.RowMerge\"/>. Arguments are already checked.");
        writer.Line("// Never inlined: inlined into a caller it could exhaust the JIT's inlining budget there and leave the merges as calls.");
        writer.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]");
        using (writer.Block($"private static void ForwardInRegisters({layout.ReadOnlySpan} parameters, {layout.ReadOnlySpan} input, {layout.Span} output)"))
        {
            writer.Line($"ref float p = ref {Memory}.GetReference(parameters);");
            string previous = "input";
            foreach (var layer in layout.Layers)
            {
                writer.Line();
                WriteLayerInRegisters(writer, layout, layer, previous);
                previous = layer.A;
            }

            writer.Line();
            WriteStoreOutput(writer, layout.Output);
        }

    }

    private static void WriteLayerInRegisters(CodeWriter writer, NetworkPlan layout, LayerPlan layer, string previous)
    {
        string n = Number(layer.Number);
        int columns = layer.InputSize;
        int rowsPerBlock = Lanes / columns;
        int blocks = ((layer.Size * columns) + Lanes - 1) / Lanes;
        string lanes = layer.Size == 1 ? "lane 0" : $"lanes 0..{layer.Size - 1}";
        writer.Line($"// Layer {n}: z{n} = W{n} {previous} + b{n} ({layer.Size} neuron{(layer.Size == 1 ? "" : "s")}, {lanes}), then {ActivationEquation(layer.Activation, "a" + n, "z" + n)}.");

        // The layer input, repeated so that lane t meets column t % columns of the weights.
        string repeated = previous;
        if (columns < Lanes || layer.Number == 1)
        {
            repeated = $"input{n}";
            string source = layer.Number == 1 ? "input" : previous;
            writer.Line($"{VectorOfFloats} {repeated} = {RepeatedInput(layer, source)}; // lane t = {source}[t % {columns}]");
        }

        // The products W[j, k] input[k], one block of 16 weights at a time.
        var level = new List<string>();
        for (int b = 0; b < blocks; b++)
        {
            string name = $"products{n}_{b}";
            string rows = RowRange(b * rowsPerBlock, rowsPerBlock, layer.Size);
            WriteLoadNote(writer, layout, layer.WeightOffset + (b * Lanes), $"block {b} of W{n}");
            writer.Line($"{VectorOfFloats} {name} = {LoadBlock(layout, layer.WeightOffsetConstant, layer.WeightOffset, b * Lanes)} * {repeated}; // {rows}, {columns} column{(columns == 1 ? "" : "s")}{(rowsPerBlock == 1 ? "" : " each")}");
            level.Add(name);
        }

        // Merges: each halves the partial sums per row (and doubles the rows per block) until one sum is left.
        int step = 0;
        for (int width = columns; width > 1; width /= 2)
        {
            var next = new List<string>();
            for (int i = 0; i < level.Count; i += 2)
            {
                bool alone = i + 1 == level.Count;
                string name = $"sums{n}_{step++}";
                int rows = Lanes / (width / 2);
                string range = RowRange((i / 2) * rows, rows, layer.Size);
                string sums = width == 2 ? "one sum" : $"{width / 2} partial sums";
                writer.Line($"{VectorOfFloats} {name} = {RowMerge}.Width{width}({level[i]}, {(alone ? "default" : level[i + 1])}); // {range}, {sums} each{(alone ? " (no second block: zeros)" : "")}");
                next.Add(name);
            }

            level = next;
        }

        WriteLoadNote(writer, layout, layer.BiasOffset, $"b{n}");
        writer.Line($"{VectorOfFloats} z{n} = {level[0]} + {LoadBlock(layout, layer.BiasOffsetConstant, layer.BiasOffset, 0)};");
        WriteActivationInRegisters(writer, layer);
    }

    /// <summary>"rows a..b" of a block that starts at row <paramref name="first"/>, counting only rows the layer has.</summary>
    private static string RowRange(int first, int count, int size)
    {
        int last = System.Math.Min(first + count, size) - 1;
        return last == first ? $"row {first}" : $"rows {first}..{last}";
    }

    /// <summary>The layer input repeated across the 16 lanes: loaded from the input span, or permuted from the previous layer's register.</summary>
    private static string RepeatedInput(LayerPlan layer, string source)
    {
        int columns = layer.InputSize;
        if (layer.Number > 1)
        {
            return columns == Lanes
                ? source
                : $"{Avx512}.PermuteVar16x32({source}, {Vector512Type}.Create({string.Join(", ", Enumerable.Range(0, Lanes).Select(t => t % columns))}))";
        }

        string first = $"ref {Memory}.GetReference(input)";
        return columns switch
        {
            16 => $"{Vector512Type}.LoadUnsafe({first})",
            8 => $"{Vector512Type}.Create({Vector256Type}.LoadUnsafe({first}))",
            4 => $"{Avx512}.PermuteVar16x32({Vector256Type}.ToVector512Unsafe({Vector128Type}.ToVector256Unsafe({Vector128Type}.LoadUnsafe({first}))), {Vector512Type}.Create(0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3))",
            2 => $"{Vector512Type}.Create({Vector128Type}.Create(input[0], input[1], input[0], input[1]))",
            _ => $"{Vector512Type}.Create(input[0])",
        };
    }

    /// <summary>
    /// The 16 floats at <c>offset + delta + lane</c> (lanes past the block's data hold whatever follows it). Near
    /// the end of the parameters the load ends with them instead, and a permute moves the lanes into place.
    /// </summary>
    private static string LoadBlock(NetworkPlan layout, string offsetConstant, int offset, int delta)
    {
        string at = delta == 0 ? offsetConstant : $"{offsetConstant} + {delta}";
        int shift = LoadShift(layout, offset + delta);
        if (shift == 0)
        {
            return $"{Vector512Type}.LoadUnsafe(ref p, {at})";
        }

        string indices = string.Join(", ", Enumerable.Range(0, Lanes).Select(t => System.Math.Min(t + shift, Lanes - 1)));
        return $"{Avx512}.PermuteVar16x32({Vector512Type}.LoadUnsafe(ref p, ParameterCount - {Lanes}), {Vector512Type}.Create({indices}))";
    }

    /// <summary>How far a 16-float load at <paramref name="start"/> must move back to stay inside the parameters.</summary>
    private static int LoadShift(NetworkPlan layout, int start) => System.Math.Max(0, start + Lanes - layout.ParameterCount);

    /// <summary>Explains a load that <see cref="LoadBlock"/> moves back.</summary>
    private static void WriteLoadNote(CodeWriter writer, NetworkPlan layout, int start, string what)
    {
        int shift = LoadShift(layout, start);
        if (shift > 0)
        {
            writer.Line($"// {what} starts fewer than 16 floats before the end of the parameters: load the last 16 and move them down {shift} lanes.");
        }
    }

    private static void WriteActivationInRegisters(CodeWriter writer, LayerPlan layer)
    {
        string n = Number(layer.Number);
        string z = "z" + n;
        switch (layer.Activation)
        {
            case ActivationKind.Identity:
                writer.Line($"{VectorOfFloats} a{n} = {z};");
                break;
            case ActivationKind.Sigmoid:
            case ActivationKind.Tanh:
                writer.Line($"{VectorOfFloats} a{n} = {VectorMath}.{layer.Activation}({z});");
                break;
            case ActivationKind.ReLU:
                writer.Line($"{VectorOfFloats} a{n} = {Vector512Type}.ConditionalSelect({Vector512Type}.GreaterThan({z}, {VectorOfFloats}.Zero), {z}, {VectorOfFloats}.Zero);");
                break;
            case ActivationKind.LeakyReLU:
                writer.Line($"{VectorOfFloats} a{n} = {Vector512Type}.ConditionalSelect({Vector512Type}.GreaterThan({z}, {VectorOfFloats}.Zero), {z}, {z} * {Kernels}.Activations.LeakyReLUSlope);");
                break;
            default:
                // Softmax, output layer only: over the narrowest vector that holds the logits, unused lanes at -∞ (e^-∞ = 0).
                var (type, narrow) = NarrowestVector(layer.Size);
                string logits = string.Format(System.Globalization.CultureInfo.InvariantCulture, narrow, z);
                if (layer.Size < Width(type))
                {
                    string mask = string.Join(", ", Enumerable.Range(0, Width(type)).Select(t => t < layer.Size ? "-1" : "0"));
                    logits = $"{type}.ConditionalSelect({type}.AsSingle({type}.Create({mask})), {logits}, {type}.Create(float.NegativeInfinity))";
                }

                writer.Line($"// Softmax over lanes 0..{layer.Size - 1}; the other lanes are set to -∞ so they add e^-∞ = 0 to the sum.");
                writer.Line($"{type}<float> a{n} = {VectorMath}.Softmax({logits});");
                break;
        }
    }

    /// <summary>The narrowest of Vector128/256/512 that holds <paramref name="size"/> lanes, and how to narrow a Vector512 to it.</summary>
    private static (string Type, string Narrow) NarrowestVector(int size) => size switch
    {
        <= 4 => (Vector128Type, $"{Vector256Type}.GetLower({Vector512Type}.GetLower({{0}}))"),
        <= 8 => (Vector256Type, $"{Vector512Type}.GetLower({{0}})"),
        _ => (Vector512Type, "{0}"),
    };

    private static int Width(string vectorType) => vectorType == Vector128Type ? 4 : vectorType == Vector256Type ? 8 : Lanes;

    /// <summary>Stores lanes 0..OutputSize-1 of the last activation: whole vectors where they fit, single lanes after.</summary>
    private static void WriteStoreOutput(CodeWriter writer, LayerPlan output)
    {
        string a = output.A;
        writer.Line($"// output = a{Number(output.Number)}, {(output.Size == 1 ? "lane 0" : $"lanes 0..{output.Size - 1}")}.");
        writer.Line($"ref float result = ref {Memory}.GetReference(output);");
        int stored = 0;
        string type = Vector512Type;
        if (output.Activation == ActivationKind.Softmax)
        {
            // a_L is already the narrowest vector that holds the outputs.
            type = NarrowestVector(output.Size).Type;
            if (Width(type) <= output.Size)
            {
                writer.Line($"{type}.StoreUnsafe({a}, ref result);");
                return;
            }
        }
        else
        {
            foreach (var (width, part) in new[] { (16, "{0}"), (8, $"{Vector512Type}.GetLower({{0}})"), (4, $"{Vector256Type}.GetLower({Vector512Type}.GetLower({{0}}))") })
            {
                if (output.Size >= width)
                {
                    string vectorType = width == 16 ? Vector512Type : width == 8 ? Vector256Type : Vector128Type;
                    writer.Line($"{vectorType}.StoreUnsafe({string.Format(System.Globalization.CultureInfo.InvariantCulture, part, a)}, ref result);");
                    stored = width;
                    break;
                }
            }
        }

        for (int lane = stored; lane < output.Size; lane++)
        {
            string target = lane == 0 ? "result" : $"{Unsafe}.Add(ref result, {lane})";
            writer.Line($"{target} = {type}.GetElement({a}, {lane});");
        }
    }
}
