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

    /**
     * A fresh permutation of 0..n-1 every epoch ({@code RandomSampler(ds, generator=g)}): drawn from g,
     * or, when g is null, from a generator seeded each epoch by a draw of the default generator, as
     * PyTorch does.
     */
    static Sampler random(int n, Generator g) { return new Random(n, g); }

    /**
     * {@code RandomSampler(ds, replacement, num_samples, generator)}: numSamples indices, drawn with
     * replacement ({@code randint}) or as whole permutations cut to numSamples.
     */
    static Sampler random(int n, Generator g, boolean replacement, int numSamples) { return new Random(n, g, replacement, numSamples); }

    /** The given indices in a fresh random order every epoch ({@code SubsetRandomSampler(indices, generator)}). */
    static Sampler subsetRandom(long[] indices, Generator g) { return new SubsetRandom(indices, g); }

    /** The generator an epoch draws from: g, or a fresh one seeded from the default generator (PyTorch's draw). */
    private static Generator perEpoch(Generator g) {
        return g != null ? g : new Generator(Brasa.defaultGenerator().random64() & Long.MAX_VALUE);
    }

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

    /**
     * Shuffled ({@code RandomSampler}); generator null means a fresh seed from the default generator
     * every epoch. {@link #size()} is the number of samples an epoch gives.
     */
    record Random(int n, Generator generator, boolean replacement, int numSamples) implements Sampler {
        /** Checks the sizes, with PyTorch's messages. */
        public Random {
            if (n <= 0 || numSamples <= 0) {
                throw new IllegalArgumentException("num_samples should be a positive integer value, but got num_samples="
                        + (numSamples <= 0 ? numSamples : n));
            }
        }

        /** A permutation of 0..n-1 per epoch. */
        public Random(int n, Generator generator) { this(n, generator, false, n); }

        @Override public int size() { return numSamples; }

        @Override public long[] epoch() {
            Generator g = perEpoch(generator);
            if (replacement) return Brasa.randint(g, 0, n, numSamples).toLongArray();
            long[] out = new long[numSamples];
            int at = 0;
            for (int k = 0; k < numSamples / n; k++, at += n) System.arraycopy(Brasa.randperm(n, g).toLongArray(), 0, out, at, n);
            // PyTorch draws the last permutation even when it keeps none of it
            System.arraycopy(Brasa.randperm(n, g).toLongArray(), 0, out, at, numSamples % n);
            return out;
        }
    }

    /** The indices in a random order each epoch, drawn from the generator (or the default one when null). */
    record SubsetRandom(long[] indices, Generator generator) implements Sampler {
        /** Copies the indices. */
        public SubsetRandom {
            indices = Objects.requireNonNull(indices, "indices").clone();
        }

        @Override public int size() { return indices.length; }

        @Override public long[] epoch() {
            long[] perm = Brasa.randperm(indices.length, generator != null ? generator : Brasa.defaultGenerator()).toLongArray();
            long[] out = new long[perm.length];
            for (int i = 0; i < perm.length; i++) out[i] = indices[(int) perm[i]];
            return out;
        }
    }
}
