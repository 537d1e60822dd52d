using System.Globalization;
using System.Text;

namespace NetCompiler.Training;

/// <summary>
/// Counts of (actual class, predicted class) pairs over a dataset, as
/// <see cref="Evaluation.ConfusionMatrix{TNet}(TNet, ITrainingData)"/> computes them: row = actual
/// class, column = predicted class, so the diagonal holds the correct predictions. Gives each class's precision,
/// recall and F1 score and their macro averages.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly int[] _counts;

    internal ConfusionMatrix(int classCount, IReadOnlyList<string>? classNames = null)
    {
        ClassCount = classCount;
        _counts = new int[classCount * classCount];
        ClassNames = classNames is not null && classNames.Count == classCount ? classNames : null;
    }

    /// <summary>The number of classes (2 for a single-output binary classifier).</summary>
    public int ClassCount { get; }

    /// <summary>The name of each class, when the dataset had them (<see cref="Data.Dataset.ClassNames"/>); otherwise null.</summary>
    public IReadOnlyList<string>? ClassNames { get; }

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

    /// <summary>Precision of class <paramref name="c"/>: <c>TP / (TP + FP)</c>, the fraction of the predictions of c that are right (0 when c is never predicted).</summary>
    public float Precision(int c) => Score(c, ClassScore.Precision);

    /// <summary>Recall of class <paramref name="c"/>: <c>TP / (TP + FN)</c>, the fraction of the samples of c found (0 when c never occurs).</summary>
    public float Recall(int c) => Score(c, ClassScore.Recall);

    /// <summary>F1 score of class <paramref name="c"/>: <c>2 P R / (P + R)</c> = <c>2 TP / (2 TP + FP + FN)</c> (0 when c neither occurs nor is predicted).</summary>
    public float F1(int c) => Score(c, ClassScore.F1);

    /// <summary>The mean precision over the classes that occur or are predicted.</summary>
    public float MacroPrecision => Macro(ClassScore.Precision);

    /// <summary>The mean recall over the classes that occur or are predicted.</summary>
    public float MacroRecall => Macro(ClassScore.Recall);

    /// <summary>The mean F1 score over the classes that occur or are predicted (see <see cref="Metric.MacroF1"/>).</summary>
    public float MacroF1 => Macro(ClassScore.F1);

    /// <summary>A text table: one row per actual class, one column per predicted class, labelled with the class names when known.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("actual \\ predicted");
        for (int p = 0; p < ClassCount; p++)
        {
            text.Append('\t').Append(NameOf(p));
        }

        for (int a = 0; a < ClassCount; a++)
        {
            text.AppendLine();
            text.Append(NameOf(a));
            for (int p = 0; p < ClassCount; p++)
            {
                text.Append(CultureInfo.InvariantCulture, $"\t{_counts[(a * ClassCount) + p]}");
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// A per-class report (as scikit-learn's <c>classification_report</c>): precision, recall, F1 and support (the number
    /// of samples of the class) for each class, then the macro averages. Numbers have three decimals, invariant culture.
    /// </summary>
    public string Report()
    {
        var text = new StringBuilder();
        text.Append("class\tprecision\trecall\tf1\tsupport");
        for (int c = 0; c < ClassCount; c++)
        {
            text.AppendLine();
            text.Append(CultureInfo.InvariantCulture, $"{NameOf(c)}\t{Precision(c):F3}\t{Recall(c):F3}\t{F1(c):F3}\t{RowSum(c)}");
        }

        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"macro\t{MacroPrecision:F3}\t{MacroRecall:F3}\t{MacroF1:F3}\t{Total}");
        return text.ToString();
    }

    /// <summary>
    /// The mean of <paramref name="score"/> over the classes with a sample or a prediction, from per-class counts of true
    /// positives, predictions (column sums) and samples (row sums). 0 when no class has either.
    /// </summary>
    internal static float MacroAverage(ReadOnlySpan<int> truePositives, ReadOnlySpan<int> predicted, ReadOnlySpan<int> actual, ClassScore score)
    {
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < truePositives.Length; c++)
        {
            if (predicted[c] + actual[c] > 0)
            {
                sum += ScoreOf(truePositives[c], predicted[c], actual[c], score);
                classes++;
            }
        }

        return classes == 0 ? 0f : (float)(sum / classes);
    }

    /// <summary>Precision, recall or F1 from one class's counts, with 0 / 0 taken as 0.</summary>
    internal static double ScoreOf(int truePositives, int predicted, int actual, ClassScore score) => score switch
    {
        ClassScore.Precision => predicted == 0 ? 0 : (double)truePositives / predicted,
        ClassScore.Recall => actual == 0 ? 0 : (double)truePositives / actual,
        _ => predicted + actual == 0 ? 0 : 2.0 * truePositives / (predicted + actual),
    };

    internal void Add(int actual, int predicted)
    {
        _counts[(actual * ClassCount) + predicted]++;
        Total++;
    }

    private string NameOf(int c) => ClassNames?[c] ?? c.ToString(CultureInfo.InvariantCulture);

    private float Score(int c, ClassScore score)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)c, (uint)ClassCount, nameof(c));
        return (float)ScoreOf(_counts[(c * ClassCount) + c], ColumnSum(c), RowSum(c), score);
    }

    private float Macro(ClassScore score)
    {
        var truePositives = new int[ClassCount];
        var predicted = new int[ClassCount];
        var actual = new int[ClassCount];
        for (int c = 0; c < ClassCount; c++)
        {
            truePositives[c] = _counts[(c * ClassCount) + c];
            predicted[c] = ColumnSum(c);
            actual[c] = RowSum(c);
        }

        return MacroAverage(truePositives, predicted, actual, score);
    }

    private int RowSum(int actual)
    {
        int sum = 0;
        for (int p = 0; p < ClassCount; p++)
        {
            sum += _counts[(actual * ClassCount) + p];
        }

        return sum;
    }

    private int ColumnSum(int predicted)
    {
        int sum = 0;
        for (int a = 0; a < ClassCount; a++)
        {
            sum += _counts[(a * ClassCount) + predicted];
        }

        return sum;
    }
}

/// <summary>Which per-class score <see cref="ConfusionMatrix.ScoreOf"/> computes.</summary>
internal enum ClassScore
{
    Precision,
    Recall,
    F1,
}
