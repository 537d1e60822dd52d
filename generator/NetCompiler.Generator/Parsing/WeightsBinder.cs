using System.Collections.Immutable;
using System.Threading;
using NetCompiler.Generator.Diagnostics;
using NetCompiler.Generator.Model;
using NetCompiler.Onnx;
using static System.FormattableString;

namespace NetCompiler.Generator.Parsing;

/// <summary>
/// Gives a parsed network the weights file its <c>[Network(Weights = "...")]</c> names: finds the file among the
/// AdditionalFiles items that were read, and checks it against the declared topology. On success the spec carries
/// the <see cref="BakedWeights"/>; otherwise a diagnostic on the <c>Weights</c> argument says why, and the network
/// is generated without them (so only the code that uses the baked-in weights fails to compile).
/// </summary>
internal static class WeightsBinder
{
    /// <summary>
    /// The most parameters a network bakes in: 8 MiB of data. An assembly holds at most 16 MiB of string
    /// literals (ECMA-335's #US heap), which the baked-in parameters share with every other string of the project,
    /// and the generated source is about 12 characters per parameter.
    /// </summary>
    public const int MaxBakedParameters = 1 << 21;

    private const uint ExponentMask = 0x7F80_0000u;

    /// <summary>The exponent bits of a float64 in its high 32-bit word.</summary>
    private const uint DoubleExponentMask = 0x7FF0_0000u;

    /// <summary>
    /// The network to generate, with its baked-in weights when the file fits, and the diagnostics about the weights file
    /// only (NC0013 to NC0018): the declaration's own diagnostics are <see cref="NetworkDeclarationAnalyzer"/>'s to report.
    /// </summary>
    public static ParseResult Bind(ParseResult parsed, ImmutableArray<WeightsFile> files, CancellationToken cancellationToken)
    {
        if (parsed.Weights is not { } reference || parsed.Spec is not { } spec)
        {
            return parsed with { Diagnostics = EquatableArray<DiagnosticInfo>.Empty };
        }

        cancellationToken.ThrowIfCancellationRequested();
        var diagnostics = new List<DiagnosticInfo>();
        var baked = Resolve(spec, reference, files, diagnostics);
        return new ParseResult(baked is null ? spec : spec with { Weights = baked }, new EquatableArray<DiagnosticInfo>(diagnostics), reference);
    }

