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
ui.Line();
ui.Line(IrisNet.Description.Summary());

// 2. Training: mini-batches of 16, Adam, 60 epochs. The test set is only watched (loss and accuracy after
//    each epoch, for the curves); it never changes the parameters. Every 10 epochs the trainer writes a checkpoint
//    (trainer.Resume continues from it bit for bit) and, when its test accuracy is the best so far, the model.
var net = new IrisNet(Seed);
var trainer = new Trainer<IrisNet>(new TrainerOptions
{
    Epochs = 60,
    BatchSize = 16,
    Optimizer = new Adam(IrisNet.ParameterCount),
    Schedule = 0.01f,
    Seed = Seed,
    Checkpoints = new CheckpointOptions
    {
        LatestPath = ui.PathFor("iris" + CheckpointOptions.Extension),
        BestModelPath = ui.PathFor("iris-best.ncnet"),
        BestMetric = Metric.Accuracy,
        EveryEpochs = 10,
    },
});
TrainingResult result = ui.Train(progress => trainer.Fit(net, train, validation: test, progress), validationName: "test");

// 3. Results: accuracy and loss on both sets, the confusion matrix of the test set, the curves as an image.
ui.Summary(net, result, ("training", train), ("test", test));
ui.SaveCurves(result, "iris-training.png", "Iris");

// 4. Predictions for a few test flowers: raw measurements in, standardised, then Classify (one forward pass and
//    the arg-max, allocation-free).
string[] species = flowers.ClassNames;
Span<float> input = stackalloc float[IrisNet.InputSize];
var rows = new List<string[]>();
for (int i = 0; i < test.Count; i += 6)
{
    standardizer.Transform(rawTest.GetFeatures(i), input);
    Prediction prediction = net.Classify(input);
    int actual = Evaluation.ClassOf(rawTest.GetTargets(i));
    rows.Add([
        string.Join(" ", rawTest.GetFeatures(i).ToArray().Select(x => x.ToString("F1"))),
        species[actual],
        species[prediction.Class] + (prediction.Class == actual ? "" : " (wrong)"),
        prediction.Probability.ToString("F3"),
    ]);
}

ui.Table("example predictions on test flowers", ["measurements (cm)", "actual", "predicted", "probability"], rows);

// 5. Save the trained network with its standardiser and load both back: the file holds the topology, every parameter
//    bit for bit and the mean and standard deviation of each measurement, so raw measurements can be scaled later.
string modelPath = ui.PathFor("iris.ncnet");
net.Save(modelPath, standardizer);
var restored = ModelFile.Load<IrisNet>(modelPath, out Standardizer? savedScaling);
ui.Line();
ui.Line($"Saved the model and its standardiser to {modelPath}; reloaded, it scores {Formats.Percent(Evaluation.Accuracy(restored, savedScaling!.Transform(rawTest)))} on the raw test set.");
var best = ModelFile.Load<IrisNet>(ui.PathFor("iris-best.ncnet"));
ui.Line($"The best checkpointed model scores {Formats.Percent(Evaluation.Accuracy(best, test))} on the test set.");
