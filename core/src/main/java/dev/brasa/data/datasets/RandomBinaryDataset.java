package dev.brasa.data.datasets;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.data.TensorDataset;

/**
 * The random binary set of lesson 000 (the hand-written FFNN): features {@code bernoulli(rand(n, f))}
 * and labels {@code bernoulli(rand(n, 1))} as FLOAT32 [n, 1], drawn in that order from the default
 * generator, so the same seed gives PyTorch's rows. There is nothing to learn
 * but memorisation: a net large enough fits it, a small one stays near chance.
 */
public final class RandomBinaryDataset extends TensorDataset {

    /** n rows of the given number of features. */
    public RandomBinaryDataset(int n, int features) { this(make(n, features)); }

    private RandomBinaryDataset(Tensor[] xy) { super(xy[0], xy[1]); }

    private static Tensor[] make(int n, int features) {
        if (n <= 0 || features <= 0) {
            throw new IllegalArgumentException("RandomBinaryDataset needs n > 0 and features > 0, got n=" + n + ", features=" + features);
        }
        Tensor x = Brasa.bernoulli(Brasa.rand(n, features));
        Tensor y = Brasa.bernoulli(Brasa.rand(n, 1));
        return new Tensor[] {x, y};
    }
}
