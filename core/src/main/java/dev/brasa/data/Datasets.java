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
