using NetCompiler.Data;

namespace NetCompiler.Tests.Data;

/// <summary>Every malformed input gives a <see cref="DataFormatException"/> that says where (file, line, column) and what was expected.</summary>
public class CsvMalformedTests
{
    private const string Header = "sepal_length,sepal_width,petal_length,petal_width,species\n";
    private const string GoodRow = "5.1,3.5,1.4,0.2,setosa\n";

    private static DataFormatException Fails(string csv, CsvOptions? options = null) =>
        Assert.Throws<DataFormatException>(() => CsvDataset.Load(new StringReader(csv), options));

    /// <summary>A header, five good rows (lines 2–6), then <paramref name="badRow"/> on line 7.</summary>
    private static string WithRowOnLine7(string badRow) => Header + string.Concat(Enumerable.Repeat(GoodRow, 5)) + badRow + GoodRow;

    [Fact]
    public void ANonNumericCellNamesTheLineAndTheColumn()
    {
        var error = Fails(WithRowOnLine7("5.0,3.4,1.5,abc,setosa\n"));

        Assert.Equal("<reader>: line 7, column 'petal_width': 'abc' is not a number.", error.Message);
        Assert.Equal("<reader>", error.FileName);
        Assert.Equal(7, error.LineNumber);
        Assert.Equal("'petal_width'", error.Column);
        Assert.IsAssignableFrom<FormatException>(error);
    }

    [Fact]
    public void AFileLoadedByPathIsNamedByThatPath()
    {
        using var directory = new TempDirectory();
        string path = directory.WriteText("iris.csv", WithRowOnLine7("5.0,,1.5,0.2,setosa\n"));

        var error = Assert.Throws<DataFormatException>(() => CsvDataset.Load(path));

        Assert.Equal($"{path}: line 7, column 'sepal_width': '' is not a number.", error.Message);
        Assert.Equal(path, error.FileName);
    }

