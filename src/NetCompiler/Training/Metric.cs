namespace NetCompiler.Training;

/// <summary>A number that says how well a network does on a dataset, reported beside the loss.</summary>
public enum Metric
{
    /// <summary>The network's own loss (lower is better).</summary>
    Loss = 0,

    /// <summary>
    /// The fraction of samples classified correctly (higher is better): the index of the largest
    /// output equals the index of the largest target (one-hot targets). A single output is a binary
    /// classifier: the prediction is <c>output ≥ 0.5</c> and the class is <c>target ≥ 0.5</c>.
    /// </summary>
    Accuracy = 1,

    /// <summary>The mean over samples and outputs of <c>|a − t|</c> (lower is better); for regression.</summary>
    MeanAbsoluteError = 2,
}
