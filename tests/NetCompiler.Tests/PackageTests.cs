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
/// The package's metadata, README, icon and symbols are what a package feed and a debugger show; its analyzer and
/// code fixes are what an editor shows.
/// </summary>
[Collection(nameof(PackageTests))]
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

    [Fact]
    public async Task PackageCarriesItsMetadataReadmeIconLicenseAnalyzerAndCodeFixes()
    {
        await package.PackAsync();
        using var archive = ZipFile.OpenRead(package.PackagePath);
        string Metadata(string name) => package.Nuspec.Descendants().Single(e => e.Name.LocalName == name).Value;
        var license = package.Nuspec.Descendants().Single(e => e.Name.LocalName == "license");

        Assert.Equal("expression", (string?)license.Attribute("type"));
        Assert.Equal("MIT", license.Value);
        Assert.NotNull(archive.GetEntry("LICENSE"));
        Assert.Equal("Copyright (c) NetCompiler contributors", Metadata("copyright"));
        Assert.StartsWith("0.1.0: ", Metadata("releaseNotes"), StringComparison.Ordinal);
        Assert.Superset(new HashSet<string> { "neural-network", "source-generator", "roslyn", "onnx" }, Metadata("tags").Split(' ').ToHashSet());
        // No address the project does not have: no project or repository URL until it has a public home.
        Assert.DoesNotContain(package.Nuspec.Descendants(), e => e.Name.LocalName is "projectUrl" or "repository");

        // The icon is a PNG of the size package feeds show.
        Assert.Equal("icon.png", Metadata("icon"));
        byte[] icon = ReadAll(archive.GetEntry("icon.png")!);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], icon[..4]);
        Assert.Equal(128, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(icon.AsSpan(16)));

        // The README is written for package users: install, declare, train, save; no link a feed cannot open.
        Assert.Equal("README.md", Metadata("readme"));
        string readme = System.Text.Encoding.UTF8.GetString(ReadAll(archive.GetEntry("README.md")!));
        foreach (string part in new[] { "dotnet add package NetCompiler", "[Network(", "new Trainer<", "net.Save(" })
        {
            Assert.Contains(part, readme, StringComparison.Ordinal);
        }

        Assert.DoesNotMatch(@"\]\((?!https://)", readme);
        Assert.DoesNotContain("git clone", readme, StringComparison.OrdinalIgnoreCase);

        // The analyzer beside the generator, and the code fixes where every IDE loads them.
        Assert.Contains("NetCompiler.Generator.NetworkDeclarationAnalyzer", TypeNamesIn(archive.GetEntry("analyzers/dotnet/cs/NetCompiler.Generator.dll")!));
        var fixes = TypeNamesIn(archive.GetEntry("analyzers/dotnet/cs/NetCompiler.CodeFixes.dll")!);
        Assert.Superset(
            new HashSet<string> { "NetCompiler.CodeFixes.AddPartialCodeFix", "NetCompiler.CodeFixes.HiddenSoftmaxCodeFix", "NetCompiler.CodeFixes.LossAndOutputCodeFix", "NetCompiler.CodeFixes.RenameClashCodeFix" },
            fixes);
        Assert.DoesNotContain(archive.Entries, e => e.FullName.StartsWith("lib/", StringComparison.Ordinal) && e.FullName.Contains("CodeFixes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SymbolsPackageEmbedsEverySourceOfTheLibraryUnderDeterministicPaths()
    {
        await package.PackAsync();
        using var symbols = ZipFile.OpenRead(package.SymbolsPackagePath);
        using var pdb = new MemoryStream(ReadAll(symbols.GetEntry("lib/net10.0/NetCompiler.pdb")!));
        var documents = EmbeddedSources.Read(pdb);

        // Every source file of the library, under the path a CI build maps the repository to, with its text.
        string library = Path.Combine(package.RepositoryDirectory, "src", "NetCompiler");
        var sources = Directory.GetFiles(library, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.True(sources.Count > 50, $"only {sources.Count} sources found");
        foreach (string path in sources)
        {
            string mapped = "/_/src/NetCompiler/" + Path.GetRelativePath(library, path).Replace(Path.DirectorySeparatorChar, '/');
            Assert.True(documents.TryGetValue(mapped, out string? text), $"{mapped} is not in the PDB; it has {string.Join(", ", documents.Keys.Take(5))}, ...");
            Assert.Equal(File.ReadAllText(path).TrimStart('\uFEFF'), text);
        }

        Assert.All(documents, d => Assert.StartsWith("/_/", d.Key, StringComparison.Ordinal));
        Assert.All(documents, d => Assert.NotNull(d.Value));

        // The assembly is reproducible: its debug directory says so, and it names the PDB by its mapped path.
        using var nupkg = ZipFile.OpenRead(package.PackagePath);
        using var pe = new PEReader(new MemoryStream(ReadAll(nupkg.GetEntry("lib/net10.0/NetCompiler.dll")!)));
        var debugDirectory = pe.ReadDebugDirectory();
        Assert.Contains(debugDirectory, e => e.Type == DebugDirectoryEntryType.Reproducible);
        var codeView = pe.ReadCodeViewDebugDirectoryData(debugDirectory.First(e => e.Type == DebugDirectoryEntryType.CodeView));
        Assert.StartsWith("/_/", codeView.Path, StringComparison.Ordinal);
    }

    /// <summary>A consumer's mistakes: a class that is not partial, Softmax on a hidden layer, MSE over Softmax.</summary>
    private const string MistakenProgram = """
        using NetCompiler;

        var net = new Classifier(seed: 1);
        Console.WriteLine($"parameters {Classifier.ParameterCount}");

        [Network(Inputs = 4)]
        [Dense(8, Activation.Softmax)]
        [Dense(3, Activation.Softmax)]
        public class Classifier;
        """;

    [Fact]
    public async Task AConsumerWithWarningsAsErrorsGetsEachDiagnosticOnceAndTheCodeFixesRepairThem()
    {
        await package.PackAsync();
        string app = package.CreateDirectory("strict-app");
        string packages = package.CreateDirectory("strict-packages");
        WriteConsumerProject(app, packages, treatWarningsAsErrors: true);
        File.WriteAllText(Path.Combine(app, "Program.cs"), MistakenProgram);

        // The build: each NetCompiler diagnostic once (not once from the analyzer and again from the generator), the
        // NC0008 warning an error under TreatWarningsAsErrors.
        // The compiler's own log (SARIF) lists every diagnostic it reported exactly as often as it was reported.
        string log = Path.Combine(app, "diagnostics.sarif");
        var broken = await ProcessRunner.RunDotnetAsync(app, BuildTimeout, "build", "--tl:off", "-nodeReuse:false", $"-p:ErrorLog={log}%2Cversion=2.1");
        Assert.NotEqual(0, broken.ExitCode);
        using (var sarif = System.Text.Json.JsonDocument.Parse(File.ReadAllText(log)))
        {
            var reported = sarif.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
                .Select(r => (Id: r.GetProperty("ruleId").GetString()!, Level: r.GetProperty("level").GetString()!))
                .Where(r => r.Id.StartsWith("NC", StringComparison.Ordinal))
                .Order()
                .ToList();
            Assert.Equal([("NC0001", "error"), ("NC0006", "error"), ("NC0008", "error")], reported);
        }

        // The editor's view: the package's own analyzer, generator and code fixes hosted in a Roslyn workspace.
        string restored = Path.Combine(packages, package.Id.ToLowerInvariant(), package.Version.ToLowerInvariant());
        var analyzers = new PackageAnalyzers(Path.Combine(restored, "analyzers", "dotnet", "cs"), Path.Combine(restored, "lib", "net10.0", "NetCompiler.dll"));
        var diagnostics = await analyzers.AnalyzeAsync(analyzers.CreateDocument(MistakenProgram));
        Assert.Equal(["NC0001", "NC0006", "NC0008"], diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.All(diagnostics, d =>
        {
            // The tooltip: the message says what to do, the description why; no link that opens nothing.
            Assert.True(d.Descriptor.Description.ToString(CultureInfo.InvariantCulture).Length > 80, $"{d.Id} has no description");
            Assert.True(d.Descriptor.HelpLinkUri.Length == 0 || Uri.IsWellFormedUriString(d.Descriptor.HelpLinkUri, UriKind.Absolute), d.Descriptor.HelpLinkUri);
        });
        Assert.Single(analyzers.Generators);

        var (fixedSource, applied) = await analyzers.FixAllAsync(MistakenProgram);
        output.WriteLine(string.Join("\n", applied));
        Assert.Equal(
            ["NC0001: Add the 'partial' modifier", "NC0006: Use Activation.ReLU on this hidden layer", "NC0008: Use Loss.CrossEntropy"],
            applied);
        Assert.Contains("[Network(Inputs = 4, Loss = Loss.CrossEntropy)]", fixedSource, StringComparison.Ordinal);
        Assert.Contains("[Dense(8, Activation.ReLU)]", fixedSource, StringComparison.Ordinal);
        Assert.Contains("public partial class Classifier;", fixedSource, StringComparison.Ordinal);

        // The fixed program builds with no warning under TreatWarningsAsErrors, and runs.
        File.WriteAllText(Path.Combine(app, "Program.cs"), fixedSource);
        var build = await ProcessRunner.RunDotnetAsync(app, BuildTimeout, "build", "--tl:off", "-clp:Summary", "-nodeReuse:false");
        Assert.True(build.ExitCode == 0 && build.StandardOutput.Contains(" 0 Warning(s)", StringComparison.Ordinal), $"The fixed program did not build cleanly.\n{build}");
        var run = await ProcessRunner.RunDotnetAsync(app, RunTimeout, "run", "--no-build");
        Assert.True(run.ExitCode == 0, $"The fixed program failed.\n{run}");
        Assert.Equal("parameters 67", run.StandardOutput.Trim()); // 8×4 + 8, then 3×8 + 3
    }

    [Theory]
    [InlineData("netcompiler-classifier", "classifier.ncnet")]
    [InlineData("netcompiler-regression", "regressor.ncnet")]
    public async Task TheTemplateInstalledFromItsFolderBuildsWithoutWarningsTrainsAndSaves(string template, string modelFile)
    {
        await package.PackAsync();
        string hive = package.CreateDirectory($"{template}-hive");
        string folder = package.CreateDirectory($"{template}-projects");
        string packages = package.CreateDirectory($"{template}-packages");
        WriteIsolation(folder);

        // `dotnet new install` from the template folder, into a hive of this test's own (not the user's templates).
        string templates = Path.Combine(package.RepositoryDirectory, "src", "NetCompiler.Templates");
        var install = await ProcessRunner.RunDotnetAsync(folder, BuildTimeout, "new", "install", templates, "--debug:custom-hive", hive);
        Assert.True(install.ExitCode == 0, $"dotnet new install failed.\n{install}");
        var create = await ProcessRunner.RunDotnetAsync(folder, BuildTimeout, "new", template, "-n", "MyModel", "--debug:custom-hive", hive);
        Assert.True(create.ExitCode == 0, $"dotnet new {template} failed.\n{create}");
        string app = Path.Combine(folder, "MyModel");
        Assert.True(File.Exists(Path.Combine(app, "MyModel.csproj")), $"dotnet new {template} made no MyModel.csproj.\n{create}");

        var build = await ProcessRunner.RunDotnetAsync(
            app, BuildTimeout, "build", "-c", "Release", $"-p:RestorePackagesPath={packages}", "--tl:off", "-clp:Summary", "-nodeReuse:false");
        Assert.True(build.ExitCode == 0, $"The {template} project did not build.\n{build}");
        Assert.True(build.StandardOutput.Contains(" 0 Warning(s)", StringComparison.Ordinal), $"The {template} project built with warnings.\n{build}");

        var run = await ProcessRunner.RunDotnetAsync(app, RunTimeout, "run", "-c", "Release", "--no-build");
        output.WriteLine(run.StandardOutput);
        Assert.True(run.ExitCode == 0, $"The {template} program failed.\n{run}");
        Assert.True(File.Exists(Path.Combine(app, modelFile)), $"The {template} program saved no {modelFile}.\n{run}");
        string[] lines = run.StandardOutput.Split('\n', StringSplitOptions.TrimEntries);
        if (template == "netcompiler-classifier")
        {
            // "Trained 60 epochs: test accuracy 96.7 %, test loss 0.0812."
            string accuracy = lines.Single(l => l.StartsWith("Trained", StringComparison.Ordinal)).Split("test accuracy ")[1].Split('%')[0].Trim();
            Assert.True(float.Parse(accuracy, CultureInfo.InvariantCulture) >= 90, $"The classifier learned too little.\n{run}");
        }
        else
        {
            string error = lines.Single(l => l.StartsWith("Test mean absolute error", StringComparison.Ordinal)).Split(' ')[4];
            Assert.True(float.Parse(error, CultureInfo.InvariantCulture) < 0.1f, $"The regressor learned too little.\n{run}");
        }
    }

    private void WriteConsumerProject(string app, string packages, bool treatWarningsAsErrors = false)
    {
        WriteIsolation(app);
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestorePackagesPath>{SecurityElement.Escape(packages)}</RestorePackagesPath>
                <TreatWarningsAsErrors>{(treatWarningsAsErrors ? "true" : "false")}</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{package.Id}" Version="{package.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), ConsumerProgram);
    }

    /// <summary>
    /// Makes <paramref name="folder"/> a place outside this repository: nothing from above it (Directory.* files) applies,
    /// and the local feed is the only package source.
    /// </summary>
    private void WriteIsolation(string folder)
    {
        // Empty Directory.* files stop MSBuild from picking up anything above the temporary folder.
        foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(folder, name), "<Project />\n");
        }

        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
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

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var memory = new MemoryStream();
        using (var stream = entry.Open())
        {
            stream.CopyTo(memory);
        }

        return memory.ToArray();
    }

    private static HashSet<string> TypeNamesIn(ZipArchiveEntry entry)
    {
        using var memory = new MemoryStream(ReadAll(entry));
        using var pe = new PEReader(memory);
        var metadata = pe.GetMetadataReader();
        return metadata.TypeDefinitions
            .Select(metadata.GetTypeDefinition)
            .Select(t => $"{metadata.GetString(t.Namespace)}.{metadata.GetString(t.Name)}")
            .ToHashSet();
    }

    /// <summary>
    /// Packs src/NetCompiler once for the test class, as CI does (ContinuousIntegrationBuild), (on first use, so skipped tests cost nothing), from
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

        /// <summary>The symbols package (.snupkg) packed beside it.</summary>
        public string SymbolsPackagePath { get; private set; } = "";

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
                "pack", "src/NetCompiler/NetCompiler.csproj", "-c", "Release", "-o", FeedDirectory, "-p:ContinuousIntegrationBuild=true",
                "--tl:off", "-clp:Summary", "-nodeReuse:false");
            if (pack.ExitCode == 0)
            {
                PackagePath = Directory.GetFiles(FeedDirectory, "*.nupkg").Single();
                SymbolsPackagePath = Directory.GetFiles(FeedDirectory, "*.snupkg").Single();
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

/// <summary>
/// The package tests run dotnet pack, build and run, which keep both cores busy for minutes: they run alone, after the
/// other test classes, so they do not starve the two-core kernel tests (whose worker hand-offs have time bounds).
/// </summary>
[CollectionDefinition(nameof(PackageTests), DisableParallelization = true)]
public sealed class PackageTestsCollection;
