using NetCompiler;
using NetCompiler.Data;
using NetCompiler.Samples;
using NetCompiler.Training;
using Samples.Mnist;

// Handwritten digits: a 784-128-10 network trained on the MNIST database's 60,000 training images and
// tested on its 10,000 test images. The files do not come with this repository: pass the directory that
// holds them (plain or gzip-compressed, with their standard names).
var options = SampleOptions.ParseOrExit(
    args, "dotnet run --project samples/Mnist -c Release -- MNIST_DIRECTORY [--epochs N] [--output DIR] [--plain]", maxPositional: 1, "epochs");
var ui = new SampleConsole(options);
const int Seed = 1;

// 1. Data: pixels scaled to [0, 1], one-hot digits.
string directory = options.Positional.Count > 0 ? options.Positional[0] : ".";
Dataset train, test;
ui.Line($"Loading MNIST from {Path.GetFullPath(directory)} ...");
try
{
    train = Mnist.Load(directory, MnistSplit.Train);
    test = Mnist.Load(directory, MnistSplit.Test);
}
catch (Exception e) when (e is FileNotFoundException or DataFormatException)
{
    SampleConsole.Error(e.Message);
    SampleConsole.Error($"This sample reads these four files from {Path.GetFullPath(directory)} (each may also end in .gz):");
    foreach (var split in new[] { MnistSplit.Train, MnistSplit.Test })
    {
        var (images, labels) = Mnist.FileNames(split);
        SampleConsole.Error($"  {images}");
        SampleConsole.Error($"  {labels}");
    }

    SampleConsole.Error("They are the MNIST database of handwritten digits (Yann LeCun, Corinna Cortes, Christopher J. C. Burges),");
    SampleConsole.Error("published on its page http://yann.lecun.com/exdb/mnist/ and on many mirrors of it; PyTorch's");
    SampleConsole.Error("torchvision.datasets.MNIST(root, download=True) also saves the same four files in root/MNIST/raw.");
    SampleConsole.Error("Pass the directory that holds them as the first argument: dotnet run --project samples/Mnist -c Release -- DIRECTORY");
    return 1;
}

ui.Title("MNIST");
ui.Line($"{train.Count} training images, {test.Count} test images of {Mnist.FeatureCount} pixels.");
ui.Line($"Network: {MnistNet.InputSize} inputs -> Dense(128, ReLU) -> Dense(10, Softmax), {MnistNet.ParameterCount} parameters.");

// 2. Training: mini-batches of 32 with Adam. The test set is evaluated after each epoch for the curves only.
var net = new MnistNet(Seed);
var trainer = new Trainer<MnistNet>(new TrainerOptions
{
    Epochs = options.Integer("epochs", 5),
    BatchSize = 32,
    Optimizer = new Adam(MnistNet.ParameterCount),
    Schedule = 0.001f,
    Seed = Seed,
});
TrainingResult result = ui.Train(progress => trainer.Fit(net, train, validation: test, progress), validationName: "test");

// 3. Results: test accuracy, the 10 × 10 confusion matrix, the curves, and the model file.
ui.Summary(net, result, ("training", train), ("test", test));
ui.SaveCurves(result, "mnist-training.png", "MNIST");
string modelPath = ui.PathFor("mnist.ncnet");
net.Save(modelPath);
ui.Line($"Test accuracy: {Formats.Percent(Evaluation.Accuracy(net, test))}. Model saved to {modelPath}.");
return 0;
