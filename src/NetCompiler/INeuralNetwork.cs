using System.ComponentModel;
using System.Numerics;

namespace NetCompiler;

/// <summary>
/// Implemented by every class the NetCompiler generator emits. The static members expose the
/// compile-time facts and the topology-specialised kernels, so generic code (trainers, evaluation,
/// persistence) can work with any network without reflection:
/// <code>static T Evaluate&lt;TNet, T&gt;(TNet net, ...) where TNet : INeuralNetwork&lt;TNet, T&gt; =&gt; TNet.ComputeLoss(net.Parameters, inputs, targets);</code>
/// The kernels are pure functions of the parameter buffer they are given: they allocate nothing on
/// the heap and may run concurrently.
/// </summary>
/// <typeparam name="TSelf">The generated network class.</typeparam>
/// <typeparam name="T">The element type: <see cref="float"/> or <see cref="double"/> (<c>[Network(Precision = ...)]</c>).</typeparam>
public interface INeuralNetwork<TSelf, T>
    where TSelf : class, INeuralNetwork<TSelf, T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
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
    static abstract void Forward(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, Span<T> output);

    /// <summary>
    /// Backpropagation of one sample: adds <c>∂J_x/∂θ</c> (the gradient of this sample's loss) to
    /// <paramref name="gradient"/> and returns the sample's loss <c>J_x</c>.
    /// </summary>
    static abstract T AccumulateGradient(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient);

    /// <summary>The mean loss over a batch of samples stored row-major (<c>[count, InputSize]</c> and <c>[count, OutputSize]</c>).</summary>
    static abstract T ComputeLoss(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets);

    /// <summary>
    /// One gradient-descent step over a batch: the mean gradient over the samples, then
    /// <c>θ ← θ − η ∇J</c>. <paramref name="gradient"/> is scratch space of <see cref="ParameterCount"/> elements.
    /// Returns the batch's mean loss before the update.
    /// </summary>
    static abstract T TrainStep(Span<T> parameters, Span<T> gradient, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate);

    /// <summary>
    /// Forward propagation of a batch: <paramref name="inputs"/> is row-major <c>[count, InputSize]</c>,
    /// <paramref name="outputs"/> row-major <c>[count, OutputSize]</c>. Runs the matrix form with 512-bit
    /// vector kernels where the machine has them; equal to <see cref="Forward(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/>
    /// per sample within rounding.
    /// </summary>
    static abstract void ForwardBatch(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, Span<T> outputs);

    /// <summary>
    /// One gradient-descent step over a batch in the matrix form of Wichmann, "General feed forward neural networks",
    /// with the weight-gradient product fused into the update, so no gradient buffer is needed. Same result as
    /// <see cref="TrainStep(Span{T}, Span{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, T)"/> within rounding.
    /// </summary>
    static abstract T TrainStepBatch(Span<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate);

    /// <summary>
    /// Backpropagation of a batch in matrix form: adds <c>Σ_x ∂J_x/∂θ</c> over the row-major batch to
    /// <paramref name="gradient"/> and returns the sum of the samples' losses. Equal to calling
    /// <see cref="AccumulateGradient(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> per
    /// sample within rounding; the <see cref="Training.Trainer{TNet}"/> uses it for every optimizer.
    /// </summary>
    static abstract T AccumulateGradientBatch(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradient);

    /// <summary>
    /// <see cref="ForwardBatch"/> on two cores: each layer product large enough to pay for the hand-off is split by
    /// rows between the calling thread and the library's worker thread. Bit-identical to <see cref="ForwardBatch"/>.
    /// </summary>
    /// <remarks>A double network runs <see cref="ForwardBatch"/> (on one core): the two-core split is written for floats.</remarks>
    static virtual void ForwardBatchParallel(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, Span<T> outputs) =>
        TSelf.ForwardBatch(parameters, inputs, outputs);

    /// <summary>
    /// <see cref="TrainStepBatch"/> on two cores: each layer product large enough to pay for the hand-off is split by
    /// rows between the calling thread and the library's worker thread. Bit-identical to <see cref="TrainStepBatch"/>:
    /// the same seed and settings give the same parameters, run after run, on one core or two.
    /// </summary>
    /// <remarks>A double network runs <see cref="TrainStepBatch"/> (on one core): the two-core split is written for floats.</remarks>
    static virtual T TrainStepBatchParallel(Span<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate) =>
        TSelf.TrainStepBatch(parameters, inputs, targets, learningRate);

    /// <summary>
    /// <see cref="TrainStepBatch"/> on two cores split by samples: each core computes the gradient of half of the batch,
    /// then both add the two into the parameters, so the cores exchange only the gradients, once per step.
    /// Deterministic (the same seed and settings give the same parameters, run after run) and equal to
    /// <see cref="TrainStepBatch"/> within rounding, but not bit-identical to it. Small batches and networks run
    /// <see cref="TrainStepBatch"/>.
    /// </summary>
    /// <remarks>A double network runs <see cref="TrainStepBatch"/> (on one core): the two-core split is written for floats.</remarks>
    static virtual T TrainStepBatchDataParallel(Span<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate) =>
        TSelf.TrainStepBatch(parameters, inputs, targets, learningRate);

    /// <summary>
    /// <see cref="AccumulateGradient(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> with the
    /// network's <c>[Dropout]</c> layers applied with <paramref name="dropout"/>'s mask (the sample is row 0). For a network
    /// without dropout it is the plain pass. The <see cref="Training.Trainer{TNet}"/> calls this form.
    /// </summary>
    static virtual T AccumulateGradient(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> gradient, DropoutMask dropout) =>
        TSelf.AccumulateGradient(parameters, input, target, gradient);

    /// <summary>
    /// <see cref="AccumulateGradientBatch(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> with
    /// the network's <c>[Dropout]</c> layers applied with <paramref name="dropout"/>'s mask (sample k of the batch draws
    /// row k's mask). For a network without dropout it is the plain matrix form; a network with dropout runs its samples
    /// one by one. The <see cref="Training.Trainer{TNet}"/> calls this form.
    /// </summary>
    static virtual T AccumulateGradientBatch(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradient, DropoutMask dropout) =>
        TSelf.AccumulateGradientBatch(parameters, inputs, targets, gradient);

    /// <summary>
    /// <see cref="AccumulateGradientBatch(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, DropoutMask)"/>
    /// that also writes the batch's outputs <c>a_L</c> (row-major <c>[count, OutputSize]</c>) to <paramref name="outputs"/>, so
    /// a trainer can report training metrics without a second forward pass. Generated networks take them from the step's
    /// own forward pass (with the dropout mask applied, as Keras reports training metrics); this default runs
    /// <see cref="ForwardBatch"/> after the gradient. The <see cref="Training.Trainer{TNet}"/> calls this form.
    /// </summary>
    static virtual T AccumulateGradientBatch(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> gradient, DropoutMask dropout, Span<T> outputs)
    {
        T loss = TSelf.AccumulateGradientBatch(parameters, inputs, targets, gradient, dropout);
        TSelf.ForwardBatch(parameters, inputs, outputs);
        return loss;
    }

    /// <summary>
    /// One optimizer step on a batch fused with the weight-gradient products (see <see cref="Kernels.ParameterUpdate{T}"/>):
    /// forward and backward propagation as in <see cref="AccumulateGradientBatch(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, DropoutMask, Span{T})"/>,
    /// then <paramref name="update"/> applied to each tile of the gradient as it is computed. Writes the batch's outputs
    /// to <paramref name="outputs"/> unless it is empty, and the sum of the samples' losses to <paramref name="loss"/>.
    /// Returns false, having changed neither the parameters nor <paramref name="update"/>, where the step cannot be fused
    /// (this default; a machine without vectors; a batch whose gradient might overflow), so the caller takes the gradient
    /// path. The <see cref="Training.Trainer{TNet}"/> calls this.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    static virtual bool OptimizerStepBatch(Span<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Kernels.ParameterUpdate<T> update, DropoutMask dropout, Span<T> outputs, out T loss)
    {
        loss = T.Zero;
        return false;
    }

    // ---- Derivatives with respect to the input (inference semantics: a [Dropout] layer is the identity). ----

    /// <summary>The vector–Jacobian product <c>inputGradient = (∂a_L/∂x)ᵀ outputGradient</c> at <paramref name="input"/> (reverse mode: BP2 carried through <c>W_1ᵀ</c>).</summary>
    static abstract void InputGradient(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> outputGradient, Span<T> inputGradient);

    /// <summary><see cref="InputGradient(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> for each row of a row-major batch (<c>[count, InputSize]</c>, <c>[count, OutputSize]</c>, <c>[count, InputSize]</c>).</summary>
    static abstract void InputGradientBatch(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> outputGradients, Span<T> inputGradients);

    /// <summary>The Jacobian <c>∂a_L/∂x</c> at <paramref name="input"/>, row-major <c>[OutputSize, InputSize]</c>, in the mode the generator chose for the topology.</summary>
    static abstract void Jacobian(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, Span<T> jacobian);

    /// <summary>The Jacobian <c>∂a_L/∂x</c> at <paramref name="input"/>, row-major <c>[OutputSize, InputSize]</c>, in the given <paramref name="mode"/>.</summary>
    static abstract void Jacobian(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, Span<T> jacobian, JacobianMode mode);

    /// <summary>The gradient of the sample's loss with respect to its input, <c>∂J_x/∂x</c>, into <paramref name="inputGradient"/>; returns <c>J_x</c>.</summary>
    static abstract T LossInputGradient(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> inputGradient);

    /// <summary><see cref="LossInputGradient(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> for each row of a row-major batch; returns the sum of the samples' losses.</summary>
    static abstract T LossInputGradientBatch(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> inputGradients);

    /// <summary><see cref="InputGradient(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> with this network's parameters.</summary>
    void InputGradient(ReadOnlySpan<T> input, ReadOnlySpan<T> outputGradient, Span<T> inputGradient);

    /// <summary><see cref="Jacobian(ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> with this network's parameters.</summary>
    void Jacobian(ReadOnlySpan<T> input, Span<T> jacobian);

    /// <summary><see cref="LossInputGradient(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T})"/> with this network's parameters; returns <c>J_x</c>.</summary>
    T LossInputGradient(ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> inputGradient);

    /// <summary>The network's parameters: for each layer its weights <c>[out, in]</c> row-major, then its biases.</summary>
    Span<T> Parameters { get; }

    /// <summary>Forward propagation of one sample with this network's parameters.</summary>
    void Forward(ReadOnlySpan<T> input, Span<T> output);

    /// <summary>One gradient-descent step over a batch with this network's parameters; returns the mean loss before the update.</summary>
    T TrainStep(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T learningRate);

    /// <summary>The mean loss of this network over a batch.</summary>
    T ComputeLoss(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets);
}

/// <summary>
/// A <see cref="float"/> network (<see cref="Precision.Single"/>, the default): <see cref="INeuralNetwork{TSelf, T}"/> with
/// <c>T = float</c>. Generic code written for float networks constrains to this interface:
/// <code>static float Evaluate&lt;TNet&gt;(TNet net, ...) where TNet : INeuralNetwork&lt;TNet&gt; =&gt; TNet.ComputeLoss(net.Parameters, inputs, targets);</code>
/// </summary>
/// <typeparam name="TSelf">The generated network class.</typeparam>
public interface INeuralNetwork<TSelf> : INeuralNetwork<TSelf, float>
    where TSelf : class, INeuralNetwork<TSelf>
{
}
