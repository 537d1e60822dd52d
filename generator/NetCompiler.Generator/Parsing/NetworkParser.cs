using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetCompiler.Generator.Diagnostics;
using NetCompiler.Generator.Model;

namespace NetCompiler.Generator.Parsing;

/// <summary>
/// Turns a class carrying <c>[Network]</c> into a <see cref="NetworkSpec"/> plus diagnostics.
/// Never throws on bad or half-typed code: an attribute the compiler could not bind is left to the
/// compiler's own error and produces no output here.
/// </summary>
internal static class NetworkParser
{
    public const string NetworkAttributeName = "NetCompiler.NetworkAttribute";
    public const string DenseAttributeName = "NetCompiler.DenseAttribute";
    public const string DropoutAttributeName = "NetCompiler.DropoutAttribute";

    /// <summary>The <c>[Network]</c> property naming a weights file to bake in.</summary>
    private const string WeightsArgument = "Weights";
    private const string AcceptLogitsArgument = "AcceptLogits";

    /// <summary>Namespace names as C# source, with keywords escaped (<c>@class</c>).</summary>
    private static readonly SymbolDisplayFormat EscapedNames = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

    /// <summary>A name as a C# identifier: a keyword gets the verbatim prefix (<c>event</c> → <c>@event</c>).</summary>
    private static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None ? name : "@" + name;

    /// <summary>The generator's entry: one declaration carrying <c>[Network]</c>.</summary>
    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
        Parse(context.TargetSymbol, context.TargetNode, context.Attributes[0], context.SemanticModel, cancellationToken);

