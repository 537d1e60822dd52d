namespace NetCompiler.Training;

/// <summary>
/// The trainer of a float network (the default precision): <see cref="Trainer{TNet, T}"/> with <c>T = float</c>,
/// so that <c>new Trainer&lt;MyNet&gt;(options)</c> reads as the network's own trainer.
/// </summary>
/// <typeparam name="TNet">The generated network class.</typeparam>
public sealed class Trainer<TNet> : Trainer<TNet, float>
    where TNet : class, INeuralNetwork<TNet>
{
    /// <summary>Creates a trainer with <paramref name="options"/> (defaults when null).</summary>
    public Trainer(TrainerOptions? options = null)
        : base(options)
    {
    }
}
