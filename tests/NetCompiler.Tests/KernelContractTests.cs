using System.ComponentModel;
using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.Intrinsics;
using System.Text.RegularExpressions;
using NetCompiler.Kernels;

namespace NetCompiler.Tests;

/// <summary>
/// Issue 13, defect 8: one rule for the lengths of every public kernel. Every public static method of every public static
/// class in the namespace <c>NetCompiler.Kernels</c> is called with valid arguments (it must not throw), then once per
/// span argument with that span one element short and once one element long. Each such call must throw exactly
/// <see cref="ArgumentException"/> whose <see cref="ArgumentException.ParamName"/> is the span at fault and whose message
/// says the length it must have ("must have N" or "must have at least N"): never an index or slicing exception, a
/// crash, another parameter's name, or silence, except where a kernel documents that it accepts a span of another length
/// (the commented allow-lists below). Methods are found by reflection and called through a small emitted stub (spans
/// cannot be boxed for <see cref="MethodBase.Invoke(object, object[])"/>), so a new public kernel without a case fails
/// the test until one is written.
/// </summary>
public sealed class KernelContractTests
{
    /// <summary>Spans whose length a kernel does not constrain, with why (method, parameter).</summary>
    private static readonly Dictionary<(string Method, string Parameter), string> AnyLength = new()
    {
        // Guard's checks of values, not of lengths: any span is valid.
        [("Guard.FirstNonFinite", "values")] = "looks for a non-finite value in a span of any length",
        [("Guard.AllFinite", "values")] = "looks for a non-finite value in a span of any length",
        [("Guard.ThrowIfNotFinite", "values")] = "looks for a non-finite value in a span of any length",
        [("Guard.MaxMagnitude", "values")] = "the largest magnitude in a span of any length",
        [("Guard.FiniteMaxMagnitude", "values")] = "the largest magnitude in a span of any length",

        // Always throws TrainingDivergedException (by design: its caller found a non-finite loss); the spans are one sample's
        // input and target, searched for the first non-finite value to explain it.
        [("Guard.ThrowNonFiniteLoss", "input")] = "only explains a loss, always throwing",
        [("Guard.ThrowNonFiniteLoss", "target")] = "only explains a loss, always throwing",
    };

    /// <summary>Spans a kernel documents it accepts one element longer, or (as the consequence) the span that sets the size one element shorter.</summary>
    private static readonly Dictionary<(string Method, string Parameter, int Change), string> Accepted = new()
    {
        // Dot and AddScaled read x.Length elements of y: y may be longer (documented), so x one element shorter is valid too.
        [("DenseKernels.Dot", "y", +1)] = "y may be longer than x",
        [("DenseKernels.Dot", "x", -1)] = "y may be longer than x",
        [("DenseKernels.AddScaled", "y", +1)] = "y may be longer than x",
        [("DenseKernels.AddScaled", "x", -1)] = "y may be longer than x",

        // FillRows and AddScaledRowSums work on the first bias.Length rows of a matrix that may hold more (the generated
        // two-core pass hands each core a range of rows followed by the rest of the matrix): documented on both.
        [("MatrixKernels.FillRows", "matrix", +1)] = "matrix may be longer than bias.Length × columns",
        [("MatrixKernels.FillRows", "bias", -1)] = "matrix may be longer than bias.Length × columns",
        [("MatrixKernels.AddScaledRowSums", "h", +1)] = "h may be longer than bias.Length × columns",
        [("MatrixKernels.AddScaledRowSums", "bias", -1)] = "h may be longer than bias.Length × columns",

        // The input-derivative row products work on the first count rows of row buffers sized for the widest layer: the
        // buffers and the result may be longer (documented on the class).
        [("InputGradientKernels.MultiplyRows", "rows", +1)] = "rows may hold more than count rows",
        [("InputGradientKernels.MultiplyRows", "result", +1)] = "result may hold more than count rows",
        [("InputGradientKernels.MultiplyRowsByTransposed", "rows", +1)] = "rows may hold more than count rows",
        [("InputGradientKernels.MultiplyRowsByTransposed", "result", +1)] = "result may hold more than count rows",
        [("InputGradientKernels.MultiplyRowsByJacobian", "rows", +1)] = "rows may hold more than count rows",
    };