    [Fact]
    public void WithoutAHeaderTheColumnIsNamedByItsIndex()
    {
        var error = Fails("1,2,a\n1,x,b\n", new CsvOptions { HasHeader = false });

        Assert.Equal("<reader>: line 2, column index 1: 'x' is not a number.", error.Message);
        Assert.Equal("index 1", error.Column);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e39")]
    public void ValuesThatAreNotFiniteFloatsAreRejected(string cell)
    {
        var error = Fails($"x,y\n{cell},a\n");

        Assert.Equal($"<reader>: line 2, column 'x': '{cell}' is not a finite number.", error.Message);
    }

    [Fact]
    public void ADecimalCommaIsNotANumberInTheInvariantCulture()
    {
        var error = Fails("x;y\n1,5;a\n", new CsvOptions { Delimiter = ';' });

        Assert.Equal("<reader>: line 2, column 'x': '1,5' is not a number.", error.Message);
    }

    [Fact]
    public void ARowWithTheWrongNumberOfColumnsIsComparedWithTheHeader()
    {
        string csv = Header + string.Concat(Enumerable.Repeat(GoodRow, 10)) + "5.1,3.5,1.4,setosa\n";

        var error = Fails(csv);

        Assert.Equal("<reader>: line 12 has 4 columns, the header has 5.", error.Message);
        Assert.Equal(12, error.LineNumber);
    }

    [Fact]
    public void WithoutAHeaderTheFirstRowSetsTheColumnCount()
    {
        var error = Fails("1,2,a\n3,4,b\n5,6,7,c\n", new CsvOptions { HasHeader = false });

        Assert.Equal("<reader>: line 3 has 4 columns, line 1 has 3.", error.Message);
    }

    [Fact]
    public void AnUnknownColumnNameListsTheAvailableOnes()
    {
        var error = Fails(Header + GoodRow, new CsvOptions { LabelColumn = "Species" });

        Assert.Equal(
            "<reader>: the header (line 1) has no column 'Species'; its columns are 'sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'.",
            error.Message);
        Assert.Equal(1, error.LineNumber);
    }

    [Fact]
    public void ANameSharedByTwoColumnsIsAmbiguous()
    {
        var error = Fails("a,b,a\n1,2,3\n", new CsvOptions { Task = CsvTask.Regression, LabelColumn = "a" });

        Assert.Equal("<reader>: the header (line 1) has two columns named 'a' (indexes 0 and 2); give the column by index.", error.Message);
    }

    [Fact]
    public void AColumnIndexPastTheLastColumnIsRejected()
    {
        var error = Fails("1,2,a\n", new CsvOptions { HasHeader = false, LabelColumn = 3 });

        Assert.Equal("<reader>: column index 3 is out of range: line 1 has 3 columns (indexes 0 to 2).", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n   \n")]
    public void AnEmptyFileIsRejected(string csv)
    {
        Assert.Equal("<reader>: the file is empty; expected a header line and data rows.", Fails(csv).Message);
        Assert.Equal("<reader>: the file is empty; expected data rows.", Fails(csv, new CsvOptions { HasHeader = false }).Message);
    }

    [Fact]
    public void AHeaderWithoutRowsIsRejected()
    {
        var error = Fails("\n" + Header + "\n");

        Assert.Equal("<reader>: the file has a header (line 2) but no data rows.", error.Message);
    }

    [Fact]
    public void ALabelOutsideAFixedClassListIsRejected()
    {
        var options = new CsvOptions { ClassNames = ["setosa", "versicolor", "virginica"] };

        var error = Fails(Header + GoodRow + "5.1,3.5,1.4,0.2,setosa2\n", options);

        Assert.Equal(
            "<reader>: line 3, column 'species': 'setosa2' is not one of the 3 classes given in ClassNames ('setosa', 'versicolor', 'virginica').",
            error.Message);
    }

    [Fact]
    public void AnEmptyLabelIsRejected()
    {
        var error = Fails("x,y\n1,a\n2,  \n");

        Assert.Equal("<reader>: line 3, column 'y': the class label is empty.", error.Message);
    }

    [Fact]
    public void AnUnclosedQuoteNamesTheLineItsRecordStartsOn()
    {
        var error = Fails("x,y\n1,a\n2,\"b\n3,c\n");

        Assert.Equal(
            "<reader>: line 3, column 'y': the quoted field is not closed: the data ends inside it (a quote inside a quoted field is written twice: \"\").",
            error.Message);
    }

    [Fact]
    public void TextAfterAClosingQuoteIsRejected()
    {
        var error = Fails("x,y\n1,\"a\"b\n");

        Assert.Equal(
            "<reader>: line 2, column 'y': unexpected 'b' after the closing quote (a quote inside a quoted field is written twice: \"\").",
            error.Message);
    }

    [Fact]
    public void LineNumbersCountPhysicalLinesThroughQuotedLineBreaksAndBlankLines()
    {
        // Line 2 holds a label spanning lines 2–4, line 5 is blank, and the bad cell is on line 6.
        var error = Fails("x,y\n1,\"a\nb\nc\"\n\n?,d\n");

        Assert.Equal("<reader>: line 6, column 'x': '?' is not a number.", error.Message);
    }

    [Fact]
    public void ASingleColumnFileHintsAtTheDelimiter()
    {
        var error = Fails("x;y\n1;a\n");

        Assert.Equal("<reader>: line 1 has a single column, which is the label, so no feature columns remain (is ',' the right delimiter?).", error.Message);
    }

    [Fact]
    public void ContradictoryOptionsAreArgumentErrors()
    {
        static string Message(CsvOptions options) =>
            Assert.Throws<ArgumentException>(() => CsvDataset.Load(new StringReader("a,b\n1,x\n"), options)).Message;

        Assert.StartsWith(
            "Column 'b' is given by name, but HasHeader is false; give columns by 0-based index.",
            Message(new CsvOptions { HasHeader = false, LabelColumn = "b" }));
        Assert.StartsWith(
            "Column 'b' is both a feature and the label; remove it from FeatureColumns.",
            Message(new CsvOptions { FeatureColumns = ["a", "b"] }));
        Assert.StartsWith(
            "TargetColumns is for regression; for classification give the class column as LabelColumn.",
            Message(new CsvOptions { TargetColumns = ["b"] }));
        Assert.StartsWith(
            "ClassNames must hold distinct, non-blank names; 'x' is blank or repeated.",
            Message(new CsvOptions { ClassNames = ["x", "x"] }));
        Assert.StartsWith(
            "The delimiter cannot be a quote or a line break (got U+0022).",
            Message(new CsvOptions { Delimiter = '"' }));
    }
}
