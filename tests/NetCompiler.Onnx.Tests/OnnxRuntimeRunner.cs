using Microsoft.ML.OnnxRuntime;

namespace NetCompiler.Onnx.Tests;

/// <summary>Runs an ONNX model in ONNX Runtime (CPU, one thread) on a row-major float batch.</summary>
internal static class OnnxRuntimeRunner
{
    public static float[] Run(byte[] model, float[] inputs, int inputSize, string inputName = "input", string outputName = "output")
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var input = OrtValue.CreateTensorValueFromMemory(inputs, [inputs.Length / inputSize, inputSize]);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [inputName], [input], [outputName]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>The declared shape of the model's input and output, as ONNX Runtime reads them (-1 for a symbolic dimension).</summary>
    public static (int[] Input, string[] InputSymbols, int[] Output) Shapes(byte[] model)
    {
        using var session = new InferenceSession(model);
        var input = session.InputMetadata.Single().Value;
        var output = session.OutputMetadata.Single().Value;
        return (input.Dimensions, input.SymbolicDimensions, output.Dimensions);
    }
}
