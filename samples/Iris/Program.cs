using NetCompiler;
using NetCompiler.Data;
using NetCompiler.Samples;
using NetCompiler.Training;
using Samples.Iris;

// Classify iris flowers into three species from four measurements (cm). Every step is seeded, so each
// run trains exactly the same network and prints the same numbers.
var ui = new SampleConsole(SampleOptions.ParseOrExit(args, "dotnet run --project samples/Iris [-- --output DIR] [--plain]"));
const int Seed = 42;

// 1. Data: the CSV embedded in this program (see Iris.csproj); the "species" column holds the class.
Dataset flowers;
using (var csv = new StreamReader(typeof(IrisNet).Assembly.GetManifestResourceStream("iris.csv")!))
{
    flowers = CsvDataset.Load(csv, new CsvOptions { LabelColumn = "species" }, sourceName: "iris.csv");
}

// 120 flowers to train on, 30 to test on. The standardiser (x - mean) / std learns its statistics from
// the training flowers only and applies them to both sets (and would to any new flower).
var (rawTrain, rawTest) = flowers.Split(0.8, Seed);
var standardizer = Standardizer.Fit(rawTrain);
Dataset train = standardizer.Transform(rawTrain);
Dataset test = standardizer.Transform(rawTest);

ui.Title("Iris");
ui.Line($"{flowers.Count} flowers of {flowers.ClassNames!.Length} species ({string.Join(", ", flowers.ClassNames)}); "
    + $"{train.Count} to train on, {test.Count} to test on.");
ui.Line($"Network: {IrisNet.InputSize} inputs -> Dense(16, Tanh) -> Dense(3, Softmax), {IrisNet.ParameterCount} parameters.");

// 2. Training: mini-batches of 16, Adam, 60 epochs. The test set is only watched (loss and accuracy after
//    each epoch, for the curves); it never changes the parameters.
var net = new IrisNet(Seed);
var trainer = new Trainer<IrisNet>(new TrainerOptions
{
    Epochs = 60,
    BatchSize = 16,
    Optimizer = new Adam(IrisNet.ParameterCount),
    Schedule = 0.01f,
    Seed = Seed,
});
TrainingResult result = ui.Train(progress => trainer.Fit(net, train, validation: test, progress), validationName: "test");

// 3. Results: accuracy and loss on both sets, the confusion matrix of the test set, the curves as an image.
ui.Summary(net, result, ("training", train), ("test", test));
ui.SaveCurves(result, "iris-training.png", "Iris");

// 4. Predictions for a few test flowers: raw measurements in, standardised, then one forward pass.
string[] species = flowers.ClassNames;
Span<float> input = stackalloc float[IrisNet.InputSize];
Span<float> probabilities = stackalloc float[IrisNet.OutputSize];
var rows = new List<string[]>();
for (int i = 0; i < test.Count; i += 6)
{
    standardizer.Transform(rawTest.GetFeatures(i), input);
    net.Forward(input, probabilities);
    int predicted = Evaluation.ClassOf(probabilities);
    int actual = Evaluation.ClassOf(rawTest.GetTargets(i));
    rows.Add([
        string.Join(" ", rawTest.GetFeatures(i).ToArray().Select(x => x.ToString("F1"))),
        species[actual],
        species[predicted] + (predicted == actual ? "" : " (wrong)"),
        .. probabilities.ToArray().Select(p => p.ToString("F3")),
    ]);
}

ui.Table("example predictions on test flowers", ["measurements (cm)", "actual", "predicted", .. species.Select(s => $"p({s})")], rows);

// 5. Save the trained network and load it back: the file holds the topology and every parameter bit for bit.
//    (Keep the standardiser's Mean and StdDev too: new inputs need the same scaling.)
string modelPath = ui.PathFor("iris.ncnet");
net.Save(modelPath);
var restored = ModelFile.Load<IrisNet>(modelPath);
ui.Line();
ui.Line($"Saved the model to {modelPath}; reloaded, it scores {Formats.Percent(Evaluation.Accuracy(restored, test))} on the test set.");
