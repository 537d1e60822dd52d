namespace NetCompiler.Tests.Persistence;

/// <summary>
/// Model files of format version 1, checked in under <c>Persistence/Version1</c> when version 1 was current, still load
/// bit for bit. Their parameters are <c>p[i] = ((i mod 17) − 8) / 8</c>.
/// </summary>
public class OlderVersionTests
{
    [Theory]
    [InlineData("tiny-v1.ncnet")]
    [InlineData("iris-v1.ncnet")]
    public void AVersion1FileLoadsBitForBit(string file)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Persistence", "Version1", file);
        float[] parameters = file.StartsWith("tiny", StringComparison.Ordinal)
            ? ModelFile.Load<PersistTinyNet>(path).Parameters.ToArray()
            : ModelFile.Load<PersistIrisNet>(path).Parameters.ToArray();
        Assert.Equal(Enumerable.Range(0, parameters.Length).Select(i => ((i % 17) - 8) * 0.125f), parameters);
        Assert.Equal(file.StartsWith("tiny", StringComparison.Ordinal) ? PersistTinyNet.Description : PersistIrisNet.Description, ModelFile.ReadDescription(path));
    }
}
