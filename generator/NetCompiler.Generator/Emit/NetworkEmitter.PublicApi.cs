using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Emit;

// The user's partial class: the public API and the instance's own state, nothing else. Each static kernel is one line
// that calls its body in the file-local kernel class; the two-core entry points call the runtime's ParallelBatch.
internal static partial class NetworkEmitter
{
    private static string ForwardCref(NetworkPlan plan) => $"Forward(global::System.ReadOnlySpan{{{plan.Element}}}, global::System.ReadOnlySpan{{{plan.Element}}}, global::System.Span{{{plan.Element}}})";

    private static string AccumulateGradientCref(NetworkPlan plan) => $"AccumulateGradient(global::System.ReadOnlySpan{{{plan.Element}}}, global::System.ReadOnlySpan{{{plan.Element}}}, global::System.ReadOnlySpan{{{plan.Element}}}, global::System.Span{{{plan.Element}}})";

    private static string TrainStepCref(NetworkPlan plan) => $"TrainStep(global::System.Span{{{plan.Element}}}, global::System.Span{{{plan.Element}}}, global::System.ReadOnlySpan{{{plan.Element}}}, global::System.ReadOnlySpan{{{plan.Element}}}, {plan.Element})";

    /// <summary>The interface the user's class implements: <c>INeuralNetwork&lt;TSelf&gt;</c> for a float network (the float form of <c>INeuralNetwork&lt;TSelf, T&gt;</c>), <c>INeuralNetwork&lt;TSelf, double&gt;</c> for a double one.</summary>
    private static string Contract(NetworkPlan plan) =>
        plan.IsDouble ? $"{Runtime}.INeuralNetwork<{plan.Spec.FullyQualifiedName}, double>" : $"{Runtime}.INeuralNetwork<{plan.Spec.FullyQualifiedName}>";

    private static void WritePublicApi(CodeWriter writer, NetworkPlan plan)
    {
        var spec = plan.Spec;
        writer.Line($"[global::System.CodeDom.Compiler.GeneratedCode(\"{GeneratorName}\", \"{GeneratorVersion}\")]");
        using (writer.Block($"partial class {spec.ClassName} : {Contract(plan)}"))
        {
            WriteConstants(writer, plan);
            writer.Line();
            WriteConstruction(writer, plan);
            writer.Line();
            WriteInstanceApi(writer, plan);
            WriteInputDerivativeInstanceApi(writer, plan);
            writer.Line();
            WriteStaticApi(writer, plan);
            WriteInputDerivativeStaticApi(writer, plan);
            WritePretrainedApi(writer, plan);
            writer.Line();
            WriteInterfaceImplementation(writer, plan);
        }
    }

    private static void WriteConstants(CodeWriter writer, NetworkPlan plan)
    {
        writer.Summary("The number of inputs of one sample.");
        writer.Line($"public const int InputSize = {plan.InputSize};");
        writer.Summary("The number of outputs of one sample.");
        writer.Line($"public const int OutputSize = {plan.Output.Size};");
        writer.Summary("The number of dense layers.");
        writer.Line($"public const int LayerCount = {plan.Layers.Count};");
        writer.Summary("The number of weights and biases, the length of <see cref=\"Parameters\"/>.");
        writer.Line($"public const int ParameterCount = {plan.ParameterCount};");
        foreach (var layer in plan.Layers)
        {
            writer.Line();
            writer.Line($"// Layer {layer.N}: Dense({layer.Size}, {layer.Activation}); W{layer.N} is [{layer.Size}, {layer.InputSize}] row-major at {layer.WeightOffset}, b{layer.N} follows at {layer.BiasOffset}.");
            writer.Summary($"The number of neurons of layer {layer.N}.");
            writer.Line($"public const int {layer.SizeConstant} = {layer.Size};");
            writer.Summary($"The number of inputs of layer {layer.N} (columns of W{layer.N}).");
            writer.Line($"public const int {layer.InputSizeConstant} = {layer.InputSize};");
            writer.Summary($"Where W{layer.N} starts in the parameter buffer.");
            writer.Line($"public const int {layer.WeightOffsetConstant} = {layer.WeightOffset};");
            writer.Summary($"The number of weights of layer {layer.N}.");
            writer.Line($"public const int {layer.WeightCountConstant} = {layer.WeightCount};");
            writer.Summary($"Where b{layer.N} starts in the parameter buffer.");
            writer.Line($"public const int {layer.BiasOffsetConstant} = {layer.BiasOffset};");
        }
    }

