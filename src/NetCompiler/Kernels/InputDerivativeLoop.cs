using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetCompiler.Kernels;

/// <summary>
/// The input-derivative entry points of every generated network, <c>InputGradient</c>, <c>Jacobian</c>,
/// <c>LossInputGradient</c> and their batched forms: the argument checks, the scratch and the choice of sweep, around the
/// network's own passes (<typeparamref name="TKernels"/>). Inference semantics: a <c>[Dropout]</c> layer is the identity.
/// Allocation-free (scratch on the stack up to <see cref="ScratchBuffer.StackallocLimit"/> values, else from the pool).
/// Called by generated code (hidden from IntelliSense); use the network's methods.
/// </summary>
/// <typeparam name="TKernels">The network's file-local kernel struct.</typeparam>
/// <typeparam name="T">The network's element type, <see cref="float"/> or <see cref="double"/>.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class InputDerivativeLoop<TKernels, T>
    where TKernels : struct, IInputDerivativeKernels<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    /// <summary><c>inputGradient = (∂a_L/∂x)ᵀ outputGradient</c>: rows0 = <c>J_f(z_L)ᵀ g</c>, then BP2 down to the input.</summary>
    public static void InputGradient(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> outputGradient, Span<T> inputGradient)
    {
        CheckSample(parameters, input, outputGradient, nameof(outputGradient), inputGradient);
        SweepOneRow(parameters, input, outputGradient, inputGradient, fromLoss: false);
    }

    /// <summary><c>inputGradient = ∂J_x/∂x</c>: BP1 into rows0, then BP2 down to the input; returns <c>J_x</c>.</summary>
    public static T LossInputGradient(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> target, Span<T> inputGradient)
    {
        CheckSample(parameters, input, target, nameof(target), inputGradient);
        return SweepOneRow(parameters, input, target, inputGradient, fromLoss: true);
    }

    /// <summary>
    /// The Jacobian <c>∂a_L/∂x</c>, row-major <c>[OutputSize, InputSize]</c>. Forward mode sweeps <c>InputSize</c> tangent
    /// rows from the input (the network's <see cref="IInputDerivativeKernels{T}.ForwardJacobian"/>); reverse mode seeds rows0
    /// with the identity, one row per output, multiplies it by <c>J_f(z_L)</c> and sweeps BP2 down to the input.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mode"/> is not a member of <see cref="JacobianMode"/>.</exception>
    [SkipLocalsInit]
    public static void Jacobian(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, Span<T> jacobian, JacobianMode mode)
    {
        string network = TKernels.NetworkName;
        Guard.Length(parameters, TKernels.ParameterCount, network, "ParameterCount", nameof(parameters));
        Guard.Length(input, TKernels.InputSize, network, "InputSize", nameof(input));
        Guard.Length(jacobian, JacobianLength(network), network, "OutputSize × InputSize", nameof(jacobian));
        bool forward = mode switch
        {
            JacobianMode.Forward => true,
            JacobianMode.Reverse => false,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, $"{network}: the Jacobian mode must be JacobianMode.Forward or JacobianMode.Reverse."),
        };

        int rows = forward ? TKernels.InputSize : TKernels.OutputSize;
        int length = ScratchLength(rows);
        Span<T> scratch = length > ScratchBuffer.StackallocLimit ? default : stackalloc T[length];
        using var lease = length > ScratchBuffer.StackallocLimit ? ScratchBuffer.Rent(length, out scratch) : default;
        TKernels.ForwardKeepingActivations(parameters, input, scratch);
        if (forward)
        {
            TKernels.ForwardJacobian(parameters, scratch, rows, jacobian);
            return;
        }

        InputGradientKernels.Identity<T>(scratch[TKernels.ActivationsLength..], rows);
        TKernels.MultiplyByOutputJacobian(scratch, rows);
        TKernels.BackwardToInput(parameters, scratch, rows, jacobian);
    }

    /// <summary>
    /// <see cref="InputGradient"/> for each row of a row-major batch: <paramref name="inputs"/> and
    /// <paramref name="inputGradients"/> are <c>[count, InputSize]</c>, <paramref name="outputGradients"/> <c>[count, OutputSize]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The batch is empty, or a span is not <c>count</c> whole rows; the message names the span.</exception>
    public static void InputGradientBatch(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> outputGradients, Span<T> inputGradients)
    {
        int count = BatchCount(inputs, outputGradients, nameof(outputGradients), inputGradients);
        for (int sample = 0; sample < count; sample++)
        {
            InputGradient(parameters, Input(inputs, sample), Output(outputGradients, sample), InputGradientRow(inputGradients, sample));
        }
    }

    /// <summary>
    /// <see cref="LossInputGradient"/> for each row of a row-major batch: row s of <paramref name="inputGradients"/> is
    /// <c>∂J_x/∂x</c> of sample s (its own loss, not divided by the batch size). Returns the sum of the samples' losses.
    /// </summary>
    /// <exception cref="ArgumentException">The batch is empty, or a span is not <c>count</c> whole rows; the message names the span.</exception>
    public static T LossInputGradientBatch(ReadOnlySpan<T> parameters, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, Span<T> inputGradients)
    {
        int count = BatchCount(inputs, targets, nameof(targets), inputGradients);
        double sum = 0;
        for (int sample = 0; sample < count; sample++)
        {
            sum += double.CreateTruncating(LossInputGradient(parameters, Input(inputs, sample), Output(targets, sample), InputGradientRow(inputGradients, sample)));
        }

        return T.CreateTruncating(sum);
    }

    /// <summary>
    /// The forward pass, then one row into rows0, <c>δ_L</c> of the loss against <paramref name="perOutput"/> (BP1) when
    /// <paramref name="fromLoss"/>, else <c>J_f(z_L)ᵀ g</c> for the output gradient <paramref name="perOutput"/>; then BP2
    /// down to the input. Returns the loss (0 for an output gradient). Arguments are already checked.
    /// </summary>
    [SkipLocalsInit]
    private static T SweepOneRow(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> perOutput, Span<T> inputGradient, bool fromLoss)
    {
        int length = ScratchLength(1);
        Span<T> scratch = length > ScratchBuffer.StackallocLimit ? default : stackalloc T[length];
        using var lease = length > ScratchBuffer.StackallocLimit ? ScratchBuffer.Rent(length, out scratch) : default;
        TKernels.ForwardKeepingActivations(parameters, input, scratch);
        T loss = T.Zero;
        if (fromLoss)
        {
            loss = TKernels.OutputDelta(perOutput, scratch);
        }
        else
        {
            perOutput.CopyTo(scratch[TKernels.ActivationsLength..]);
            TKernels.MultiplyByOutputJacobian(scratch, 1);
        }

        TKernels.BackwardToInput(parameters, scratch, 1, inputGradient);
        return loss;
    }

    /// <summary>The lengths of one sample's spans: <paramref name="perOutput"/> (named <paramref name="perOutputName"/>) has <c>OutputSize</c> values.</summary>
    private static void CheckSample(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, ReadOnlySpan<T> perOutput, string perOutputName, ReadOnlySpan<T> inputGradient)
    {
        string network = TKernels.NetworkName;
        Guard.Length(parameters, TKernels.ParameterCount, network, "ParameterCount", nameof(parameters));
        Guard.Length(input, TKernels.InputSize, network, "InputSize", nameof(input));
        Guard.Length(perOutput, TKernels.OutputSize, network, "OutputSize", perOutputName);
        Guard.Length(inputGradient, TKernels.InputSize, network, "InputSize", nameof(inputGradient));
    }

    /// <summary>z and a of every layer, then rows0 and rows1 of <paramref name="rows"/> rows each.</summary>
    /// <exception cref="InvalidOperationException">The network is too large for that many rows of scratch in one array.</exception>
    private static int ScratchLength(int rows)
    {
        long length = TKernels.ActivationsLength + (2L * rows * TKernels.WidestLayer);
        return length <= Array.MaxLength - 64
            ? (int)length
            : throw new InvalidOperationException($"{TKernels.NetworkName}: {rows} derivative rows of its widest layer ({TKernels.WidestLayer} neurons) need {length} values of scratch, more than one array can hold; use InputGradient for fewer rows.");
    }

    /// <summary><c>OutputSize × InputSize</c>, or an exception naming <c>jacobian</c> when no span can be that long.</summary>
    private static int JacobianLength(string network)
    {
        long length = (long)TKernels.OutputSize * TKernels.InputSize;
        return length <= Array.MaxLength
            ? (int)length
            : throw new ArgumentException($"{network}: the Jacobian has {TKernels.OutputSize} × {TKernels.InputSize} = {length} entries, more than a span can hold; use InputGradient for the rows you need.", "jacobian");
    }

    /// <summary>The number of samples; <paramref name="perOutput"/> and <paramref name="inputGradients"/> must have as many rows as <paramref name="inputs"/>.</summary>
    private static int BatchCount(ReadOnlySpan<T> inputs, ReadOnlySpan<T> perOutput, string perOutputName, ReadOnlySpan<T> inputGradients)
    {
        string network = TKernels.NetworkName;
        int count = Guard.BatchCount(inputs, perOutput, TKernels.InputSize, TKernels.OutputSize, network, perOutputName);
        Guard.SampleCount(inputs.Length, inputGradients.Length, TKernels.InputSize, TKernels.InputSize, network, nameof(inputs), nameof(inputGradients), "InputSize", "InputSize");
        return count;
    }

    private static ReadOnlySpan<T> Input(ReadOnlySpan<T> inputs, int sample) => inputs.Slice(sample * TKernels.InputSize, TKernels.InputSize);

    private static ReadOnlySpan<T> Output(ReadOnlySpan<T> perOutput, int sample) => perOutput.Slice(sample * TKernels.OutputSize, TKernels.OutputSize);

    private static Span<T> InputGradientRow(Span<T> inputGradients, int sample) => inputGradients.Slice(sample * TKernels.InputSize, TKernels.InputSize);
}
