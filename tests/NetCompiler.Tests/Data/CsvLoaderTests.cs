using System.Globalization;
using NetCompiler.Data;

namespace NetCompiler.Tests.Data;

public class CsvLoaderTests
{
    private static Dataset Load(string csv, CsvOptions? options = null) => CsvDataset.Load(new StringReader(csv), options);

    private static float[] Row(Dataset data, int i) => data.GetFeatures(i).ToArray();

    private static float[] Target(Dataset data, int i) => data.GetTargets(i).ToArray();

    [Fact]
    public void ClassificationByDefaultTakesTheLastColumnAsLabelAndSortsTheClasses()
    {
        const string Csv = """
            sepal_length,sepal_width,petal_length,petal_width,species
            6.3,3.3,6.0,2.5,virginica
            5.1,3.5,1.4,0.2,setosa
            7.0,3.2,4.7,1.4,versicolor
            4.9,3.0,1.4,0.2,setosa
            """;

        Dataset data = Load(Csv);

        Assert.Equal(4, data.Count);
        Assert.Equal(4, data.FeatureCount);
        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width"], data.FeatureNames!);
        // Ordinal order, not order of appearance (virginica comes first in the file).
        Assert.Equal(["setosa", "versicolor", "virginica"], data.ClassNames!);
        Assert.Equal(3, data.TargetCount);
        Assert.Equal([6.3f, 3.3f, 6.0f, 2.5f], Row(data, 0));
        Assert.Equal([4.9f, 3.0f, 1.4f, 0.2f], Row(data, 3));
        Assert.Equal([0f, 0f, 1f], Target(data, 0));
        Assert.Equal([1f, 0f, 0f], Target(data, 1));
        Assert.Equal([0f, 1f, 0f], Target(data, 2));
        Assert.Equal([1f, 0f, 0f], Target(data, 3));
    }

    [Fact]
    public void LabelAndFeaturesCanBeNamedInAnyOrder()
    {
        const string Csv = """
            id,colour,weight,height
            1,red,2.5,10
            2,blue,3.5,20
            """;

        Dataset data = Load(Csv, new CsvOptions { LabelColumn = "colour", FeatureColumns = ["height", "weight"] });

        Assert.Equal(["height", "weight"], data.FeatureNames!);
        Assert.Equal([10f, 2.5f], Row(data, 0));
        Assert.Equal([20f, 3.5f], Row(data, 1));
        Assert.Equal(["blue", "red"], data.ClassNames!);
        Assert.Equal([0f, 1f], Target(data, 0));
    }

    [Fact]
    public void DefaultFeaturesAreEveryColumnButTheLabelLeftToRight()
    {
        Dataset data = Load("a,label,b\n1,x,2\n3,y,4\n", new CsvOptions { LabelColumn = "label" });

        Assert.Equal(["a", "b"], data.FeatureNames!);
        Assert.Equal([3f, 4f], Row(data, 1));
        Assert.Equal([0f, 1f], Target(data, 1));
    }

    [Fact]
    public void RegressionReadsSeveralNumericTargetsInTheGivenOrder()
    {
        const string Csv = """
            x1,y2,x2,y1
            1,-2e-1,2,10
            3,0.5,4,20
            """;

        Dataset data = Load(Csv, new CsvOptions { Task = CsvTask.Regression, TargetColumns = ["y1", "y2"] });

        Assert.Null(data.ClassNames);
        Assert.Equal(["x1", "x2"], data.FeatureNames!);
        Assert.Equal(2, data.TargetCount);
        Assert.Equal([1f, 2f], Row(data, 0));
        Assert.Equal([10f, -0.2f], Target(data, 0));
        Assert.Equal([20f, 0.5f], Target(data, 1));
    }

    [Fact]
    public void RegressionDefaultsToTheLastColumnAsTheSingleTarget()
    {
        Dataset data = Load("a,b,y\n1,2,3.25\n", new CsvOptions { Task = CsvTask.Regression });

        Assert.Equal([1f, 2f], Row(data, 0));
        Assert.Equal([3.25f], Target(data, 0));
    }

    [Fact]
    public void HeaderlessFilesUseZeroBasedColumnIndexes()
    {
        const string Csv = """
            b,1,2,3
            a,4,5,6
            """;

        Dataset data = Load(Csv, new CsvOptions { HasHeader = false, LabelColumn = 0, FeatureColumns = [3, 1] });

        Assert.Null(data.FeatureNames);
        Assert.Equal(2, data.Count);
        Assert.Equal([3f, 1f], Row(data, 0));
        Assert.Equal([6f, 4f], Row(data, 1));
        Assert.Equal(["a", "b"], data.ClassNames!);
        Assert.Equal([0f, 1f], Target(data, 0));
    }

    [Fact]
    public void QuotedFieldsHoldDelimitersEscapedQuotesAndLineBreaks()
    {
        const string Csv = "\"width, cm\",\"the \"\"label\"\"\"\n"
            + "\"1.5\",\"big, round\"\n"
            + "  \"2.5\"  ,\"say \"\"hi\"\"\"\n"
            + "3.5,\"two\nlines\"\n";

        Dataset data = Load(Csv);

        Assert.Equal(["width, cm"], data.FeatureNames!);
        Assert.Equal([1.5f, 2.5f, 3.5f], data.Features);
        Assert.Equal(["big, round", "say \"hi\"", "two\nlines"], data.ClassNames!);
    }

    [Fact]
    public void NumbersParseWithTheInvariantCultureWhateverTheCurrentOne()
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Dataset data = Load("x;y\n1.5;2.5e1\n", new CsvOptions { Delimiter = ';', Task = CsvTask.Regression });

            Assert.Equal([1.5f], Row(data, 0));
            Assert.Equal([25f], Target(data, 0));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void BlankLinesAndAllLineEndingsAreAccepted()
    {
        Dataset data = Load("x,y\r\n1,a\r\n\r\n2,b\r3,a\n\n   \n\n");

        Assert.Equal([1f, 2f, 3f], data.Features);
        Assert.Equal([1f, 0f, 0f, 1f, 1f, 0f], data.Targets);
    }

    [Fact]
    public void AFixedClassListSetsTheEncodingEvenWhenTheFileHasFewerClasses()
    {
        // A test file holding only some classes must encode them like the training file did.
        Dataset train = Load("x,label\n1,cat\n2,dog\n3,emu\n");
        Dataset test = Load("x,label\n4,emu\n5,cat\n", new CsvOptions { ClassNames = train.ClassNames });

        Assert.Equal(["cat", "dog", "emu"], test.ClassNames!);
        Assert.Equal([0f, 0f, 1f, 1f, 0f, 0f], test.Targets);
    }

    [Fact]
    public void LabelsAndHeaderNamesAreTrimmed()
    {
        Dataset data = Load(" x , label \n1, cat\n2,cat \n", new CsvOptions { LabelColumn = "label" });

        Assert.Equal(["x"], data.FeatureNames!);
        Assert.Equal(["cat"], data.ClassNames!);
    }

    [Fact]
    public void LoadingAFileByPathReadsItAsUtf8()
    {
        using var directory = new TempDirectory();
        string path = directory.WriteText("fruit.csv", "weight,name\n120,pomme\n130,café\n");

        Dataset data = CsvDataset.Load(path);

        Assert.Equal([120f, 130f], data.Features);
        Assert.Equal(["café", "pomme"], data.ClassNames!);
    }
}
