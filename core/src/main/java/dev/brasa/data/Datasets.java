package dev.brasa.data;

import dev.brasa.Brasa;
import dev.brasa.Generator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Dataset helpers ({@code random_split}). */
public final class Datasets {
    private Datasets() {}

    /** Splits into non-overlapping subsets of the given lengths, shuffled with the default generator. */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> ds, int... lengths) {
        return randomSplit(ds, Brasa.defaultGenerator(), lengths);
    }

    /** Splits by fractions that sum to 1, shuffled with the default generator ({@code random_split(ds, [0.8, 0.2])}). */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> ds, double... fractions) {
        return randomSplit(ds, Brasa.defaultGenerator(), fractions);
    }

    /**
     * Splits by fractions as PyTorch does: each split gets floor(size * fraction) items and the
     * remainder is dealt one by one to the splits in order.
     */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> ds, Generator g, double... fractions) {
        Objects.requireNonNull(ds, "dataset");
        double sum = 0;
        for (double f : fractions) sum += f;
        if (Math.abs(sum - 1) > 1e-9 || sum > 1 + 1e-12) {
            throw new IllegalArgumentException("random_split fractions must sum to 1, got " + java.util.Arrays.toString(fractions));
        }
        int[] lengths = new int[fractions.length];
        int given = 0;
        for (int i = 0; i < fractions.length; i++) {
            if (fractions[i] < 0 || fractions[i] > 1) throw new IllegalArgumentException("Fraction at index " + i + " is not between 0 and 1");
            lengths[i] = (int) Math.floor(ds.size() * fractions[i]);
            given += lengths[i];
        }
        for (int i = 0; i < ds.size() - given; i++) lengths[i % lengths.length]++;
        return randomSplit(ds, g, lengths);
    }

    /** Splits with a given generator ({@code random_split(ds, lengths, generator)}). */
    public static <T> List<Subset<T>> randomSplit(Dataset<T> ds, Generator g, int... lengths) {
        Objects.requireNonNull(ds, "dataset");
        long sum = 0;
        for (int l : lengths) {
            if (l < 0) throw new IllegalArgumentException("random_split lengths must be >= 0, got " + java.util.Arrays.toString(lengths));
            sum += l;
        }
        if (sum != ds.size()) {
            throw new IllegalArgumentException("Sum of input lengths (" + sum + ") does not equal the length of the input dataset ("
                    + ds.size() + ")!");
        }
        long[] perm = Brasa.randperm(ds.size(), g).toLongArray();
        List<Subset<T>> out = new ArrayList<>();
        int off = 0;
        for (int l : lengths) {
            int[] idx = new int[l];
            for (int i = 0; i < l; i++) idx[i] = (int) perm[off + i];
            out.add(new Subset<>(ds, idx));
            off += l;
        }
        return out;
    }
}
