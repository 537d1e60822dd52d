using System.Linq;
using System.Text;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

// Forward propagation: the public Forward and ComputeLoss kernels and one ForwardLayer method per layer.
internal static partial class NetworkEmitter
{
    private static void WriteForwardKernels(CodeWriter writer, NetworkLayout layout)
    {
        writer.Summary("Forward propagation of one sample: <c>output = a_L</c> where <c>a_l = f_l(W_l a_(l-1) + b_l)</c> and <c>a_0 = input</c>. Allocation-free and thread-safe.");
        using (writer.Block($"public static void Forward({ReadOnlySpan} parameters, {ReadOnlySpan} input, {Span} output)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            WriteLengthCheck(writer, "input", "InputSize");
            WriteLengthCheck(writer, "output", "OutputSize");
            if (FitsInRegisters(layout))
            {
                using (writer.Block($"if ({Avx512}.IsSupported)"))
                {
                    writer.Line("// Every layer has at most 16 neurons: z_l and a_l stay in one Vector512 register each.");
                    writer.Line("ForwardInRegisters(parameters, input, output);");
                    writer.Line("return;");
                }

                writer.Line();
            }

            WriteScratch(writer, "ForwardScratchLength", layout.ForwardScratchLength);
            WriteScratchSlices(writer, layout, lastActivationIsOutput: true, deltas: false);
            WriteForwardCalls(writer, layout);
        }

        writer.Line();
        writer.Summary("The mean loss over a batch stored row-major: <c>inputs</c> is <c>[count, InputSize]</c>, <c>targets</c> is <c>[count, OutputSize]</c>.");
        using (writer.Block($"public static float ComputeLoss({ReadOnlySpan} parameters, {ReadOnlySpan} inputs, {ReadOnlySpan} targets)"))
        {
            WriteLengthCheck(writer, "parameters", "ParameterCount");
            writer.Line($"int count = {Kernels}.Guard.BatchCount(inputs, targets, InputSize, OutputSize, NetworkName);");
            WriteScratch(writer, "ForwardScratchLength", layout.ForwardScratchLength);
            WriteScratchSlices(writer, layout, lastActivationIsOutput: false, deltas: false);
            writer.Line("double totalLoss = 0;");
            using (writer.Block("for (int sample = 0; sample < count; sample++)"))
            {
                writer.Line("var input = inputs.Slice(sample * InputSize, InputSize);");
                writer.Line("var target = targets.Slice(sample * OutputSize, OutputSize);");
                WriteForwardCalls(writer, layout);
                WriteOutputLoss(writer, layout, "totalLoss +=", withDelta: false);
            }

            writer.Line("return (float)(totalLoss / count);");
        }

        if (FitsInRegisters(layout))
        {
            writer.Line();
            WriteForwardInRegisters(writer, layout);
        }
    }

    /// <summary>Calls ForwardLayer1 … ForwardLayerL, feeding each layer's activation to the next.</summary>
    private static void WriteForwardCalls(CodeWriter writer, NetworkLayout layout)
    {
        string previous = "input";
        foreach (var layer in layout.Layers)
        {
            writer.Line($"ForwardLayer{layer.Number}(parameters, {previous}, {layer.Z}, {layer.A});");
            previous = layer.A;
        }
    }

    private static void WriteForwardLayer(CodeWriter writer, LayerLayout layer)
    {
        string n = layer.Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string previous = layer.Number == 1 ? "input" : $"a{layer.Number - 1}";
        writer.Summary($"Layer {n} forward: <c>z{n} = W{n} {previous} + b{n}</c>, then <c>{ActivationEquation(layer.Activation, "a" + n, "z" + n)}</c>.");
        using (writer.Block($"private static void ForwardLayer{n}({ReadOnlySpan} parameters, {ReadOnlySpan} layerInput, {Span} z, {Span} a)"))
        {
            writer.Line($"var weights = parameters.Slice({layer.WeightOffsetConstant}, {layer.WeightCountConstant});");
            writer.Line($"var bias = parameters.Slice({layer.BiasOffsetConstant}, {layer.SizeConstant});");
            if (layer.Unrolled)
            {
                writer.Line($"// z{n} = W{n} {previous} + b{n}, written out ({layer.WeightCount} weights ≤ {LayerLayout.UnrollThreshold}): z[j] = b[j] + Σ_k W[j, k] layerInput[k].");
                for (int j = 0; j < layer.Size; j++)
                {
                    var line = new StringBuilder($"z[{j}] = bias[{j}]");
                    for (int k = 0; k < layer.InputSize; k++)
                    {
                        line.Append($" + (weights[{(j * layer.InputSize) + k}] * layerInput[{k}])");
                    }

                    writer.Line(line.Append(';').ToString());
                }
            }
            else
            {
                writer.Line($"// z{n} = W{n} {previous} + b{n}: z[j] = b[j] + (row j of W{n}) · layerInput (DenseKernels.MatrixVector: one sequential pass through W).");
                writer.Line($"{Kernels}.DenseKernels.MatrixVector(weights, layerInput, bias, z);");
            }

            writer.Line();
            writer.Line($"// {ActivationEquation(layer.Activation, "a" + n, "z" + n)}, vectorised.");
            writer.Line($"{Kernels}.ActivationKernels.{layer.Activation}(z, a);");
        }
    }

    private static void WriteLayerPasses(CodeWriter writer, NetworkLayout layout)
    {
        foreach (var layer in layout.Layers)
        {
            WriteForwardLayer(writer, layer);
            writer.Line();
            WriteBackwardLayer(writer, layer);
            if (layer != layout.Output)
            {
                writer.Line();
            }
        }
    }
}
