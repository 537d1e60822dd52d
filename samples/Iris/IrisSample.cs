namespace Samples.Iris;

/// <summary>One flower of the data set: its four measurements in centimetres and its species.</summary>
/// <param name="Measurements">Sepal length, sepal width, petal length, petal width (cm).</param>
/// <param name="Species">The index of the species in <see cref="IrisData.SpeciesNames"/>.</param>
public sealed record IrisSample(float[] Measurements, int Species);
