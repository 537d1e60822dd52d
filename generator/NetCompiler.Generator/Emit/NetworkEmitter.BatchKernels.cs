using System.Collections.Generic;
using System.Linq;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

// The batched kernels of the kernel class, in the batch matrix form of Wichmann 2017 (docs/papers.md): Z_l = W_l A_(l-1) + b_l 1ᵀ,
// H_(l-1) = (W_lᵀ H_l) ⊙ f'(Z_(l-1)), W_l ← W_l - (η/N) H_l A_(l-1)ᵀ, b_l ← b_l - (η/N) H_l 1. Activations are
// feature-major ([features, samples], samples contiguous), so every product is a register-blocked runtime tile with
// no transposes; the layer inputs are also kept sample-major for the weight-gradient product, fused with the update.
internal static partial class NetworkEmitter
{
    private static void WriteBatchKernels(CodeWriter writer, NetworkPlan plan)
    {
        writer.Line("// ---- Batches in matrix form. Feature-major activations: row f of a buffer holds feature f of every sample. ----");
        writer.Line();
        WriteForwardBatch(writer, plan);
        writer.Line();
        WriteTrainStepBatch(writer, plan);
        writer.Line();
        WriteAccumulateGradientBatch(writer, plan, withDropout: false);
        writer.Line();
        if (plan.HasDropout)
        {
            WriteAccumulateGradientBatch(writer, plan, withDropout: true);
            writer.Line();
        }

        WriteOptimizerStepBatch(writer, plan);
        writer.Line();
        WriteBackpropagateBatch(writer, plan);
    }

    /// <summary>The runtime's fused optimizer step for this network's element type.</summary>
    private static string ParameterUpdate(NetworkPlan plan) => $"{Kernels}.ParameterUpdate<{plan.Element}>";

    /// <summary>The runtime's per-sample form of the batched kernels, for machines without 512- or 256-bit vectors.</summary>
    private static string PerSampleBatch(NetworkPlan plan) => $"{Kernels}.PerSampleBatch<{plan.Spec.FullyQualifiedName}, {plan.Element}>";

    private static void WriteForwardBatch(CodeWriter writer, NetworkPlan plan)
    {
        var output = plan.Output;
        using (writer.Block($"internal static void ForwardBatch({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} inputs, {plan.Span} outputs)"))
        {
            using (writer.Block("if (inputs.Length == InputSize && outputs.Length == OutputSize)"))
            {
                writer.Line("Forward(parameters, inputs, outputs); // One sample: the per-sample kernel, with the same checks and no batch bookkeeping.");
                writer.Line("return;");
            }

            writer.Line();
            WriteLengthCheck(writer, plan, "parameters", "ParameterCount");
            writer.Line($"int count = {Kernels}.Guard.BatchCount<{plan.Element}>(inputs, outputs, InputSize, OutputSize, NetworkName, nameof(outputs));");
            using (writer.Block($"if (!{Kernels}.BatchLayout.VectorsAccelerated)"))
            {
                writer.Line("// No vectors (512, 256 or 128 bits) on this machine: the per-sample kernels.");
                writer.Line($"{PerSampleBatch(plan)}.Forward(parameters, inputs, outputs, count);");
                writer.Line("return;");
            }

            writer.Line();
            writer.Line($"using {Kernels}.ScratchBuffer scratchLease = {Kernels}.ScratchBuffer.Rent(ForwardBatchScratchPerSample * {Kernels}.BatchLayout.TileSamples, out {plan.Span} scratch);");
            using (writer.Block($"for (int first = 0; first < count; first += {Kernels}.BatchLayout.TileSamples)"))
            {
                writer.Line($"int n = global::System.Math.Min({Kernels}.BatchLayout.TileSamples, count - first);");
                WriteScratchSlices(writer, plan, plan.ForwardBatchScratch, "scratch", "n");
                WriteFirstForwardProduct(writer, plan, "inputs.Slice(first * InputSize, n * InputSize)");
                string previous = "a0";
                foreach (var layer in plan.Layers)
                {
                    if (layer != plan.Layers[0])
                    {
                        writer.Line(ProductCall(ForwardProduct(plan, layer), $"parameters, {previous}, {layer.Z}, n", $"parameters, {previous}, {layer.Z}, n, {plan.Literal(1)}"));
                    }

                    if (layer == output && layer.Activation == ActivationKind.Softmax)
                    {
                        writer.Line($"// A{layer.N} = softmax(Z{layer.N}) of every sample (column), 16 samples per vector.");
                        writer.Line($"{Kernels}.BatchOutputLayer.Softmax<{plan.Element}>({layer.Z}, {layer.SizeConstant}, n, {layer.Z});");
                    }
                    else
                    {
                        WriteElementwiseActivation(writer, plan, layer, layer.Z, layer.Z);
                    }

                    previous = layer.Z;
                }

                writer.Line("// outputs = a_Lᵀ: back to sample-major.");
                writer.Line($"{Kernels}.MatrixKernels.Transpose<{plan.Element}>({output.Z}, OutputSize, n, outputs.Slice(first * OutputSize, n * OutputSize));");
            }
        }
    }

