using System.Globalization;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security;
using System.Xml.Linq;
using NetCompiler.Tests.Infrastructure;
using Xunit.Abstractions;

namespace NetCompiler.Tests;

/// <summary>
/// The NuGet package as a user meets it: packed in Release, restored by a fresh console project whose
/// only package source is the local feed, compiled with the generator that ships inside the package,
/// and run. The numbers the packaged network prints must match the same network built in this repository.
/// </summary>
public sealed partial class PackageTests(PackageTests.PackedPackage package, ITestOutputHelper output) : IClassFixture<PackageTests.PackedPackage>
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(1);

    private const int TrainingSteps = 1000;
    private const float LearningRate = 0.5f;
    private static readonly float[] XorInputs = [0, 0, 0, 1, 1, 0, 1, 1];
    private static readonly float[] XorTargets = [0, 1, 1, 0];

    /// <summary>The consumer's program: train XOR briefly and print machine-readable results.</summary>
    private static readonly string ConsumerProgram = $$"""
        using System.Globalization;
        using NetCompiler;

        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        float[] inputs = [0, 0, 0, 1, 1, 0, 1, 1];
        float[] targets = [0, 1, 1, 0];
        var net = new XorNet(seed: 1);
        Console.WriteLine($"parameters {ParameterCountOf<XorNet>()}");
        Console.WriteLine($"loss-before {net.ComputeLoss(inputs, targets):R}");
        for (int step = 0; step < {{TrainingSteps}}; step++)
        {
            net.TrainStep(inputs, targets, learningRate: {{LearningRate.ToString("R", CultureInfo.InvariantCulture)}}f);
        }

        Console.WriteLine($"loss-after {net.ComputeLoss(inputs, targets):R}");
        Span<float> output = stackalloc float[XorNet.OutputSize];
        for (int sample = 0; sample < 4; sample++)
        {
            net.Forward(inputs.AsSpan(sample * XorNet.InputSize, XorNet.InputSize), output);
            Console.WriteLine($"output-{sample} {output[0]:R}");
        }

        // Generic code reaches the generated members through the interface's static abstract members.
        static int ParameterCountOf<TNet>() where TNet : class, INeuralNetwork<TNet> => TNet.ParameterCount;

        [Network(Inputs = 2, Loss = Loss.CrossEntropy)]
        [Dense(4, Activation.Tanh)]
        [Dense(1, Activation.Sigmoid)]
        public partial class XorNet;
        """;

    [Fact]
    public async Task PackageHoldsTheRuntimeLibraryAndTheGeneratorAsAnAnalyzer()
    {
        var pack = await package.PackAsync();
        output.WriteLine($"dotnet pack: {pack.Elapsed.TotalSeconds:F1} s (shared by both tests)");
        using var archive = ZipFile.OpenRead(package.PackagePath);
        var entries = archive.Entries.Select(e => e.FullName).ToList();
        string listing = string.Join("\n", entries);

        Assert.True(entries.Contains("lib/net10.0/NetCompiler.dll"), $"lib/net10.0/NetCompiler.dll is missing from the package:\n{listing}");
        Assert.True(entries.Contains("analyzers/dotnet/cs/NetCompiler.Generator.dll"), $"The generator is missing from the package:\n{listing}");
        Assert.True(entries.Contains("buildTransitive/NetCompiler.targets"), $"The build targets (NC1001) are missing from the package:\n{listing}");
        // The generator is only an analyzer: as a lib/ assembly it would drag Roslyn into every consumer.
        Assert.Equal(["analyzers/dotnet/cs/NetCompiler.Generator.dll"], entries.Where(e => e.EndsWith("NetCompiler.Generator.dll", StringComparison.Ordinal)));

        // The analyzer is the real generator assembly, not a stale or empty file.
        Assert.Contains("NetCompiler.Generator.NetworkGenerator", TypeNamesIn(archive.GetEntry("analyzers/dotnet/cs/NetCompiler.Generator.dll")!));
        Assert.Contains("NetCompiler.INeuralNetwork`1", TypeNamesIn(archive.GetEntry("lib/net10.0/NetCompiler.dll")!));

        // The generator project is referenced only to build it first; it must not become a package dependency.
        var dependencies = package.Nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string?)e.Attribute("id")).ToList();
        Assert.DoesNotContain("NetCompiler.Generator", dependencies);
        Assert.Equal("NetCompiler", package.Id);
    }

    [Fact]
    public async Task FreshConsoleProjectRestoresFromTheLocalFeedOnlyBuildsWithoutWarningsAndTrains()
    {
        await package.PackAsync();
        string app = package.CreateDirectory("app");
        string packages = package.CreateDirectory("packages");
        WriteConsumerProject(app, packages);

        var build = await ProcessRunner.RunDotnetAsync(app, BuildTimeout, "build", "-c", "Release", "--tl:off", "-clp:Summary", "-nodeReuse:false");
        output.WriteLine($"consumer restore + build: {build.Elapsed.TotalSeconds:F1} s");
        Assert.True(build.ExitCode == 0, $"The consumer project did not build.\n{build}");
        Assert.True(build.StandardOutput.Contains(" 0 Warning(s)", StringComparison.Ordinal), $"The consumer build had warnings.\n{build}");
        Assert.True(build.StandardOutput.Contains(" 0 Error(s)", StringComparison.Ordinal), $"The consumer build had errors.\n{build}");

        // RestorePackagesPath kept the test package out of the user's global package folder.
        string restored = Path.Combine(packages, package.Id.ToLowerInvariant(), package.Version.ToLowerInvariant());
        Assert.True(File.Exists(Path.Combine(restored, "analyzers", "dotnet", "cs", "NetCompiler.Generator.dll")), $"The package was not restored into {packages}.\n{build}");

        var run = await ProcessRunner.RunDotnetAsync(app, RunTimeout, "run", "-c", "Release", "--no-build");
        output.WriteLine($"consumer run: {run.Elapsed.TotalSeconds:F1} s");
        Assert.True(run.ExitCode == 0, $"The consumer program failed.\n{run}");
        output.WriteLine(run.StandardOutput);
        var printed = ParseConsumerOutput(run);

        // The same network built in this repository, trained the same way, gives the same numbers.
        var reference = new XorReferenceNet(seed: 1);
        float lossBefore = reference.ComputeLoss(XorInputs, XorTargets);
        for (int step = 0; step < TrainingSteps; step++)
        {
            reference.TrainStep(XorInputs, XorTargets, LearningRate);
        }

        float lossAfter = reference.ComputeLoss(XorInputs, XorTargets);
        Assert.Equal(17, printed["parameters"]); // 4×2 + 4 weights and biases, then 1×4 + 1
        Assert.Equal(lossBefore, printed["loss-before"], 1e-6f);
        Assert.Equal(lossAfter, printed["loss-after"], 1e-6f);
        Assert.True(printed["loss-after"] < printed["loss-before"] / 10, $"Training did not reduce the loss enough.\n{run}");
        Span<float> expected = stackalloc float[1];
        for (int sample = 0; sample < 4; sample++)
        {
            reference.Forward(XorInputs.AsSpan(sample * 2, 2), expected);
            float actual = printed[$"output-{sample}"];
            Assert.Equal(expected[0], actual, 1e-6f);
            Assert.True(Math.Abs(actual - XorTargets[sample]) < 0.1f, $"XOR sample {sample}: output {actual}, target {XorTargets[sample]}.\n{run}");
        }
    }

    [Fact]
    public async Task ANativeAotBuildForX64WithoutAnInstructionSetIsWarnedOnceAndNoOtherIs()
    {
        await package.PackAsync();
        string app = package.CreateDirectory("aot-app");
        string packages = package.CreateDirectory("aot-packages");
        WriteConsumerProject(app, packages);
        var restore = await ProcessRunner.RunDotnetAsync(app, BuildTimeout, "restore", "--tl:off", "-nodeReuse:false");
        Assert.True(restore.ExitCode == 0, $"The consumer project did not restore.\n{restore}");

        // The package's target alone, as a build of each configuration would run it after Build (restoring the
        // NativeAOT compiler itself would need a package source other than the local feed).
        async Task<int> WarningsFor(params string[] properties)
        {
            var check = await ProcessRunner.RunDotnetAsync(
                app, BuildTimeout, ["msbuild", "App.csproj", "-t:NetCompilerCheckAotInstructionSet", "-nologo", "-nodeReuse:false", .. properties.Select(p => "-p:" + p)]);
            Assert.True(check.ExitCode == 0, $"The check failed to run ({string.Join(" ", properties)}).\n{check}");
            int warnings = check.StandardOutput.Split('\n').Count(line => line.Contains("warning NC1001:", StringComparison.Ordinal));
            if (warnings > 0)
            {
                Assert.Contains("<IlcInstructionSet>native</IlcInstructionSet>", check.StandardOutput, StringComparison.Ordinal);
            }

            return warnings;
        }

        Assert.Equal(1, await WarningsFor("PublishAot=true", "RuntimeIdentifier=linux-x64"));
        Assert.Equal(1, await WarningsFor("PublishAot=true", "RuntimeIdentifier=win-x64"));
        Assert.Equal(0, await WarningsFor("PublishAot=true", "RuntimeIdentifier=linux-x64", "IlcInstructionSet=native"));
        Assert.Equal(0, await WarningsFor("PublishAot=true", "RuntimeIdentifier=linux-x64", "IlcInstructionSet=x86-x64-v3"));
        Assert.Equal(0, await WarningsFor("PublishAot=true", "RuntimeIdentifier=linux-arm64"));
        Assert.Equal(0, await WarningsFor("PublishAot=true", "RuntimeIdentifier=linux-x64", "NetCompilerAotInstructionSetCheck=false"));
        Assert.Equal(0, await WarningsFor("RuntimeIdentifier=linux-x64"));
    }

    [Fact]
    public async Task AProjectReferencingTheRepositoryBuildsForNativeAotWhenTheCommandLineAsksForIt()
    {
        // `-p:PublishAot=true` is a global property and reaches the netstandard2.0 generator project, which refused it
        // (NETSDK1207) until it set the property back for itself. Built in the fixture's copy of the repository.
        await package.PackAsync();
        var build = await ProcessRunner.RunDotnetAsync(
            package.RepositoryDirectory, BuildTimeout,
            "build", "samples/Xor/Xor.csproj", "-c", "Release", "-p:PublishAot=true", "-r", "linux-x64", "--tl:off", "-clp:Summary", "-nodeReuse:false");
        Assert.True(build.ExitCode == 0, $"samples/Xor did not build with PublishAot=true.\n{build}");
        Assert.DoesNotContain("NETSDK1207", build.StandardOutput, StringComparison.Ordinal);
    }

    private void WriteConsumerProject(string app, string packages)
    {
        // Empty Directory.* files stop MSBuild from picking up anything above the temporary folder.
        foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(app, name), "<Project />\n");
        }

        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{SecurityElement.Escape(package.FeedDirectory)}" />
              </packageSources>
              <packageSourceMapping>
                <clear />
                <packageSource key="local">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
              <fallbackPackageFolders>
                <clear />
              </fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestorePackagesPath>{SecurityElement.Escape(packages)}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{package.Id}" Version="{package.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), ConsumerProgram);
    }

    private static Dictionary<string, float> ParseConsumerOutput(ProcessResult run)
    {
        var values = new Dictionary<string, float>();
        foreach (string line in run.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = line.Split(' ');
            float value = float.NaN;
            bool parsed = parts.Length == 2 && float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out value);
            Assert.True(parsed, $"Unexpected line '{line}'.\n{run}");
            values[parts[0]] = value;
        }

        return values;
    }

    private static HashSet<string> TypeNamesIn(ZipArchiveEntry entry)
    {
        using var memory = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(memory);
        }

        memory.Position = 0;
        using var pe = new PEReader(memory);
        var metadata = pe.GetMetadataReader();
        return metadata.TypeDefinitions
            .Select(metadata.GetTypeDefinition)
            .Select(t => $"{metadata.GetString(t.Namespace)}.{metadata.GetString(t.Name)}")
            .ToHashSet();
    }

    /// <summary>
    /// Packs src/NetCompiler once for the test class (on first use, so skipped tests cost nothing), from
    /// a copy of the repository in a temporary folder: it never touches the repository's own bin/ and
    /// obj/ (a concurrent build is safe) and never reuses an earlier build's output.
    /// </summary>
    public sealed class PackedPackage : IAsyncLifetime
    {
        private static readonly HashSet<string> SkippedNames = new(StringComparer.OrdinalIgnoreCase)
        {
            "bin", "obj", ".git", ".vs", ".idea", "TestResults", "artifacts", "BenchmarkDotNet.Artifacts",
        };

        private readonly Lazy<Task<ProcessResult>> _pack;

        public PackedPackage() => _pack = new(PackOnceAsync);

        /// <summary>The temporary folder holding the repository copy, the feed and the consumer.</summary>
        public string Root { get; } = Path.Combine(Path.GetTempPath(), $"NetCompiler.PackageTests.{Guid.NewGuid():N}");

        /// <summary>The copy of the repository that was packed.</summary>
        public string RepositoryDirectory => Path.Combine(Root, "repository");

        /// <summary>The local package feed: a folder holding the .nupkg.</summary>
        public string FeedDirectory => Path.Combine(Root, "feed");

        public string PackagePath { get; private set; } = "";

        public string Id { get; private set; } = "";

        public string Version { get; private set; } = "";

        public XDocument Nuspec { get; private set; } = new();

        public Task InitializeAsync() => Task.CompletedTask;

        /// <summary>Packs (the first time only) and asserts that dotnet pack succeeded without warnings.</summary>
        internal async Task<ProcessResult> PackAsync()
        {
            var pack = await _pack.Value;
            Assert.True(pack.ExitCode == 0 && PackagePath.Length > 0, $"dotnet pack failed.\n{pack}");
            Assert.True(pack.StandardOutput.Contains(" 0 Warning(s)", StringComparison.Ordinal), $"dotnet pack had warnings.\n{pack}");
            return pack;
        }

        public Task DisposeAsync()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a leftover temporary folder must not fail the tests.
            }
            catch (UnauthorizedAccessException)
            {
            }

            return Task.CompletedTask;
        }

        public string CreateDirectory(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

        private async Task<ProcessResult> PackOnceAsync()
        {
            string repository = RepositoryDirectory;
            CopySources(new DirectoryInfo(RepositoryRoot.Locate()), repository);
            var pack = await ProcessRunner.RunDotnetAsync(
                repository, BuildTimeout,
                "pack", "src/NetCompiler/NetCompiler.csproj", "-c", "Release", "-o", FeedDirectory, "--tl:off", "-clp:Summary", "-nodeReuse:false");
            if (pack.ExitCode == 0)
            {
                PackagePath = Directory.GetFiles(FeedDirectory, "*.nupkg").Single();
                using var archive = ZipFile.OpenRead(PackagePath);
                using var nuspec = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
                Nuspec = XDocument.Load(nuspec);
                Id = Nuspec.Descendants().Single(e => e.Name.LocalName == "id").Value;
                Version = Nuspec.Descendants().Single(e => e.Name.LocalName == "version").Value;
            }

            return pack;
        }

        private static void CopySources(DirectoryInfo source, string destination)
        {
            Directory.CreateDirectory(destination);
            foreach (var file in source.EnumerateFiles())
            {
                if (!SkippedNames.Contains(file.Name))
                {
                    file.CopyTo(Path.Combine(destination, file.Name));
                }
            }

            foreach (var directory in source.EnumerateDirectories())
            {
                if (!SkippedNames.Contains(directory.Name))
                {
                    CopySources(directory, Path.Combine(destination, directory.Name));
                }
            }
        }
    }
}

/// <summary>The consumer's XOR network, built in this repository, as the reference for the packaged one.</summary>
[Network(Inputs = 2, Loss = Loss.CrossEntropy)]
[Dense(4, Activation.Tanh)]
[Dense(1, Activation.Sigmoid)]
internal sealed partial class XorReferenceNet;
