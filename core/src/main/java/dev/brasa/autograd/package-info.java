/**
 * Autograd: graph nodes ({@link dev.brasa.autograd.Node}), the backward engine and
 * {@link dev.brasa.autograd.GradCheck}. The differentiable ops themselves live beside
 * {@link dev.brasa.Tensor}, one small class per op family with its forward and its backward.
 */
package dev.brasa.autograd;
