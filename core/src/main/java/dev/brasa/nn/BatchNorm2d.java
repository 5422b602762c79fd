package dev.brasa.nn;

/**
 * Batch normalisation over [N, C, H, W] inputs, per channel ({@code nn.BatchNorm2d}): statistics over
 * N, H and W; running mean and unbiased variance updated with the momentum in training, used in
 * evaluation. Buffers carry PyTorch's names.
 */
public class BatchNorm2d extends BatchNorm1d {

    /** eps 1e-5, momentum 0.1, affine. */
    public BatchNorm2d(int numFeatures) { super(numFeatures); }

    /** The given eps and momentum, affine. */
    public BatchNorm2d(int numFeatures, double eps, double momentum) { super(numFeatures, eps, momentum); }

    /** Every option, as {@code nn.BatchNorm2d(c, eps, momentum, affine, track_running_stats)}. */
    public BatchNorm2d(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override void checkRank(dev.brasa.Tensor x) {
        if (x.dim() != 4) throw new IllegalArgumentException("expected 4D input (got " + x.dim() + "D input)");
    }
}
