using NetCompiler.Generator.Tests.Infrastructure;

namespace NetCompiler.Generator.Tests;

/// <summary>The generated source of a network with baked-in weights, checked against a reviewed snapshot, and compiled cleanly.</summary>
public sealed class BakedWeightsSnapshotTests
{
    [Fact]
    public void TinyNetWithAModelFile()
    {
        // Parameters chosen by hand: W1 [2, 2], b1 [2], W2 [1, 2], b2 [1]; -0 and a subnormal among them.
        float[] parameters = [0.5f, -1.25f, 2f, 0.125f, -0f, 1e-3f, 3f, -2.5f, 1e-40f];
        using var directory = new TemporaryDirectory();
        string path = directory.File("Models/tiny.ncnet");
        var donor = Donors.Create("TinyNet");
        LoadedNetworks.SetParameters(donor, parameters);
        LoadedNetworks.Save(donor, path);
        const string source = """
            using NetCompiler;

            namespace Samples.Tiny;

            [Network(Inputs = 2, Loss = Loss.CrossEntropy, Weights = "Models/tiny.ncnet")]
            [Dense(2, Activation.Tanh)]
            [Dense(1, Activation.Sigmoid)]
            public partial class TinyNet;
            """;

        var output = WeightsHarness.Run([path], source);

        Assert.Empty(output.Diagnostics);
        string generated = Assert.Single(output.Sources, s => s.Key == "Samples.Tiny.TinyNet.g.cs").Value;
        Snapshot.Verify(generated, nameof(BakedWeightsSnapshotTests), "Samples.Tiny.TinyNet.g");
        var pretrained = WeightsHarness.Load(output).GetType("Samples.Tiny.TinyNet", throwOnError: true)!.GetMethod("CreatePretrained")!.Invoke(null, null)!;
        Assert.Equal(LoadedNetworks.Bits(parameters), LoadedNetworks.Bits(LoadedNetworks.Parameters(pretrained)));
    }
}
