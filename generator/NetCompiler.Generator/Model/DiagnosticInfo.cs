using Microsoft.CodeAnalysis;

namespace NetCompiler.Generator.Model;

/// <summary>
/// Where a diagnostic points. It keeps the source <see cref="Location"/> itself (a syntax tree and a
/// span, compared by value; it does not keep the compilation alive) because only a location in a
/// source tree lets <c>#pragma warning disable</c> and editor squiggles work; a location rebuilt from a
/// path and a span is an "external file" location the compiler never matches against pragmas.
/// Diagnostics travel beside the cached <see cref="NetworkSpec"/>, never inside it.
/// </summary>
internal sealed record LocationInfo(Location Source)
{
    public Location ToLocation() => Source;

    public static LocationInfo? From(Location? location) =>
        location?.SourceTree is null ? null : new LocationInfo(location);

    public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());
}

/// <summary>A diagnostic to report, as plain values.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        new(descriptor, location, new EquatableArray<string>(arguments));

    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(), [.. Arguments]);
}

/// <summary>
/// What parsing one declaration produced: a spec to emit (null when the declaration is invalid), diagnostics, and the
/// weights file the declaration names (null when it names none), which a later step reads and checks.
/// </summary>
internal sealed record ParseResult(NetworkSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics, WeightsReference? Weights = null);
