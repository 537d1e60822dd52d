using System.Globalization;
using System.Text;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

/// <summary>
/// Writes the parameters baked in from <c>[Network(Weights = "...")]</c>: in the user's class <c>PretrainedParameters</c>
/// and <c>CreatePretrained()</c>, in the kernel class their bit patterns as a constant string. Writes nothing for a
/// network without weights.
/// </summary>
/// <remarks>
/// A string because the compiler folds a constant string quickly, while an array initializer costs it a binding step
/// per element (docs/design/kernels.md has the compile times). A string literal lives in the assembly and the runtime
/// materialises it once (NativeAOT stores it ready-made in the image), so reading the parameters allocates nothing after
/// that and never opens a file.
/// </remarks>
internal static partial class NetworkEmitter
{
    private const int BakedValuesPerLine = 32;
    private const int BakedLinesPerBlock = 64;
    private const string HexDigits = "0123456789ABCDEF";

    /// <summary>The user's class's members for the baked-in parameters: <c>PretrainedParameters</c> and <c>CreatePretrained</c>.</summary>
    private static void WritePretrainedApi(CodeWriter writer, NetworkPlan plan)
    {
        var spec = plan.Spec;
        if (spec.Weights is not { } weights)
        {
            return;
        }

        string file = XmlText(weights.FileName);
        string origin = XmlText(weights.Origin);
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line($"/// The parameters baked into this assembly at build time from the weights file <c>{file}</c> ({origin}), in the");
        writer.Line("/// layout of <see cref=\"Parameters\"/>. They are data in the assembly: reading them opens no file and, after the first");
        writer.Line("/// use, allocates nothing (under NativeAOT, never). Run the static kernels on them directly, e.g.");
        writer.Line("/// <c>Forward(PretrainedParameters, input, output)</c>, or copy them into a network with <see cref=\"CreatePretrained\"/>.");
        writer.Line("/// </summary>");
        writer.Line($"public static {plan.ReadOnlySpan} PretrainedParameters => {KernelClass(spec)}.PretrainedParameters;");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line($"/// Creates the network with the parameters baked in from <c>{file}</c> (a copy of <see cref=\"PretrainedParameters\"/>),");
        writer.Line("/// ready for inference or for further training. The constructors do not use them: <c>new " + XmlText(spec.DisplayName) + "()</c>");
        writer.Line("/// still draws fresh weights from a seed.");
        writer.Line("/// </summary>");
        writer.Line($"public static {spec.ClassName} CreatePretrained() => new {spec.ClassName}(PretrainedParameters);");
    }

