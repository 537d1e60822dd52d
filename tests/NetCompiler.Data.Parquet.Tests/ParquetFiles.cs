using Parquet;
using Parquet.Schema;

namespace NetCompiler.Data.Parquet.Tests;

/// <summary>Parquet files written for the tests with Parquet.Net, in a temporary directory.</summary>
internal sealed class ParquetFiles : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "netcompiler-parquet-" + Guid.NewGuid().ToString("N"));

    public ParquetFiles() => System.IO.Directory.CreateDirectory(Directory);

    /// <summary>
    /// Writes columns <c>x</c> (double), <c>y</c> (float), <c>n</c> (int) and <c>species</c> (text), required, in row
    /// groups of the given sizes. Row i: x = i / 4, y = −i, n = i mod 7, species = one of "c", "a", "b" by i mod 3.
    /// </summary>
    public string Iris(string name, params int[] rowGroups) => WriteAsync(name, rowGroups, nullableY: false).GetAwaiter().GetResult();

    /// <summary>The same file with column <c>y</c> nullable (optional).</summary>
    public string WithNullableY(string name) => WriteAsync(name, [4], nullableY: true).GetAwaiter().GetResult();

    public static float X(int i) => i / 4f;

    public static float Y(int i) => -i;

    public static string Species(int i) => (i % 3) switch { 0 => "c", 1 => "a", _ => "b" };

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private async Task<string> WriteAsync(string name, int[] rowGroups, bool nullableY)
    {
        string path = Path.Combine(Directory, name);
        var x = new DataField("x", typeof(double), isNullable: false);
        var y = new DataField("y", typeof(float), isNullable: nullableY);
        var n = new DataField("n", typeof(int), isNullable: false);
        var species = new DataField("species", typeof(string), isNullable: false);
        await using var stream = File.Create(path);
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(x, y, n, species), stream))
        {
            int first = 0;
            foreach (int rows in rowGroups)
            {
                using ParquetRowGroupWriter group = writer.CreateRowGroup();
                int[] index = [.. Enumerable.Range(first, rows)];
                await group.WriteAsync(x, new ReadOnlyMemory<double>([.. index.Select(i => (double)X(i))]));
                if (nullableY)
                {
                    await group.WriteAsync(y, new ReadOnlyMemory<float?>([.. index.Select(i => (float?)Y(i))]));
                }
                else
                {
                    await group.WriteAsync(y, new ReadOnlyMemory<float>([.. index.Select(Y)]));
                }

                await group.WriteAsync(n, new ReadOnlyMemory<int>([.. index.Select(i => i % 7)]));
                await group.WriteAsync(species, index.Select(Species).ToArray(), null);
                first += rows;
            }
        }

        return path;
    }
}
