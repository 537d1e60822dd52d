        /// <summary>The input gradient <c>(∂a_L/∂x)ᵀ outputGradient</c> with this network's parameters (see the static form). Allocation-free; thread-safe.</summary>
        public void InputGradient(global::System.ReadOnlySpan<float> input, global::System.ReadOnlySpan<float> outputGradient, global::System.Span<float> inputGradient) => InputGradient(_parameters, input, outputGradient, inputGradient);
        /// <summary>The Jacobian <c>∂a_L/∂x</c>, row-major <c>[OutputSize, InputSize]</c>, with this network's parameters (see the static form). Allocation-free; thread-safe.</summary>
        public void Jacobian(global::System.ReadOnlySpan<float> input, global::System.Span<float> jacobian) => Jacobian(_parameters, input, jacobian);
        /// <summary>The gradient of the sample's loss with respect to its input, <c>∂J_x/∂x</c>, with this network's parameters; returns <c>J_x</c>. Allocation-free; thread-safe.</summary>
        public float LossInputGradient(global::System.ReadOnlySpan<float> input, global::System.ReadOnlySpan<float> target, global::System.Span<float> inputGradient) => LossInputGradient(_parameters, input, target, inputGradient);
        /// <summary>The vector–Jacobian product <c>inputGradient = (∂a_L/∂x)ᵀ outputGradient</c> at <paramref name="input"/>, in reverse mode: BP2 carried one layer further, through <c>W_1ᵀ</c>. With a one-hot <paramref name="outputGradient"/> it is a saliency map of that output. Inference semantics: the [Dropout] layers are the identity, as in Forward. Allocation-free and thread-safe.</summary>
        public static void InputGradient(global::System.ReadOnlySpan<float> parameters, global::System.ReadOnlySpan<float> input, global::System.ReadOnlySpan<float> outputGradient, global::System.Span<float> inputGradient) => global::NetCompiler.Kernels.InputDerivativeLoop<global::Samples.Saliency.SaliencyNetKernels, float>.InputGradient(parameters, input, outputGradient, inputGradient);
        /// <summary><see cref="InputGradient(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, global::System.Span{float})"/> for each row of a row-major batch: <c>inputs</c> and <c>inputGradients</c> are <c>[count, InputSize]</c>, <c>outputGradients</c> <c>[count, OutputSize]</c>. Allocation-free; thread-safe.</summary>
        public static void InputGradientBatch(global::System.ReadOnlySpan<float> parameters, global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<float> outputGradients, global::System.Span<float> inputGradients) => global::NetCompiler.Kernels.InputDerivativeLoop<global::Samples.Saliency.SaliencyNetKernels, float>.InputGradientBatch(parameters, inputs, outputGradients, inputGradients);
        /// <summary>The Jacobian <c>∂a_L/∂x</c> at <paramref name="input"/> into <paramref name="jacobian"/>, row-major <c>[OutputSize, InputSize]</c> (row k is the input gradient of output k), in forward mode: this network has 3 inputs and 5 outputs. Inference semantics: the [Dropout] layers are the identity, as in Forward. Allocation-free once the array pool is warm; thread-safe.</summary>
        public static void Jacobian(global::System.ReadOnlySpan<float> parameters, global::System.ReadOnlySpan<float> input, global::System.Span<float> jacobian) => global::NetCompiler.Kernels.InputDerivativeLoop<global::Samples.Saliency.SaliencyNetKernels, float>.Jacobian(parameters, input, jacobian, global::NetCompiler.JacobianMode.Forward);
        /// <summary>The Jacobian <c>∂a_L/∂x</c> in the given <paramref name="mode"/>: forward propagates the sensitivities <c>T_l = ∂z_l/∂x</c> from the input, one column per input; reverse sweeps BP2 back from the output, one row per output. Equal within float rounding. Inference semantics: the [Dropout] layers are the identity, as in Forward.</summary>
        public static void Jacobian(global::System.ReadOnlySpan<float> parameters, global::System.ReadOnlySpan<float> input, global::System.Span<float> jacobian, global::NetCompiler.JacobianMode mode) => global::NetCompiler.Kernels.InputDerivativeLoop<global::Samples.Saliency.SaliencyNetKernels, float>.Jacobian(parameters, input, jacobian, mode);
        /// <summary>The gradient of the sample's loss with respect to its input, <c>∂J_x/∂x = W_1ᵀ δ_1</c> (BP1, then BP2 down to layer 1, then through <c>W_1ᵀ</c>), into <paramref name="inputGradient"/>; returns <c>J_x</c>. What saliency maps and adversarial examples use. Inference semantics: the [Dropout] layers are the identity, as in Forward. Allocation-free and thread-safe.</summary>
        public static float LossInputGradient(global::System.ReadOnlySpan<float> parameters, global::System.ReadOnlySpan<float> input, global::System.ReadOnlySpan<float> target, global::System.Span<float> inputGradient) => global::NetCompiler.Kernels.InputDerivativeLoop<global::Samples.Saliency.SaliencyNetKernels, float>.LossInputGradient(parameters, input, target, inputGradient);
        /// <summary><see cref="LossInputGradient(global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, global::System.ReadOnlySpan{float}, global::System.Span{float})"/> for each row of a row-major batch: row s of <c>inputGradients</c> is <c>∂J_x/∂x</c> of sample s (not divided by the batch size). Returns the sum of the samples' losses. Allocation-free; thread-safe.</summary>
        public static float LossInputGradientBatch(global::System.ReadOnlySpan<float> parameters, global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<float> targets, global::System.Span<float> inputGradients) => global::NetCompiler.Kernels.InputDerivativeLoop<global::Samples.Saliency.SaliencyNetKernels, float>.LossInputGradientBatch(parameters, inputs, targets, inputGradients);

        // ---- Derivatives with respect to the input x; InputDerivativeLoop runs these passes. After the forward pass, rows0 and
        // rows1 hold blocks of rows over a layer's neurons, each row one derivative: an adjoint ∂(·)/∂z_l in reverse mode (BP2,
        // one row per output gradient) or a tangent ∂z_l/∂x_r in forward mode (row r of T_l = ∂z_l/∂x, one row per input). ----
        // Inference semantics: the [Dropout] layers are the identity here, as in Forward.
        // Jacobian: forward mode by default, since InputSize 3 ≤ OutputSize 5: 3 tangent rows cost no more than 5 adjoint rows.
        static int global::NetCompiler.Kernels.IInputDerivativeKernels<float>.ActivationsLength => 30; // z and a of every layer; rows0 follows
        static int global::NetCompiler.Kernels.IInputDerivativeKernels<float>.WidestLayer => 6; // the width of a row of rows0 and rows1

        /// <summary>The forward pass <c>a_l = f_l(W_l a_(l-1) + b_l)</c>, keeping z_l and a_l of every layer at the start of scratch for the sweeps.</summary>
        public static void ForwardKeepingActivations(global::System.ReadOnlySpan<float> parameters, global::System.ReadOnlySpan<float> input, global::System.Span<float> scratch)
        {
            global::System.Span<float> z1 = scratch.Slice(0, 6);
            global::System.Span<float> a1 = scratch.Slice(6, 6);
            global::System.Span<float> z2 = scratch.Slice(12, 4);
            global::System.Span<float> a2 = scratch.Slice(16, 4);
            global::System.Span<float> z3 = scratch.Slice(20, 5);
            global::System.Span<float> a3 = scratch.Slice(25, 5);
            ForwardLayer1(parameters, input, z1, a1);
            ForwardLayer2(parameters, a1, z2, a2);
            ForwardLayer3(parameters, a2, z3, a3);
        }

        /// <summary>Each of <c>rows</c> rows v of rows0 (width OutputSize) becomes <c>J_f3(z3) v</c>: the step through the output activation.</summary>
        public static void MultiplyByOutputJacobian(global::System.Span<float> scratch, int rows)
        {
            global::System.Span<float> z3 = scratch.Slice(20, 5);
            global::System.Span<float> a3 = scratch.Slice(25, 5);
            global::System.Span<float> rows0 = scratch.Slice(30, 6 * rows);
            global::NetCompiler.Kernels.InputGradientKernels.MultiplyRowsByJacobian<float>(global::NetCompiler.Activation.Sigmoid, z3, a3, rows0, rows);
        }

        /// <summary>BP1 into row 0 of rows0, as in training; returns the sample's loss J_x.</summary>
        public static float OutputDelta(global::System.ReadOnlySpan<float> target, global::System.Span<float> scratch)
        {
            global::System.Span<float> z3 = scratch.Slice(20, 5);
            global::System.Span<float> a3 = scratch.Slice(25, 5);
            global::System.Span<float> outputDelta = scratch.Slice(30, OutputSize); // row 0 of rows0
            // BP1: δ_L = ∂J_x/∂z3 = (a3 - t) ⊙ f'(z3); J_x = ½ ‖a3 - t‖².
            float loss = global::NetCompiler.Kernels.OutputLayer.MeanSquaredError<float>(a3, target, outputDelta);
            global::NetCompiler.Kernels.ActivationKernels.MultiplyBySigmoidDerivative<float>(z3, a3, outputDelta);
            return loss;
        }

        /// <summary>BP2 for <c>rows</c> rows at once, from rows0 (each row a δ_L = ∂(·)/∂z_L) down to layer 1, then through W_1ᵀ into <c>result</c> (<c>[rows, InputSize]</c>): <c>δ_(l-1) = (W_lᵀ δ_l) ⊙ f_(l-1)'(z_(l-1))</c>, row by row.</summary>
        public static void BackwardToInput(global::System.ReadOnlySpan<float> parameters, global::System.Span<float> scratch, int rows, global::System.Span<float> result)
        {
            global::System.Span<float> z1 = scratch.Slice(0, 6);
            global::System.Span<float> a1 = scratch.Slice(6, 6);
            global::System.Span<float> rows0 = scratch.Slice(30, 6 * rows);
            global::System.Span<float> rows1 = scratch.Slice((6 * rows) + 30, 6 * rows);
            // BP2: δ2 = (W3ᵀ δ3) ⊙ f2'(z2) for every row: rows1 = rows0 W3, then ⊙ f2'.
            global::NetCompiler.Kernels.InputGradientKernels.MultiplyRows<float>(rows0, rows, parameters.Slice(Layer3WeightOffset, Layer3WeightCount), Layer3Size, Layer3InputSize, rows1);
            // f2 is the identity: its Jacobian is I, so the rows stay as they are.
            // BP2: δ1 = (W2ᵀ δ2) ⊙ f1'(z1) for every row: rows0 = rows1 W2, then ⊙ f1'.
            global::NetCompiler.Kernels.InputGradientKernels.MultiplyRows<float>(rows1, rows, parameters.Slice(Layer2WeightOffset, Layer2WeightCount), Layer2Size, Layer2InputSize, rows0);
            global::NetCompiler.Kernels.InputGradientKernels.MultiplyRowsByJacobian<float>(global::NetCompiler.Activation.Tanh, z1, a1, rows0, rows);
            // ∂/∂x = W1ᵀ δ1 for every row: BP2 carried one layer further, result = rows0 W1.
            global::NetCompiler.Kernels.InputGradientKernels.MultiplyRows<float>(rows0, rows, parameters.Slice(Layer1WeightOffset, Layer1WeightCount), Layer1Size, InputSize, result);
        }

        /// <summary>Forward mode with <c>rows</c> = InputSize rows: row r of the buffers is ∂z_l/∂x_r (column r of T_l = ∂z_l/∂x), from T_1 = W_1 through T_l = W_l diag(f_(l-1)'(z_(l-1))) T_(l-1) to ∂a_L/∂x = J_f(z_L) T_L, transposed into <c>jacobian</c>.</summary>
        public static void ForwardJacobian(global::System.ReadOnlySpan<float> parameters, global::System.Span<float> scratch, int rows, global::System.Span<float> jacobian)
        {
            global::System.Span<float> z1 = scratch.Slice(0, 6);
            global::System.Span<float> a1 = scratch.Slice(6, 6);
            global::System.Span<float> z3 = scratch.Slice(20, 5);
            global::System.Span<float> a3 = scratch.Slice(25, 5);
            global::System.Span<float> rows0 = scratch.Slice(30, 6 * rows);
            global::System.Span<float> rows1 = scratch.Slice((6 * rows) + 30, 6 * rows);
            // T1 = ∂z1/∂x = W1: row r of rows0 is column r of W1.
            global::NetCompiler.Kernels.MatrixKernels.Transpose<float>(parameters.Slice(Layer1WeightOffset, Layer1WeightCount), Layer1Size, rows, rows0.Slice(0, Layer1WeightCount));
            // T2 = W2 diag(f1'(z1)) T1: each row ⊙= f1'(z1), then rows1 = rows0 W2ᵀ.
            global::NetCompiler.Kernels.InputGradientKernels.MultiplyRowsByJacobian<float>(global::NetCompiler.Activation.Tanh, z1, a1, rows0, rows);
            global::NetCompiler.Kernels.InputGradientKernels.MultiplyRowsByTransposed<float>(rows0, rows, parameters.Slice(Layer2WeightOffset, Layer2WeightCount), Layer2Size, Layer2InputSize, rows1);
            // T3 = W3 diag(f2'(z2)) T2: each row ⊙= f2'(z2), then rows0 = rows1 W3ᵀ.
            // f2 is the identity: its Jacobian is I, so the rows stay as they are.
            global::NetCompiler.Kernels.InputGradientKernels.MultiplyRowsByTransposed<float>(rows1, rows, parameters.Slice(Layer3WeightOffset, Layer3WeightCount), Layer3Size, Layer3InputSize, rows0);
            // ∂a_L/∂x = J_f3(z3) T3: each row through the output activation's Jacobian, then transposed to [OutputSize, InputSize].
            global::NetCompiler.Kernels.InputGradientKernels.MultiplyRowsByJacobian<float>(global::NetCompiler.Activation.Sigmoid, z3, a3, rows0, rows);
            global::NetCompiler.Kernels.MatrixKernels.Transpose<float>(rows0.Slice(0, rows * OutputSize), rows, OutputSize, jacobian);
        }
