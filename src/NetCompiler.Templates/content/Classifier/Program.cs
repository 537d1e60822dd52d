using NetCompiler;
using NetCompiler.Data;
using NetCompiler.Training;
using NetCompilerClassifier;

// Classify iris flowers into three species from four measurements. Replace iris.csv with your own data: one row per
// sample, numeric feature columns, and a label column naming the class (set LabelColumn and Inputs to match).
const int Seed = 42;
Dataset data = CsvDataset.Load(Path.Combine(AppContext.BaseDirectory, "iris.csv"), new CsvOptions { LabelColumn = "species" });

// Hold out 20% to test on; scale every feature to mean 0 and standard deviation 1, with statistics of the training
// part only (new inputs need the same scaling: keep standardizer.Mean and StdDev with the model).
var (rawTrain, rawTest) = data.Split(0.8, Seed);
var standardizer = Standardizer.Fit(rawTrain);
Dataset train = standardizer.Transform(rawTrain);
Dataset test = standardizer.Transform(rawTest);
Console.WriteLine($"{data.Count} samples of {data.ClassNames!.Length} classes; {train.Count} to train on, {test.Count} to test on.");

// Mini-batches of 16, the Adam optimizer, 60 passes over the training data.
var net = new Classifier(Seed);
var trainer = new Trainer<Classifier>(new TrainerOptions
{
    Epochs = 60,
    BatchSize = 16,
    Optimizer = new Adam(Classifier.ParameterCount),
    Schedule = 0.01f,
    Seed = Seed,
});
TrainingResult result = trainer.Fit(net, train, validation: test);
Console.WriteLine($"Trained {result.History.Count} epochs: test accuracy {Evaluation.Accuracy(net, test):P1}, test loss {Evaluation.Loss(net, test):F4}.");

// Predict one flower: scale its measurements, run the network, take the most probable class.
Span<float> input = stackalloc float[Classifier.InputSize];
Span<float> probabilities = stackalloc float[Classifier.OutputSize];
standardizer.Transform(rawTest.GetFeatures(0), input);
net.Forward(input, probabilities);
Console.WriteLine($"The first test flower is predicted {data.ClassNames[Evaluation.ClassOf(probabilities)]} (p = {probabilities[Evaluation.ClassOf(probabilities)]:F3}).");

// Save the model; ModelFile.Load<Classifier>(path) reads it back, bit for bit.
string modelPath = Path.GetFullPath("classifier.ncnet");
net.Save(modelPath);
Console.WriteLine($"Saved the model to {modelPath}.");
