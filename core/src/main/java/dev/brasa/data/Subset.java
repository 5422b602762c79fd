package dev.brasa.data;

import java.util.Objects;

/**
 * The samples of a dataset at given indices ({@code torch.utils.data.Subset}).
 *
 * @param <T> the sample type
 */
public class Subset<T> implements Dataset<T> {
    private final Dataset<T> base;
    private final int[] indices;

    /** The samples of base at indices (each in range). */
    public Subset(Dataset<T> base, int[] indices) {
        this.base = Objects.requireNonNull(base, "dataset");
        this.indices = indices.clone();
        for (int i : this.indices) {
            if (i < 0 || i >= base.size()) throw new IndexOutOfBoundsException("index " + i + " is out of range for dataset of size " + base.size());
        }
    }

    /** The underlying dataset. */
    public Dataset<T> dataset() { return base; }

    /** The indices into it. */
    public int[] indices() { return indices.clone(); }

    @Override public int size() { return indices.length; }

    @Override public T get(int i) { return base.get(indices[i]); }

    /** Maps subset positions to base indices. */
    long[] map(long[] positions) {
        long[] r = new long[positions.length];
        for (int i = 0; i < r.length; i++) r[i] = indices[(int) positions[i]];
        return r;
    }
}