    /// <summary>The kernel class's baked-in data: the parameters' bit patterns as a constant string, and their view.</summary>
    private static void WriteBakedData(CodeWriter writer, NetworkPlan layout)
    {
        var spec = layout.Spec;
        if (spec.Weights is not { } weights)
        {
            return;
        }

        string checksum = "0x" + weights.Checksum.ToString("X8", CultureInfo.InvariantCulture);
        bool fileIsDouble = weights.ElementBytes == 8;
        writer.Line();
        writer.Line($"// ---- Parameters baked in at build time from the weights file {CommentText(weights.FileName)} ({SingleLine(weights.Origin)}), ----");
        writer.Line($"// checked against this topology; the CRC-32 of the parameters (as little-endian {(fileIsDouble ? "float64" : "float32")}) is {checksum}.");
        writer.Line();
        if (layout.IsDouble && !fileIsDouble)
        {
            writer.Line("// Widened (exactly) from the file's float32 values on first use.");
            writer.Line("private static double[]? s_pretrainedParameters;");
            writer.Line();
            writer.Line($"internal static {layout.ReadOnlySpan} PretrainedParameters => s_pretrainedParameters ??= {Kernels}.BakedParameters.DecodeWidened(PretrainedParameterData);");
        }
        else
        {
            writer.Line($"// Decoded only on a big-endian machine, where the characters' bytes are not the {layout.Element}s' bytes.");
            writer.Line($"private static {layout.Element}[]? s_bigEndianPretrainedParameters;");
            writer.Line();
            string view = fileIsDouble ? "ViewDoubles" : "View";
            writer.Line($"internal static {layout.ReadOnlySpan} PretrainedParameters => {Kernels}.BakedParameters.{view}(PretrainedParameterData, ref s_bigEndianPretrainedParameters);");
        }

        int words = weights.WordsPerParameter;
        writer.Line();
        writer.Line($"// The parameters' IEEE-754 bit patterns, exactly as in the file (-0, subnormals and NaN payloads included), {(words == 1 ? "two" : "four")}");
        writer.Line($"// UTF-16 code units per parameter, {(words == 1 ? "low half" : "lowest")} first (see BakedParameters).");
        writer.Line("private const string PretrainedParameterData =");
        // Each section (a layer's W or b) is a run of literals, 32 parameters a line; runs of 64 lines are parenthesised,
        // so the expression is never more than a few hundred operators deep and tools that walk it recursively stay fast.
        var sections = new List<(string Comment, List<List<string>> Blocks)>();
        foreach (var layer in layout.Layers)
        {
            sections.Add(($"// W{layer.Number}: [{layer.Size}, {layer.InputSize}] at {layer.WeightOffset}", DataBlocks(weights.ParameterBits, layer.WeightOffset * words, layer.WeightCount * words)));
            sections.Add(($"// b{layer.Number}: [{layer.Size}] at {layer.BiasOffset}", DataBlocks(weights.ParameterBits, layer.BiasOffset * words, layer.Size * words)));
        }

        for (int section = 0; section < sections.Count; section++)
        {
            writer.Line("    " + sections[section].Comment);
            var blocks = sections[section].Blocks;
            for (int block = 0; block < blocks.Count; block++)
            {
                var literals = blocks[block];
                bool grouped = literals.Count > 1;
                string end = section == sections.Count - 1 && block == blocks.Count - 1 ? ";" : " +";
                for (int i = 0; i < literals.Count; i++)
                {
                    string open = !grouped ? string.Empty : i == 0 ? "(" : " ";
                    string close = i < literals.Count - 1 ? " +" : (grouped ? ")" : string.Empty) + end;
                    writer.Line("    " + open + literals[i] + close);
                }
            }
        }
    }

    /// <summary>
    /// The <paramref name="count"/> 32-bit words from <paramref name="start"/> as string literals of up to
    /// <see cref="BakedValuesPerLine"/> words, in blocks of up to <see cref="BakedLinesPerBlock"/> literals.
    /// </summary>
    private static List<List<string>> DataBlocks(EquatableArray<uint> bits, int start, int count)
    {
        var blocks = new List<List<string>>();
        var line = new StringBuilder((BakedValuesPerLine * 12) + 2);
        for (int first = 0; first < count; first += BakedValuesPerLine)
        {
            if (blocks.Count == 0 || blocks[blocks.Count - 1].Count == BakedLinesPerBlock)
            {
                blocks.Add([]);
            }

            line.Clear().Append('"');
            for (int i = first; i < Math.Min(first + BakedValuesPerLine, count); i++)
            {
                uint value = bits[start + i];
                AppendCodeUnit(line, value & 0xFFFF);
                AppendCodeUnit(line, value >> 16);
            }

            blocks[blocks.Count - 1].Add(line.Append('"').ToString());
        }

        return blocks;
    }

    /// <summary>Appends <c>\uXXXX</c>.</summary>
    private static void AppendCodeUnit(StringBuilder text, uint value)
    {
        text.Append("\\u");
        for (int shift = 12; shift >= 0; shift -= 4)
        {
            text.Append(HexDigits[(int)((value >> shift) & 0xF)]);
        }
    }

    /// <summary>Text for a <c>//</c> comment, quoted.</summary>
    private static string CommentText(string text) => "\"" + SingleLine(text) + "\"";

    /// <summary>Text for an XML documentation comment: markup characters escaped.</summary>
    private static string XmlText(string text) =>
        SingleLine(text).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>Control characters and line separators (which would end a comment line) shown as <c>?</c>.</summary>
    private static string SingleLine(string text) =>
        new([.. text.Select(c => char.IsControl(c) || c is '\u2028' or '\u2029' ? '?' : c)]);
}
