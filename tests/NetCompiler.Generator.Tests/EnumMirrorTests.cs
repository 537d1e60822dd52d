using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Tests;

/// <summary>The generator's copies of the runtime enums must match them name for name and value for value.</summary>
public sealed class EnumMirrorTests
{
    [Fact]
    public void ActivationKindMirrorsActivation() => AssertMirrors<ActivationKind, Activation>();

    [Fact]
    public void LossKindMirrorsLoss() => AssertMirrors<LossKind, Loss>();

    [Fact]
    public void PrecisionKindMirrorsPrecision() => AssertMirrors<PrecisionKind, Precision>();

    private static void AssertMirrors<TMirror, TRuntime>()
        where TMirror : struct, Enum
        where TRuntime : struct, Enum
    {
        var mirror = Enum.GetValues<TMirror>().Select(v => (v.ToString(), Convert.ToInt32(v))).ToList();
        var runtime = Enum.GetValues<TRuntime>().Select(v => (v.ToString(), Convert.ToInt32(v))).ToList();
        Assert.Equal(runtime, mirror);
    }
}
