// The runtime library's model-file and ONNX readers are compiled into the generator unchanged (see the
// linked <Compile> items in NetCompiler.Generator.csproj), so a weights file baked in at build time is
// checked by the same code that loads one at run time. This file gives those files what they expect
// from the runtime library around them:
//
// - the runtime's implicit usings;
// - the runtime enums Activation and Loss, mapped onto the generator's mirrors ActivationKind and LossKind
//   (their values are the same; EnumMirrorTests checks it), and the activation constants of NetCompiler.Kernels;
// - small stand-ins for NetworkDescription and ModelFormatException, the two public runtime types the
//   model-file reader uses.
//
// None of these types is named like a public runtime type in the same namespace, so a test project that
// sees the generator's internals and the runtime library at once finds no name twice.
global using System;
global using System.Collections.Generic;
global using System.IO;
global using System.Linq;
global using NetCompiler.Generator.Shared;
global using Activation = NetCompiler.Generator.Model.ActivationKind;
global using Activations = NetCompiler.Kernels.ActivationConstants;
global using Loss = NetCompiler.Generator.Model.LossKind;

namespace NetCompiler.Kernels
{
    /// <summary>The constants of the runtime's <c>NetCompiler.Kernels.Activations</c> that the ONNX activation matcher compares with.</summary>
    internal static class ActivationConstants
    {
        /// <summary>The slope of LeakyReLU for negative inputs.</summary>
        public const float LeakyReLUSlope = 0.01f;

        /// <summary>√(2/π), the scale inside GELU's tanh form.</summary>
        public const float GeluScale = 0.7978845608028654f;

        /// <summary>The cubic coefficient inside GELU's tanh form.</summary>
        public const float GeluCubic = 0.044715f;
    }
}

namespace NetCompiler.Onnx
{
    /// <summary>
    /// Lets <c>[DoesNotReturn]</c> in the shared ONNX reader compile (netstandard2.0 has no such attribute).
    /// Declared here rather than in System.Diagnostics.CodeAnalysis, where it would clash with the framework's
    /// in a project that also sees the generator's internals.
    /// </summary>
    [AttributeUsage(AttributeTargets.Method, Inherited = false)]
    internal sealed class DoesNotReturnAttribute : Attribute
    {
    }
}

namespace NetCompiler.Persistence
{
    /// <summary>The generator's stand-in for the runtime's <c>NetCompiler.ModelFormatException</c>: the reader's message, file and offset.</summary>
    internal sealed class ModelFormatException : Exception
    {
        public ModelFormatException(string message, string? filePath = null, long? offset = null)
            : base(message)
        {
            FilePath = filePath;
            Offset = offset;
        }

        public string? FilePath { get; }

        public long? Offset { get; }
    }

    /// <summary>One layer of a <see cref="NetworkDescription"/>: its size, activation and the dropout rate after it.</summary>
    internal readonly record struct LayerDescription(int Size, Activation Activation, float Dropout);

    /// <summary>
    /// The generator's stand-in for the runtime's <c>NetCompiler.NetworkDescription</c>, with the members the
    /// model-file reader uses: the topology a file's header describes.
    /// </summary>
    internal sealed class NetworkDescription
    {
        public NetworkDescription(string name, int inputSize, Loss loss, (int Size, Activation Activation, float Dropout)[] layers)
        {
            Name = name;
            InputSize = inputSize;
            Loss = loss;
            Layers = [.. layers.Select(l => new LayerDescription(l.Size, l.Activation, l.Dropout))];
            int previous = inputSize;
            foreach (var layer in layers)
            {
                ParameterCount = checked(ParameterCount + (layer.Size * previous) + layer.Size);
                previous = layer.Size;
            }
        }

        public string Name { get; }

        public int InputSize { get; }

        public Loss Loss { get; }

        public LayerDescription[] Layers { get; }

        public int ParameterCount { get; }

        /// <summary>The runtime's one-line summary, e.g. <c>4 → 16 Tanh → 3 Softmax, CrossEntropy, 131 parameters</c>.</summary>
        public override string ToString() =>
            $"{InputSize} → {string.Join(" → ", Layers.Select(l => l.Dropout > 0f ? $"{l.Size} {l.Activation} dropout {l.Dropout.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : $"{l.Size} {l.Activation}"))}, {Loss}, {ParameterCount} parameters";
    }
}
