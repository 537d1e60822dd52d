namespace NetCompiler.Generator.Model;

// The generator's copies of the runtime enums NetCompiler.Activation and NetCompiler.Loss (the
// generator cannot reference the runtime library). Values must match; a test checks they do.

/// <summary>Mirror of <c>NetCompiler.Activation</c>.</summary>
internal enum ActivationKind
{
    Identity = 0,
    Sigmoid = 1,
    Tanh = 2,
    ReLU = 3,
    Softmax = 4,
    LeakyReLU = 5,
    ELU = 6,
    Softplus = 7,
    SiLU = 8,
    GELU = 9,
}

/// <summary>Mirror of <c>NetCompiler.Loss</c>.</summary>
internal enum LossKind
{
    MeanSquaredError = 0,
    CrossEntropy = 1,
}

/// <summary>Mirror of <c>NetCompiler.Precision</c>.</summary>
internal enum PrecisionKind
{
    Single = 0,
    Double = 1,
}
