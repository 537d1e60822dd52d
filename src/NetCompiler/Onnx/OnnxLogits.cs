namespace NetCompiler.Onnx;

/// <summary>
/// When a graph ending in logits (its last dense layer has no activation) may load into a network whose output layer
/// is Softmax or Sigmoid, and how a refusal says so; shared by the runtime importer and the generator's baked weights.
/// </summary>
internal static class OnnxLogits
{
    /// <summary>Whether the graph's output layer computes logits where the network's output layer is Softmax or Sigmoid.</summary>
    public static bool EndsInLogitsFor(Activation? graph, Activation network, bool isOutputOfBoth) =>
        isOutputOfBoth && graph == Activation.Identity && network is Activation.Softmax or Activation.Sigmoid;

    /// <summary>The difference a mismatch lists for such a layer when logits were not accepted, ending with how to accept them.</summary>
    public static string Difference(int layer, Activation network, string howToAccept) =>
        $"layer {layer} activation: ONNX none (identity), network {network}: the graph outputs logits (PyTorch classifiers leave the {network} to the loss); to load them into a {network} output layer, {howToAccept}";
}