    private static void WriteTrainStepBatch(CodeWriter writer, NetworkPlan plan)
    {
        using (writer.Block($"internal static {plan.Element} TrainStepBatch({plan.Span} parameters, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets, {plan.Element} learningRate)"))
        {
            WriteLengthCheck(writer, plan, "parameters", "ParameterCount");
            writer.Line($"int n = {Kernels}.Guard.TrainingBatch<{plan.Element}>(inputs, targets, InputSize, OutputSize, learningRate, NetworkName, out {plan.Element} largestInput);");
            using (writer.Block($"if (!{Kernels}.BatchLayout.VectorsAccelerated)"))
            {
                writer.Line("// No vectors (512, 256 or 128 bits) on this machine: the per-sample step.");
                writer.Line($"return {PerSampleBatch(plan)}.TrainStep(parameters, inputs, targets, learningRate);");
            }

            WriteBackpropagationCall(writer, plan, $"out {plan.Element} largestDelta");
            writer.Line();
            WriteLargestLayerInput(writer, plan);
            using (writer.Block($"if (!{Kernels}.GradientDescent.FusedUpdateStaysFinite(learningRate, n, largestDelta, largestInput))"))
            {
                writer.Line("// The fused update below writes as it goes: where it might overflow, a gradient buffer and a checked update instead.");
                writer.Line($"return {PerSampleBatch(plan)}.CheckedTrainStep(parameters, inputs, targets, learningRate, n);");
            }

            writer.Line();
            writer.Line("// W_l ← W_l - (η/N) H_l A_(l-1)ᵀ and b_l ← b_l - (η/N) H_l 1, the gradient product fused with the update.");
            writer.Line($"{plan.Element} step = -learningRate / n;");
            WriteBatchUpdates(writer, plan, "parameters", "step");
            writer.Line($"return ({plan.Element})(totalLoss / n);");
        }
    }

