package dev.brasa.data;

import dev.brasa.Brasa;
import dev.brasa.Generator;
import dev.brasa.Tensor;
import dev.brasa.internal.ops.Copy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Batches of a dataset ({@code torch.utils.data.DataLoader}): each {@code for (Sample b : loader)}
 * is one epoch, reshuffled when {@code shuffle}. The random draws follow PyTorch's, bit for bit: each
 * epoch draws a base seed, then (shuffling without a loader generator) a fresh seed for that epoch's
 * permutation, both from the default generator, so {@code Brasa.manualSeed(s)} gives PyTorch's order
 * after {@code torch.manual_seed(s)}; {@code seed(v)} or {@code generator(g)} give the loader its own
 * generator, as {@code DataLoader(generator=g)}. A {@link BatchDataset}
 * (such as {@link TensorDataset}) is batched by one gather; other datasets are collated by stacking
 * their samples. With {@code numWorkers > 0}, daemon threads prefetch up to 2 batches per worker,
 * in order; a worker's failure is rethrown in the consumer as a {@link DataLoaderException} naming
 * the sample index; a loop left early leaves no thread behind (workers finish their few queued
 * batches and exit within a fraction of a second).
 *
 * <pre>{@code
 * var loader = DataLoader.builder(ds).batchSize(128).shuffle(true).numWorkers(2).seed(7).build();
 * for (Sample b : loader) { ... b.x() ... b.y() ... }
 * }</pre>
 */
public final class DataLoader implements Iterable<Sample> {
    private static final AtomicInteger LOADERS = new AtomicInteger();
    private final Dataset<Sample> ds;
    private final int batchSize, numWorkers;
    private final boolean dropLast;
    private final Sampler sampler;
    private final Generator generator;
    private final boolean pinMemory, pin;
    private long baseSeed;

    private DataLoader(Builder b) {
        this.ds = b.ds;
        this.batchSize = b.batchSize;
        this.dropLast = b.dropLast;
        this.numWorkers = b.numWorkers;
        this.generator = b.generator != null ? b.generator : b.seed != null ? new Generator(b.seed) : null;
        this.pinMemory = b.pinMemory;
        this.pin = pinMemory && dev.brasa.Cuda.isAvailable();
        if (b.sampler != null) {
            this.sampler = b.sampler;
        } else if (b.shuffle) {
            this.sampler = Sampler.random(ds.size(), generator);   // null: a fresh seed from the default generator per epoch
        } else {
            this.sampler = Sampler.sequential(ds.size());
        }
    }

    /** A builder over a dataset. */
    public static Builder builder(Dataset<Sample> ds) { return new Builder(ds); }

    /** The dataset. */
    public Dataset<Sample> dataset() { return ds; }

    /**
     * The loader's generator ({@code DataLoader(generator=g)}; for checkpoints), or null when the
     * loader draws from the default generator.
     */
    public Generator generator() { return generator; }

    /**
     * The base seed the last {@link #iterator()} drew, as PyTorch's iterator does on every
     * {@code iter(loader)} (from the loader's generator, else the default one): PyTorch seeds its worker
     * processes from it; Brasa's workers are threads that need none, but the draw keeps the generator
     * streams in PyTorch's order.
     */
    public long baseSeed() { return baseSeed; }

