using System.Globalization;
using System.Text;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

/// <summary>
/// Writes the parameters baked in from <c>[Network(Weights = "...")]</c>: their bit patterns as a string constant,
/// a <c>ReadOnlySpan&lt;float&gt;</c> view of it, and <c>CreatePretrained()</c>. Writes nothing for a network
/// without weights, so its file is exactly what it was before weights could be baked in.
/// </summary>
/// <remarks>
/// Why a string: the compiler handles one constant string of any length in milliseconds, while an array
/// initializer costs it a binding step per element (for 784-128-10, 101,770 parameters: about 0.1 s for the string,
/// 2 s for a <c>uint[]</c>, over 10 s for the 407,080 elements of a <c>byte[]</c>). Each parameter is two UTF-16
/// code units, low half first, so on a little-endian machine the characters' bytes are the floats' bytes and the
/// span is a view of the string; a string's characters start 4-byte aligned (after the method table pointer and the
/// length) in every .NET runtime. A string literal lives in the assembly; the runtime materialises it once (NativeAOT
/// stores it ready-made in the image), so reading the parameters allocates nothing after that and never opens a file.
/// </remarks>
internal static partial class NetworkEmitter
{
    private const int BakedValuesPerLine = 8;
    private const string HexDigits = "0123456789ABCDEF";

    private static void WriteBakedWeights(CodeWriter writer, NetworkLayout layout)
    {
        var spec = layout.Spec;
        if (spec.Weights is not { } weights)
        {
            return;
        }

        string file = XmlText(weights.FileName);
        string origin = XmlText(weights.Origin);
        string checksum = "0x" + weights.Checksum.ToString("X8", CultureInfo.InvariantCulture);
        writer.Line();
        writer.Line($"// Parameters baked in at build time from the weights file {CommentText(weights.FileName)} ({SingleLine(weights.Origin)}),");
        writer.Line($"// checked against this topology; the CRC-32 of the parameters (as little-endian float32) is {checksum}.");
        writer.Line("/// <summary>");
        writer.Line($"/// The parameters baked into this assembly at build time from the weights file <c>{file}</c> ({origin}), in the");
        writer.Line("/// layout of <see cref=\"Parameters\"/>. They are data in the assembly: reading them opens no file and, after the first");
        writer.Line("/// use, allocates nothing (under NativeAOT, never). Run the static kernels on them directly, e.g.");
        writer.Line("/// <c>Forward(PretrainedParameters, input, output)</c>, or copy them into a network with <see cref=\"CreatePretrained\"/>.");
        writer.Line("/// </summary>");
        writer.Line($"public static {ReadOnlySpan} PretrainedParameters =>");
        writer.Line("    global::System.BitConverter.IsLittleEndian");
        writer.Line("        ? global::System.Runtime.InteropServices.MemoryMarshal.Cast<char, float>(global::System.MemoryExtensions.AsSpan(PretrainedParameterData))");
        writer.Line("        : s_bigEndianPretrainedParameters ??= DecodePretrainedParameters();");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line($"/// Creates the network with the parameters baked in from <c>{file}</c> (a copy of <see cref=\"PretrainedParameters\"/>),");
        writer.Line("/// ready for inference or for further training. The constructors do not use them: <c>new " + XmlText(spec.DisplayName) + "()</c>");
        writer.Line("/// still draws fresh weights from a seed.");
        writer.Line("/// </summary>");
        writer.Line($"public static {spec.ClassName} CreatePretrained() => new {spec.ClassName}(PretrainedParameters);");
        writer.Line();
        writer.Line("// The parameters' IEEE-754 bit patterns, exactly as in the file (-0, subnormals and NaN payloads included), two");
        writer.Line("// UTF-16 code units per parameter, low half first: on a little-endian machine the characters are the floats' bytes.");
        writer.Line("// A constant string compiles far faster than an array initializer of the same data.");
        writer.Line("private static string PretrainedParameterData =>");
        var lines = new List<string>();
        var line = new StringBuilder(BakedValuesPerLine * 12 * 2);
        foreach (var layer in layout.Layers)
        {
            lines.Add($"// W{layer.Number}: [{layer.Size}, {layer.InputSize}] at {layer.WeightOffset}");
            AddDataLines(lines, line, weights.ParameterBits, layer.WeightOffset, layer.WeightCount, layer.InputSize);
            lines.Add($"// b{layer.Number}: [{layer.Size}] at {layer.BiasOffset}");
            AddDataLines(lines, line, weights.ParameterBits, layer.BiasOffset, layer.Size, layer.Size);
        }

        int last = lines.FindLastIndex(l => l[0] == '"');
        for (int i = 0; i < lines.Count; i++)
        {
            writer.Line("    " + lines[i] + (lines[i][0] != '"' ? string.Empty : i == last ? ";" : " +"));
        }

        writer.Line();
        writer.Line("// On a big-endian machine, where the characters' bytes are not the floats' bytes: the parameters decoded by value, once.");
        writer.Line("private static float[]? s_bigEndianPretrainedParameters;");
        writer.Line();
        using (writer.Block("private static float[] DecodePretrainedParameters()"))
        {
            writer.Line("string data = PretrainedParameterData;");
            writer.Line("var values = new float[ParameterCount];");
            using (writer.Block("for (int i = 0; i < values.Length; i++)"))
            {
                writer.Line("values[i] = global::System.BitConverter.UInt32BitsToSingle((uint)data[2 * i] | ((uint)data[(2 * i) + 1] << 16));");
            }

            writer.Line("return values;");
        }
    }

    /// <summary>Adds <paramref name="count"/> values from <paramref name="start"/> as string literals, each row of <paramref name="rowLength"/> values starting a new line.</summary>
    private static void AddDataLines(List<string> lines, StringBuilder line, EquatableArray<uint> bits, int start, int count, int rowLength)
    {
        for (int row = 0; row < count; row += rowLength)
        {
            for (int column = 0; column < rowLength; column += BakedValuesPerLine)
            {
                line.Clear().Append('"');
                for (int i = column; i < Math.Min(column + BakedValuesPerLine, rowLength); i++)
                {
                    uint value = bits[start + row + i];
                    AppendCodeUnit(line, value & 0xFFFF);
                    AppendCodeUnit(line, value >> 16);
                }

                lines.Add(line.Append('"').ToString());
            }
        }
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