    /// <summary>
    /// <c>AccumulateGradientBatch</c>, or with <paramref name="withDropout"/> <c>AccumulateGradientBatchWithDropout</c>, the
    /// same with each <c>[Dropout]</c> applied with the given mask.
    /// </summary>
    private static void WriteAccumulateGradientBatch(CodeWriter writer, NetworkPlan plan, bool withDropout)
    {
        if (withDropout)
        {
            writer.Line("// AccumulateGradientBatch with dropout: the same matrix form, each dropout applied with the mask of (seed, step, layer, sample, unit).");
        }

        writer.Line("// outputs: empty, or [n, OutputSize] for the step's outputs a_L (the caller's training metrics, from this forward pass).");
        string signature = withDropout
            ? $"internal static {plan.Element} AccumulateGradientBatchWithDropout({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets, {plan.Span} gradient, {Runtime}.DropoutMask dropout, {plan.Span} outputs)"
            : $"internal static {plan.Element} AccumulateGradientBatch({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets, {plan.Span} gradient, {plan.Span} outputs)";
        using (writer.Block(signature))
        {
            WriteLengthCheck(writer, plan, "parameters", "ParameterCount");
            WriteLengthCheck(writer, plan, "gradient", "ParameterCount");
            writer.Line($"int n = {Kernels}.Guard.BatchCount<{plan.Element}>(inputs, targets, InputSize, OutputSize, NetworkName);");
            writer.Line($"{Kernels}.Guard.ThrowIfBatchNotFinite<{plan.Element}>(inputs, targets, InputSize, OutputSize, NetworkName);");
            writer.Line($"{Kernels}.Guard.OptionalBatchOutputs<{plan.Element}>(outputs, n, OutputSize, NetworkName);");
            using (writer.Block($"if (!{Kernels}.BatchLayout.VectorsAccelerated)"))
            {
                writer.Line("// No vectors (512, 256 or 128 bits) on this machine: one sample at a time, and the outputs by forward passes of their own.");
                writer.Line(withDropout
                    ? $"{plan.Element} sampleLosses = {Kernels}.DropoutSampleLoop<{KernelClassName(plan.Spec)}, {plan.Element}>.AccumulateGradientBatch(parameters, inputs, targets, gradient, dropout);"
                    : $"{plan.Element} sampleLosses = {PerSampleBatch(plan)}.AccumulateGradient(parameters, inputs, targets, gradient, n);");
                writer.Line($"{PerSampleBatch(plan)}.Forward(parameters, inputs, outputs, outputs.IsEmpty ? 0 : n);");
                writer.Line("return sampleLosses;");
            }

            var output = plan.Output;
            bool softmax = output.Activation == ActivationKind.Softmax;
            string outputActivations = softmax ? output.Z : output.A;
            WriteBackpropagationCall(writer, plan, "out _", withDropout ? "dropout" : "null", outputActivations);
            writer.Line();
            writer.Line("// ∂J/∂W_l += H_l A_(l-1)ᵀ and ∂J/∂b_l += H_l 1: the same fused kernels, adding into the gradient with scale 1.");
            WriteBatchUpdates(writer, plan, "gradient", plan.Literal(1));
            WriteTrainingOutputs(writer, plan);
            writer.Line($"return ({plan.Element})totalLoss;");
        }
    }

