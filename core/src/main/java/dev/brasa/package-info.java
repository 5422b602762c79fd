/**
 * Brasa, deep learning for the JVM in PyTorch's vocabulary: {@link dev.brasa.Tensor} with autograd,
 * the {@link dev.brasa.Brasa} facade ({@code torch}), {@link dev.brasa.DType}, {@link dev.brasa.Device},
 * the PyTorch-compatible {@link dev.brasa.Generator} and the {@link dev.brasa.NoGrad} scope.
 *
 * <p>Each differentiable op is one package-private class here (for example {@code Binary},
 * {@code Unary}, {@code MatMul}, {@code Reduce}, {@code Softmax}, {@code Views}) holding its forward
 * and its backward node.
 */
package dev.brasa;
