/**
 * Autograd: graph nodes ({@link dev.brasa.autograd.Node}), the backward engine,
 * {@link dev.brasa.autograd.Function} for differentiable ops written by hand (as
 * {@code torch.autograd.Function}) and {@link dev.brasa.autograd.GradCheck}. The built-in ops live
 * in the non-exported {@code dev.brasa.internal.ops}, one small class per op family with its forward
 * and its backward.
 */
package dev.brasa.autograd;