    /// <summary>
    /// <c>OptimizerStepBatch</c>: the Trainer's step with one of the library's optimizers, fused with the weight-gradient
    /// products (the runtime's <c>ParameterUpdate</c>): the same propagation as <c>AccumulateGradientBatch</c>, then each
    /// register tile of the gradient goes straight into the optimizer's update of its parameters.
    /// </summary>
    private static void WriteOptimizerStepBatch(CodeWriter writer, NetworkPlan plan)
    {
        writer.Line("// The Trainer's step with a library optimizer (Adam, SGD, RMSProp), fused with the weight-gradient products: each register");
        writer.Line("// tile of ∂J/∂W_l goes from a buffer in cache straight into update's θ ← update(θ, ∂J/∂θ / n), so the gradient never exists");
        writer.Line("// as a whole. outputs: empty, or [n, OutputSize] for the step's outputs a_L. False, with nothing written, where it cannot run.");
        string dropout = plan.HasDropout ? $"{Runtime}.DropoutMask dropout, " : string.Empty;
        using (writer.Block($"internal static bool OptimizerStepBatch({plan.Span} parameters, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets, {ParameterUpdate(plan)} update, {dropout}{plan.Span} outputs, out {plan.Element} loss)"))
        {
            WriteLengthCheck(writer, plan, "parameters", "ParameterCount");
            writer.Line($"int n = {Kernels}.Guard.TrainingBatch<{plan.Element}>(inputs, targets, InputSize, OutputSize, {plan.Literal(1)}, NetworkName, out {plan.Element} largestInput);");
            writer.Line($"{Kernels}.Guard.OptionalBatchOutputs<{plan.Element}>(outputs, n, OutputSize, NetworkName);");
            writer.Line("loss = 0;");
            using (writer.Block($"if (!{Kernels}.BatchLayout.VectorsAccelerated)"))
            {
                writer.Line("// No vectors (512, 256 or 128 bits) on this machine: the caller's gradient path, one sample at a time.");
                writer.Line("return false;");
            }

            var output = plan.Output;
            string outputActivations = output.Activation == ActivationKind.Softmax ? output.Z : output.A;
            WriteBackpropagationCall(writer, plan, $"out {plan.Element} largestDelta", plan.HasDropout ? "dropout" : "null", outputActivations);
            writer.Line();
            WriteLargestLayerInput(writer, plan);
            using (writer.Block($"if (!{Kernels}.GradientDescent.FusedUpdateStaysFinite({plan.Literal(1)}, n, largestDelta, largestInput))"))
            {
                writer.Line("// The gradient's sums might overflow: the caller's gradient path, which checks them before any parameter changes.");
                writer.Line("return false;");
            }

            writer.Line();
            writer.Line("// θ_l ← update(θ_l, ∂J/∂θ_l / n): b_l from ∂J/∂b_l = H_l 1, W_l a register tile of ∂J/∂W_l = H_l A_(l-1)ᵀ at a time.");
            foreach (var layer in plan.Layers)
            {
                string input = layer.Number == 1 ? "inputs" : $"a{layer.Number - 1}SampleMajor";
                writer.Line($"update.Layer(parameters, {layer.WeightOffsetConstant}, {layer.BiasOffsetConstant}, {layer.SizeConstant}, {layer.InputSizeConstant}, {layer.H}, {input}, n);");
            }

            WriteTrainingOutputs(writer, plan);
            writer.Line($"loss = ({plan.Element})totalLoss;");
            writer.Line("return true;");
        }
    }

    /// <summary>
    /// After a training pass that kept the output layer's activations (or, for softmax, Z_L): writes them to the caller's
    /// <c>outputs</c> sample-major unless it is empty.
    /// </summary>
    private static void WriteTrainingOutputs(CodeWriter writer, NetworkPlan plan)
    {
        var output = plan.Output;
        bool softmax = output.Activation == ActivationKind.Softmax;
        using (writer.Block("if (!outputs.IsEmpty)"))
        {
            if (softmax)
            {
                writer.Line($"// outputs = A_Lᵀ, sample-major; BP1 kept only A_L - T, so A_L = softmax(Z_L) again, in place (Z_L is not needed any more).");
                writer.Line($"{Kernels}.BatchOutputLayer.Softmax<{plan.Element}>({output.Z}, OutputSize, n, {output.Z});");
            }
            else
            {
                writer.Line("// outputs = A_Lᵀ, sample-major.");
            }

            writer.Line($"{Kernels}.MatrixKernels.Transpose<{plan.Element}>({(softmax ? output.Z : output.A)}, OutputSize, n, outputs);");
        }
    }

    /// <summary>
    /// Widens <c>largestInput</c> (the largest input magnitude) to every layer's input, for the bound of a fused update: a
    /// hidden layer's output from σ, tanh or softmax lies in [-1, 1]; the others are scanned.
    /// </summary>
    private static void WriteLargestLayerInput(CodeWriter writer, NetworkPlan plan)
    {
        foreach (var layer in plan.Layers.Take(plan.Layers.Count - 1).Where(layer => !ActivationCatalog.Of(layer.Activation).BoundedByOne))
        {
            writer.Line($"largestInput = {plan.MathClass}.Max(largestInput, {Kernels}.Guard.MaxMagnitude<{plan.Element}>(a{layer.Number}SampleMajor));");
        }
    }

    /// <summary>The operands of the weight updates: every layer's deltas and the sample-major inputs of the layers above the first.</summary>
    private static HashSet<string> UpdateOperands(NetworkPlan plan)
    {
        var names = new HashSet<string>();
        foreach (var layer in plan.Layers)
        {
            names.Add(layer.H);
            if (layer.Number > 1)
            {
                names.Add(plan.Layers[layer.Number - 2].A + "SampleMajor");
            }
        }

        return names;
    }

