package dev.brasa.data;

import dev.brasa.Tensor;

/**
 * One sample or one batch: an input and a target ({@code (x, y)} in PyTorch).
 *
 * @param x the input
 * @param y the target (label)
 */
public record Sample(Tensor x, Tensor y) {}
