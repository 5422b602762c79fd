package dev.brasa.nn;

import dev.brasa.Brasa;
import dev.brasa.DType;
import dev.brasa.Tensor;

/**
 * Batch normalisation over [N, C] or [N, C, L] inputs ({@code nn.BatchNorm1d}). Training uses
 * the batch statistics and updates the running mean and (unbiased) variance with the momentum;
 * evaluation uses the running statistics. Buffers carry PyTorch's names: running_mean,
 * running_var, num_batches_tracked.
 */
public class BatchNorm1d extends Module {
    private final int features;
    private final double eps, momentum;
    private final boolean affine, track;

    /** eps 1e-5, momentum 0.1, affine. */
    public BatchNorm1d(int numFeatures) { this(numFeatures, 1e-5, 0.1); }

    /** The given eps and momentum, affine. */
    public BatchNorm1d(int numFeatures, double eps, double momentum) { this(numFeatures, eps, momentum, true, true); }

    /**
     * Every option: without {@code affine} there is no weight or bias (PyTorch's None); without
     * {@code trackRunningStats} there are no running statistics and evaluation, too, normalises by the
     * batch's own.
     */
    public BatchNorm1d(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        if (numFeatures <= 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": num_features must be > 0, got " + numFeatures);
        }
        this.features = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.track = trackRunningStats;
        if (affine) {
            registerParameter("weight", new Parameter(Brasa.ones(numFeatures)));
            registerParameter("bias", new Parameter(Brasa.zeros(numFeatures)));
        }
        if (trackRunningStats) {
            registerBuffer("running_mean", Brasa.zeros(numFeatures));
            registerBuffer("running_var", Brasa.ones(numFeatures));
            registerBuffer("num_batches_tracked", Brasa.zeros(DType.INT64));
        }
    }

    /** The scale (gamma), or null without affine. */
    public Parameter weight() { return parameter("weight"); }

    /** The shift (beta), or null without affine. */
    public Parameter bias() { return parameter("bias"); }

    @Override public Tensor forward(Tensor x) {
        checkRank(x);
        if (x.size(1) != features && (track || affine)) {      // with neither, PyTorch normalises any number of channels
            throw new IllegalArgumentException((track ? "running_mean" : "weight") + " should contain " + x.size(1) + " elements not "
                    + features);
        }
        return F.batchNorm(x, buffer("running_mean"), buffer("running_var"), weight(), bias(), isTraining() || !track, momentum, eps,
                buffer("num_batches_tracked"));
    }

    /** Refuses an input of the wrong rank with PyTorch's message. */
    void checkRank(Tensor x) {
        if (x.dim() != 2 && x.dim() != 3) {
            throw new IllegalArgumentException("expected 2D or 3D input (got " + x.dim() + "D input)");
        }
    }

    @Override protected String extraRepr() {
        return features + ", eps=" + py(eps) + ", momentum=" + py(momentum) + ", affine=" + py(affine) + ", track_running_stats=" + py(track);
    }
}