    /// <summary>
    /// The start of <c>TrainStepBatch</c> and <c>AccumulateGradientBatch</c> after their checks: scratch for <c>n</c>
    /// samples, <c>BackpropagateBatch</c> over them, and the update operands in scope (with <c>n</c> and <c>totalLoss</c>).
    /// </summary>
    private static void WriteBackpropagationCall(CodeWriter writer, NetworkPlan plan, string largestDelta, string dropout = "null", string? alsoInScope = null)
    {
        var operands = UpdateOperands(plan);
        if (alsoInScope is not null)
        {
            operands.Add(alsoInScope);
        }

        writer.Line();
        writer.Line($"using {Kernels}.ScratchBuffer scratchLease = {Kernels}.ScratchBuffer.RentForBatch(TrainBatchScratchPerSample, n, TrainBatchScratchPerBatch, NetworkName, out {plan.Span} scratch);");
        writer.Line(plan.HasDropout
            ? $"double totalLoss = BackpropagateBatch(parameters, inputs, targets, scratch, n, {largestDelta}, {dropout});"
            : $"double totalLoss = BackpropagateBatch(parameters, inputs, targets, scratch, n, {largestDelta});");
        WriteScratchSlices(writer, plan, plan.TrainBatchScratch, "scratch", "n", operands);
    }

