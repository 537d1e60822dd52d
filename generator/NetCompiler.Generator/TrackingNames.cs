namespace NetCompiler.Generator;

/// <summary>Names of the pipeline steps, so tests can check which steps were cached on a re-run.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Spec = nameof(Spec);
    public const string DenseWithoutNetwork = nameof(DenseWithoutNetwork);
}
