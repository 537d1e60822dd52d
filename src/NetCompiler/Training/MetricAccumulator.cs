using System.Numerics;

namespace NetCompiler.Training;

/// <summary>
/// A <see cref="Metric"/> summed over samples as they come, from each sample's outputs and targets: what
/// <see cref="Evaluation"/> computes over a dataset, and what the <see cref="Trainer{TNet, T}"/> computes from the outputs of
/// its training steps' own forward passes. Allocation-free: the per-output and per-class sums live in a workspace of
/// <see cref="WorkspaceLength"/> doubles that the caller provides.
/// </summary>
internal ref struct MetricAccumulator
{
    private readonly Metric _metric;
    private readonly int _outputSize;
    private readonly Span<double> _workspace;
    private double _total;
    private long _count;

    /// <summary>Starts an empty sum of <paramref name="metric"/> for rows of <paramref name="outputSize"/> values.</summary>
    /// <param name="metric">The metric; not <see cref="Metric.Loss"/>, which comes from the loss kernels.</param>
    /// <param name="outputSize">The values per sample of the outputs and the targets.</param>
    /// <param name="workspace">At least <see cref="WorkspaceLength"/> doubles; cleared here.</param>
    public MetricAccumulator(Metric metric, int outputSize, Span<double> workspace)
    {
        _metric = metric;
        _outputSize = outputSize;
        _workspace = workspace[..WorkspaceLength(metric, outputSize)];
        _workspace.Clear();
    }

    /// <summary>
    /// The doubles of workspace a metric needs: for R², the count-weighted mean, the sum of squared deviations and the
    /// sum of squared residuals of each output; for macro F1, the true positives, predictions and actual samples of each
    /// class; none for the others.
    /// </summary>
    public static int WorkspaceLength(Metric metric, int outputSize) => metric switch
    {
        Metric.RSquared => 3 * outputSize,
        Metric.MacroF1 => ((3 * ClassCount(outputSize)) + 1) / 2, // three ints per class, two to a double
        _ => 0,
    };

    /// <summary>The number of samples added so far.</summary>
    public readonly long Count => _count;

    /// <summary>Adds the samples of row-major <paramref name="outputs"/> and <paramref name="targets"/> (<c>[count, outputSize]</c> each).</summary>
    public void AddRows<T>(ReadOnlySpan<T> outputs, ReadOnlySpan<T> targets)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int samples = outputs.Length / _outputSize;
        for (int s = 0; s < samples; s++)
        {
            Add(outputs.Slice(s * _outputSize, _outputSize), targets.Slice(s * _outputSize, _outputSize));
        }
    }

    /// <summary>Adds one sample's outputs and targets.</summary>
    public void Add<T>(ReadOnlySpan<T> output, ReadOnlySpan<T> target)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        _count++;
        switch (_metric)
        {
            case Metric.Accuracy:
                _total += Evaluation.ClassIndex(output) == Evaluation.ClassIndex(target) ? 1 : 0;
                break;
            case Metric.MeanAbsoluteError or Metric.RootMeanSquaredError:
                _total += MeanError(output, target, squared: _metric == Metric.RootMeanSquaredError);
                break;
            case Metric.RSquared:
                AddToRSquared(output, target);
                break;
            case Metric.MacroF1:
                AddToMacroF1(Evaluation.ClassIndex(output), Evaluation.ClassIndex(target));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(Metric), _metric, "This metric is not computed from outputs.");
        }
    }

    /// <summary>The metric over the samples added (see <see cref="Metric"/> for each definition).</summary>
    /// <exception cref="InvalidOperationException">No sample was added.</exception>
    public readonly float Result()
    {
        if (_count == 0)
        {
            throw new InvalidOperationException("The metric of no samples is undefined.");
        }

        return _metric switch
        {
            Metric.Accuracy or Metric.MeanAbsoluteError => (float)(_total / _count),
            Metric.RootMeanSquaredError => (float)Math.Sqrt(_total / _count),
            Metric.RSquared => RSquared(),
            _ => MacroF1(),
        };
    }

    /// <summary>A single output is a binary classifier (two classes); otherwise one class per output.</summary>
    private static int ClassCount(int outputSize) => outputSize == 1 ? 2 : outputSize;

    /// <summary><c>mean_k |a_k − t_k|</c>, or <c>mean_k (a_k − t_k)²</c> when <paramref name="squared"/>.</summary>
    private static double MeanError<T>(ReadOnlySpan<T> output, ReadOnlySpan<T> target, bool squared)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        double sum = 0;
        for (int k = 0; k < output.Length; k++)
        {
            double error = double.CreateTruncating(output[k] - target[k]);
            sum += squared ? error * error : Math.Abs(error);
        }

        return sum / output.Length;
    }

    /// <summary>
    /// Welford's update of each output's target mean and sum of squared deviations <c>Σ (t − t̄)²</c> (exact to rounding
    /// in one pass, however large the mean), and the sum of squared residuals <c>Σ (t − a)²</c>.
    /// </summary>
    private readonly void AddToRSquared<T>(ReadOnlySpan<T> output, ReadOnlySpan<T> target)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var mean = _workspace[.._outputSize];
        var spread = _workspace.Slice(_outputSize, _outputSize);
        var residual = _workspace.Slice(2 * _outputSize, _outputSize);
        for (int k = 0; k < _outputSize; k++)
        {
            double t = double.CreateTruncating(target[k]);
            double deviation = t - mean[k];
            mean[k] += deviation / _count;
            spread[k] += deviation * (t - mean[k]);
            double error = t - double.CreateTruncating(output[k]);
            residual[k] += error * error;
        }
    }

    /// <summary><c>R²_k = 1 − Σ (t − a)² / Σ (t − t̄)²</c> averaged over the outputs; an output with constant targets counts 1 when exact, else 0.</summary>
    private readonly float RSquared()
    {
        var spread = _workspace.Slice(_outputSize, _outputSize);
        var residual = _workspace.Slice(2 * _outputSize, _outputSize);
        double total = 0;
        for (int k = 0; k < _outputSize; k++)
        {
            total += spread[k] > 0 ? 1 - (residual[k] / spread[k]) : residual[k] == 0 ? 1 : 0;
        }

        return (float)(total / _outputSize);
    }

    /// <summary>The macro-F1 counts, as ints in the workspace: true positives, predictions and actual samples of each class.</summary>
    private readonly Span<int> ClassCounts => System.Runtime.InteropServices.MemoryMarshal.Cast<double, int>(_workspace)[..(3 * ClassCount(_outputSize))];

    private readonly void AddToMacroF1(int predictedClass, int actualClass)
    {
        var counts = ClassCounts;
        int classes = ClassCount(_outputSize);
        counts[classes + predictedClass]++;
        counts[(2 * classes) + actualClass]++;
        counts[actualClass] += predictedClass == actualClass ? 1 : 0;
    }

    /// <summary>The F1 score of each class that occurs among the targets or predictions, averaged (see <see cref="ConfusionMatrix.MacroF1"/>).</summary>
    private readonly float MacroF1()
    {
        var counts = ClassCounts;
        int classes = ClassCount(_outputSize);
        return ConfusionMatrix.MacroAverage(counts[..classes], counts.Slice(classes, classes), counts.Slice(2 * classes, classes), ClassScore.F1);
    }
}
