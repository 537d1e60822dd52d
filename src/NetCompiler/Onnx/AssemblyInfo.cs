using System.Runtime.CompilerServices;

// The ONNX tests author foreign-shaped models (PyTorch, Keras) with the internal protobuf writer.
[assembly: InternalsVisibleTo("NetCompiler.Onnx.Tests")]
