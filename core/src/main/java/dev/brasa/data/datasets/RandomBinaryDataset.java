package dev.brasa.data.datasets;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.data.TensorDataset;

/**
 * The random binary set of the hand-written FFNN tutorial: n rows of features bernoulli(0.5) and
 * labels bernoulli(0.5) as FLOAT32 [n, 1], from the default generator. There is nothing to learn
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
        Tensor x = Brasa.bernoulli(Brasa.full(0.5f, n, features));
        Tensor y = Brasa.bernoulli(Brasa.full(0.5f, n, 1));
        return new Tensor[] {x, y};
    }
}
