using System.Globalization;
using System.Text;
using NetCompiler.Data;
using NetCompiler.Tests.Support;

namespace NetCompiler.Tests.Data;

/// <summary>
/// The tokenizer reads the text in blocks and keeps a record's fields as spans of its buffer: records, quoted fields
/// and <c>\r\n</c> pairs cut by a block end, and records longer than the buffer, read as if the text came at once.
/// </summary>
[Collection(RunAloneCollection.Name)]
public class CsvBufferBoundaryTests
{
    /// <summary>Hands out at most a few characters per call, so every record is cut by block ends.</summary>
    private sealed class TrickleReader(string text, int chunk) : TextReader
    {
        private int _position;

        public override int Read(char[] buffer, int index, int count)
        {
            int n = Math.Min(Math.Min(count, chunk), text.Length - _position);
            text.CopyTo(_position, buffer, index, n);
            _position += n;
            return n;
        }

        public override int Read(Span<char> buffer)
        {
            int n = Math.Min(Math.Min(buffer.Length, chunk), text.Length - _position);
            text.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
    }

    /// <summary>3 features and a quoted label holding a doubled quote and a line break, <c>\r\n</c> line ends.</summary>
    private static (string Csv, float[] Features, int Lines) Generate(int rows)
    {
        var text = new StringBuilder("a,b,c,label\r\n");
        var features = new float[rows * 3];
        int line = 2;
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < 3; c++)
            {
                float value = ((r * 3) + c) * 0.25f - 7.5f;
                features[(r * 3) + c] = value;
                text.Append(value.ToString("R", CultureInfo.InvariantCulture)).Append(',');
            }

            text.Append(CultureInfo.InvariantCulture, $" \"say \"\"{r % 3}\"\"\r\nnow\" \r\n");
            line += 2;
        }

        return (text.ToString(), features, line);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void RecordsCutByBlockEndsReadAsWhole(int charsPerRead)
    {
        var (csv, features, _) = Generate(30_000);

        var data = CsvDataset.Load(new TrickleReader(csv, charsPerRead));

        Assert.Equal(features, data.Features);
        Assert.Equal(["say \"0\"\r\nnow", "say \"1\"\r\nnow", "say \"2\"\r\nnow"], data.ClassNames!);
        Assert.Equal(1f, data.Targets[(29_999 * 3) + (29_999 % 3)]);
    }

    [Fact]
    public void LineNumbersStayRightAcrossBlocks()
    {
        var (csv, _, line) = Generate(30_000);

        var error = Assert.Throws<DataFormatException>(() => CsvDataset.Load(new TrickleReader(csv + "1,2,x,y\r\n", 13)));

        Assert.Equal($"<reader>: line {line}, column 'c': 'x' is not a number.", error.Message);
    }

    [Fact]
    public void ARecordLongerThanTheBufferGrowsIt()
    {
        // One label of 300,000 characters: more than the 64 K buffer, read through 1,000-character blocks.
        string label = new('x', 300_000);
        string csv = $"a,label\n1.5,\"{label}\"\n2.5,{label}\n";

        var data = CsvDataset.Load(new TrickleReader(csv, 1000));

        Assert.Equal([1.5f, 2.5f], data.Features);
        Assert.Equal([label], data.ClassNames!);
    }
}
