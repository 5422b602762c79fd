package dev.brasa.optim.lr;

import dev.brasa.optim.Optimizer;
import dev.brasa.optim.ParamGroup;
import java.util.List;
import java.util.Objects;

/** The base of the learning-rate schedulers: call {@link #step()} once per epoch, after the optimizer's steps. */
public abstract class LRScheduler {
    /** The optimizer whose groups' "lr" this scheduler sets. */
    protected final Optimizer optimizer;
    /** The learning rates at construction, per group. */
    protected final double[] baseLrs;
    /** The number of scheduler steps taken ({@code last_epoch}). */
    protected int lastEpoch;

    /** Records the optimizer's current learning rates as the base. */
    protected LRScheduler(Optimizer optimizer) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        List<ParamGroup> g = optimizer.paramGroups();
        baseLrs = new double[g.size()];
        for (int i = 0; i < baseLrs.length; i++) baseLrs[i] = g.get(i).lr();
    }

    /**
     * Advances one epoch and sets each group's lr; a refused lr (negative, NaN) leaves every group
     * and the epoch count as they were.
     */
    public void step() {
        List<ParamGroup> g = optimizer.paramGroups();
        dev.brasa.optim.GroupOptions[] next = new dev.brasa.optim.GroupOptions[g.size()];
        lastEpoch++;
        try {
            for (int i = 0; i < next.length; i++) next[i] = g.get(i).options().with("lr", nextLr(i, g.get(i).lr()));
        } catch (RuntimeException e) {
            lastEpoch--;
            throw e;
        }
        for (int i = 0; i < next.length; i++) g.get(i).options(next[i]);
    }

    /** The lr of group i for the new {@link #lastEpoch}, given its current lr (PyTorch's chainable form). */
    protected abstract double nextLr(int group, double current);

    /** The current learning rates ({@code get_last_lr()}). */
    public double[] lastLr() {
        return optimizer.paramGroups().stream().mapToDouble(ParamGroup::lr).toArray();
    }
}
