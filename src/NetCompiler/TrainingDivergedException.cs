namespace NetCompiler;

/// <summary>
/// Thrown when training meets a value that is not finite (NaN or ±∞) in a loss or a gradient. The
/// step that throws leaves the network's parameters exactly as they were before it.
/// </summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    /// <summary>Creates the exception with a message that names what was not finite.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }
}
