package dev.brasa.data;

/** A dataset that can build a whole batch at once (one gather) instead of sample by sample. */
public interface BatchDataset extends Dataset<Sample> {
    /** The samples at these indices, stacked along a new dim 0. */
    Sample batch(long[] indices);
}
