namespace NetCompiler;

/// <summary>
/// Implemented by every class the NetCompiler generator emits. The static members expose the
/// compile-time facts and the topology-specialised kernels, so generic code (trainers, evaluation,
/// persistence) can work with any network without reflection:
/// <code>static float Evaluate&lt;TNet&gt;(TNet net, ...) where TNet : INeuralNetwork&lt;TNet&gt; =&gt; TNet.ComputeLoss(net.Parameters, inputs, targets);</code>
/// The kernels are pure functions of the parameter buffer they are given: they allocate nothing on
/// the heap and may run concurrently.
/// </summary>
/// <typeparam name="TSelf">The generated network class.</typeparam>
public interface INeuralNetwork<TSelf>
    where TSelf : class, INeuralNetwork<TSelf>
{
    /// <summary>The number of inputs of one sample.</summary>
    static abstract int InputSize { get; }

    /// <summary>The number of outputs of one sample.</summary>
    static abstract int OutputSize { get; }

    /// <summary>The length of the flat parameter buffer (all weights and biases).</summary>
    static abstract int ParameterCount { get; }

    /// <summary>The topology, the loss and the parameter layout.</summary>
    static abstract NetworkDescription Description { get; }

    /// <summary>A new network whose parameters are initialised deterministically from <paramref name="seed"/>.</summary>
    static abstract TSelf Create(int seed);

    /// <summary>Forward propagation of one sample: <c>output = a_L(input)</c>.</summary>
    static abstract void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output);

    /// <summary>
    /// Backpropagation of one sample: adds <c>∂J_x/∂θ</c> (the gradient of this sample's loss) to
    /// <paramref name="gradient"/> and returns the sample's loss <c>J_x</c>.
    /// </summary>
    static abstract float AccumulateGradient(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> gradient);

    /// <summary>The mean loss over a batch of samples stored row-major (<c>[count, InputSize]</c> and <c>[count, OutputSize]</c>).</summary>
    static abstract float ComputeLoss(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets);

    /// <summary>
    /// One gradient-descent step over a batch: the mean gradient over the samples, then
    /// <c>θ ← θ − η ∇J</c>. <paramref name="gradient"/> is scratch space of <see cref="ParameterCount"/> floats.
    /// Returns the batch's mean loss before the update.
    /// </summary>
    static abstract float TrainStep(Span<float> parameters, Span<float> gradient, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate);

    /// <summary>
    /// Forward propagation of a batch: <paramref name="inputs"/> is row-major <c>[count, InputSize]</c>,
    /// <paramref name="outputs"/> row-major <c>[count, OutputSize]</c>. Runs the matrix form with 512-bit
    /// vector kernels where the machine has them; equal to <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
    /// per sample within float rounding.
    /// </summary>
    static abstract void ForwardBatch(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>
    /// One gradient-descent step over a batch in the matrix form of Wichmann, "General feed forward neural networks",
    /// with the weight-gradient product fused into the update, so no gradient buffer is needed. Same result as
    /// <see cref="TrainStep(Span{float}, Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, float)"/> within float rounding.
    /// </summary>
    static abstract float TrainStepBatch(Span<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate);

    /// <summary>
    /// Backpropagation of a batch in matrix form: adds <c>Σ_x ∂J_x/∂θ</c> over the row-major batch to
    /// <paramref name="gradient"/> and returns the sum of the samples' losses. Equal to calling
    /// <see cref="AccumulateGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> per
    /// sample within float rounding; the <see cref="Training.Trainer{TNet}"/> uses it for every optimizer.
    /// </summary>
    static abstract float AccumulateGradientBatch(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> gradient);

    /// <summary>
    /// <see cref="ForwardBatch"/> on two cores: each layer product large enough to pay for the hand-off is split by
    /// rows between the calling thread and the library's worker thread. Bit-identical to <see cref="ForwardBatch"/>.
    /// </summary>
    static abstract void ForwardBatchParallel(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>
    /// <see cref="TrainStepBatch"/> on two cores: each layer product large enough to pay for the hand-off is split by
    /// rows between the calling thread and the library's worker thread. Bit-identical to <see cref="TrainStepBatch"/>:
    /// the same seed and settings give the same parameters, run after run, on one core or two.
    /// </summary>
    static abstract float TrainStepBatchParallel(Span<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate);

    /// <summary>
    /// <see cref="TrainStepBatch"/> on two cores split by samples: each core computes the gradient of half of the batch,
    /// then both add the two into the parameters, so the cores exchange only the gradients, once per step.
    /// Deterministic (the same seed and settings give the same parameters, run after run) and equal to
    /// <see cref="TrainStepBatch"/> within float rounding, but not bit-identical to it. Small batches and networks run
    /// <see cref="TrainStepBatch"/>.
    /// </summary>
    static abstract float TrainStepBatchDataParallel(Span<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate);

    /// <summary>
    /// <see cref="AccumulateGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> with the
    /// network's <c>[Dropout]</c> layers applied with <paramref name="dropout"/>'s mask (the sample is row 0). For a network
    /// without dropout it is the plain pass. The <see cref="Training.Trainer{TNet}"/> calls this form.
    /// </summary>
    static virtual float AccumulateGradient(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> gradient, DropoutMask dropout) =>
        TSelf.AccumulateGradient(parameters, input, target, gradient);

    /// <summary>
    /// <see cref="AccumulateGradientBatch(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> with
    /// the network's <c>[Dropout]</c> layers applied with <paramref name="dropout"/>'s mask (sample k of the batch draws
    /// row k's mask). For a network without dropout it is the plain matrix form; a network with dropout runs its samples
    /// one by one. The <see cref="Training.Trainer{TNet}"/> calls this form.
    /// </summary>
    static virtual float AccumulateGradientBatch(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> gradient, DropoutMask dropout) =>
        TSelf.AccumulateGradientBatch(parameters, inputs, targets, gradient);

    // ---- Derivatives with respect to the input (inference semantics: a [Dropout] layer is the identity). ----

    /// <summary>The vector–Jacobian product <c>inputGradient = (∂a_L/∂x)ᵀ outputGradient</c> at <paramref name="input"/> (reverse mode: BP2 carried through <c>W_1ᵀ</c>).</summary>
    static abstract void InputGradient(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient);

    /// <summary><see cref="InputGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> for each row of a row-major batch (<c>[count, InputSize]</c>, <c>[count, OutputSize]</c>, <c>[count, InputSize]</c>).</summary>
    static abstract void InputGradientBatch(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> outputGradients, Span<float> inputGradients);

    /// <summary>The Jacobian <c>∂a_L/∂x</c> at <paramref name="input"/>, row-major <c>[OutputSize, InputSize]</c>, in the mode the generator chose for the topology.</summary>
    static abstract void Jacobian(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> jacobian);

    /// <summary>The Jacobian <c>∂a_L/∂x</c> at <paramref name="input"/>, row-major <c>[OutputSize, InputSize]</c>, in the given <paramref name="mode"/>.</summary>
    static abstract void Jacobian(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> jacobian, JacobianMode mode);

    /// <summary>The gradient of the sample's loss with respect to its input, <c>∂J_x/∂x</c>, into <paramref name="inputGradient"/>; returns <c>J_x</c>.</summary>
    static abstract float LossInputGradient(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> inputGradient);

    /// <summary><see cref="LossInputGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> for each row of a row-major batch; returns the sum of the samples' losses.</summary>
    static abstract float LossInputGradientBatch(ReadOnlySpan<float> parameters, ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, Span<float> inputGradients);

    /// <summary><see cref="InputGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> with this network's parameters.</summary>
    void InputGradient(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient);

    /// <summary><see cref="Jacobian(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> with this network's parameters.</summary>
    void Jacobian(ReadOnlySpan<float> input, Span<float> jacobian);

    /// <summary><see cref="LossInputGradient(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> with this network's parameters; returns <c>J_x</c>.</summary>
    float LossInputGradient(ReadOnlySpan<float> input, ReadOnlySpan<float> target, Span<float> inputGradient);

    /// <summary>The network's parameters: for each layer its weights <c>[out, in]</c> row-major, then its biases.</summary>
    Span<float> Parameters { get; }

    /// <summary>Forward propagation of one sample with this network's parameters.</summary>
    void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>One gradient-descent step over a batch with this network's parameters; returns the mean loss before the update.</summary>
    float TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets, float learningRate);

    /// <summary>The mean loss of this network over a batch.</summary>
    float ComputeLoss(ReadOnlySpan<float> inputs, ReadOnlySpan<float> targets);
}
