using BenchmarkDotNet.Attributes;

namespace NetCompiler.Benchmarks;

/// <summary>
/// The derivatives with respect to the input of 784-128-10, against one forward pass of the same sample in the same run
/// (the Ratio column): InputGradient (one reverse sweep, about twice the forward pass's arithmetic), the loss's input
/// gradient, and the whole 10 × 784 Jacobian in reverse mode (the default here: 10 rows) and in forward mode (784 rows).
/// </summary>
[MemoryDiagnoser]
public class InputGradientBenchmark
{
    private readonly float[] _input = new float[Mnist128.InputSize];
    private readonly float[] _output = new float[Mnist128.OutputSize];
    private readonly float[] _outputGradient = new float[Mnist128.OutputSize];
    private readonly float[] _target = new float[Mnist128.OutputSize];
    private readonly float[] _inputGradient = new float[Mnist128.InputSize];
    private readonly float[] _jacobian = new float[Mnist128.OutputSize * Mnist128.InputSize];
    private Mnist128 _network = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _network = new Mnist128(seed: 42);
        for (int i = 0; i < _input.Length; i++)
        {
            _input[i] = (float)random.NextDouble();
        }

        _outputGradient[3] = 1f;
        _target[3] = 1f;
    }

    [Benchmark(Baseline = true, Description = "Forward")]
    public void Forward() => _network.Forward(_input, _output);

    [Benchmark(Description = "InputGradient (reverse sweep)")]
    public void InputGradient() => _network.InputGradient(_input, _outputGradient, _inputGradient);

    [Benchmark(Description = "LossInputGradient")]
    public float LossInputGradient() => _network.LossInputGradient(_input, _target, _inputGradient);

    [Benchmark(Description = "Jacobian, reverse mode (default: 10 rows)")]
    public void JacobianReverse() => Mnist128.Jacobian(_network.Parameters, _input, _jacobian, JacobianMode.Reverse);

    [Benchmark(Description = "Jacobian, forward mode (784 rows)")]
    public void JacobianForward() => Mnist128.Jacobian(_network.Parameters, _input, _jacobian, JacobianMode.Forward);
}