    /// <summary>
    /// Writes <c>BackpropagateBatch</c>, the common part of the batched training methods: forward, BP1, BP2 and the
    /// check that every delta is finite, into the buffers of the plan's training scratch.
    /// </summary>
    private static void WriteBackpropagateBatch(CodeWriter writer, NetworkPlan plan)
    {
        writer.Line("// Forward and backward propagation of n samples in matrix form, shared by the batched training kernels: the");
        writer.Line("// activations A_l and deltas H_l of every layer go into scratch, and the result is the sum of the samples' losses.");
        writer.Line("// Throws TrainingDivergedException if a loss or a delta is not finite; nothing but scratch is written.");
        if (plan.HasDropout)
        {
            writer.Line("// With a dropout mask (training with dropout), each dropout after layer l feeds D_l = A_l ⊙ M_l / (1 − p_l) to the next");
            writer.Line("// layer and its weight update, and masks H_l the same way before f_l'; without one (null) the dropouts are the identity.");
        }

        string dropoutParameter = plan.HasDropout ? $", {Runtime}.DropoutMask? dropout" : string.Empty;
        using (writer.Block($"private static double BackpropagateBatch({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets, {plan.Span} scratch, int n, out {plan.Element} largestDelta{dropoutParameter})"))
        {
            var output = plan.Output;
            var layers = plan.Layers;
            WriteScratchSlices(writer, plan, plan.TrainBatchScratch, "scratch", "n");
            writer.Line();
            writer.Line("// Forward: A_0 = inputsᵀ; Z_l = W_l A_(l-1) + b_l 1ᵀ; A_l = f_l(Z_l). Hidden A_l are also kept sample-major for the weight update.");
            writer.Line(TransposeInputs(plan, "inputs"));
            string previous = "a0";
            foreach (var layer in layers)
            {
                writer.Line(ProductCall(ForwardProduct(plan, layer), $"parameters, {previous}, {layer.Z}, n", $"parameters, {previous}, {layer.Z}, n, {plan.Literal(1)}"));
                if (layer != output || layer.Activation != ActivationKind.Softmax)
                {
                    WriteElementwiseActivation(writer, plan, layer, layer.Z, layer.A);
                }

                string next = layer.A;
                if (layer.Dropout > 0f)
                {
                    next = $"layer{Number(layer.Number + 1)}Input";
                    writer.Line($"// Dropout after layer {layer.N} when training with a mask: D{layer.N} = A{layer.N} ⊙ M{layer.N} / (1 − p{layer.N}), column s with sample s's mask; layer {Number(layer.Number + 1)} reads D{layer.N}, BP2 reads A{layer.N}.");
                    writer.Line($"{plan.Span} {next} = {layer.A};");
                    using (writer.Block("if (dropout.HasValue)"))
                    {
                        writer.Line($"{Kernels}.Dropout.ApplyFeatureMajor<{plan.Element}>(dropout.Value, {layer.N}, {layer.DropoutConstant}, {layer.A}, {layer.Dropped}, {layer.SizeConstant}, n);");
                        writer.Line($"{next} = {layer.Dropped};");
                    }
                }

                if (layer != output)
                {
                    writer.Line($"// {(layer.Dropout > 0f ? "That input" : "A" + layer.N)} sample-major too, for the weight update of layer {Number(layer.Number + 1)}.");
                    writer.Line(layer.Splits
                        ? RunPass("SampleMajor", layer, next, "default", $"{layer.A}SampleMajor", ForwardWork(layer, "n"))
                        : $"{Kernels}.MatrixKernels.Transpose<{plan.Element}>({next}, {layer.SizeConstant}, n, {layer.A}SampleMajor);");
                }

                previous = next;
            }

            writer.Line();
            if (plan.BatchOutputLayer)
            {
                WriteBatchOutputLayer(writer, plan);
            }
            else
            {
                WritePerSampleOutputLayer(writer, plan);
            }

            for (int i = layers.Count - 1; i >= 1; i--)
            {
                var layer = layers[i];
                var below = layers[i - 1];
                writer.Line();
                writer.Line($"// BP2: H{below.N} = (W{layer.N}ᵀ H{layer.N}) ⊙ f{below.N}'(Z{below.N}).");
                writer.Line(ProductCall(PropagateProduct(plan, layer, layer.PropagateTiles!), $"parameters, {layer.H}, {below.H}, n", $"parameters, {layer.H}, {below.H}, n, {plan.Literal(1)}"));
                if (below.Dropout > 0f)
                {
                    writer.Line($"// Back through the dropout after layer {below.N}: H{below.N} ⊙= M{below.N} / (1 − p{below.N}), the forward masks.");
                    using (writer.Block("if (dropout.HasValue)"))
                    {
                        writer.Line($"{Kernels}.Dropout.ApplyFeatureMajor<{plan.Element}>(dropout.Value, {below.N}, {below.DropoutConstant}, {below.H}, {below.H}, {below.SizeConstant}, n);");
                    }
                }

                if (below.Activation != ActivationKind.Identity)
                {
                    writer.Line(below.Splits
                        ? RunPass($"MultiplyByDerivative({Runtime}.Activation.{below.Activation})", below, below.Z, below.A, below.H, PropagateWork(layer, "n"))
                        : $"{Kernels}.ActivationKernels.{ActivationCatalog.Of(below.Activation).DerivativeKernel}<{plan.Element}>({below.Z}, {below.A}, {below.H});");
                }
            }

            writer.Line();
            writer.Line("// Nothing has been written yet: refuse deltas that are not finite. The largest bounds a fused update.");
            foreach (var layer in layers)
            {
                string largest = $"{Kernels}.Guard.FiniteMaxMagnitude<{plan.Element}>({layer.H}, NetworkName, \"the deltas of layer {layer.N}\")";
                writer.Line(layer.Number == 1 ? $"largestDelta = {largest};" : $"largestDelta = {plan.MathClass}.Max(largestDelta, {largest});");
            }

            writer.Line("return totalLoss;");
        }
    }

    private static void WriteBatchUpdates(CodeWriter writer, NetworkPlan plan, string target, string scale)
    {
        foreach (var layer in plan.Layers)
        {
            string input = layer.Number == 1 ? "inputs" : $"a{layer.Number - 1}SampleMajor";
            writer.Line(ProductCall(UpdateProduct(plan, layer), $"{target}, {layer.H}, {input}, n, {scale}", $"{layer.H}, {input}, {target}, n, {scale}"));
        }
    }

