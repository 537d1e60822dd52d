using System.Reflection;
using NetCompiler.Kernels;
using NetCompiler.Kernels.Parallel;

namespace NetCompiler.Tests;

/// <summary>
/// The one definition of each activation (<see cref="ActivationCatalog"/>) against the code that implements it: the
/// enum, the scalar formulas, the vectorised kernels the generated code calls by name, and the row passes.
/// </summary>
public sealed class ActivationCatalogTests
{
    [Fact]
    public void EveryActivationHasExactlyOneDefinitionInEnumOrder()
    {
        var values = Enum.GetValues<Activation>();
        Assert.Equal(values.Length, ActivationCatalog.All.Count);
        Assert.All(values, value => Assert.Equal(value, ActivationCatalog.Of(value).Kind));
        Assert.Null(ActivationCatalog.Find((Activation)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => ActivationCatalog.Of((Activation)99));
    }

    [Theory]
    [InlineData(-6.5f)]
    [InlineData(-1.25f)]
    [InlineData(-0.01f)]
    [InlineData(0f)]
    [InlineData(0.3f)]
    [InlineData(2.75f)]
    public void TheReferenceFormulaIsTheScalarActivation(float z)
    {
        foreach (var definition in ActivationCatalog.All.Where(d => !d.OutputOnly))
        {
            var scalar = typeof(Activations).GetMethod(definition.Kind.ToString())!.MakeGenericMethod(typeof(float));
            float expected = (float)scalar.Invoke(null, [z])!;
            Assert.Equal(expected, definition.Reference(z), 2e-6 * Math.Max(1, Math.Abs(expected)));
        }
    }

    [Fact]
    public void TheKernelNamesTheGeneratedCodeCallsExist()
    {
        foreach (var definition in ActivationCatalog.All)
        {
            Assert.NotNull(typeof(ActivationKernels).GetMethod(definition.Kernel, BindingFlags.Public | BindingFlags.Static));
            if (!definition.OutputOnly)
            {
                Assert.NotNull(typeof(ActivationKernels).GetMethod(definition.DerivativeKernel, BindingFlags.Public | BindingFlags.Static));
            }
        }
    }

    [Fact]
    public void EveryElementWiseActivationHasRowPassesThatComputeItsKernel()
    {
        float[] z = [-2f, -0.5f, 0f, 0.5f, 2f, 3f];
        foreach (var definition in ActivationCatalog.All.Where(d => !d.OutputOnly))
        {
            var expected = new float[z.Length];
            var kernel = typeof(ActivationKernels).GetMethod(definition.Kernel)!.MakeGenericMethod(typeof(float)).CreateDelegate<Kernel>();
            kernel(z, expected);
            var actual = new float[z.Length];
            RowPasses.Activate(definition.Kind)(z, default, actual, 3, 1f, 1, 2);
            Assert.Equal(new float[3], actual[..3]);
            Assert.Equal(expected[3..], actual[3..]);
        }

        Assert.Throws<ArgumentException>(() => RowPasses.Activate(Activation.Softmax));
    }

    [Fact]
    public void TheWeightInitializationFollowsTheDefinition()
    {
        foreach (var definition in ActivationCatalog.All)
        {
            var layer = new LayerDescription(InputSize: 30, Size: 10, definition.Kind, WeightOffset: 0, BiasOffset: 300);
            float expected = definition.Initialization == WeightInitialization.He ? MathF.Sqrt(6f / 30) : MathF.Sqrt(6f / 40);
            Assert.Equal(expected, Initialization.ParameterInitializer.Limit(layer));
        }
    }

    /// <summary>Reflection cannot pass a span to <c>Invoke</c>; the kernels are called through a delegate of their shape instead.</summary>
    private delegate void Kernel(ReadOnlySpan<float> z, Span<float> a);
}
