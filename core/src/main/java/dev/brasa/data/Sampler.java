package dev.brasa.data;

import dev.brasa.Brasa;
import dev.brasa.Generator;
import java.util.Objects;

/**
 * The order in which a {@link DataLoader} visits a dataset's indices, one {@link #epoch()} call
 * per epoch ({@code torch.utils.data.Sampler}).
 */
public interface Sampler {
    /** The indices of the next epoch, each in [0, dataset size). */
    long[] epoch();

    /** How many indices an epoch has ({@code len(sampler)}). */
    int size();

    /** 0, 1, ..., n-1 every epoch ({@code SequentialSampler}). */
    static Sampler sequential(int n) { return new Sequential(n); }

    /** A fresh permutation of 0..n-1 every epoch, drawn from the generator ({@code RandomSampler}). */
    static Sampler random(int n, Generator g) { return new Random(n, g); }

    /** In order. */
    record Sequential(int size) implements Sampler {
        /** Checks n >= 0. */
        public Sequential {
            if (size < 0) throw new IllegalArgumentException("sampler size must be >= 0, got " + size);
        }

        @Override public long[] epoch() {
            long[] r = new long[size];
            for (int i = 0; i < size; i++) r[i] = i;
            return r;
        }
    }

    /** Shuffled by a generator. */
    record Random(int size, Generator generator) implements Sampler {
        /** Checks n > 0 and the generator. */
        public Random {
            if (size <= 0) throw new IllegalArgumentException("num_samples should be a positive integer value, but got num_samples=" + size);
            Objects.requireNonNull(generator, "generator");
        }

        @Override public long[] epoch() { return Brasa.randperm(size, generator).toLongArray(); }
    }
}
