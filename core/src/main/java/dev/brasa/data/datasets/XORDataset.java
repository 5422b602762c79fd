package dev.brasa.data.datasets;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.data.TensorDataset;

/**
 * The continuous XOR set of the tutorials: points at the corners (0/1, 0/1) plus Gaussian noise of
 * standard deviation std, label 1 when exactly one coordinate is 1 (INT64). Drawn from the default
 * generator in PyTorch's order (randint, then randn), so a seed gives the tutorial's points.
 */
public final class XORDataset extends TensorDataset {

    /** size points with noise std. */
    public XORDataset(int size, double std) { this(make(size, std)); }

    private XORDataset(Tensor[] xy) { super(xy[0], xy[1]); }

    private static Tensor[] make(int size, double std) {
        if (size <= 0) throw new IllegalArgumentException("XORDataset size must be > 0, got " + size);
        if (!(std >= 0)) throw new IllegalArgumentException("XORDataset std must be >= 0, got " + std);
        Tensor data = Brasa.randint(0, 2, size, 2).toFloat();
        Tensor label = data.sum(1).eq(1f).toLong();
        try (var g = Brasa.noGrad()) {
            data = data.add(Brasa.randn(size, 2).mul((float) std));
        }
        return new Tensor[] {data, label};
    }
}