    /// <summary>BP1 for the whole batch: the softmax cross-entropy output layer has a matrix form.</summary>
    private static void WriteBatchOutputLayer(CodeWriter writer, NetworkPlan plan)
    {
        var output = plan.Output;
        writer.Line($"// BP1 for the whole batch (feature-major): A_L = softmax(Z_L) per sample, {output.H} = A_L - T, J_s = Σ_k t_k (logsumexp(z_s) - z_k).");
        writer.Line($"{Kernels}.MatrixKernels.Transpose<{plan.Element}>(targets, n, OutputSize, targetsFeatureMajor);");
        writer.Line($"{Kernels}.BatchOutputLayer.SoftmaxCrossEntropy<{plan.Element}>({output.Z}, targetsFeatureMajor, OutputSize, {output.H}, losses);");
        using (writer.Block($"if (!{Kernels}.Guard.AllFinite<{plan.Element}>(losses))"))
        {
            writer.Line($"int sample = {Kernels}.Guard.FirstNonFinite<{plan.Element}>(losses).GetValueOrDefault();");
            writer.Line($"{Kernels}.Guard.ThrowNonFiniteLoss<{plan.Element}>(NetworkName, sample, losses[sample], inputs.Slice(sample * InputSize, InputSize), targets.Slice(sample * OutputSize, OutputSize));");
        }

        writer.Line("double totalLoss = 0;");
        using (writer.Block($"foreach ({plan.Element} loss in losses)"))
        {
            writer.Line("totalLoss += loss;");
        }
    }

    /// <summary>BP1 one sample (column) at a time, for the output layers without a matrix form.</summary>
    private static void WritePerSampleOutputLayer(CodeWriter writer, NetworkPlan plan)
    {
        var output = plan.Output;
        writer.Line($"// BP1 per sample: the loss and δ_L (column s of {output.H}).");
        writer.Line("double totalLoss = 0;");
        using (writer.Block("for (int sample = 0; sample < n; sample++)"))
        {
            writer.Line($"{plan.ReadOnlySpan} target = targets.Slice(sample * OutputSize, OutputSize);");
            writer.Line($"{Kernels}.MatrixKernels.GatherColumn<{plan.Element}>({output.Z}, n, sample, outputZ);");
            if (output.Activation == ActivationKind.Softmax)
            {
                writer.Line($"{Kernels}.Activations.Softmax(outputZ, outputA);");
            }
            else
            {
                writer.Line($"{Kernels}.MatrixKernels.GatherColumn<{plan.Element}>({output.A}, n, sample, outputA);");
            }

            WriteOutputLossOn(writer, plan, $"{plan.Element} loss =", "outputZ", "outputA", "outputDelta");
            using (writer.Block($"if (!{plan.Element}.IsFinite(loss))"))
            {
                writer.Line($"{Kernels}.Guard.ThrowNonFiniteLoss<{plan.Element}>(NetworkName, sample, loss, inputs.Slice(sample * InputSize, InputSize), target);");
            }

            writer.Line($"{Kernels}.MatrixKernels.ScatterColumn<{plan.Element}>(outputDelta, {output.H}, n, sample);");
            writer.Line("totalLoss += loss;");
        }
    }

    private static void WriteElementwiseActivation(CodeWriter writer, NetworkPlan plan, LayerPlan layer, string z, string a)
    {
        if (layer.Activation == ActivationKind.Identity && z == a)
        {
            writer.Line($"// A{layer.N} = Z{layer.N} (identity).");
            return;
        }

        writer.Line($"// {ActivationEquation(layer.Activation, "A" + layer.N, "Z" + layer.N)}, element by element (vectorized).");
        writer.Line(layer.Splits
            ? RunPass($"Activate({Runtime}.Activation.{layer.Activation})", layer, z, "default", a, ForwardWork(layer, "n"))
            : $"{Kernels}.ActivationKernels.{ActivationCatalog.Of(layer.Activation).Kernel}<{plan.Element}>({z}, {a});");
    }
}
