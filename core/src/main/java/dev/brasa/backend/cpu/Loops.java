package dev.brasa.backend.cpu;

import dev.brasa.backend.View;

/**
 * Strided iteration shared by the CPU kernels: drops size-1 dimensions, merges dimensions that
 * are contiguous for every operand, and calls the body once per innermost row with that row's
 * offsets and strides. A dense elementwise op thus becomes one call over all its elements. An op
 * of at least {@link #PARALLEL_MIN} elements per thread is cut along its outermost dimension (a
 * dense op: its one row) and the slices run on {@link CpuThreads}; the body must write only the
 * elements of its own rows, as every elementwise op does.
 */
final class Loops {
    private Loops() {}

    /** The innermost loop over one row: n elements, per-operand offsets and strides. */
    @FunctionalInterface
    interface Row {
        void run(int n, int[] off, int[] str);
    }

    /**
     * Whether the slices of an op that writes out may run at once: every input lies in another
     * storage, or reads exactly out's elements (an in-place op). An input that overlaps out at a
     * shift would read elements that another slice has already written, so such an op runs in one
     * piece, in order. (Tensor refuses dense ones, x[1:].copy_(x[:-1]), as PyTorch does; strided
     * ones, x[2::2] from x[::2], pass there as in PyTorch and reach this.)
     */
    static boolean separable(View out, View... inputs) {
        for (View in : inputs) {
            if (in != null && in.storage() == out.storage()
                    && !(in.offset() == out.offset() && java.util.Arrays.equals(in.strides(), out.strides()))) return false;
        }
        return true;
    }

    /** The rows of the op; sliced across threads when parallel (see {@link #separable}) and large enough. */
    static void forEach(int[] shape, int[][] strides, int[] offsets, boolean parallel, Row row) {
        int ops = strides.length;
        int rank = shape.length;
        for (int s : shape) if (s == 0) return;
        // collect non-trivial dims
        int[] sh = new int[rank];
        int[][] st = new int[ops][rank];
        int r = 0;
        for (int d = 0; d < rank; d++) {
            if (shape[d] == 1) continue;
            if (r > 0) {
                boolean merge = true;
                for (int o = 0; o < ops; o++) {
                    if (st[o][r - 1] != strides[o][d] * shape[d]) { merge = false; break; }
                }
                if (merge) {
                    sh[r - 1] *= shape[d];
                    for (int o = 0; o < ops; o++) st[o][r - 1] = strides[o][d];
                    continue;
                }
            }
            sh[r] = shape[d];
            for (int o = 0; o < ops; o++) st[o][r] = strides[o][d];
            r++;
        }
        if (r == 0) {
            row.run(1, offsets.clone(), new int[ops]);
            return;
        }
        long total = 1;
        for (int d = 0; d < r; d++) total *= sh[d];
        int tasks = slices(total);
        // a large op is cut along its outermost dimension (or its one row) into a slice per thread;
        // never when the output (the last operand) repeats an element along that dimension
        if (parallel && tasks > 1 && sh[0] >= tasks && st[ops - 1][0] != 0) {
            int merged = r, chunk = (sh[0] + tasks - 1) / tasks;
            CpuThreads.parallelFor((sh[0] + chunk - 1) / chunk, t -> {
                int lo = t * chunk;
                int[] part = sh.clone(), base = offsets.clone();
                part[0] = Math.min(chunk, sh[0] - lo);
                for (int o = 0; o < ops; o++) base[o] += lo * st[o][0];
                rows(part, st, merged, base, row);
            });
            return;
        }
        rows(sh, st, r, offsets.clone(), row);
    }

    /** Elements per thread below which an op runs on the calling thread: waking the pool costs more. */
    static final int PARALLEL_MIN = 1 << 17;

    /** How many slices an op of n elements is cut into: one per thread, each of at least PARALLEL_MIN. */
    private static int slices(long n) { return (int) Math.min(CpuThreads.threads(), n / PARALLEL_MIN); }

    /** A range [from, to) of a flat loop. */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /**
     * body over [0, n): in one call, or, when parallel, in a slice per thread (cut at multiples of 64
     * elements) when there are at least {@link #PARALLEL_MIN} elements per thread; body writes only its slice.
     */
    static void split(int n, boolean parallel, Range body) {
        int tasks = parallel ? slices(n) : 1;
        if (tasks <= 1) {
            body.run(0, n);
            return;
        }
        int chunk = ((n + tasks - 1) / tasks + 63) & ~63;
        CpuThreads.parallelFor((n + chunk - 1) / chunk, t -> body.run(t * chunk, Math.min(n, (t + 1) * chunk)));
    }

    /** The rows of a merged shape sh[0..r) with strides st, starting at base (which this moves). */
    private static void rows(int[] sh, int[][] st, int r, int[] base, Row row) {
        int ops = st.length;
        int[] off = base.clone();
        int[] inner = new int[ops];
        int n = sh[r - 1];
        for (int o = 0; o < ops; o++) inner[o] = st[o][r - 1];
        if (r == 1) {
            row.run(n, off, inner);
            return;
        }
        int[] idx = new int[r - 1];
        while (true) {
            System.arraycopy(base, 0, off, 0, ops);
            row.run(n, off, inner);
            int d = r - 2;
            while (d >= 0) {
                idx[d]++;
                for (int o = 0; o < ops; o++) base[o] += st[o][d];
                if (idx[d] < sh[d]) break;
                for (int o = 0; o < ops; o++) base[o] -= st[o][d] * sh[d];
                idx[d] = 0;
                d--;
            }
            if (d < 0) return;
        }
    }
}
