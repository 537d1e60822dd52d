using System.Globalization;
using System.Text;

namespace NetCompiler;

/// <summary>
/// The Keras-style text summary of a <see cref="NetworkDescription"/>: one row per layer with its output size, its
/// parameters and its forward FLOPs per sample, then the totals.
/// </summary>
internal static class NetworkSummary
{
    /// <summary>The table, with invariant-culture numbers and columns padded with spaces.</summary>
    public static string Format(NetworkDescription description)
    {
        var rows = new List<string[]> { new[] { "Layer (type)", "Output", "Parameters", "FLOPs" } };
        rows.Add(["input", Number(description.InputSize), "0", "0"]);
        long totalFlops = 0;
        for (int i = 0; i < description.Layers.Length; i++)
        {
            var layer = description.Layers[i];
            long flops = DenseFlops(layer);
            totalFlops += flops;
            rows.Add([$"dense_{i + 1} (Dense, {layer.Activation})", Number(layer.Size), Number(layer.ParameterCount), Number(flops)]);
            if (layer.Dropout > 0f)
            {
                rows.Add([$"dropout_{i + 1} (Dropout {layer.Dropout.ToString("0.###", CultureInfo.InvariantCulture)})", Number(layer.Size), "0", "0"]);
            }
        }

        int[] widths = new int[4];
        foreach (string[] row in rows)
        {
            for (int c = 0; c < 4; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        int lineWidth = widths.Sum() + 6;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Network: {description.Name} ({description.Loss} loss)").Append('\n');
        for (int r = 0; r < rows.Count; r++)
        {
            if (r <= 1)
            {
                text.Append(r == 0 ? '=' : '-', lineWidth).Append('\n');
            }

            string[] row = rows[r];
            text.Append(row[0].PadRight(widths[0])).Append("  ")
                .Append(row[1].PadLeft(widths[1])).Append("  ")
                .Append(row[2].PadLeft(widths[2])).Append("  ")
                .Append(row[3].PadLeft(widths[3])).Append('\n');
        }

        text.Append('=', lineWidth).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"Parameters: {Number(description.ParameterCount)} ({Number(4L * description.ParameterCount)} bytes)").Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"FLOPs per sample (forward): {Number(totalFlops)}");
        return text.ToString();
    }

    /// <summary>
    /// The forward FLOPs of one sample through a dense layer: a multiply and an add per weight, <c>2 · in · out</c> (the
    /// count the benchmarks use; bias adds and activations are not counted).
    /// </summary>
    public static long DenseFlops(LayerDescription layer) => 2L * layer.WeightCount;

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