    private static BakedWeights? Resolve(NetworkSpec spec, WeightsReference reference, ImmutableArray<WeightsFile> files, List<DiagnosticInfo> diagnostics)
    {
        string network = spec.DisplayName;
        string name = reference.FileName;
        var location = reference.Location;

        // The same item listed twice in the project is one file.
        var matches = files
            .Where(f => WeightsFileReader.Matches(f.Path, name))
            .GroupBy(f => f.Path, StringComparer.Ordinal)
            .Select(g => g.First())
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
        if (matches.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileNotFound, location, network, name));
            return null;
        }

        if (matches.Count > 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.WeightsFileAmbiguous, location, network, name, Invariant($"{matches.Count}"), string.Join(", ", matches.Select(m => m.Path))));
            return null;
        }

        var file = matches[0];
        if (file.MissingSideFile is { } sideFile)
        {
            int slash = name.Replace('\\', '/').LastIndexOf('/');
            string item = slash < 0 ? sideFile : name.Substring(0, slash + 1) + sideFile;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsSideFileNotFound, location, network, name, sideFile, item));
            return null;
        }

        if (file.StandardizedFeatures > 0 && file.Format == WeightsFormat.Onnx)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileStandardizesInput, location, network, name, Invariant($"{file.StandardizedFeatures}")));
            return null;
        }

        if (file.StandardizedFeatures > 0)
        {
            // A model file saved with its standardizer: the parameters are baked, the standardizer is not.
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ModelFileStandardizerNotBaked, location, network, name, Invariant($"{file.StandardizedFeatures}")));
        }

        if (file.Error is not null || file.Topology is null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsFileUnreadable, location, network, name, file.Error ?? "it holds no topology"));
            return null;
        }

        var differences = Differences(spec, file.Topology, file.Format, reference.AcceptLogits);
        if (file.ElementBytes == 8 && spec.Precision != PrecisionKind.Double)
        {
            // A float network cannot hold float64 parameters without rounding them; a float32 file widens exactly into a double network.
            differences.Insert(0, file.Format == WeightsFormat.Onnx ? "element type: ONNX DOUBLE, network float (Precision.Single)" : "element type: file float64 (double), network float32 (float)");
        }

        if (differences.Count > 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightsTopologyMismatch, location, network, name, string.Join("; ", differences)));
            return null;
        }

        int words = file.ElementBytes / 4;
        int parameterCount = file.ParameterBits.Count / words;
        if (parameterCount > MaxBakedParameters)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.WeightsTooLarge, location, network, name, Invariant($"{parameterCount}"), Invariant($"{MaxBakedParameters}")));
            return null;
        }

        ReportNonFinite(spec, reference, file.ParameterBits, words, diagnostics);
        return new BakedWeights(name, file.Format, file.Topology.Origin, file.Checksum, file.ParameterBits, file.ElementBytes);
    }

    /// <summary>
    /// Every difference between the file's topology and the network's, worded as the runtime loader words it
    /// (<c>ModelFile.Load</c> for a model file, <c>OnnxImporter.Load</c> for ONNX), so a file that fails here would
    /// fail there with the same list. As there, an ONNX model may end in logits where the network ends in Softmax or
    /// Sigmoid when the declaration accepts them (<c>AcceptLogits = true</c>), and ONNX records no loss.
    /// </summary>
    private static List<string> Differences(NetworkSpec spec, WeightsFileTopology file, WeightsFormat format, bool acceptLogits)
    {
        bool onnx = format == WeightsFormat.Onnx;
        var differences = new List<string>();
        if (file.InputSize != spec.InputSize)
        {
            differences.Add(onnx
                ? Invariant($"input: ONNX has {file.InputSize} features, network has {spec.InputSize}")
                : Invariant($"input size: file {file.InputSize}, network {spec.InputSize}"));
        }

        if (file.Layers.Count != spec.Layers.Count)
        {
            differences.Add(onnx
                ? Invariant($"ONNX has {file.Layers.Count} dense layers, network has {spec.Layers.Count}")
                : Invariant($"layer count: file {file.Layers.Count}, network {spec.Layers.Count}"));
        }

        for (int i = 0; i < Math.Min(file.Layers.Count, spec.Layers.Count); i++)
        {
            var (inFile, inNetwork) = (file.Layers[i], spec.Layers[i]);
            if (inFile.Size != inNetwork.Size)
            {
                differences.Add(onnx
                    ? Invariant($"layer {i + 1}: ONNX has {inFile.Size} units, network has {inNetwork.Size}")
                    : Invariant($"layer {i + 1} size: file {inFile.Size}, network {inNetwork.Size}"));
            }

            bool logits = onnx && OnnxLogits.EndsInLogitsFor(inFile.Activation, inNetwork.Activation, isOutputOfBoth: i == file.Layers.Count - 1 && i == spec.Layers.Count - 1);
            if (logits && !acceptLogits)
            {
                differences.Add(OnnxLogits.Difference(i + 1, inNetwork.Activation, "set AcceptLogits = true in [Network]"));
            }
            else if (inFile.Activation != inNetwork.Activation && !logits)
            {
                differences.Add(onnx
                    ? Invariant($"layer {i + 1} activation: ONNX {inFile.ActivationDescription}, network {inNetwork.Activation}")
                    : Invariant($"layer {i + 1} activation: file {inFile.ActivationDescription}, network {inNetwork.Activation}"));
            }
        }

        if (file.Loss is { } loss && loss != spec.Loss)
        {
            differences.Add(Invariant($"loss: file {loss}, network {spec.Loss}"));
        }

        return differences;
    }

    /// <summary>Warns (NC0017) when the parameters hold NaN or infinities: such a network computes NaN.</summary>
    private static void ReportNonFinite(NetworkSpec spec, WeightsReference reference, EquatableArray<uint> bits, int words, List<DiagnosticInfo> diagnostics)
    {
        // The exponent is in the high word of a float64 (the second, low word first) and in the only word of a float32.
        uint mask = words == 2 ? DoubleExponentMask : ExponentMask;
        int count = 0;
        int first = -1;
        for (int i = 0; i < bits.Count / words; i++)
        {
            if ((bits[(i * words) + words - 1] & mask) == mask)
            {
                first = first < 0 ? i : first;
                count++;
            }
        }

        if (count == 0)
        {
            return;
        }

        var layout = NetworkPlan.For(spec);
        var layer = layout.Layers.Last(l => l.WeightOffset <= first);
        diagnostics.Add(DiagnosticInfo.Create(
            DiagnosticDescriptors.WeightsNotFinite,
            reference.Location,
            spec.DisplayName,
            reference.FileName,
            Invariant($"{count}"),
            Invariant($"{first}"),
            Invariant($"{layer.Number}")));
    }
}
