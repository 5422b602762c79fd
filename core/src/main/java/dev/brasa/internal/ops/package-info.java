/**
 * The differentiable ops, not exported by the module: one class per op family with its forward
 * (checks, then one backend call) and its backward node, in one place: {@code Binary} (elementwise
 * with broadcasting), {@code Unary} (the rows of {@code UnaryOp}), {@code MatMul}, {@code LinearOp}
 * (the fused linear layer), {@code Reduce}, {@code Softmax}, {@code CrossEntropyOp},
 * {@code BinaryLoss}, {@code Views}, {@code Index}, {@code Gather}, {@code Cat}, {@code Copy},
 * {@code Norm} (written as a public {@code autograd.Function}), with the shape rules
 * ({@code Shapes}) and the in-place checks ({@code InPlace}). {@code Tensor} and {@code Brasa} call
 * them; they reach a tensor's fields through {@code Internals}, the static face of the
 * {@link dev.brasa.internal.TensorAccess} door.
 */
package dev.brasa.internal.ops;