    /// <summary>
    /// The methods skipped: for generated code only (<c>[EditorBrowsable(Never)]</c>) and taking references, so no length
    /// can be checked (the invoker passes values), or, for Guard.TrainingBatch's overload with an <c>out</c> result, because
    /// the overload without it, which has a case, is that method itself.
    /// </summary>
    private static readonly string[] Skipped = ["BakedParameters.View", "BakedParameters.ViewDoubles", "Guard.TrainingBatch", "MatrixKernels.Prefetch"];

    [Fact]
    public void EveryPublicKernelMethodIsCovered()
    {
        var methods = KernelMethods(out var skipped);
        var keys = methods.Select(Key).ToHashSet();

        Assert.Equal(Skipped, skipped.Select(m => $"{m.DeclaringType!.Name}.{m.Name}").Order());
        var missing = methods.Where(m => HasSpans(m) && !Cases.ContainsKey(Key(m))).Select(Key).ToList();
        Assert.True(missing.Count == 0, $"public kernels without a case: {string.Join("; ", missing)}");
        var stale = Cases.Keys.Where(k => !keys.Contains(k)).ToList();
        Assert.True(stale.Count == 0, $"cases without a public kernel: {string.Join("; ", stale)}");

        // The classes the rule covers, and the number of methods: a new class or method fails here first.
        Assert.Equal(
            ["ActivationKernels", "Activations", "BakedParameters", "BatchOutputLayer", "DenseKernels", "Dropout", "GradientDescent", "Guard", "InputGradientKernels", "InputProduct", "MatrixKernels", "OutputLayer", "VectorMath"],
            methods.Select(m => m.DeclaringType!.Name).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(Cases.Count, methods.Count(HasSpans));
    }

    public static TheoryData<string> SpanKernels => [.. Cases.Keys.Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(SpanKernels))]
    public void EachSpanOneElementShortOrLongIsAnArgumentExceptionNamingIt(string key)
    {
        var method = KernelMethods(out _).Single(m => Key(m) == key);
        var kernel = Cases[key];
        var invoke = Invoker(method);
        string name = $"{method.DeclaringType!.Name}.{method.Name}";
        var parameters = method.GetParameters();

        // Valid arguments: no exception (or the one the method exists to throw).
        var valid = kernel.Arguments();
        AssertValidCall(kernel, () => invoke(valid), "valid arguments");

        var failures = new List<string>();
        for (int p = 0; p < parameters.Length; p++)
        {
            if (!IsSpan(parameters[p].ParameterType))
            {
                continue;
            }

            string parameter = parameters[p].Name!;
            int length = ((float[])valid[p]!).Length;
            foreach (int change in new[] { -1, +1 })
            {
                if (length + change < 0)
                {
                    continue;
                }

                var arguments = kernel.Arguments();
                var original = (float[])arguments[p]!;
                var resized = new float[length + change];
                original.AsSpan(0, Math.Min(length, resized.Length)).CopyTo(resized);
                resized.AsSpan(Math.Min(length, resized.Length)).Fill(0.25f);
                arguments[p] = resized;
                string call = $"{name} with {parameter} of {resized.Length} instead of {length}";

                if (AnyLength.ContainsKey((name, parameter)) || Accepted.ContainsKey((name, parameter, change)))
                {
                    var accepted = Record.Exception(() => AssertValidCall(kernel, () => invoke(arguments), call));
                    if (accepted is not null)
                    {
                        failures.Add($"{call}: allowed, but {accepted.Message}");
                    }

                    continue;
                }

                var exception = Record.Exception(() => invoke(arguments));
                var (blamed, expected) = kernel.Blame?.Invoke(parameter, resized.Length) ?? (parameter, $"{length}");
                if (exception?.GetType() != typeof(ArgumentException))
                {
                    failures.Add($"{call}: {exception?.GetType().Name ?? "no exception"} {exception?.Message}");
                }
                else if (((ArgumentException)exception).ParamName != blamed)
                {
                    failures.Add($"{call}: ParamName {((ArgumentException)exception).ParamName ?? "null"}, expected {blamed}: {exception.Message}");
                }
                else if (!Regex.IsMatch(exception.Message, expected.StartsWith('/') ? expected.Trim('/') : $@"must have (at least )?{expected}\b"))
                {
                    failures.Add($"{call}: the message does not give the expected length {expected}: {exception.Message}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void MethodsWithoutSpansRunWithValidArguments()
    {
        foreach (var method in KernelMethods(out _).Where(m => !HasSpans(m)))
        {
            var arguments = method.GetParameters().Select(p => DefaultArgument(p.ParameterType, $"{method.DeclaringType!.Name}.{method.Name}")).ToArray();
            var result = Invoker(method)(arguments);
            Assert.True(method.ReturnType == typeof(void) || result is not null, $"{method.DeclaringType!.Name}.{method.Name} returned nothing");
        }
    }

    [Fact]
    public void TheReportedSoftmaxWhoseLengthCheckWrappedIsAnArgumentException()
    {
        // 65 536 × 65 536 is 2^32, 0 in 32 bits: the check passed and the kernel read and wrote far outside 16 floats.
        var softmax = Assert.Throws<ArgumentException>(() => BatchOutputLayer.Softmax(new float[16], 65536, 65536, new float[16]));
        Assert.Equal("logits", softmax.ParamName);
        Assert.Equal("logits has 16 floats but must have 4294967296 (outputs × samples = 65536 × 65536). (Parameter 'logits')", softmax.Message);

        var crossEntropy = Assert.Throws<ArgumentException>(() =>
            BatchOutputLayer.SoftmaxCrossEntropy(new float[16], new float[16], 65536, new float[16], new float[65536]));
        Assert.Equal("logits", crossEntropy.ParamName);
        Assert.StartsWith("logits has 16 floats but must have 4294967296 (outputs × samples = 65536 × 65536", crossEntropy.Message, StringComparison.Ordinal);
    }

    private static void AssertValidCall(KernelCase kernel, Action call, string what)
    {
        var exception = Record.Exception(call);
        if (kernel.Throws is { } expected)
        {
            Assert.True(exception?.GetType() == expected, $"{what}: expected {expected.Name}, got {exception?.GetType().Name ?? "no exception"}");
        }
        else
        {
            Assert.True(exception is null, $"{what}: {exception}");
        }
    }

    /// <summary>The public static methods of the public static classes of NetCompiler.Kernels, but those <see cref="Skipped"/> for taking references.</summary>
    private static List<MethodInfo> KernelMethods(out List<MethodInfo> skipped)
    {
        var all = typeof(Guard).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == "NetCompiler.Kernels" && t.IsClass && t.IsAbstract && t.IsSealed && !t.IsGenericTypeDefinition)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => !m.IsSpecialName)
            .Select(m => m.IsGenericMethodDefinition && m.GetGenericArguments() is [{ Name: "T" }] ? m.MakeGenericMethod(typeof(float)) : m)
            .ToList();
        skipped = [.. all.Where(m =>
            (m.GetCustomAttribute<EditorBrowsableAttribute>() ?? m.DeclaringType!.GetCustomAttribute<EditorBrowsableAttribute>())?.State == EditorBrowsableState.Never
            && m.GetParameters().Any(p => p.ParameterType.IsByRef))];
        var skippedSet = skipped.ToHashSet();
        return [.. all.Where(m => !skippedSet.Contains(m))];
    }

    private static string Key(MethodInfo method) =>
        $"{method.DeclaringType!.Name}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.Name))})";

    private static bool IsSpan(Type type) => type == typeof(Span<float>) || type == typeof(ReadOnlySpan<float>);

    private static bool HasSpans(MethodInfo method) => method.GetParameters().Any(p => IsSpan(p.ParameterType));

    private static object DefaultArgument(Type type, string method) =>
        type == typeof(float) ? 0.5f
        : type == typeof(string) ? "\0\0\0\0"
        : type == typeof(double) ? 0.5
        : type == typeof(int) ? 4
        : type == typeof(Vector512<float>) ? Vector512.Create(0.5f)
        : type == typeof(Vector256<float>) ? Vector256.Create(0.5f)
        : type == typeof(Vector128<float>) ? Vector128.Create(0.5f)
        : throw new InvalidOperationException($"{method}: write a case for its {type.Name} parameter");

    /// <summary>
    /// A delegate that calls <paramref name="method"/> with its arguments unboxed, each span passed as an array: IL that
    /// loads each array and wraps it in a span (<c>new Span&lt;float&gt;(array)</c>), then boxes the result.
    /// </summary>
    private static Func<object?[], object?> Invoker(MethodInfo method)
    {
        var stub = new DynamicMethod($"Call{method.Name}", typeof(object), [typeof(object[])], typeof(KernelContractTests).Module, skipVisibility: true);
        var il = stub.GetILGenerator();
        var parameters = method.GetParameters();
        for (int i = 0; i < parameters.Length; i++)
        {
            var type = parameters[i].ParameterType;
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Ldelem_Ref);
            if (IsSpan(type))
            {
                il.Emit(OpCodes.Castclass, typeof(float[]));
                il.Emit(OpCodes.Newobj, type.GetConstructor([typeof(float[])])!);
            }
            else if (type.IsValueType)
            {
                il.Emit(OpCodes.Unbox_Any, type);
            }
            else
            {
                il.Emit(OpCodes.Castclass, type);
            }
        }

        il.Emit(OpCodes.Call, method);
        if (method.ReturnType == typeof(void))
        {
            il.Emit(OpCodes.Ldnull);
        }
        else if (method.ReturnType.IsValueType)
        {
            il.Emit(OpCodes.Box, method.ReturnType);
        }

        il.Emit(OpCodes.Ret);
        return stub.CreateDelegate<Func<object?[], object?>>();
    }

    /// <summary>Values in (-1, 1), distinct, finite.</summary>
    private static float[] F(int length) => [.. Enumerable.Range(0, length).Select(i => MathF.Sin(i + 1) * 0.9f)];

    /// <summary>One-hot targets of <paramref name="samples"/> samples of <paramref name="outputs"/> outputs, feature-major.</summary>
    private static float[] OneHotFeatureMajor(int outputs, int samples)
    {
        var targets = new float[outputs * samples];
        for (int s = 0; s < samples; s++)
        {
            targets[((s % outputs) * samples) + s] = 1f;
        }

        return targets;
    }

    /// <summary>
    /// How to call one kernel. <see cref="Arguments"/> gives fresh valid arguments, spans as arrays. <see cref="Blame"/>
    /// says, for a span resized to a length, which parameter the exception must name and the length its message must give
    /// (by default the resized span and its valid length; a pattern between slashes replaces the "must have N" check).
    /// </summary>
    private sealed record KernelCase(Func<object?[]> Arguments, Func<string, int, (string Parameter, string Expected)>? Blame = null, Type? Throws = null);

    /// <summary>Two spans of one size: the first sets it, so a wrong first span is reported as the second not matching it.</summary>
    private static Func<string, int, (string, string)> FirstSetsTheLength(string first, string second) =>
        (parameter, length) => parameter == first ? (second, $"{length}") : (parameter, "");

    private static readonly Dictionary<string, KernelCase> Cases = BuildCases();

    private static Dictionary<string, KernelCase> BuildCases()
    {
        const int N = 21; // 16 + 4 + 1: every vector width of the element-wise kernels, and a scalar tail
        var cases = new Dictionary<string, KernelCase>();

        // Activations.Softmax and the element-wise activations: z sets the length, a must match it.
        var zA = FirstSetsTheLength("z", "a");
        cases["Activations.Softmax(z, a)"] = new(() => [F(N), F(N)], Fix(zA, N));
        foreach (string activation in new[] { "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "Softplus", "SiLU", "GELU", "Softmax" })
        {
            cases[$"ActivationKernels.{activation}(z, a)"] = new(() => [F(N), F(N)], Fix(zA, N));
            if (activation != "Softmax")
            {
                // Three spans: the one whose length the other two do not share is named.
                cases[$"ActivationKernels.MultiplyBy{activation}Derivative(z, a, delta)"] = new(() => [F(N), F(N), F(N)]);
            }
        }

        // BatchOutputLayer: 3 outputs × 17 samples, feature-major.
        cases["BatchOutputLayer.SoftmaxCrossEntropy(logits, targets, outputs, deltas, losses)"] =
            new(() => [F(51), OneHotFeatureMajor(3, 17), 3, new float[51], new float[17]]);
        cases["BatchOutputLayer.Softmax(logits, outputs, samples, activations)"] = new(() => [F(51), 3, 17, new float[51]]);

        // DenseKernels: W [3, 20].
        cases["DenseKernels.Dot(x, y)"] = new(() => [F(N), F(N)], (parameter, length) => parameter == "x" ? ("y", $"{length}") : (parameter, $"{N}"));
        cases["DenseKernels.AddScaled(alpha, x, y)"] = new(() => [0.5f, F(N), F(N)], (parameter, length) => parameter == "x" ? ("y", $"{length}") : (parameter, $"{N}"));
        cases["DenseKernels.MatrixVector(weights, x, bias, z)"] = new(() => [F(60), F(20), F(3), new float[3]], (parameter, _) => (parameter, parameter switch
        {
            "weights" => "60",
            "x" => "20",
            _ => "3",
        }));

        // InputProduct: 2 rows of W over 16 inputs, 3 samples; the inputs set the depth, so inputs one short or long are not a
        // multiple of the samples, and a bias of another length is named because W is still whole rows of that depth.
        cases["InputProduct.Forward(weights, bias, inputs, z, samples, firstRow, endRow)"] = new(
            () => [F(32), F(2), F(48), new float[6], 3, 0, 2],
            (parameter, _) => parameter switch
            {
                "inputs" => ("inputs", "/must have a multiple of samples = 3/"),
                "bias" => ("bias", "2"),
                "weights" => ("weights", "32"),
                _ => ("z", "6"),
            },
            InputProduct.IsAccelerated ? null : typeof(PlatformNotSupportedException));

        // Dropout: one sample's vector (source sets the length), and a feature-major batch of 3 units × 7 samples.
        cases["Dropout.Apply(mask, layer, sample, rate, source, destination)"] =
            new(() => [new DropoutMask(1, 2), 1, 0, 0.25f, F(N), new float[N]], Fix(FirstSetsTheLength("source", "destination"), N));
        cases["Dropout.ApplyFeatureMajor(mask, layer, rate, source, destination, units, samples)"] =
            new(() => [new DropoutMask(1, 2), 1, 0.25f, F(21), new float[21], 3, 7], (parameter, _) => (parameter, "21"));

        // GradientDescent: the gradient must match the parameters.
        cases["GradientDescent.Apply(parameters, gradient, scale, network)"] =
            new(() => [F(N), F(N), 0.1f, "Net"], (parameter, length) => parameter == "parameters" ? ("gradient", $"{length}") : (parameter, $"{N}"));

        // Guard: a span checked against a given length; batches of 3 samples of 4 inputs and 2 targets.
        cases["Guard.Length(span, expected, network, what, parameterName)"] = new(() => [F(5), 5, "Net", "Size", "span"]);
        var batch = new Func<string, int, (string, string)>((parameter, _) => parameter == "inputs" ? ("inputs", "/not a whole number of samples of 4 \\(InputSize\\)/") : ("targets", "6"));
        cases["Guard.BatchCount(inputs, targets, inputSize, outputSize, network, targetsName)"] = new(() => [F(12), F(6), 4, 2, "Net", "targets"], batch);
        cases["Guard.ThrowIfBatchNotFinite(inputs, targets, inputSize, outputSize, network)"] = new(() => [F(12), F(6), 4, 2, "Net"], batch);
        // The optional outputs of a training pass: 3 samples × 2 outputs (or none, BatchedKernelTests).
        cases["Guard.OptionalBatchOutputs(outputs, count, outputSize, network)"] = new(() => [F(6), 3, 2, "Net"], (parameter, _) => (parameter, "6"));
        cases["Guard.TrainingBatch(inputs, targets, inputSize, outputSize, learningRate, network)"] = new(() => [F(12), F(6), 4, 2, 0.5f, "Net"], batch);
        cases["Guard.ThrowNonFiniteLoss(network, sample, loss, input, target)"] = new(() => ["Net", 0, float.NaN, F(4), F(2)], Throws: typeof(TrainingDivergedException));
        cases["Guard.ThrowIfNotFinite(values, network, what)"] = new(() => [F(N), "Net", "the gradient"]);
        cases["Guard.FirstNonFinite(values)"] = new(() => [F(N)]);
        cases["Guard.AllFinite(values)"] = new(() => [F(N)]);
        cases["Guard.MaxMagnitude(values)"] = new(() => [F(N)]);
        cases["Guard.FiniteMaxMagnitude(values, network, what)"] = new(() => [F(N), "Net", "the deltas of layer 1"]);

        // MatrixKernels: a [3, 7] matrix.
        cases["MatrixKernels.Transpose(source, rows, columns, destination)"] = new(() => [F(21), 3, 7, new float[21]]);
        cases["MatrixKernels.TransposeRows(source, rows, columns, destination, firstRow, endRow)"] = new(() => [F(21), 3, 7, new float[21], 0, 3]);
        cases["MatrixKernels.TransposeColumns(source, rows, columns, destination, firstColumn, endColumn)"] = new(() => [F(21), 3, 7, new float[21], 0, 7]);
        cases["MatrixKernels.FillRows(bias, matrix, columns)"] =
            new(() => [F(3), new float[21], 7], (parameter, length) => parameter == "bias" ? ("matrix", $"{length * 7}") : (parameter, "21"));
        cases["MatrixKernels.AddScaledRowSums(h, columns, alpha, bias)"] =
            new(() => [F(21), 7, 0.5f, F(3)], (parameter, length) => parameter == "bias" ? ("h", $"{length * 7}") : (parameter, "21"));
        cases["MatrixKernels.GatherColumn(matrix, columns, column, destination)"] =
            new(() => [F(21), 7, 2, new float[3]], (parameter, _) => (parameter, parameter == "matrix" ? "21" : "3"));
        cases["MatrixKernels.ScatterColumn(source, matrix, columns, column)"] =
            new(() => [F(3), new float[21], 7, 2], (parameter, _) => (parameter, parameter == "matrix" ? "21" : "3"));

        // OutputLayer: five outputs; an empty delta (loss only) is valid too, see OutputLayerTests.
        // Two rows of a layer of 3 neurons over 4 inputs (W is [3, 4]).
        cases["InputGradientKernels.MultiplyRows(rows, count, weights, outputs, inputs, result)"] = new(() => [F(6), 2, F(12), 3, 4, new float[8]]);
        cases["InputGradientKernels.MultiplyRowsByTransposed(rows, count, weights, outputs, inputs, result)"] = new(() => [F(8), 2, F(12), 3, 4, new float[6]]);
        cases["InputGradientKernels.MultiplyRowsByJacobian(activation, z, a, rows, count)"] =
            new(() => [Activation.Tanh, F(5), F(5), F(10), 2], (parameter, length) => parameter == "z" ? ("a", $"{length}") : (parameter, parameter == "rows" ? "10" : "5"));
        cases["OutputLayer.MeanSquaredError(output, target, delta)"] = new(() => [F(5), F(5), new float[5]]);
        cases["OutputLayer.MeanSquaredErrorThroughSoftmax(output, target, delta)"] = new(() => [F(5), F(5), new float[5]]);
        cases["OutputLayer.SoftmaxCrossEntropy(logits, output, target, delta)"] = new(() => [F(5), F(5), F(5), new float[5]]);
        cases["OutputLayer.SigmoidCrossEntropy(logits, output, target, delta)"] = new(() => [F(5), F(5), F(5), new float[5]]);
        return cases;
    }

    /// <summary><paramref name="blame"/>, with the valid length <paramref name="n"/> for the spans it leaves to their own name.</summary>
    private static Func<string, int, (string, string)> Fix(Func<string, int, (string, string)> blame, int n) =>
        (parameter, length) => blame(parameter, length) is (var name, "") ? (name, $"{n}") : blame(parameter, length);
}
