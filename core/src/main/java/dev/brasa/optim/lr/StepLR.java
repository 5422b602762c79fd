package dev.brasa.optim.lr;

import dev.brasa.optim.Optimizer;

/** Multiplies the learning rate by gamma every stepSize epochs ({@code StepLR}). */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    /** gamma = 0.1. */
    public StepLR(Optimizer optimizer, int stepSize) { this(optimizer, stepSize, 0.1); }

    /** The given period and factor. */
    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer);
        if (stepSize <= 0) throw new IllegalArgumentException("step_size must be > 0, got " + stepSize);
        this.stepSize = stepSize;
        this.gamma = gamma;
    }

    @Override protected double nextLr(int group, double current) {
        return lastEpoch % stepSize == 0 ? current * gamma : current;
    }
}