    private static void WriteConstruction(CodeWriter writer, NetworkPlan plan)
    {
        var spec = plan.Spec;
        writer.Summary("The topology, the loss and the parameter layout.");
        writer.Line($"public static {Runtime}.NetworkDescription Description {{ get; }} = new(");
        writer.Line($"    \"{spec.DisplayName}\", InputSize, {Runtime}.Loss.{spec.Loss},");
        if (plan.HasDropout)
        {
            writer.Line($"    new (int Size, {Runtime}.Activation Activation, float Dropout)[]");
            writer.Line("    {");
            foreach (var layer in plan.Layers)
            {
                writer.Line($"        ({layer.SizeConstant}, {Runtime}.Activation.{layer.Activation}, {FloatText(layer.Dropout)}f),");
            }
        }
        else
        {
            writer.Line($"    new (int Size, {Runtime}.Activation Activation)[]");
            writer.Line("    {");
            foreach (var layer in plan.Layers)
            {
                writer.Line($"        ({layer.SizeConstant}, {Runtime}.Activation.{layer.Activation}),");
            }
        }

        writer.Line("    });");
        writer.Line();
        writer.Line($"private readonly {plan.Element}[] _parameters;");
        writer.Line($"private {plan.Element}[]? _gradient;");
        writer.Line();
        writer.Summary("Creates the network with weights drawn deterministically from <paramref name=\"seed\"/> (He for the ReLU family, Glorot otherwise) and zero biases.");
        writer.Line("/// <param name=\"seed\">The same seed always gives the same parameters.</param>");
        using (writer.Block($"public {spec.ClassName}(int seed = 0)"))
        {
            writer.Line($"_parameters = new {plan.Element}[ParameterCount];");
            writer.Line($"{Runtime}.Initialization.ParameterInitializer.Initialize<{plan.Element}>(Description, _parameters, seed);");
        }

        writer.Line();
        writer.Summary("Creates the network with a copy of <paramref name=\"parameters\"/> (layout as in <see cref=\"Parameters\"/>).");
        using (writer.Block($"public {spec.ClassName}({plan.ReadOnlySpan} parameters)"))
        {
            writer.Line($"{Kernels}.Guard.Length<{plan.Element}>(parameters, ParameterCount, Description.Name, \"ParameterCount\", nameof(parameters));");
            writer.Line("_parameters = parameters.ToArray();");
        }

        writer.Line();
        writer.Summary("All weights and biases: for each layer, W[out, in] row-major, then b[out]. Writable; training updates it in place.");
        writer.Line($"public {plan.Span} Parameters => _parameters;");
    }

    private static void WriteInstanceApi(CodeWriter writer, NetworkPlan plan)
    {
        writer.Summary("Forward propagation of one sample with this network's parameters. Allocation-free; safe to call from several threads at once.");
        writer.Line($"public void Forward({plan.ReadOnlySpan} input, {plan.Span} output) => Forward(_parameters, input, output);");
        writer.Summary("Backpropagation of one sample with this network's parameters: adds ∂J_x/∂θ to <paramref name=\"gradient\"/> and returns J_x.");
        writer.Line($"public {plan.Element} AccumulateGradient({plan.ReadOnlySpan} input, {plan.ReadOnlySpan} target, {plan.Span} gradient) => AccumulateGradient(_parameters, input, target, gradient);");
        writer.Summary("The mean loss of this network over a batch (row-major <c>[count, InputSize]</c> inputs and <c>[count, OutputSize]</c> targets).");
        writer.Line($"public {plan.Element} ComputeLoss({plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets) => ComputeLoss(_parameters, inputs, targets);");
        writer.Summary("One mini-batch gradient-descent step on this network (not thread-safe); returns the batch's mean loss before the update.");
        writer.Line($"public {plan.Element} TrainStep({plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets, {plan.Element} learningRate) =>");
        writer.Line($"    TrainStep(_parameters, _gradient ??= new {plan.Element}[ParameterCount], inputs, targets, learningRate);");
    }

