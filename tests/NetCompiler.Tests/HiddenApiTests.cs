using System.ComponentModel;
using System.Reflection;

namespace NetCompiler.Tests;

/// <summary>
/// The runtime API that exists for generated code is hidden from IntelliSense, as System.Text.Json hides the API its
/// generator calls: every public type of <c>NetCompiler.Kernels</c> and its sub-namespaces, but for the facts a user
/// may want (<c>BatchLayout</c>), carries <c>[EditorBrowsable(Never)]</c> and says in its documentation that generated
/// code calls it.
/// </summary>
public sealed class HiddenApiTests
{
    private static readonly string[] UserFacing = ["NetCompiler.Kernels.BatchLayout"];

    [Fact]
    public void EveryKernelTypeButTheUserFacingOnesIsHiddenFromIntelliSense()
    {
        var kernels = typeof(NetworkDescription).Assembly.GetExportedTypes()
            .Where(t => t.Namespace is { } ns && (ns == "NetCompiler.Kernels" || ns.StartsWith("NetCompiler.Kernels.", StringComparison.Ordinal)) && !t.IsNested)
            .ToList();
        Assert.True(kernels.Count > 20, $"only {kernels.Count} kernel types found");

        var visible = kernels
            .Where(t => t.GetCustomAttribute<EditorBrowsableAttribute>()?.State != EditorBrowsableState.Never)
            .Select(t => t.FullName!)
            .Order(StringComparer.Ordinal);

        Assert.Equal(UserFacing, visible);
    }
}
