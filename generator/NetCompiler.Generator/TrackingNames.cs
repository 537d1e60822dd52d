namespace NetCompiler.Generator;

/// <summary>Names of the pipeline steps, so tests can check which steps were cached on a re-run.</summary>
internal static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Spec = nameof(Spec);

    /// <summary>The names of the weights files the declarations ask for.</summary>
    public const string WeightsRequests = nameof(WeightsRequests);

    /// <summary>Reading one weights file (runs again only when that AdditionalFiles item changes).</summary>
    public const string ReadWeights = nameof(ReadWeights);

    /// <summary>The paths of the side files (ONNX external data) the weights files keep their weights in.</summary>
    public const string SideFileRequests = nameof(SideFileRequests);

    /// <summary>Reading one side file (runs again only when that AdditionalFiles item changes).</summary>
    public const string ReadSideFiles = nameof(ReadSideFiles);

    /// <summary>Reading an ONNX weights file with its side files (passes any other file through).</summary>
    public const string CompleteWeights = nameof(CompleteWeights);

    /// <summary>Checking a network's weights file against its topology.</summary>
    public const string BindWeights = nameof(BindWeights);

    /// <summary>The hint names of all networks, so each file can tell whether its name needs telling apart from another's by case only.</summary>
    public const string HintNames = nameof(HintNames);
}
