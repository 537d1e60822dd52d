using NetCompiler.Data;
using NetCompiler.Initialization;
using NetCompiler.Samples;
using NetCompiler.Training;
using Samples.Regression;

// Regression: learn y = sin(x) on [-π, π] from 1000 random points, with mean squared error. The metric is
// the mean absolute error |prediction - sin(x)|. Seeded, so every run prints the same numbers.
var ui = new SampleConsole(SampleOptions.ParseOrExit(args, "dotnet run --project samples/Regression [-- --output DIR] [--plain]"));
const int Seed = 7;
const int Count = 1000;

// 1. Data: x uniform in [-π, π], target sin(x); one feature and one target per sample.
var random = new DeterministicRandom(Seed);
var x = new float[Count];
var y = new float[Count];
for (int i = 0; i < Count; i++)
{
    x[i] = MathF.PI * ((2 * random.NextSingle()) - 1);
    y[i] = MathF.Sin(x[i]);
}

var (train, test) = new Dataset(x, featureCount: 1, y, targetCount: 1).Split(0.8, Seed);

ui.Title("Regression: sin(x)");
ui.Line($"{train.Count} training points, {test.Count} test points, x in [-π, π].");
ui.Line();
ui.Line(SineNet.Description.Summary());

// 2. Training: Adam, with the learning rate annealed from 0.01 to 0 over the run (cosine).
const int Epochs = 200;
var net = new SineNet(Seed);
var trainer = new Trainer<SineNet>(new TrainerOptions
{
    Epochs = Epochs,
    BatchSize = 32,
    Optimizer = new Adam(SineNet.ParameterCount),
    Schedule = new CosineAnnealing(0.01f, period: Epochs),
    Seed = Seed,
});
TrainingResult result = ui.Train(progress => trainer.Fit(net, train, validation: test, progress), validationName: "test");

// 3. Results: loss and mean absolute error, the curves, and the fitted function against the truth.
ui.Summary(net, result, ("training", train), ("test", test));
ui.Line($"On the test set: RMSE {Formats.Number(Evaluation.RootMeanSquaredError(net, test))}, R² {Formats.Number(Evaluation.RSquared(net, test))}.");
ui.SaveCurves(result, "regression-training.png", "sin(x)");

const int Points = 201;
var grid = new double[Points];
var truth = new double[Points];
var fitted = new double[Points];
Span<float> output = stackalloc float[SineNet.OutputSize];
for (int i = 0; i < Points; i++)
{
    float xi = -MathF.PI + (2 * MathF.PI * i / (Points - 1));
    net.Forward([xi], output);
    (grid[i], truth[i], fitted[i]) = (xi, Math.Sin(xi), output[0]);
}

ui.SavePlot(
    "regression-fit.png",
    "sin(x) and the network's fit",
    "x",
    "y",
    new LineSeries("sin(x)", grid, truth, Width: 8),
    new LineSeries("network", grid, fitted));

ui.Table(
    "a few points",
    ["x", "sin(x)", "network", "error"],
    [.. Enumerable.Range(0, 9).Select(k => k * (Points - 1) / 8).Select(i => new[]
    {
        grid[i].ToString("F3"), truth[i].ToString("F4"), fitted[i].ToString("F4"), (fitted[i] - truth[i]).ToString("+0.0000;-0.0000"),
    })]);
