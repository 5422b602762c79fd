package dev.brasa.examples;

import dev.brasa.Device;
import dev.brasa.Tensor;

/** The device the teaching programs train on ({@code brasa train ... --device cuda}); CPU by default. */
final class Run {
    private Run() {}

    /** Where models and batches go. */
    static volatile Device device = Device.CPU;

    /** A tensor (a batch, a test set) moved to the training device. */
    static Tensor on(Tensor t) { return t.to(device); }
}
