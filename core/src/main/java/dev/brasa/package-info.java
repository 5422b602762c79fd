/**
 * Brasa, deep learning for the JVM in PyTorch's vocabulary: {@link dev.brasa.Tensor} with autograd,
 * the {@link dev.brasa.Brasa} facade ({@code torch}), {@link dev.brasa.DType}, {@link dev.brasa.Device},
 * the PyTorch-compatible {@link dev.brasa.Generator} and the {@link dev.brasa.NoGrad} scope.
 *
 * <p>The differentiable ops behind these methods live in the non-exported package
 * {@code dev.brasa.internal.ops}, one class per op family holding its forward and its backward node.
 */
package dev.brasa;
