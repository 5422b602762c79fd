package dev.brasa.backend.cpu;

/**
 * Whether one vector kernel is compiled yet, judged by timing it against its scalar twin.
 *
 * <p>Vector API code is fast only once C2 has compiled it: interpreted, or compiled by C1, every
 * vector operation allocates and loops over its lanes, some hundred times slower than C2's code
 * and several times slower than a plain scalar loop in the same tier. A kernel reaches C2 only
 * after thousands of loop iterations, which at those speeds is most of a short job's first epoch
 * (lesson 000's first epoch took 1.7 s against 0.1 s for the later ones). So while a kernel is
 * cold, its callers run the vector code on a short probe at the start of each span of a large row,
 * which is what gets it compiled, and the scalar twin on the rest; both are timed, and once the vector code beats the
 * twin per element three calls in a row the kernel is warm for good and runs alone. The twins give
 * the same bits as the vector code, so which one ran never shows in a result.
 */
final class Tiering {
    /** Elements of a row the vector code takes while cold: a multiple of every vector length. */
    static final int PROBE = 512;
    /** Rows shorter than this run the vector code alone: the probe would be most of them. */
    static final int MIN_ROW = 2 * PROBE;
    /** Elements of a cold row per probe (32,768): the vector code takes the first {@link #PROBE} of each span. */
    static final int SPAN = 64 * PROBE;
    /** Probes after which the vector code runs alone even if it never won (C2 has compiled it by then). */
    static final int MAX_PROBES = 4096;
    /** Wins in a row that make a kernel warm. */
    static final int WINS = 3;

    private volatile boolean warm;
    // racy counters: a lost update only delays the switch by a call
    private int wins, probes;

    /** Whether the vector code runs alone. */
    boolean warm() {
        return warm;
    }

    /** Probes recorded so far. */
    int probes() {
        return probes;
    }

    /**
     * A kernel's vector code on elements [from, mid) of a row and its scalar twin on [mid, to), both
     * loops in one method: the JIT counts a method's loop iterations to decide when C2 compiles it, so
     * the twin's iterations bring the vector loop beside it to C2 sooner (lesson 000's exp turned warm
     * after 25-46 probes, 1.0-1.1 s after the JVM started, where a twin in a method of its own took
     * about 910 probes and 1.9-2.3 s). Returns {@link #split}.
     */
    @FunctionalInterface
    interface Mixed {
        long run(int from, int mid, int to);
    }

    /** What a {@link Mixed} kernel returns: System.nanoTime() where its twin starts, 0 when the twin has nothing to do. */
    static long split(int mid, int to) {
        return mid == to ? 0 : System.nanoTime();
    }

    /**
     * One cold row of bound elements (at least {@link #MIN_ROW}): in each span of {@link #SPAN}
     * elements, the vector code on the first {@link #PROBE} and the twin on the rest, each timed, the
     * timings {@link #record}ed once for the row. A probe per span, not per row: the JIT compiles the
     * vector code after some hundreds of calls, and a layer's activation on a batch of 128 rows of
     * 2000 is one row of 256,000 elements, called twice a step, which at one probe a row was still
     * cold after six epochs (its scalar twin 8% of the run's time). Not a shorter span: a kernel turns
     * warm when C2's queue reaches it, about as late with two probes a call as with one, so more
     * probes only add cold vector work (lesson 000's 64 x 300 rows keep one probe each).
     */
    void probe(Mixed kernel, int bound) {
        long vectorNanos = 0, scalarNanos = 0;
        int vectorElements = 0;
        for (int from = 0; from < bound; from += SPAN) {
            int to = Math.min(bound, from + SPAN), mid = Math.min(to, from + PROBE);
            long t0 = System.nanoTime();
            long split = kernel.run(from, mid, to);
            long t1 = System.nanoTime();
            if (split == 0) split = t1;
            vectorNanos += split - t0;
            scalarNanos += t1 - split;
            vectorElements += mid - from;
        }
        record(vectorNanos, vectorElements, scalarNanos, bound - vectorElements);
    }

    /**
     * One probe's timings: vectorNanos for vectorElements, scalarNanos for scalarElements (both
     * positive counts). Warm after {@link #WINS} probes in a row where the vector code took less
     * time per element, or after {@link #MAX_PROBES} probes.
     */
    void record(long vectorNanos, int vectorElements, long scalarNanos, int scalarElements) {
        if (vectorNanos * scalarElements < scalarNanos * vectorElements) {
            if (++wins >= WINS) warm = true;
        } else {
            wins = 0;
        }
        if (++probes >= MAX_PROBES) warm = true;
    }
}
