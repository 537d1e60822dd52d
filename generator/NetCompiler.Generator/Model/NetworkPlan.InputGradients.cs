using System.Linq;

namespace NetCompiler.Generator.Model;

// The choices of the input-derivative kernels (InputGradient, Jacobian, LossInputGradient): which mode the Jacobian runs
// in by default and their scratch layout. Derived from the layers alone, so they add nothing to the plan's equality.
internal sealed partial record NetworkPlan
{
    /// <summary>
    /// Whether <c>Jacobian</c> runs in forward mode by default: the forward sweep carries one row per input, the reverse
    /// sweep one row per output, through the same layer products, so the smaller side wins; on a tie forward mode, whose
    /// first step (<c>T_1 = W_1</c>) is a copy rather than a product.
    /// </summary>
    public bool JacobianInForwardMode => InputSize <= Output.Size;

    /// <summary>The widest layer: the width of a row of the derivative buffers.</summary>
    public int WidestLayer => Layers.Max(layer => layer.Size);

    /// <summary>
    /// Scratch of the input-derivative kernels: z and a of every layer (the forward pass they differentiate), then two
    /// buffers of rows of <see cref="WidestLayer"/> floats that the sweep alternates between, layer by layer; one row for
    /// an input gradient, <c>OutputSize</c> rows for a reverse-mode Jacobian, <c>InputSize</c> for a forward-mode one.
    /// </summary>
    public EquatableArray<ScratchSlice> InputDerivativeScratch
    {
        get
        {
            var slices = new System.Collections.Generic.List<ScratchSlice>();
            int offset = 0;
            foreach (var layer in Layers)
            {
                slices.Add(new ScratchSlice(layer.Z, 0, offset, 0, layer.Size));
                slices.Add(new ScratchSlice(layer.A, 0, offset + layer.Size, 0, layer.Size));
                offset += 2 * layer.Size;
            }

            slices.Add(new ScratchSlice(DerivativeBuffers[0], 0, offset, WidestLayer, 0));
            slices.Add(new ScratchSlice(DerivativeBuffers[1], WidestLayer, offset, WidestLayer, 0));
            return new EquatableArray<ScratchSlice>(slices);
        }
    }

    /// <summary>The names of the two derivative buffers in generated code.</summary>
    public static readonly string[] DerivativeBuffers = ["rows0", "rows1"];

    /// <summary>Floats of z and a of every layer at the start of the input-derivative scratch.</summary>
    public int InputDerivativeActivationsLength => 2 * Layers.Sum(layer => layer.Size);

    /// <summary>The derivative buffer that holds layer <paramref name="layer"/>'s rows in a sweep that starts in <c>rows0</c> at layer <paramref name="first"/>.</summary>
    public static string DerivativeBuffer(int layer, int first) => DerivativeBuffers[System.Math.Abs(layer - first) % 2];
}
