package dev.brasa.backend.cpu;

/**
 * Strided iteration shared by the CPU kernels: drops size-1 dimensions, merges dimensions that
 * are contiguous for every operand, and calls the body once per innermost row with that row's
 * offsets and strides. A dense elementwise op thus becomes one call over all its elements.
 */
final class Loops {
    private Loops() {}

    /** The innermost loop over one row: n elements, per-operand offsets and strides. */
    @FunctionalInterface
    interface Row {
        void run(int n, int[] off, int[] str);
    }

    static void forEach(int[] shape, int[][] strides, int[] offsets, Row row) {
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
        int[] off = offsets.clone();
        int[] inner = new int[ops];
        if (r == 0) {
            row.run(1, off, inner);
            return;
        }
        int n = sh[r - 1];
        for (int o = 0; o < ops; o++) inner[o] = st[o][r - 1];
        if (r == 1) {
            row.run(n, off, inner);
            return;
        }
        int[] idx = new int[r - 1];
        int[] base = offsets.clone();
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
