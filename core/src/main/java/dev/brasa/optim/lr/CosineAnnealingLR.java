package dev.brasa.optim.lr;

import dev.brasa.optim.Optimizer;

/** Cosine annealing from the base lr to etaMin over tMax epochs ({@code CosineAnnealingLR}, PyTorch's recursive form). */
public final class CosineAnnealingLR extends LRScheduler {
    private final int tMax;
    private final double etaMin;

    /** etaMin = 0. */
    public CosineAnnealingLR(Optimizer optimizer, int tMax) { this(optimizer, tMax, 0); }

    /** The given half period and floor. */
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer);
        if (tMax <= 0) throw new IllegalArgumentException("T_max must be > 0, got " + tMax);
        this.tMax = tMax;
        this.etaMin = etaMin;
    }

    @Override protected double nextLr(int group, double lr) {
        if ((lastEpoch - 1 - tMax) % (2 * tMax) == 0) {
            return lr + (baseLrs[group] - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
        }
        return (1 + Math.cos(Math.PI * lastEpoch / tMax)) / (1 + Math.cos(Math.PI * (lastEpoch - 1) / tMax)) * (lr - etaMin) + etaMin;
    }
}
