using NetCompiler;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetCompiler.TorchSharpBenchmarks;

/// <summary>
/// The torch.nn counterpart of a NetCompiler declaration: a <c>Sequential</c> of <c>Linear</c> layers with the declared
/// hidden activations, ending in logits, trained with <c>CrossEntropyLoss</c> (mean over the batch), which is the
/// declaration's softmax output with cross-entropy. Loads and reads back NetCompiler's parameter layout (each layer's
/// <c>W</c> as <c>[out, in]</c> row-major, then its bias), so both engines can start from the same weights.
/// </summary>
internal sealed class TorchMlp : IDisposable
{
    private readonly NetworkDescription _description;
    private readonly Linear[] _layers;

    public TorchMlp(NetworkDescription description)
    {
        if (description.Loss != Loss.CrossEntropy || description.OutputActivation != Activation.Softmax)
        {
            throw new NotSupportedException($"{description.Name}: only a softmax output with cross-entropy has a torch counterpart here (logits and CrossEntropyLoss).");
        }

        _description = description;
        _layers = [.. description.Layers.Select(l => nn.Linear(l.InputSize, l.Size))];
        var modules = new List<nn.Module<Tensor, Tensor>>();
        for (int l = 0; l < _layers.Length; l++)
        {
            modules.Add(_layers[l]);
            if (l < _layers.Length - 1)
            {
                modules.Add(HiddenActivation(description.Layers[l].Activation, description.Name));
            }
        }

        Model = nn.Sequential(modules);
        Criterion = nn.CrossEntropyLoss();
    }

    /// <summary>Linear, activation, ..., Linear: the network up to the logits.</summary>
    public Sequential Model { get; }

    /// <summary>Softmax and cross-entropy of the logits against class indices, averaged over the batch.</summary>
    public CrossEntropyLoss Criterion { get; }

    /// <summary>
    /// The idiomatic step: <c>zero_grad</c>, forward, loss, <c>backward</c>, <c>step</c>. Returns the batch's mean loss and
    /// the logits of the forward pass (for a running metric); both belong to the caller's dispose scope.
    /// </summary>
    public (Tensor Loss, Tensor Logits) TrainStep(optim.Optimizer optimizer, Tensor inputs, Tensor classes)
    {
        optimizer.zero_grad();
        var logits = Model.forward(inputs);
        var loss = Criterion.forward(logits, classes);
        loss.backward();
        optimizer.step();
        return (loss, logits);
    }

    /// <summary>Copies NetCompiler's parameters into the torch layers.</summary>
    public void Load(ReadOnlySpan<float> parameters)
    {
        using var noGrad = no_grad();
        for (int l = 0; l < _layers.Length; l++)
        {
            var layer = _description.Layers[l];
            using var weight = tensor(parameters.Slice(layer.WeightOffset, layer.WeightCount).ToArray(), [layer.Size, layer.InputSize]);
            using var bias = tensor(parameters.Slice(layer.BiasOffset, layer.Size).ToArray(), [layer.Size]);
            _layers[l].weight!.copy_(weight);
            _layers[l].bias!.copy_(bias);
        }
    }

    /// <summary>The torch layers' parameters in NetCompiler's layout.</summary>
    public float[] Read()
    {
        var parameters = new float[_description.ParameterCount];
        for (int l = 0; l < _layers.Length; l++)
        {
            var layer = _description.Layers[l];
            _layers[l].weight!.data<float>().ToArray().CopyTo(parameters, layer.WeightOffset);
            _layers[l].bias!.data<float>().ToArray().CopyTo(parameters, layer.BiasOffset);
        }

        return parameters;
    }

    /// <summary>
    /// The samples <paramref name="first"/> .. <paramref name="first"/> + <paramref name="count"/> of row-major data as a
    /// <c>[count, inputs]</c> tensor and the class indices of their one-hot targets.
    /// </summary>
    public static (Tensor Inputs, Tensor Classes) Batch(float[] inputs, float[] targets, int inputSize, int outputSize, int first, int count)
    {
        var classes = new long[count];
        for (int s = 0; s < count; s++)
        {
            classes[s] = targets.AsSpan((first + s) * outputSize, outputSize).IndexOf(1f);
        }

        return (tensor(inputs.AsSpan(first * inputSize, count * inputSize).ToArray(), [count, inputSize]), tensor(classes, [count]));
    }

    public void Dispose()
    {
        Model.Dispose();
        Criterion.Dispose();
    }

    private static nn.Module<Tensor, Tensor> HiddenActivation(Activation activation, string network) => activation switch
    {
        Activation.Identity => nn.Identity(),
        Activation.Sigmoid => nn.Sigmoid(),
        Activation.Tanh => nn.Tanh(),
        Activation.ReLU => nn.ReLU(),
        _ => throw new NotSupportedException($"{network}: hidden activation {activation} has no torch counterpart here."),
    };
}