    private static void WriteStaticApi(CodeWriter writer, NetworkPlan plan)
    {
        var spec = plan.Spec;
        string kernels = KernelClass(spec);
        string parallel = $"{Kernels}.Parallel.ParallelBatch<{spec.FullyQualifiedName}>";

        writer.Summary("Forward propagation of one sample: <c>output = a_L</c> where <c>a_l = f_l(W_l a_(l-1) + b_l)</c> and <c>a_0 = input</c>. Allocation-free and thread-safe.");
        writer.Line($"public static void Forward({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} input, {plan.Span} output) => {kernels}.Forward(parameters, input, output);");
        writer.Summary("Backpropagation of one sample: adds <c>∂J_x/∂θ</c> to <paramref name=\"gradient\"/> (same layout as the parameters) and returns the sample's loss <c>J_x</c>. Allocation-free and thread-safe.");
        writer.Line($"public static {plan.Element} AccumulateGradient({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} input, {plan.ReadOnlySpan} target, {plan.Span} gradient) => {SampleLoop(spec)}.AccumulateGradient(parameters, input, target, gradient);");
        writer.Summary("The mean loss over a batch stored row-major: <c>inputs</c> is <c>[count, InputSize]</c>, <c>targets</c> is <c>[count, OutputSize]</c>.");
        writer.Line($"public static {plan.Element} ComputeLoss({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets) => {SampleLoop(spec)}.ComputeLoss(parameters, inputs, targets);");
        writer.Summary("One gradient-descent step over a batch stored row-major: <c>θ ← θ - η (1/N) Σ_x ∂J_x/∂θ</c>. <paramref name=\"gradient\"/> is scratch of <c>ParameterCount</c> elements. Returns the mean loss before the update. If the learning rate, a loss or a gradient is not finite it throws and leaves <paramref name=\"parameters\"/> unchanged.");
        writer.Line($"public static {plan.Element} TrainStep({plan.Span} parameters, {plan.Span} gradient, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets, {plan.Element} learningRate) => {SampleLoop(spec)}.TrainStep(parameters, gradient, inputs, targets, learningRate);");
        writer.Summary($"Forward propagation of a batch: <c>inputs</c> is row-major <c>[count, InputSize]</c>, <c>outputs</c> row-major <c>[count, OutputSize]</c>. Equal to calling <see cref=\"{ForwardCref(plan)}\"/> per sample, within float rounding. Allocation-free once the array pool is warm; thread-safe.");
        writer.Line($"public static void ForwardBatch({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} inputs, {plan.Span} outputs) => {kernels}.ForwardBatch(parameters, inputs, outputs);");
        writer.Summary($"One gradient-descent step over a batch in matrix form: forward for all samples at once, the deltas H_l of every layer, then <c>W_l ← W_l - (η/N) H_l A_(l-1)ᵀ</c> and <c>b_l ← b_l - (η/N) H_l 1</c> fused into one pass per layer. Same result as <see cref=\"{TrainStepCref(plan)}\"/> within float rounding; needs no gradient buffer. If the learning rate, a loss or a delta is not finite it throws before any parameter changes.");
        writer.Line($"public static {plan.Element} TrainStepBatch({plan.Span} parameters, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets, {plan.Element} learningRate) => {kernels}.TrainStepBatch(parameters, inputs, targets, learningRate);");
        writer.Summary($"Backpropagation of a batch in matrix form: adds <c>Σ_x ∂J_x/∂θ</c> over the samples to <paramref name=\"gradient\"/> (<c>H_l A_(l-1)ᵀ</c> to the weights, <c>H_l 1</c> to the biases) and returns the sum of the samples' losses, for optimizers that need the gradient itself. Equal to calling <see cref=\"{AccumulateGradientCref(plan)}\"/> per sample within float rounding. If an input, target, loss or delta is not finite it throws <see cref=\"global::NetCompiler.TrainingDivergedException\"/>; <paramref name=\"gradient\"/> is then unchanged (on machines without 512- or 256-bit vectors, where the samples run one by one, it may hold part of the sum).");
        writer.Line($"public static {plan.Element} AccumulateGradientBatch({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets, {plan.Span} gradient) => {kernels}.AccumulateGradientBatch(parameters, inputs, targets, gradient, default);");
        if (plan.HasDropout)
        {
            string loop = $"{Kernels}.DropoutSampleLoop<{kernels}, {plan.Element}>";
            writer.Summary($"Backpropagation of one sample with dropout: the [Dropout] layers drop activations with <paramref name=\"dropout\"/>'s mask (the sample is row 0), then as <see cref=\"{AccumulateGradientCref(plan)}\"/>. The mask-free training methods train without dropout; the Trainer calls this form.");
            writer.Line($"public static {plan.Element} AccumulateGradient({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} input, {plan.ReadOnlySpan} target, {plan.Span} gradient, {Runtime}.DropoutMask dropout) => {loop}.AccumulateGradient(parameters, input, target, gradient, dropout);");
            writer.Summary("Backpropagation of a batch in matrix form with dropout (sample k draws row k's mask): adds <c>Σ_x ∂J_x/∂θ</c> to <paramref name=\"gradient\"/> and returns the sum of the losses. Equal to the samples one by one within float rounding. The Trainer calls this form.");
            writer.Line($"public static {plan.Element} AccumulateGradientBatch({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets, {plan.Span} gradient, {Runtime}.DropoutMask dropout) => {kernels}.AccumulateGradientBatchWithDropout(parameters, inputs, targets, gradient, dropout, default);");
        }

        if (plan.IsDouble)
        {
            // The two-core entry points of INeuralNetwork<TSelf, double> are its defaults, which run on one core.
            return;
        }

        writer.Summary($"<see cref=\"ForwardBatch\"/> on two cores. A batch of at least two whole tiles of <see cref=\"{Kernels}.BatchLayout.TileSamples\"/> samples is split by tiles between this thread and the library's worker thread; in a smaller batch, each layer product large enough to pay for it is split by rows. Bit-identical to <see cref=\"ForwardBatch\"/> (same outputs, same exceptions); allocation-free after the worker has started; when another thread is using the worker, everything runs on this thread.");
        writer.Line($"public static void ForwardBatchParallel({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} inputs, {plan.Span} outputs) => {parallel}.ForwardBatch(parameters, inputs, outputs);");
        writer.Summary("<see cref=\"TrainStepBatch\"/> on two cores: each layer product large enough to pay for it is split by rows between this thread and the library's worker thread. Bit-identical to <see cref=\"TrainStepBatch\"/> (same parameters, same loss, same exceptions); allocation-free after the worker has started.");
        writer.Line($"public static {plan.Element} TrainStepBatchParallel({plan.Span} parameters, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets, {plan.Element} learningRate) => {parallel}.TrainStep(parameters, inputs, targets, learningRate);");
        writer.Summary($"<see cref=\"TrainStepBatch\"/> on two cores split by samples: this thread computes the gradient of the first half of the batch and the library's worker thread that of the second (each with <see cref=\"AccumulateGradientBatch\"/>), then both add the two into the parameters. The cores exchange only the gradients, once per step. Deterministic (the halves depend on the batch size alone), equal to <see cref=\"TrainStepBatch\"/> within float rounding but not bit-identical to it; same exceptions, and the parameters are unchanged when one is thrown. Batches under <see cref=\"{Kernels}.Parallel.SampleHalves.MinimumBatch\"/> samples, small networks and one-core machines run <see cref=\"TrainStepBatch\"/>. Allocation-free after the worker has started.");
        writer.Line($"public static {plan.Element} TrainStepBatchDataParallel({plan.Span} parameters, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets, {plan.Element} learningRate) => {parallel}.TrainStepBySamples(parameters, inputs, targets, learningRate);");
    }

