using System.Globalization;
using NetCompiler.Initialization;
using Samples.Iris;

// Classify iris flowers into three species from four measurements, with mini-batch gradient descent.
// Every step is seeded, so each run prints exactly the same numbers.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // "0.95", not "0,95", on every machine

const int Seed = 42;
const int Epochs = 40;
const int BatchSize = 16;
const float LearningRate = 0.2f;

// 1. Data: 150 flowers -> 120 for training, 30 for testing (10 per species), standardised with the
//    training set's mean and standard deviation.
var flowers = IrisData.LoadEmbedded();
var (trainFlowers, testFlowers) = IrisData.StratifiedSplit(flowers, trainFraction: 0.8, Seed);
var standardizer = Standardizer.Fit(trainFlowers);
var train = Dataset.Create(trainFlowers, standardizer);
var test = Dataset.Create(testFlowers, standardizer);
Console.WriteLine($"Iris: {flowers.Count} flowers, {train.Count} for training, {test.Count} for testing.");
Console.WriteLine($"Network: {IrisNet.InputSize} inputs -> Dense(16, Tanh) -> Dense(3, Softmax), {IrisNet.ParameterCount} parameters.");
Console.WriteLine($"Training: {Epochs} epochs, batches of {BatchSize}, learning rate {LearningRate}.");
Console.WriteLine();

// 2. Training. One batch buffer is reused for every step: a step copies its samples into it and
//    calls TrainStep, which averages the gradient over the batch and updates the parameters.
var net = new IrisNet(Seed);
var batchInputs = new float[BatchSize * IrisNet.InputSize];
var batchTargets = new float[BatchSize * IrisNet.OutputSize];
var order = Enumerable.Range(0, train.Count).ToArray();
var random = new DeterministicRandom(Seed);

Console.WriteLine("epoch   train loss   train acc   test acc");
for (int epoch = 1; epoch <= Epochs; epoch++)
{
    IrisData.Shuffle(order.AsSpan(), ref random); // a new sample order every epoch
    double lossSum = 0;
    for (int start = 0; start < train.Count; start += BatchSize)
    {
        int count = Math.Min(BatchSize, train.Count - start); // the last batch may be smaller
        for (int row = 0; row < count; row++)
        {
            int sample = order[start + row];
            train.Input(sample).CopyTo(batchInputs.AsSpan(row * IrisNet.InputSize));
            train.Target(sample).CopyTo(batchTargets.AsSpan(row * IrisNet.OutputSize));
        }

        float batchLoss = net.TrainStep(
            batchInputs.AsSpan(0, count * IrisNet.InputSize),
            batchTargets.AsSpan(0, count * IrisNet.OutputSize),
            LearningRate);
        lossSum += batchLoss * count; // TrainStep returns the batch's mean loss (before the update)
    }

    double meanLoss = lossSum / train.Count;
    Console.WriteLine($"{epoch,5}   {meanLoss,10:F4}   {Evaluation.Accuracy(net, train),9:P1}   {Evaluation.Accuracy(net, test),8:P1}");
}

// 3. Results.
Console.WriteLine();
Console.WriteLine($"Final training accuracy: {Evaluation.Accuracy(net, train):P1}");
Console.WriteLine($"Final test accuracy:     {Evaluation.Accuracy(net, test):P1}");
Console.WriteLine();

Console.WriteLine("Confusion matrix on the test set (rows: actual species, columns: predicted):");
var confusion = Evaluation.ConfusionMatrix(net, test);
Console.Write($"{"",12}");
foreach (var name in IrisData.SpeciesNames)
{
    Console.Write($"{name,12}");
}

Console.WriteLine();
for (int actual = 0; actual < IrisData.SpeciesNames.Length; actual++)
{
    Console.Write($"{IrisData.SpeciesNames[actual],12}");
    for (int predicted = 0; predicted < IrisData.SpeciesNames.Length; predicted++)
    {
        Console.Write($"{confusion[actual, predicted],12}");
    }

    Console.WriteLine();
}

Console.WriteLine();
Console.WriteLine("Example predictions on test flowers (measurements in cm; probabilities setosa / versicolor / virginica):");
Span<float> probabilities = stackalloc float[IrisNet.OutputSize];
for (int i = 0; i < test.Count; i += 7)
{
    int predicted = Evaluation.Predict(net, test.Input(i), probabilities);
    var flower = test.Samples[i];
    string measurements = string.Join(" ", flower.Measurements.Select(m => $"{m:F1}"));
    string mark = predicted == flower.Species ? "correct" : "WRONG";
    Console.WriteLine(
        $"  [{measurements}]  actual {IrisData.SpeciesNames[flower.Species],-10}  predicted {IrisData.SpeciesNames[predicted],-10}  " +
        $"({probabilities[0]:F3} / {probabilities[1]:F3} / {probabilities[2]:F3})  {mark}");
}
