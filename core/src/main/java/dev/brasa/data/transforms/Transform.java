package dev.brasa.data.transforms;

import dev.brasa.Tensor;

/** A function of an image tensor ([C, H, W], or a batch [N, C, H, W]) to another. */
@FunctionalInterface
public interface Transform {
    /** The transformed image (or batch); the input is not changed. */
    Tensor apply(Tensor x);
}
