using System.Globalization;
using System.Text;

namespace NetCompiler.Training;

/// <summary>
/// Counts of (actual class, predicted class) pairs over a dataset, as
/// <see cref="Evaluation.ConfusionMatrix{TNet}(TNet, ITrainingData)"/> computes them: row = actual
/// class, column = predicted class, so the diagonal holds the correct predictions.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly int[] _counts;

    internal ConfusionMatrix(int classCount)
    {
        ClassCount = classCount;
        _counts = new int[classCount * classCount];
    }

    /// <summary>The number of classes (2 for a single-output binary classifier).</summary>
    public int ClassCount { get; }

    /// <summary>The number of samples counted.</summary>
    public int Total { get; private set; }

    /// <summary>The number of samples of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public int this[int actual, int predicted]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)actual, (uint)ClassCount, nameof(actual));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)predicted, (uint)ClassCount, nameof(predicted));
            return _counts[(actual * ClassCount) + predicted];
        }
    }

    /// <summary>The fraction of samples on the diagonal (0 for an empty matrix).</summary>
    public float Accuracy
    {
        get
        {
            int correct = 0;
            for (int c = 0; c < ClassCount; c++)
            {
                correct += _counts[(c * ClassCount) + c];
            }

            return Total == 0 ? 0f : (float)correct / Total;
        }
    }

    /// <summary>A text table: one row per actual class, one column per predicted class.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("actual \\ predicted");
        for (int p = 0; p < ClassCount; p++)
        {
            text.Append(CultureInfo.InvariantCulture, $"\t{p}");
        }

        for (int a = 0; a < ClassCount; a++)
        {
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"{a}");
            for (int p = 0; p < ClassCount; p++)
            {
                text.Append(CultureInfo.InvariantCulture, $"\t{_counts[(a * ClassCount) + p]}");
            }
        }

        return text.ToString();
    }

    internal void Add(int actual, int predicted)
    {
        _counts[(actual * ClassCount) + predicted]++;
        Total++;
    }
}
