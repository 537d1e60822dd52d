using NetCompiler;
using NetCompiler.Data;
using NetCompiler.Training;
using NetCompilerRegression;

// Fit y from x1 and x2 (data.csv samples y = sin(x1) cos(x2) + 0.1 x1 at 400 points). Replace data.csv with your own
// data: one row per sample, numeric feature columns and numeric target columns (set TargetColumns, Inputs and the
// output layer's size to match).
const int Seed = 7;
Dataset data = CsvDataset.Load(
    Path.Combine(AppContext.BaseDirectory, "data.csv"),
    new CsvOptions { Task = CsvTask.Regression, TargetColumns = ["y"] });

// Hold out 20% to test on; scale the features with statistics of the training part only (new inputs need the same
// scaling: keep standardizer.Mean and StdDev with the model).
var (rawTrain, rawTest) = data.Split(0.8, Seed);
var standardizer = Standardizer.Fit(rawTrain);
Dataset train = standardizer.Transform(rawTrain);
Dataset test = standardizer.Transform(rawTest);
Console.WriteLine($"{data.Count} samples; {train.Count} to train on, {test.Count} to test on.");

// Mini-batches of 32, Adam with the learning rate annealed from 0.01 to 0 (cosine) over 300 passes.
const int Epochs = 300;
var net = new Regressor(Seed);
var trainer = new Trainer<Regressor>(new TrainerOptions
{
    Epochs = Epochs,
    BatchSize = 32,
    Optimizer = new Adam(Regressor.ParameterCount),
    Schedule = new CosineAnnealing(0.01f, period: Epochs),
    Seed = Seed,
});
trainer.Fit(net, train, validation: test);
Console.WriteLine($"Test mean absolute error {Evaluation.MeanAbsoluteError(net, test):F4} (the targets span {TargetRange(rawTest):F2}).");

// Predict one sample.
Span<float> input = stackalloc float[Regressor.InputSize];
Span<float> prediction = stackalloc float[Regressor.OutputSize];
standardizer.Transform(rawTest.GetFeatures(0), input);
net.Forward(input, prediction);
Console.WriteLine($"The first test sample: predicted {prediction[0]:F3}, actual {rawTest.GetTargets(0)[0]:F3}.");

// Save the model; ModelFile.Load<Regressor>(path) reads it back, bit for bit.
string modelPath = Path.GetFullPath("regressor.ncnet");
net.Save(modelPath);
Console.WriteLine($"Saved the model to {modelPath}.");

static float TargetRange(Dataset dataset)
{
    float min = float.MaxValue, max = float.MinValue;
    for (int i = 0; i < dataset.Count; i++)
    {
        min = Math.Min(min, dataset.GetTargets(i)[0]);
        max = Math.Max(max, dataset.GetTargets(i)[0]);
    }

    return max - min;
}
