using NetCompiler;

// XOR, the smallest network that needs a hidden layer: 2 inputs, 4 tanh neurons, 1 sigmoid output.
float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
float[] targets = [0, 1, 1, 0];

var net = new XorNet(seed: 1);
for (int epoch = 1; epoch <= 2000; epoch++)
{
    // Full-batch gradient descent: the whole training set is one batch.
    float loss = net.TrainStep(inputs, targets, learningRate: 0.5f);
    if (epoch % 200 == 0)
    {
        Console.WriteLine($"epoch {epoch,4}: loss {loss:F5}");
    }
}

Span<float> output = stackalloc float[XorNet.OutputSize];
for (int sample = 0; sample < 4; sample++)
{
    var input = inputs.AsSpan(sample * XorNet.InputSize, XorNet.InputSize);
    net.Forward(input, output);
    Console.WriteLine($"{input[0]} xor {input[1]} = {output[0]:F3} (expected {targets[sample]})");
}

[Network(Inputs = 2, Loss = Loss.CrossEntropy)]
[Dense(4, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
public partial class XorNet;