    /** Batches per epoch ({@code len(loader)}). */
    public int size() {
        int n = sampler.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Whether the loader was asked to pin memory ({@link Builder#pinMemory}); its batches are pinned when CUDA is available. */
    public boolean pinMemory() { return pinMemory; }

    /** The batch size. */
    public int batchSize() { return batchSize; }

    /** One epoch of batches. */
    @Override public Iterator<Sample> iterator() {
        // PyTorch's order: the iterator's base seed first, then the sampler's draws for the epoch
        baseSeed = (generator != null ? generator : Brasa.defaultGenerator()).random64() & Long.MAX_VALUE;
        long[] order = sampler.epoch();
        for (long i : order) {
            if (i < 0 || i >= ds.size()) {
                throw new IndexOutOfBoundsException("sampler gave index " + i + " for a dataset of size " + ds.size());
            }
        }
        List<long[]> batches = new ArrayList<>();
        for (int s = 0; s < order.length; s += batchSize) {
            int len = Math.min(batchSize, order.length - s);
            if (len < batchSize && dropLast) break;
            batches.add(java.util.Arrays.copyOfRange(order, s, s + len));
        }
        return numWorkers == 0 ? new Serial(batches) : new Prefetch(batches);
    }

    /** Builds one batch, pinned when asked and CUDA is available. */
    Sample load(long[] idx) {
        Sample s = collate(idx);
        return pin ? new Sample(Copy.pinBatch(s.x()), Copy.pinBatch(s.y())) : s;
    }

    /**
     * Hands out the next batch; the one handed out before it gives its pinned blocks back (the loop has
     * moved it by now; it keeps its elements, and a later move copies through the staging buffer), so a
     * pinned loader holds a few blocks, not one per batch until the garbage collector runs.
     */
    private Sample handOut(Sample previous, Sample next) {
        if (pin && previous != null) {
            Copy.unpinBatch(previous.x());
            Copy.unpinBatch(previous.y());
        }
        return next;
    }

    /** One batch: a gather when the dataset can, else stacked samples. */
    private Sample collate(long[] idx) {
        if (ds instanceof BatchDataset bd) return bd.batch(idx);
        if (ds instanceof Subset<Sample> sub && sub.dataset() instanceof BatchDataset bd) return bd.batch(sub.map(idx));
        List<Tensor> xs = new ArrayList<>(idx.length), ys = new ArrayList<>(idx.length);
        for (long i : idx) {
            Sample s;
            try {
                s = ds.get((int) i);
                Objects.requireNonNull(s, "dataset returned null");
            } catch (RuntimeException e) {
                throw new DataLoaderException((int) i, e);
            }
            xs.add(s.x());
            ys.add(s.y());
        }
        try {
            return new Sample(Brasa.stack(xs, 0), Brasa.stack(ys, 0));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot collate samples " + java.util.Arrays.toString(idx) + ": " + e.getMessage(), e);
        }
    }

    private final class Serial implements Iterator<Sample> {
        private final List<long[]> batches;
        private int next;
        private Sample last;

        Serial(List<long[]> batches) { this.batches = batches; }

        @Override public boolean hasNext() { return next < batches.size(); }

        @Override public Sample next() {
            if (!hasNext()) throw new NoSuchElementException();
            return last = handOut(last, load(batches.get(next++)));
        }
    }

    private final class Prefetch implements Iterator<Sample> {
        private final List<long[]> batches;
        private final ThreadPoolExecutor pool;
        private final ArrayDeque<Future<Sample>> queue = new ArrayDeque<>();
        private int submitted, consumed;
        private Sample last;

        Prefetch(List<long[]> batches) {
            this.batches = batches;
            int id = LOADERS.incrementAndGet();
            AtomicInteger n = new AtomicInteger();
            pool = new ThreadPoolExecutor(numWorkers, numWorkers, 100, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "brasa-loader-" + id + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            pool.allowCoreThreadTimeOut(true);
            fill();
        }

        private void fill() {
            while (submitted < batches.size() && queue.size() < 2 * numWorkers) {
                long[] idx = batches.get(submitted++);
                queue.add(pool.submit(() -> load(idx)));
            }
            if (submitted == batches.size()) pool.shutdown();
        }

        @Override public boolean hasNext() { return consumed < batches.size(); }

        @Override public Sample next() {
            if (!hasNext()) throw new NoSuchElementException();
            Future<Sample> f = queue.poll();
            consumed++;
            try {
                Sample s = f.get();
                fill();
                return last = handOut(last, s);
            } catch (ExecutionException e) {
                abandon();
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) throw re;
                if (c instanceof Error err) throw err;
                throw new IllegalStateException("DataLoader worker failed: " + c, c);
            } catch (InterruptedException e) {
                abandon();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for a DataLoader batch", e);
            }
        }

        private void abandon() {
            for (Future<Sample> f : queue) f.cancel(true);
            queue.clear();
            pool.shutdownNow();
            consumed = batches.size();
        }
    }

    /** Options, PyTorch's defaults: batch size 1, no shuffle, keep the last partial batch, no workers. */
    public static final class Builder {
        private final Dataset<Sample> ds;
        private int batchSize = 1, numWorkers;
        private boolean shuffle, dropLast;
        private Long seed;
        private Generator generator;
        private Sampler sampler;
        private boolean pinMemory;

        private Builder(Dataset<Sample> ds) { this.ds = Objects.requireNonNull(ds, "dataset"); }

        /** Samples per batch (> 0). */
        public Builder batchSize(int v) { batchSize = v; return this; }

        /** Reshuffle every epoch. */
        public Builder shuffle(boolean v) { shuffle = v; return this; }

        /** Drop the last partial batch. */
        public Builder dropLast(boolean v) { dropLast = v; return this; }

        /** Background threads prefetching batches (0 = load in the consumer). */
        public Builder numWorkers(int v) { numWorkers = v; return this; }

        /**
         * The loader's own generator, seeded v: {@code DataLoader(..., generator=torch.Generator().manual_seed(v))}.
         * Without it (and without {@link #generator}) every epoch draws from the default generator, as in PyTorch.
         */
        public Builder seed(long v) { seed = v; return this; }

        /**
         * {@code pin_memory=True}: when CUDA is available, every CPU tensor of each batch is
         * {@linkplain Tensor#pinMemory() pinned} (by the worker thread that made it, when there are
         * workers), so that {@code b.x().to(Device.cuda())} is one DMA queued without waiting; when the
         * next batch is asked for, the previous one gives its pinned memory back (it stays a valid CPU
         * batch). Without CUDA it changes nothing, as in PyTorch 1.13; tensors already on the GPU are
         * left as they are.
         */
        public Builder pinMemory(boolean v) { pinMemory = v; return this; }

        /** The loader's generator ({@code DataLoader(..., generator=g)}): base seeds and shuffling draw from it. */
        public Builder generator(Generator g) { generator = Objects.requireNonNull(g, "generator"); return this; }

        /** A custom index order per epoch (instead of shuffle/seed). */
        public Builder sampler(Sampler s) { sampler = Objects.requireNonNull(s, "sampler"); return this; }

        /** The loader; checks the options. */
        public DataLoader build() {
            if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
            if (numWorkers < 0) throw new IllegalArgumentException("numWorkers must be >= 0, got " + numWorkers);
            if (sampler != null && shuffle) throw new IllegalArgumentException("sampler option is mutually exclusive with shuffle");
            if (seed != null && generator != null) throw new IllegalArgumentException("give the loader a seed or a generator, not both");
            if (ds.size() <= 0) {
                throw new IllegalArgumentException("dataset is empty (size " + ds.size() + "): num_samples should be a "
                        + "positive integer value, but got num_samples=" + ds.size());
            }
            return new DataLoader(this);
        }
    }
}
