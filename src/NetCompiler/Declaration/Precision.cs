namespace NetCompiler;

/// <summary>
/// The element type of a network's parameters, inputs, outputs and arithmetic, chosen in its declaration with
/// <c>[Network(Precision = ...)]</c>. The generator reads the numeric values from the attribute; never renumber them.
/// </summary>
public enum Precision
{
    /// <summary>32-bit IEEE 754 <see cref="float"/> (the default): the generated API takes and returns <c>float</c> spans.</summary>
    Single = 0,

    /// <summary>
    /// 64-bit IEEE 754 <see cref="double"/>: the generated API takes and returns <c>double</c> spans, and every kernel
    /// computes in double (register blocks of <c>Vector512&lt;double&gt;</c>, <c>Vector256&lt;double&gt;</c> or
    /// <c>Vector128&lt;double&gt;</c>). For worked examples, scientific work and finite-difference checks; about half the
    /// speed of <see cref="Single"/>, since a vector holds half as many elements.
    /// </summary>
    Double = 1,
}
