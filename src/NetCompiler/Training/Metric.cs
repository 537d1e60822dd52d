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

    /// <summary>The root of the mean over samples and outputs of <c>(a − t)²</c> (lower is better); for regression.</summary>
    RootMeanSquaredError = 3,

    /// <summary>
    /// The coefficient of determination <c>R² = 1 − Σ(t − a)² / Σ(t − t̄)²</c> of each output, averaged over the
    /// outputs (higher is better, 1 is perfect, 0 is as good as predicting the mean); for regression. An output whose
    /// targets are all equal counts 1 when predicted exactly and 0 otherwise.
    /// </summary>
    RSquared = 4,

    /// <summary>
    /// The F1 score <c>2 P R / (P + R)</c> of each class, averaged over the classes (higher is better); classes as in
    /// <see cref="Accuracy"/>, averaged over the classes that occur among the targets or the predictions (as scikit-learn
    /// does); a precision or recall of 0 / 0 counts 0.
    /// </summary>
    MacroF1 = 5,
}
