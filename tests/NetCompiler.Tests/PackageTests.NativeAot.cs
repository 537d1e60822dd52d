using System.Globalization;
using System.Runtime.InteropServices;
using NetCompiler.Tests.Infrastructure;

namespace NetCompiler.Tests;

/// <summary>
/// NativeAOT as users deploy it: tests/NetCompiler.AotSpeed (784-128-10's <c>Forward</c>, <c>ForwardBatch</c> of 256
/// and <c>TrainStepBatch</c> of 256) published with NativeAOT from the fixture's copy of the repository, once with the
/// compiler's default instruction set and once with <c>IlcInstructionSet=native</c>, and run beside the same program
/// under the JIT. The figures go to the test output (run with <c>--logger "console;verbosity=detailed"</c>).
/// </summary>
public sealed partial class PackageTests
{
    private static readonly string[] AotWorkloads = ["forward-1", "forward-batch-256", "train-step-batch-256"];

    [Fact]
    public async Task ANativeAotPublishRunsTheKernelsAtLeastAtAnEighthOfTheJitsSpeedAndWithAnInstructionSetNearIt()
    {
        await package.PackAsync();
        string repository = package.RepositoryDirectory;
        const string Project = "tests/NetCompiler.AotSpeed/NetCompiler.AotSpeed.csproj";

        // NativeAOT links with clang by default; where only gcc is installed (as on this project's machines) it is told so.
        string[] linker = IsOnPath("clang") ? [] : ["-p:CppCompilerAndLinker=gcc"];
        string rid = RuntimeInformation.RuntimeIdentifier;
        async Task<string> PublishAsync(string name, params string[] properties)
        {
            string folder = package.CreateDirectory(name);
            var publish = await ProcessRunner.RunDotnetAsync(
                repository, BuildTimeout,
                ["publish", Project, "-c", "Release", "-r", rid, "-p:PublishAot=true", "-o", folder, "--tl:off", "-nodeReuse:false", .. linker, .. properties]);
            Assert.True(publish.ExitCode == 0, $"The NativeAOT publish ({name}) failed.\n{publish}");
            return Path.Combine(folder, "NetCompiler.AotSpeed");
        }

        // The default instruction set would warn (NC1001, an error under TreatWarningsAsErrors): that warning has its own test.
        string defaultAot = await PublishAsync("aot-default", "-p:NetCompilerAotInstructionSetCheck=false");
        string nativeAot = await PublishAsync("aot-native", "-p:IlcInstructionSet=native");
        var build = await ProcessRunner.RunDotnetAsync(repository, BuildTimeout, "build", Project, "-c", "Release", "--tl:off", "-nodeReuse:false");
        Assert.True(build.ExitCode == 0, $"The JIT build failed.\n{build}");
        string jitAssembly = Path.Combine(repository, "tests", "NetCompiler.AotSpeed", "bin", "Release", "net10.0", "NetCompiler.AotSpeed.dll");

        // JIT, default AOT, AOT with the instruction set, then the JIT again: each figure is a best time, and the JIT's
        // is the better of its two runs, so a slow moment of the machine cannot make the native code look fast.
        var jit = await TimeAsync("jit", jitAssembly);
        var defaults = await TimeAsync("nativeaot", defaultAot);
        var native = await TimeAsync("nativeaot", nativeAot);
        var jitAgain = await TimeAsync("jit", jitAssembly);
        foreach (string workload in AotWorkloads)
        {
            double jitTime = Math.Min(jit[workload], jitAgain[workload]);
            output.WriteLine(
                $"{workload}: JIT {jitTime:F0} ns; NativeAOT, default instruction set {defaults[workload]:F0} ns ({jitTime / defaults[workload]:F2}x the JIT's speed); " +
                $"with IlcInstructionSet=native {native[workload]:F0} ns ({jitTime / native[workload]:F2}x)");

            // A 128-bit path without FMA is at most a quarter of the 512-bit FMA peak; the floor is half of that.
            Assert.True(defaults[workload] <= 8 * jitTime, $"{workload}: the default NativeAOT build takes {defaults[workload]:F0} ns, more than 8x the JIT's {jitTime:F0} ns.");

            // With the instruction set the code is the JIT's; a loose bound, since the machine's noise is not the code's.
            Assert.True(native[workload] <= 1.5 * jitTime, $"{workload}: NativeAOT with IlcInstructionSet=native takes {native[workload]:F0} ns against the JIT's {jitTime:F0} ns.");
        }
    }

    /// <summary>Runs the timing program (an executable, or an assembly under the JIT) and reads its "name nanoseconds" lines.</summary>
    private static async Task<Dictionary<string, double>> TimeAsync(string expectedRuntime, string program)
    {
        var run = program.EndsWith(".dll", StringComparison.Ordinal)
            ? await ProcessRunner.RunDotnetAsync(Path.GetDirectoryName(program)!, RunTimeout, program)
            : await ProcessRunner.RunAsync(program, Path.GetDirectoryName(program)!, RunTimeout);
        Assert.True(run.ExitCode == 0, $"The timing program failed.\n{run}");
        var lines = run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[0], parts => parts[1]);
        Assert.True(lines.GetValueOrDefault("runtime") == expectedRuntime, $"Expected the {expectedRuntime} runtime.\n{run}");
        return AotWorkloads.ToDictionary(name => name, name => double.Parse(lines[name], CultureInfo.InvariantCulture));
    }

    private static bool IsOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, command)));
}
