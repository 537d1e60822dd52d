namespace NetCompiler.Onnx;

/// <summary>Choices for <see cref="OnnxImporter.Load{TNet}(TNet, string, OnnxImportOptions?)"/> about graphs that differ from the network on purpose.</summary>
public sealed record OnnxImportOptions
{
    /// <summary>
    /// Accepts a graph that ends in logits (no activation after its last dense layer) for a network whose output layer is
    /// Softmax or Sigmoid. PyTorch classifiers end at the last <c>nn.Linear</c>: the softmax lives in
    /// <c>CrossEntropyLoss</c> and the sigmoid in <c>BCEWithLogitsLoss</c>, so the exported graph outputs logits. With this
    /// option the weights load, and the network computes the probabilities the loss would have: its outputs are the
    /// Softmax (or Sigmoid) of the graph's. Off by default, because the outputs then differ from the graph's.
    /// </summary>
    public bool AcceptLogits { get; init; }
}