    private static void WriteInterfaceImplementation(CodeWriter writer, NetworkPlan plan)
    {
        string self = plan.Spec.FullyQualifiedName;
        string contract = $"{Runtime}.INeuralNetwork<{self}, {plan.Element}>";
        writer.Line($"// {Contract(plan)}: the compile-time facts, for generic code.");
        writer.Line($"static int {contract}.InputSize => InputSize;");
        writer.Line($"static int {contract}.OutputSize => OutputSize;");
        writer.Line($"static int {contract}.ParameterCount => ParameterCount;");
        writer.Line($"static {self} {contract}.Create(int seed) => new {self}(seed);");
        string kernels = KernelClass(plan.Spec);
        string withOutputs = plan.HasDropout ? $"{kernels}.AccumulateGradientBatchWithDropout(parameters, inputs, targets, gradient, dropout, outputs)" : $"{kernels}.AccumulateGradientBatch(parameters, inputs, targets, gradient, outputs)";
        writer.Line($"static {plan.Element} {contract}.AccumulateGradientBatch({plan.ReadOnlySpan} parameters, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets, {plan.Span} gradient, {Runtime}.DropoutMask dropout, {plan.Span} outputs) => {withOutputs};");
        string dropout = plan.HasDropout ? "dropout, " : string.Empty;
        writer.Line($"static bool {contract}.OptimizerStepBatch({plan.Span} parameters, {plan.ReadOnlySpan} inputs, {plan.ReadOnlySpan} targets, {ParameterUpdate(plan)} update, {Runtime}.DropoutMask dropout, {plan.Span} outputs, out {plan.Element} loss) => {kernels}.OptimizerStepBatch(parameters, inputs, targets, update, {dropout}outputs, out loss);");
    }
}
