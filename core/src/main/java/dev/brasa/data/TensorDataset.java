package dev.brasa.data;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import java.util.Arrays;
import java.util.Objects;

/**
 * Samples are rows of tensors sharing dim 0 ({@code TensorDataset(X, Y)}); a batch is one gather
 * per tensor, not a stack of per-sample objects.
 */
public class TensorDataset implements BatchDataset {
    private final Tensor x, y;

    /** Rows of x paired with rows of y. */
    public TensorDataset(Tensor x, Tensor y) {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.dim() == 0 || y.dim() == 0 || x.size(0) != y.size(0)) {
            throw new IllegalArgumentException("Size mismatch between tensors: x " + Arrays.toString(x.shape()) + ", y "
                    + Arrays.toString(y.shape()) + " (dim 0 must agree)");
        }
        this.x = x.detach();
        this.y = y.detach();
    }

    /** All inputs. */
    public Tensor x() { return x; }

    /** All targets. */
    public Tensor y() { return y; }

    @Override public int size() { return x.size(0); }

    @Override public Sample get(int i) {
        if (i < 0 || i >= size()) throw new IndexOutOfBoundsException("index " + i + " is out of range for dataset of size " + size());
        return new Sample(x.select(0, i), y.select(0, i));
    }

    @Override public Sample batch(long[] indices) {
        Tensor idx = Brasa.tensor(indices);
        return new Sample(x.index(idx), y.index(idx));
    }

    /**
     * This dataset with transform applied to each sample's input as it is read
     * ({@code CIFAR10(..., transform=...)}): to one image by {@code get}, to a whole batch of images
     * by {@code batch} (per-channel transforms such as {@link dev.brasa.data.transforms.Normalize}
     * give the same values either way).
     */
    public BatchDataset withTransform(dev.brasa.data.transforms.Transform transform) {
        Objects.requireNonNull(transform, "transform");
        TensorDataset base = this;
        return new BatchDataset() {
            @Override public int size() { return base.size(); }

            @Override public Sample get(int i) {
                Sample s = base.get(i);
                return new Sample(transform.apply(s.x()), s.y());
            }

            @Override public Sample batch(long[] indices) {
                Sample s = base.batch(indices);
                return new Sample(transform.apply(s.x()), s.y());
            }
        };
    }
}