    /// <summary>
    /// Parses one declaration of <paramref name="symbol"/> that carries the <c>[Network]</c> attribute
    /// <paramref name="network"/>. The generator and <see cref="NetworkDeclarationAnalyzer"/> both call this, so the
    /// network that is generated and the diagnostics the editor shows come from the same reading of the attributes.
    /// </summary>
    public static ParseResult Parse(ISymbol symbol, SyntaxNode node, AttributeData network, SemanticModel semanticModel, CancellationToken cancellationToken)
    {
        if (symbol is not INamedTypeSymbol type
            || node is not TypeDeclarationSyntax declaration
            || HeaderIsIncomplete(declaration))
        {
            // A class still being typed ("public partial class" with no name, "class Net(" ...) is the
            // compiler's to report; anything said or generated from half a declaration would be a guess.
            return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
        }

        var diagnostics = new List<DiagnosticInfo>();
        var classLocation = LocationInfo.From(declaration.Identifier.GetLocation());
        string name = type.Name;

        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkClassNotPartial, classLocation, name));
        }

        string? unsupported = UnsupportedTypeReason(type, cancellationToken);
        if (unsupported is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedNetworkType, classLocation, name, unsupported));
        }

        // Diagnostics about the values written in the attributes. They are dropped when the compiler reports
        // an error in one of those attributes: the value we see may then be a guess (for example "Inputs = 4.5"
        // binds as 4), and the compiler's own error says what is wrong.
        var valueDiagnostics = new List<DiagnosticInfo>();

        // [Network] allows one application; a second one (on this or another partial declaration) is the
        // compiler's CS0579. Each declaration carrying [Network] is parsed separately, so generating here
        // would emit the same file twice.
        bool bindingErrors = type.GetAttributes().Count(a => a.AttributeClass?.ToDisplayString() == NetworkAttributeName) != 1;

        // An attribute the compiler cannot resolve may be a [Dense] being typed ("[Dens(3"): the layers are unknown.
        bindingErrors |= type.GetAttributes().Any(IsUnresolved);

        var networkSyntax = network.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        bindingErrors |= HasCompilerErrors(networkSyntax, semanticModel, cancellationToken);

        int inputSize = 0;
        bool inputsSet = false;
        int lossValue = (int)LossKind.MeanSquaredError;
        int precisionValue = (int)PrecisionKind.Single;
        string? weightsFile = null;
        bool acceptLogits = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var argument in network.NamedArguments)
        {
            if (argument.Key == AcceptLogitsArgument && argument.Value.Value is bool accept && seen.Add(argument.Key))
            {
                acceptLogits = accept;
                continue;
            }

            if (argument.Key == WeightsArgument && argument.Value.Kind == TypedConstantKind.Primitive && seen.Add(argument.Key))
            {
                // A string, or null ("Weights = null" bakes in nothing). The file is read and checked in a later step.
                weightsFile = argument.Value.Value as string;
                continue;
            }

            if (argument.Value.Kind == TypedConstantKind.Error || argument.Value.Value is not int value || !seen.Add(argument.Key))
            {
                bindingErrors = true;
                continue;
            }

            if (argument.Key == "Inputs")
            {
                inputSize = value;
                inputsSet = true;
            }
            else if (argument.Key == "Loss")
            {
                lossValue = value;
            }
            else if (argument.Key == "Precision")
            {
                precisionValue = value;
            }
        }

        if (networkSyntax?.ArgumentList is { } arguments && arguments.Arguments.Count != network.NamedArguments.Length)
        {
            // An argument the compiler could not bind (for example "Inputs = )"): it reports that itself.
            bindingErrors = true;
        }

        if (inputSize <= 0)
        {
            var location = LocationInfo.From(NamedArgument(networkSyntax, "Inputs")) ?? LocationInfo.From(networkSyntax);
            string shown = inputsSet ? Number(inputSize) : "0 (Inputs is not set)";
            valueDiagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputSize, location, name, shown));
        }

        if (!Enum.IsDefined(typeof(LossKind), lossValue))
        {
            var location = LocationInfo.From(NamedArgument(networkSyntax, "Loss")) ?? LocationInfo.From(networkSyntax);
            valueDiagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownLoss, location, name, Number(lossValue)));
        }

        if (!Enum.IsDefined(typeof(PrecisionKind), precisionValue))
        {
            var location = LocationInfo.From(NamedArgument(networkSyntax, "Precision")) ?? LocationInfo.From(networkSyntax);
            valueDiagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownPrecision, location, name, Number(precisionValue)));
        }

        var layers = new List<LayerSpec>();
        var layerSyntaxes = new List<AttributeSyntax?>();
        var dropoutSyntaxes = new Dictionary<int, AttributeSyntax?>();
        foreach (var attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? attributeName = attribute.AttributeClass?.ToDisplayString();
            if (attributeName == DropoutAttributeName)
            {
                bindingErrors |= !ParseDropout(attribute, name, layers, dropoutSyntaxes, valueDiagnostics, semanticModel, cancellationToken);
                continue;
            }

            if (attributeName != DenseAttributeName)
            {
                continue;
            }

            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            var args = attribute.ConstructorArguments;
            if (attribute.AttributeConstructor is null
                || args.Length != 2
                || args.Any(a => a.Kind == TypedConstantKind.Error || a.Value is not int)
                || HasCompilerErrors(syntax, semanticModel, cancellationToken))
            {
                bindingErrors = true;
                continue;
            }

            int layerNumber = layers.Count + 1;
            int size = (int)args[0].Value!;
            int activation = (int)args[1].Value!;
            if (size <= 0)
            {
                var location = LocationInfo.From(ConstructorArgument(syntax, 0, "size")) ?? LocationInfo.From(syntax);
                valueDiagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerSize, location, Number(layerNumber), name, Number(size)));
            }

            if (!Enum.IsDefined(typeof(ActivationKind), activation))
            {
                var location = LocationInfo.From(ConstructorArgument(syntax, 1, "activation")) ?? LocationInfo.From(syntax);
                valueDiagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownActivation, location, Number(layerNumber), name, Number(activation)));
            }

            layers.Add(new LayerSpec(size, (ActivationKind)activation));
            layerSyntaxes.Add(syntax);
        }

        if (bindingErrors)
        {
            // The compiler already reports the broken attribute; generating from a guess would only add noise.
            return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        if (layers.Count > 0 && layers[layers.Count - 1].Dropout > 0f)
        {
            // Dropout after the output layer would drop the network's outputs themselves.
            var syntax = dropoutSyntaxes[layers.Count - 1];
            valueDiagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DropoutAfterOutputLayer, LocationInfo.From(syntax), name));
        }

        diagnostics.AddRange(valueDiagnostics);
        if (layers.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, classLocation, name));
        }
        else
        {
            CheckLayerSemantics(name, (LossKind)lossValue, layers, layerSyntaxes, diagnostics);
            if (acceptLogits)
            {
                CheckAcceptLogits(name, weightsFile, layers[layers.Count - 1].Activation, (SyntaxNode?)NamedArgument(networkSyntax, AcceptLogitsArgument) ?? networkSyntax, diagnostics);
            }

            CheckSizes(name, inputSize, layers, classLocation, diagnostics);
            if (unsupported is null)
            {
                CheckGeneratedMemberClashes(type, name, GeneratedMembers.NamesFor(layers.Count, pretrained: weightsFile is not null), layers.Any(l => l.Dropout > 0f), precisionValue == (int)PrecisionKind.Double ? "double" : "float", classLocation, diagnostics);
            }
        }

        if (diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error))
        {
            return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        var spec = new NetworkSpec(
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString(EscapedNames) : null,
            new EquatableArray<ContainingTypeSpec>(ContainingTypes(type)),
            Identifier(name),
            name,
            inputSize,
            (LossKind)lossValue,
            new EquatableArray<LayerSpec>(layers),
            Precision: (PrecisionKind)precisionValue);
        var weights = weightsFile is null
            ? null
            : new WeightsReference(weightsFile, LocationInfo.From(NamedArgument(networkSyntax, WeightsArgument)) ?? LocationInfo.From(networkSyntax), acceptLogits);
        return new ParseResult(spec, new EquatableArray<DiagnosticInfo>(diagnostics), weights);
    }

    /// <summary>Warns (NC0022) when <c>AcceptLogits = true</c> can change nothing: no ONNX weights file, or no Softmax or Sigmoid output layer.</summary>
    private static void CheckAcceptLogits(string name, string? weightsFile, ActivationKind output, SyntaxNode? argument, List<DiagnosticInfo> diagnostics)
    {
        string? reason = weightsFile is null
            ? "it bakes in no weights file (to load ONNX logits at run time, pass new OnnxImportOptions { AcceptLogits = true } to OnnxImporter.Load)"
            : WeightsFileReader.FormatOf(weightsFile) != WeightsFormat.Onnx
                ? $"its weights file '{weightsFile}' is not an ONNX model, and only ONNX models end in logits"
                : output is not (ActivationKind.Softmax or ActivationKind.Sigmoid)
                    ? $"its output layer is {output}, not Softmax or Sigmoid, so there are no logits to turn into probabilities"
                    : null;
        if (reason is not null)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.AcceptLogitsHasNoEffect, LocationInfo.From(argument), name, reason));
        }
    }

    /// <summary>Reports <c>[Dense]</c> on a class that has no <c>[Network]</c> (nothing would be generated).</summary>
    public static EquatableArray<DiagnosticInfo> ParseDenseOnly(ISymbol symbol, SyntaxNode node, AttributeData dense, CancellationToken cancellationToken)
    {
        if (symbol is not INamedTypeSymbol type
            || node is not TypeDeclarationSyntax declaration
            || HeaderIsIncomplete(declaration)
            || type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == NetworkAttributeName || IsUnresolved(a)))
        {
            // An attribute the compiler cannot resolve may be the [Network] being typed ("[Netwo"): its error says more.
            return EquatableArray<DiagnosticInfo>.Empty;
        }

        var location = LocationInfo.From(dense.ApplicationSyntaxReference?.GetSyntax(cancellationToken))
            ?? LocationInfo.From(declaration.Identifier.GetLocation());
        return new EquatableArray<DiagnosticInfo>([DiagnosticInfo.Create(DiagnosticDescriptors.DenseWithoutNetwork, location, type.Name)]);
    }

    private static void CheckLayerSemantics(string name, LossKind loss, List<LayerSpec> layers, List<AttributeSyntax?> syntaxes, List<DiagnosticInfo> diagnostics)
    {
        for (int i = 0; i < layers.Count - 1; i++)
        {
            if (layers[i].Activation == ActivationKind.Softmax)
            {
                var location = LocationInfo.From(ConstructorArgument(syntaxes[i], 1, "activation")) ?? LocationInfo.From(syntaxes[i]);
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxOnHiddenLayer, location, Number(i + 1), name));
            }
        }

        var output = layers[layers.Count - 1].Activation;
        var outputSyntax = syntaxes[syntaxes.Count - 1];

        // Both point at the output layer's activation, or at the whole [Dense] when it uses the default (Identity).
        var outputActivation = LocationInfo.From(ConstructorArgument(outputSyntax, 1, "activation")) ?? LocationInfo.From(outputSyntax);
        if (loss == LossKind.CrossEntropy && output != ActivationKind.Softmax && output != ActivationKind.Sigmoid && Enum.IsDefined(typeof(ActivationKind), output))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CrossEntropyNeedsSoftmaxOrSigmoid, outputActivation, name, output.ToString()));
        }

        if (loss == LossKind.MeanSquaredError && output == ActivationKind.Softmax)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MeanSquaredErrorOverSoftmax, outputActivation, name));
        }
    }

    /// <summary>
    /// Reports NC0011 when a number the generated code holds as an <c>int</c> would not fit one: the parameter count
    /// (every offset and weight count is below it), the per-sample scratch of each kernel, and the scratch of a whole
    /// tile of the batched forward pass (a constant expression, which would not compile if it overflowed). Computed in
    /// 64 bits before any plan is made; the batched training scratch, which grows with the batch, is checked at run time.
    /// </summary>
    private static void CheckSizes(string name, int inputSize, List<LayerSpec> layers, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (inputSize <= 0 || layers.Any(l => l.Size <= 0))
        {
            return;
        }

        long parameters = 0;
        long neurons = 0;
        long previous = inputSize;
        foreach (var layer in layers)
        {
            parameters += (layer.Size * previous) + layer.Size;
            neurons += layer.Size;
            previous = layer.Size;
        }

        long largest = new[]
        {
            parameters,
            3 * neurons,                                             // z, a and δ of every layer, one sample
            (inputSize + neurons) * NetworkPlan.TileSamples,                     // a tile of the batched forward pass
            inputSize + (4 * neurons) + previous + 1,                // the batched training scratch of one sample
        }.Max();
        if (largest > int.MaxValue)
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.ParameterCountOverflow,
                location,
                name,
                largest.ToString(System.Globalization.CultureInfo.InvariantCulture),
                int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>
    /// Reports each member of the user's class that would clash with a generated public member (NC0019: the same name,
    /// or for a method or constructor the same parameter types), and a class named like a generated member (NC0020).
    /// An overload with other parameter types does not clash.
    /// </summary>
    private static void CheckGeneratedMemberClashes(INamedTypeSymbol type, string name, HashSet<string> generated, bool hasDropout, string element, LocationInfo? classLocation, List<DiagnosticInfo> diagnostics)
    {
        if (generated.Contains(name))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ClassNameClashesWithGenerated, classLocation, name));
        }

        foreach (var member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared || member.Locations.FirstOrDefault(l => l.IsInSource) is not { } location)
            {
                continue;
            }

            string? kind = member switch
            {
                IMethodSymbol { MethodKind: MethodKind.Constructor } => "a constructor",
                IMethodSymbol { MethodKind: MethodKind.Ordinary } => "a method",
                IPropertySymbol { ExplicitInterfaceImplementations.Length: 0 } => "a property",
                IFieldSymbol => "a field",
                IEventSymbol { ExplicitInterfaceImplementations.Length: 0 } => "an event",
                INamedTypeSymbol => "a nested type",
                _ => null,
            };
            string memberName = member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? ".ctor" : member.Name;
            if (kind is null || !(generated.Contains(memberName) || memberName == ".ctor"))
            {
                continue;
            }

            string detail = string.Empty;
            if (member is IMethodSymbol method && GeneratedMembers.SignaturesOf(memberName, hasDropout, element) is { } signatures)
            {
                string[] parameters = [.. method.Parameters.Select(p => p.Type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat))];
                if (!signatures.Any(signature => signature.SequenceEqual(parameters)))
                {
                    continue;
                }

                detail = " with the same parameter types (" + string.Join(", ", parameters) + ")";
            }
            else if (memberName == ".ctor")
            {
                continue;
            }

            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.MemberClashesWithGenerated,
                LocationInfo.From(location),
                name,
                kind,
                memberName == ".ctor" ? name : memberName,
                detail));
        }
    }

    private static string? UnsupportedTypeReason(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        // Not IsGenericType: that is also true for a non-generic class nested in a generic type (reported below).
        if (type.Arity > 0)
        {
            return "a network class cannot be generic; declare one non-generic class per topology";
        }

        if (type.IsRecord)
        {
            return "a network class cannot be a record (records add value equality and printing over the parameters); declare it as a 'partial class'";
        }

        if (type.IsStatic)
        {
            return "a network class cannot be static, because networks are instances holding their parameters; remove 'static'";
        }

        if (type.IsAbstract)
        {
            return "a network class cannot be abstract, because the generated Create(seed) constructs it; remove 'abstract'";
        }

        if (type.IsFileLocal)
        {
            return "a network class cannot be file-local, because the generated members are added from another file; remove 'file'";
        }

        if (type.DeclaringSyntaxReferences.Any(r => r.GetSyntax(cancellationToken) is TypeDeclarationSyntax { ParameterList: not null }))
        {
            return "a network class cannot have a primary constructor, because the generated constructors set up its parameters; remove the parameter list after the class name";
        }

        for (var container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            if (container.IsFileLocal)
            {
                return $"it is nested in the file-local type '{container.Name}', and the generated members are added from another file; remove 'file' from '{container.Name}'";
            }

            if (container.Arity > 0)
            {
                // Named with its type parameters ("Outer<T>"), as the user wrote it.
                return $"it is nested in the generic type '{container.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)}'; move the network out of the generic type";
            }

            bool partial = container.DeclaringSyntaxReferences.Any(r =>
                r.GetSyntax(cancellationToken) is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!partial)
            {
                return $"it is nested in '{container.Name}', which is not partial; add the 'partial' modifier to '{container.Name}'";
            }
        }

        return null;
    }

    private static IEnumerable<ContainingTypeSpec> ContainingTypes(INamedTypeSymbol type)
    {
        var chain = new List<ContainingTypeSpec>();
        for (var container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            string keyword = container switch
            {
                { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
                { IsRecord: true } => "record",
                { TypeKind: TypeKind.Struct } => "struct",
                { TypeKind: TypeKind.Interface } => "interface",
                _ => "class",
            };
            chain.Add(new ContainingTypeSpec(keyword, Identifier(container.Name)));
        }

        chain.Reverse();
        return chain;
    }

    private static AttributeArgumentSyntax? NamedArgument(AttributeSyntax? attribute, string name) =>
        attribute?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);

    private static AttributeArgumentSyntax? ConstructorArgument(AttributeSyntax? attribute, int position, string parameterName)
    {
        if (attribute?.ArgumentList is not { } list)
        {
            return null;
        }

        var named = list.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == parameterName);
        if (named is not null)
        {
            return named;
        }

        // A positional argument always sits at its parameter's position, also after a named argument
        // written in position ("size: 16, Activation.Tanh").
        return position < list.Arguments.Count && list.Arguments[position] is { NameColon: null, NameEquals: null } positional
            ? positional
            : null;
    }

    /// <summary>
    /// Whether the class header (modifiers, name, type parameters, parameter list, base list, constraints) has a
    /// syntax error, or the class has neither a body nor a ';' yet. Errors inside the body do not count: the network is
    /// still generated while the user types a member. Attribute lists are checked per attribute
    /// (<see cref="HasCompilerErrors"/>), so the class-level NC0001 and NC0002 are still reported beside them.
    /// </summary>
    private static bool HeaderIsIncomplete(TypeDeclarationSyntax declaration)
    {
        if (declaration.OpenBraceToken.IsMissing || declaration.SemicolonToken.IsMissing)
        {
            return true;
        }

        foreach (var part in declaration.ChildNodesAndTokens())
        {
            if (part.IsKind(SyntaxKind.OpenBraceToken) || part.IsKind(SyntaxKind.SemicolonToken))
            {
                break;
            }

            if (!part.IsKind(SyntaxKind.AttributeList) && (part.ContainsDiagnostics || part.IsMissing))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An attribute whose class the compiler could not find (a typo, or a missing using directive).</summary>
    private static bool IsUnresolved(AttributeData attribute) =>
        attribute.AttributeClass is null or { TypeKind: TypeKind.Error };

    /// <summary>
    /// Whether the compiler reports an error in the attribute list holding <paramref name="attribute"/> (a syntax
    /// error such as a missing ']' or a binding error such as "Inputs = 4.5"). Not having the syntax counts as an error.
    /// </summary>
    private static bool HasCompilerErrors(AttributeSyntax? attribute, SemanticModel model, CancellationToken cancellationToken)
    {
        if (attribute?.Parent is not AttributeListSyntax list)
        {
            return true;
        }

        if (list.ContainsDiagnostics)
        {
            return true;
        }

        var semanticModel = list.SyntaxTree == model.SyntaxTree ? model : model.Compilation.GetSemanticModel(list.SyntaxTree);
        return semanticModel.GetDiagnostics(list.Span, cancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error);
    }

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads one <c>[Dropout(rate)]</c> and records its rate on the <c>[Dense]</c> declared just before it, reporting a
    /// rate outside (0, 1) (NC0025), a dropout before the first dense layer (NC0026) and a second dropout on the same
    /// layer (NC0028). Returns false when the compiler could not bind the attribute (it reports that itself).
    /// </summary>
    private static bool ParseDropout(
        AttributeData attribute,
        string name,
        List<LayerSpec> layers,
        Dictionary<int, AttributeSyntax?> dropoutSyntaxes,
        List<DiagnosticInfo> diagnostics,
        SemanticModel semanticModel,
        CancellationToken cancellationToken)
    {
        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        var args = attribute.ConstructorArguments;
        if (attribute.AttributeConstructor is null
            || args.Length != 1
            || args[0].Kind == TypedConstantKind.Error
            || args[0].Value is not double rate
            || HasCompilerErrors(syntax, semanticModel, cancellationToken))
        {
            return false;
        }

        var location = LocationInfo.From(syntax);
        if (!(rate > 0 && rate < 1))
        {
            var rateLocation = LocationInfo.From(ConstructorArgument(syntax, 0, "rate")) ?? location;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidDropoutRate, rateLocation, name, rate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
            return true;
        }

        if (layers.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DropoutBeforeFirstLayer, location, name));
            return true;
        }

        int layer = layers.Count - 1;
        if (layers[layer].Dropout > 0f)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RepeatedDropout, location, name, Number(layer + 1)));
            return true;
        }

        layers[layer] = layers[layer] with { Dropout = (float)rate };
        dropoutSyntaxes[layer] = syntax;
        return true;
    }
}
