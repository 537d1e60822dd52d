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

    public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not ClassDeclarationSyntax declaration)
        {
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

        bool bindingErrors = false;
        var network = context.Attributes[0];
        int inputSize = 0;
        int lossValue = (int)LossKind.MeanSquaredError;
        foreach (var argument in network.NamedArguments)
        {
            if (argument.Value.Kind == TypedConstantKind.Error || argument.Value.Value is not int value)
            {
                bindingErrors = true;
                continue;
            }

            if (argument.Key == "Inputs")
            {
                inputSize = value;
            }
            else if (argument.Key == "Loss")
            {
                lossValue = value;
            }
        }

        var networkSyntax = network.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        if (networkSyntax?.ArgumentList is { } arguments && arguments.Arguments.Count != network.NamedArguments.Length)
        {
            // An argument the compiler could not bind (for example "Inputs = )"): it reports that itself.
            bindingErrors = true;
        }

        if (!bindingErrors && inputSize <= 0)
        {
            var location = LocationInfo.From(NamedArgument(networkSyntax, "Inputs")) ?? LocationInfo.From(networkSyntax);
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidInputSize, location, name, inputSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (!Enum.IsDefined(typeof(LossKind), lossValue))
        {
            var location = LocationInfo.From(NamedArgument(networkSyntax, "Loss")) ?? LocationInfo.From(networkSyntax);
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownLoss, location, name, lossValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var layers = new List<LayerSpec>();
        var layerSyntaxes = new List<AttributeSyntax?>();
        foreach (var attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (attribute.AttributeClass?.ToDisplayString() != DenseAttributeName)
            {
                continue;
            }

            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            var args = attribute.ConstructorArguments;
            if (attribute.AttributeConstructor is null || args.Length != 2 || args.Any(a => a.Kind == TypedConstantKind.Error || a.Value is not int))
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
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidLayerSize, location, Number(layerNumber), name, Number(size)));
            }

            if (!Enum.IsDefined(typeof(ActivationKind), activation))
            {
                var location = LocationInfo.From(ConstructorArgument(syntax, 1, "activation")) ?? LocationInfo.From(syntax);
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownActivation, location, Number(layerNumber), name, Number(activation)));
            }

            layers.Add(new LayerSpec(size, (ActivationKind)activation));
            layerSyntaxes.Add(syntax);
        }

        if (bindingErrors)
        {
            // The compiler already reports the broken attribute; generating from a guess would only add noise.
            return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        if (layers.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers, classLocation, name));
        }
        else
        {
            CheckLayerSemantics(name, (LossKind)lossValue, layers, layerSyntaxes, diagnostics);
            CheckSizes(name, inputSize, layers, classLocation, diagnostics);
        }

        if (diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error))
        {
            return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        var spec = new NetworkSpec(
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : null,
            new EquatableArray<ContainingTypeSpec>(ContainingTypes(type)),
            name,
            inputSize,
            (LossKind)lossValue,
            new EquatableArray<LayerSpec>(layers));
        return new ParseResult(spec, new EquatableArray<DiagnosticInfo>(diagnostics));
    }

    /// <summary>Reports <c>[Dense]</c> on a class that has no <c>[Network]</c> (nothing would be generated).</summary>
    public static EquatableArray<DiagnosticInfo> ParseDenseOnly(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type
            || context.TargetNode is not ClassDeclarationSyntax declaration
            || type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == NetworkAttributeName))
        {
            return EquatableArray<DiagnosticInfo>.Empty;
        }

        var location = LocationInfo.From(context.Attributes[0].ApplicationSyntaxReference?.GetSyntax(cancellationToken))
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
        if (loss == LossKind.CrossEntropy && output != ActivationKind.Softmax && output != ActivationKind.Sigmoid && Enum.IsDefined(typeof(ActivationKind), output))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.CrossEntropyNeedsSoftmaxOrSigmoid, LocationInfo.From(outputSyntax), name, output.ToString()));
        }

        if (loss == LossKind.MeanSquaredError && output == ActivationKind.Softmax)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MeanSquaredErrorOverSoftmax, LocationInfo.From(outputSyntax), name));
        }
    }

    private static void CheckSizes(string name, int inputSize, List<LayerSpec> layers, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (inputSize <= 0 || layers.Any(l => l.Size <= 0))
        {
            return;
        }

        // The parameter buffer and each kernel's scratch buffer (z, a and δ of every layer) are indexed with int.
        long parameters = 0;
        long scratch = 0;
        long previous = inputSize;
        foreach (var layer in layers)
        {
            parameters += (layer.Size * previous) + layer.Size;
            scratch += 3L * layer.Size;
            previous = layer.Size;
        }

        long largest = Math.Max(parameters, scratch);
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

    /// <summary>Why the generator cannot add members to this type, or null when it can.</summary>
    private static string? UnsupportedTypeReason(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.IsGenericType)
        {
            return "a network class cannot be generic; declare one non-generic class per topology";
        }

        if (type.IsStatic)
        {
            return "a network class cannot be static, because networks are instances holding their parameters; remove 'static'";
        }

        for (var container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            if (container.IsGenericType)
            {
                return $"it is nested in the generic type '{container.Name}'; move the network out of the generic type";
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
            chain.Add(new ContainingTypeSpec(keyword, container.Name));
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

        var positional = list.Arguments.Where(a => a.NameColon is null && a.NameEquals is null).ToList();
        return position < positional.Count ? positional[position] : null;
    }

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
