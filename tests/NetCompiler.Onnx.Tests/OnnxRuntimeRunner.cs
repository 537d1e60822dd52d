using Microsoft.ML.OnnxRuntime;

namespace NetCompiler.Onnx.Tests;

/// <summary>Runs an ONNX model in ONNX Runtime (CPU, one thread) on a row-major float batch.</summary>
internal static class OnnxRuntimeRunner
{
    public static float[] Run(byte[] model, float[] inputs, int inputSize, string inputName = "input", string outputName = "output")
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        return Run(session, inputs, [inputSize], inputName, outputName, batchOfOne: false);
    }

    /// <summary>
    /// Runs the model in the file <paramref name="path"/> (which may keep its weights in side files next to it) on samples
    /// of the shape <paramref name="sampleShape"/>, all at once, or one at a time when the model's batch is fixed at 1.
    /// </summary>
    public static float[] RunFile(string path, float[] inputs, long[] sampleShape, string inputName, string outputName, bool batchOfOne)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(path, options);
        return Run(session, inputs, sampleShape, inputName, outputName, batchOfOne);
    }

    private static float[] Run(InferenceSession session, float[] inputs, long[] sampleShape, string inputName, string outputName, bool batchOfOne)
    {
        int sampleSize = (int)sampleShape.Aggregate(1L, (product, d) => product * d);
        var outputs = new List<float>();
        int samplesPerRun = batchOfOne ? 1 : inputs.Length / sampleSize;
        for (int first = 0; first < inputs.Length / sampleSize; first += samplesPerRun)
        {
            var batch = inputs.AsMemory(first * sampleSize, samplesPerRun * sampleSize);
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch, [samplesPerRun, .. sampleShape]);
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [inputName], [input], [outputName]);
            outputs.AddRange(results[0].GetTensorDataAsSpan<float>().ToArray());
        }

        return [.. outputs];
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
