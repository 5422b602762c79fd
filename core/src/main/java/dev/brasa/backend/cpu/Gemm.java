package dev.brasa.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM in the Vector API: C = alpha * A B + beta * C for row-major C and any
 * strides of A and B (a transposed operand is packed, never copied whole). GotoBLAS structure:
 * K is cut into balanced blocks of at most {@link #KC}, the same at every vector width; each block of B is packed into panels of
 * {@link #NR} columns, rows of A into slivers of {@link #MR} rows ({@link GemmPack}); a 4 x 2-vector register-blocked
 * micro-kernel accumulates with FMA. Edge tiles are computed whole from the zero-padded operands and
 * only their corner is stored; a last panel of at most {@link #THIN} columns (n = 100 leaves 4) has
 * a thin kernel of its own. Balanced row blocks run in parallel on {@link CpuThreads}; a row-major A is read
 * by the kernels of the first panel, which pack it for the rest, rather than in a pass of its own.
 */
final class Gemm {
    private static final VectorSpecies<Float> S = SimdBackend.S;
    private static final int L = S.length();
    static final int MR = 4;
    static final int NR = 2 * L;
    static final int KC = 256;
    private static final int MC_MAX = 128;
    /** Columns a last panel may have to take the thin kernel; none where a vector holds fewer than 2 p of a sliver. */
    static final int THIN = L >= 2 * MR ? 4 : 0;
    /** Consecutive p of one sliver in a vector of A, in the thin kernel. */
    static final int P = Math.max(1, L / MR);
    /**
     * K's blocks are a multiple of this: 16 lanes' P, a multiple of every width's P (packThin needs one), and so
     * the same cut of K at every vector width. An element's sum over K runs in order within a block and the
     * blocks are added in order, so the cut is where the rounding could depend on the width: rounded to each
     * width's own P, K = 300 was cut 152 + 148 with 16 lanes and 150 + 150 with 8, and lesson 000's loss printed
     * 1.2281 on an AVX2 machine where PyTorch, on either machine, prints 1.2280.
     */
    private static final int K_ALIGN = Math.max(4, P);

    /** Floats of the scratch array of the edge kernels: 8 accumulators (THIN is at most MR). */
    private static final int SCRATCH = 2 * MR * L;
    /** Below this many multiply-adds the packing costs more than it saves. */
    private static final long SMALL = 16 * 1024;

    private static final ThreadLocal<float[]> A_BUF = new ThreadLocal<>();
    private static final ThreadLocal<float[]> B_BUF = new ThreadLocal<>();

    private Gemm() {}

    /** The length of every K block but the last, for a product of depth k: balanced, at most KC, a multiple of K_ALIGN. */
    static int kBlock(int k) { return roundUp(ceilDiv(k, ceilDiv(k, KC)), K_ALIGN); }

    /** Work on rows [i0, i1) of C: see {@link #sgemm(int, int, int, float, float[], int, int, int, float[], int, int, int, float, float[], int, int, Rows, Rows)}. */
    @FunctionalInterface
    interface Rows {
        void run(int i0, int i1);
    }

    static void sgemm(int m, int n, int k, float alpha,
                      float[] a, int ao, int ars, int acs,
                      float[] b, int bo, int brs, int bcs,
                      float beta, float[] c, int co, int ldc) {
        sgemm(m, n, k, alpha, a, ao, ars, acs, b, bo, brs, bcs, beta, c, co, ldc, null, null);
    }

    /**
     * C = alpha A B + beta C; with init, C = alpha A B + (the rows init wrote), beta unused. init, then
     * finish, run once on every row of C, for a block of rows at a time, on the thread computing that
     * block: init right before the block's first K block reads C, finish right after its last one wrote
     * it, so that a bias written by init and an activation applied by finish find the rows in cache
     * (a bias copied into all of C first was read back from memory: 60000x784x100 at 0.84 of beta = 0).
     */
    static void sgemm(int m, int n, int k, float alpha,
                      float[] a, int ao, int ars, int acs,
                      float[] b, int bo, int brs, int bcs,
                      float beta, float[] c, int co, int ldc, Rows init, Rows finish) {
        if (m == 0 || n == 0) return;
        // n of 8 or more: with 16 lanes, 10 columns (a classifier's classes) took the unpacked loops at a third of the speed
        boolean direct = k > 0 && alpha != 0f && (long) m * n * k > SMALL && n >= Math.min(L, 8);
        // beta = 0 on the blocked paths: the first K block's kernels write C without reading it (no pass
        // that zeroes C first, no loads of C that miss the cache); C's old values, NaN included, are dropped
        boolean overwrite = direct && beta == 0f && init == null;
        if (init != null) {
            if (!direct) init.run(0, m);
        } else if (beta != 1f && !overwrite) {
            for (int i = 0; i < m; i++) {
                int r = co + i * ldc;
                if (beta == 0f) java.util.Arrays.fill(c, r, r + n, 0f);
                else for (int j = 0; j < n; j++) c[r + j] *= beta;
            }
        }
        if (!direct) {
            if (k > 0 && alpha != 0f) small(m, n, k, alpha, a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc);
            if (finish != null) finish.run(0, m);
            return;
        }
        int panels = (n + NR - 1) / NR;
        int threads = CpuThreads.threads();
        long work = (long) m * n * k;
        int tasksWanted = work < 2_000_000 ? 1 : threads;
        // K blocks balanced (784 = 4 x 196, not 3 x 256 + 16)
        int kBlocks = ceilDiv(k, KC), kcMax = kBlock(k);
        if (m <= MC_MAX && panels >= 4 * tasksWanted) {
            if (init != null) init.run(0, m);
            columns(m, n, k, kBlocks, kcMax, panels, tasksWanted, overwrite, alpha, a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc);
            if (finish != null) finish.run(0, m);
            return;
        }
        // row blocks of at most MC_MAX rows, balanced, several per thread (claimed as threads come free:
        // on a shared machine one core often runs slower) but no thinner than 8 slivers, since each
        // block streams all of packed B
        int mBlocks = Math.max(ceilDiv(m, MC_MAX), Math.min(tasksWanted == 1 ? 1 : 4 * tasksWanted, ceilDiv(m, 8 * MR)));
        mBlocks = Math.max(mBlocks, Math.min(tasksWanted, ceilDiv(m, MR)));
        int mc = roundUp(ceilDiv(m, mBlocks), MR);
        mBlocks = ceilDiv(m, mc);
        // all of B is packed first (block kb at panels * NR * kb * kcMax), so the compute runs in one
        // parallel region: waking the pool costs tens of microseconds, too much to pay once per K block
        float[] bp = buffer(B_BUF, panels * NR * k + NR);
        int groups = ceilDiv(panels, GROUP), units = kBlocks * groups;
        CpuThreads.parallelFor(units, (long) panels * NR * k >= (1 << 15), u -> {
            int kk = (u / groups) * kcMax, g = u % groups;
            GemmPack.packB(b, bo + kk * brs, brs, bcs, Math.min(kcMax, k - kk), n, bp, panels * NR * kk,
                    g * GROUP, Math.min(panels, (g + 1) * GROUP));
        });
        int mcF = mc;
        CpuThreads.parallelFor(mBlocks, blk -> {
            int i0 = blk * mcF, rows = Math.min(mcF, m - i0);
            int slivers = (rows + MR - 1) / MR;
            float[] ap = buffer(A_BUF, slivers * kcMax * MR), t = new float[SCRATCH];
            if (init != null) init.run(i0, i0 + rows);
            for (int kk = 0; kk < k; kk += kcMax) {
                int kc = Math.min(kcMax, k - kk), bBase = panels * NR * kk, src = ao + i0 * ars + kk * acs;
                boolean add = !(overwrite && kk == 0);
                // row-major A with a full first panel: that panel's kernels read A's rows themselves and pack them
                // for the other panels, so A comes from memory while the FMAs run (a packing pass of its own
                // waited for it: 60000x784x100 NT spent a fifth of its time in packA). When the K block of packed
                // B fits in L2, two slivers at a time go through every panel, spreading A's reads over all of them
                boolean cold = !PACK.warm();
                if (acs == 1 && n >= NR && (long) panels * kc * NR <= B_L2) {
                    for (int s = 0; s < slivers; s += 2) {
                        int r0 = s * MR, rr = Math.min(2 * MR, rows - r0), cr = co + (i0 + r0) * ldc;
                        firstPanel(a, src + r0 * ars, ars, rr, kc, ap, s * kc * MR, bp, bBase, alpha, add, c, cr, ldc, t,
                                !cold ? WARM : s == 0 ? PROBE : TWIN);
                        for (int jp = 1; jp < panels; jp++) {
                            int j0 = jp * NR;
                            panel(ap, s * kc * MR, bp, bBase + jp * kc * NR, kc, alpha, add, c, cr + j0, ldc, rr, Math.min(NR, n - j0), t);
                        }
                    }
                    continue;
                }
                if (acs == 1 && THIN < n && n < NR) {
                    // one panel short of NR columns (10 classes, say): A is used once, so it is not packed at all;
                    // up to L columns 2 MR rows at a time with one vector of B, more (10 with 8 lanes) MR rows with two
                    int step = n <= L ? 2 * MR : MR, tiles = rows / step, r0 = tiles * step;
                    for (int s = 0; s < tiles; s++) {
                        int as = src + s * step * ars, cs = co + (i0 + s * step) * ldc;
                        if (n <= L) kernelNarrowDirect(a, as, ars, bp, bBase, kc, alpha, add, c, cs, ldc, n, t);
                        else kernelDirect(a, as, ars, bp, bBase, kc, alpha, add, c, cs, ldc, n, t);
                    }
                    if (r0 < rows) {
                        GemmPack.packA(a, src + r0 * ars, ars, 1, rows - r0, kc, ap, 0);
                        panel(ap, 0, bp, bBase, kc, alpha, add, c, co + (i0 + r0) * ldc, ldc, rows - r0, n, t);
                    }
                    continue;
                }
                int jp = 0;
                if (acs == 1 && n >= NR) {
                    firstPanel(a, src, ars, rows, kc, ap, 0, bp, bBase, alpha, add, c, co + i0 * ldc, ldc, t, cold ? PROBE : WARM);
                    jp = 1;
                } else {
                    GemmPack.packA(a, src, ars, acs, rows, kc, ap, 0);
                }
                for (; jp < panels; jp++) {
                    int j0 = jp * NR;
                    panel(ap, 0, bp, bBase + jp * kc * NR, kc, alpha, add, c, co + i0 * ldc + j0, ldc, rows, Math.min(NR, n - j0), t);
                }
            }
            if (finish != null) finish.run(i0, i0 + rows);
        });
    }

    /** Floats of one K block of packed B that stay in L2 while slivers of A go through all of it (256 KB). */
    private static final int B_L2 = 1 << 16;

    /** Panels of B packed together: one pass reads GROUP * NR consecutive floats of each row of B. */
    private static final int GROUP = 8;

    /**
     * Few rows (a batch of 128): A is packed in chunks of whole K blocks of about L2's size (all of it
     * when k is moderate; block kb of a chunk at slivers * MR * kcMax * kb), then, per chunk, each thread
     * takes an equal share of B's panels and packs them per K block, reading B's rows in long runs,
     * right before every row of C uses them.
     */
    private static void columns(int m, int n, int k, int kBlocks, int kcMax, int panels, int tasksWanted, boolean overwrite, float alpha,
                                float[] a, int ao, int ars, int acs, float[] b, int bo, int brs, int bcs,
                                float[] c, int co, int ldc) {
        int slivers = (m + MR - 1) / MR, aBlock = slivers * MR * kcMax;
        int chunk = Math.max(1, Math.min(kBlocks, A_CHUNK / aBlock));
        float[] ap = buffer(A_BUF, aBlock * chunk);
        // one task per thread, each packing its share of every K block's rows of B in one pass: measured
        // against groups of 8, 16 or 32 panels, the long runs of B read per row win by 5-10%
        int group = ceilDiv(panels, tasksWanted);
        int tasks = ceilDiv(panels, group);
        for (int kb0 = 0; kb0 < kBlocks; kb0 += chunk) {
            int first = kb0, blocks = Math.min(chunk, kBlocks - kb0);
            CpuThreads.parallelFor(blocks, (long) m * k >= (1 << 16), i -> {
                int kk = (first + i) * kcMax;
                GemmPack.packA(a, ao + kk * acs, ars, acs, m, Math.min(kcMax, k - kk), ap, aBlock * i);
            });
            CpuThreads.parallelFor(tasks, t -> {
                int p0 = t * group, p1 = Math.min(panels, p0 + group);
                // row-major B: the share's panels packed together, reading B's rows in long runs; otherwise each
                // panel right before its use, so that the kernels find it in L1 (not written out and read back)
                int step = bcs == 1 ? p1 - p0 : 1;
                float[] bp = buffer(B_BUF, step * NR * kcMax + NR), scratch = new float[SCRATCH];
                for (int i = 0; i < blocks; i++) {
                    int kk = (first + i) * kcMax, kc = Math.min(kcMax, k - kk);
                    boolean add = !(overwrite && first + i == 0);
                    for (int g0 = p0; g0 < p1; g0 += step) {
                        int g1 = Math.min(p1, g0 + step);
                        // packB puts panel jp at base + jp * kc * NR: shift the base so panel g0 lands at 0
                        GemmPack.packB(b, bo + kk * brs, brs, bcs, kc, n, bp, -g0 * kc * NR, g0, g1);
                        for (int jp = g0; jp < g1; jp++) {
                            int j0 = jp * NR;
                            panel(ap, aBlock * i, bp, (jp - g0) * kc * NR, kc, alpha, add, c, co + j0, ldc, m, Math.min(NR, n - j0), scratch);
                        }
                    }
                }
            });
        }
    }

    /** Floats of packed A that columns() keeps at once: about L2's size. */
    private static final int A_CHUNK = 1 << 17;

    /**
     * C[rows x cols] += alpha * Ap Bp for one packed panel of B (at pb) against the slivers of A from
     * pa: full tiles in the 4 x 2-vector kernel; a panel of at most L columns (the last one of n = 100,
     * say) in the 8 x 1-vector kernel, two slivers at a time, rather than computing 16 columns for a few. t (SCRATCH
     * floats) takes the edge kernels' accumulators for their element-wise corner stores: the caller's, one per task
     * (an array per call was not scalar-replaced by C2: 272 bytes a call, 4 MB in a 60000x100x10 GEMM).
     */
    private static void panel(float[] ap, int pa, float[] bp, int pb, int kc, float alpha, boolean add, float[] c, int co, int ldc,
                              int rows, int cols, float[] t) {
        int slivers = (rows + MR - 1) / MR, s = 0;
        if (cols <= THIN) {
            for (; s < slivers; s += 2) {
                kernelThin(ap, pa + s * kc * MR, pa + Math.min(s + 1, slivers - 1) * kc * MR, bp, pb, kc, alpha, add, c, co + s * MR * ldc, ldc,
                        Math.min(2 * MR, rows - s * MR), cols, t);
            }
            return;
        }
        if (cols <= L) {
            for (; s + 2 <= rows / MR; s += 2) kernelNarrow(ap, pa + s * kc * MR, bp, pb, kc, alpha, add, c, co + s * MR * ldc, ldc, cols, t);
        }
        for (; s < slivers; s++) {
            int r0 = s * MR, cOff = co + r0 * ldc, mr = Math.min(MR, rows - r0);
            if (mr == MR && cols == NR) kernel(ap, pa + s * kc * MR, bp, pb, kc, alpha, add, c, cOff, ldc);
            else edge(ap, pa + s * kc * MR, bp, pb, kc, alpha, add, c, cOff, ldc, mr, cols, t);
        }
    }

    private static int ceilDiv(int x, int y) { return (x + y - 1) / y; }

    private static int roundUp(int x, int m) { return Math.max(m, (x + m - 1) / m * m); }

    /** The thread's buffer from tl, grown to at least size floats. */
    static float[] buffer(ThreadLocal<float[]> tl, int size) {
        float[] buf = tl.get();
        if (buf == null || buf.length < size) {
            buf = new float[size];
            tl.set(buf);
        }
        return buf;
    }

    /** firstPanel's modes: every full sliver in kernelPack; the first in kernelPack, timed against the rest packed first; all packed first. */
    static final int WARM = 0, PROBE = 1, TWIN = 2;

    /**
     * Whether kernelPack is compiled yet, timed against its twin (packA, then kernel(): the same products in the
     * same order, so the same bits). In a fresh JVM kernelPack runs only when a large row-major A first comes
     * (a model's evaluation on its whole test set, after training ran every other kernel hot): cold, it took
     * lesson 000's first 5000-row evaluation to 109 ms against 22-29 ms with the twin. While cold, a row
     * block's first sliver (per K block) is its probe and the other slivers take the twin.
     */
    private static Tiering PACK = new Tiering();

    /** Replaces {@link #PACK}: the tests' cold and warm ones. */
    static void packTiering(Tiering t) {
        PACK = t;
    }

    /**
     * The first full panel of a row block of row-major A (rows at a[src + r * ars], consecutive p): full slivers
     * in kernelPack, which packs them as it goes (mode WARM; see {@link #PACK} for PROBE and TWIN); a last partial
     * sliver packed first, then edge().
     */
    private static void firstPanel(float[] a, int src, int ars, int rows, int kc, float[] ap, int pa, float[] bp, int pb, float alpha,
                                   boolean add, float[] c, int co, int ldc, float[] t, int mode) {
        int full = rows / MR, s = 0;
        boolean probe = mode == PROBE && full > 1;
        long t0 = probe ? System.nanoTime() : 0;
        if (mode != TWIN) {
            for (int end = mode == WARM ? full : Math.min(1, full); s < end; s++) {
                kernelPack(a, src + s * MR * ars, ars, ap, pa + s * kc * MR, bp, pb, kc, alpha, add, c, co + s * MR * ldc, ldc);
            }
        }
        long t1 = probe ? System.nanoTime() : 0;
        for (; s < full; s++) {
            GemmPack.packA(a, src + s * MR * ars, ars, 1, MR, kc, ap, pa + s * kc * MR);
            kernel(ap, pa + s * kc * MR, bp, pb, kc, alpha, add, c, co + s * MR * ldc, ldc);
        }
        if (probe) PACK.record(t1 - t0, 1, System.nanoTime() - t1, full - 1);
        if (full * MR < rows) {
            int r0 = full * MR, o = pa + full * kc * MR;
            GemmPack.packA(a, src + r0 * ars, ars, 1, rows - r0, kc, ap, o);
            edge(ap, o, bp, pb, kc, alpha, add, c, co + r0 * ldc, ldc, rows - r0, NR, t);
        }
    }

    /**
     * kernel() on a full sliver read straight from row-major A (row r at a[s0 + r * ars]), writing its packed copy at
     * ap[pa]: the FMA body's second copy. One kernel for both (A's strides as arguments, the copy optional) was
     * 5-37% slower; packing each sliver first, then kernel(), 5-8% on 60000x784x100 (bench/results/gemm-kernel-once.md).
     */
    private static void kernelPack(float[] a, int s0, int ars, float[] ap, int pa, float[] bp, int pb, int kc, float alpha, boolean add,
                                   float[] c, int co, int ldc) {
        int s1 = s0 + ars, s2 = s1 + ars, s3 = s2 + ars;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int d = pa + p * MR, b = pb + p * NR;
            float a0 = a[s0 + p], a1 = a[s1 + p], a2 = a[s2 + p], a3 = a[s3 + p];
            ap[d] = a0;
            ap[d + 1] = a1;
            ap[d + 2] = a2;
            ap[d + 3] = a3;
            FloatVector b0 = FloatVector.fromArray(S, bp, b), b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector x = FloatVector.broadcast(S, a0);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a1);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a2);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a3);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        store(c00, c01, alpha, add, c, co);
        store(c10, c11, alpha, add, c, co + ldc);
        store(c20, c21, alpha, add, c, co + 2 * ldc);
        store(c30, c31, alpha, add, c, co + 3 * ldc);
    }

    /**
     * The micro-kernel on packed A (its 4 x 2-vector FMA body written once more, in kernelPack): C[MR x NR] += alpha *
     * Ap Bp over kc (or = when not add), with 8 vector accumulators (more spill on AVX2). Edge tiles go through
     * {@link #edge}, which runs this into a scratch tile. The stores are written out here, not called: where C2
     * inlines this method into a caller it can hit its node limit and leave a helper taking vectors as a call,
     * which boxes them (an edge path built that way made 100x64x784 NN 13x slower).
     */
    private static void kernel(float[] ap, int pa, float[] bp, int pb, int kc, float alpha, boolean add,
                               float[] c, int co, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int a = pa + p * MR, b = pb + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, b), b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector x = FloatVector.broadcast(S, ap[a]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[a + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[a + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[a + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        FloatVector al = FloatVector.broadcast(S, alpha);
        int r1 = co + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (add) {
            c00.fma(al, FloatVector.fromArray(S, c, co)).intoArray(c, co);
            c01.fma(al, FloatVector.fromArray(S, c, co + L)).intoArray(c, co + L);
            c10.fma(al, FloatVector.fromArray(S, c, r1)).intoArray(c, r1);
            c11.fma(al, FloatVector.fromArray(S, c, r1 + L)).intoArray(c, r1 + L);
            c20.fma(al, FloatVector.fromArray(S, c, r2)).intoArray(c, r2);
            c21.fma(al, FloatVector.fromArray(S, c, r2 + L)).intoArray(c, r2 + L);
            c30.fma(al, FloatVector.fromArray(S, c, r3)).intoArray(c, r3);
            c31.fma(al, FloatVector.fromArray(S, c, r3 + L)).intoArray(c, r3 + L);
        } else {
            c00.mul(al).intoArray(c, co);
            c01.mul(al).intoArray(c, co + L);
            c10.mul(al).intoArray(c, r1);
            c11.mul(al).intoArray(c, r1 + L);
            c20.mul(al).intoArray(c, r2);
            c21.mul(al).intoArray(c, r2 + L);
            c30.mul(al).intoArray(c, r3);
            c31.mul(al).intoArray(c, r3 + L);
        }
    }

    /**
     * The tile at the bottom or right edge: the packed operands are zero-padded, so kernel() computes the full
     * tile into t (MR x NR, unscaled) and only its rows x cols corner is added to C.
     */
    private static void edge(float[] ap, int pa, float[] bp, int pb, int kc, float alpha, boolean add,
                             float[] c, int co, int ldc, int rows, int cols, float[] t) {
        kernel(ap, pa, bp, pb, kc, 1f, false, t, 0, NR);
        corner(t, NR, rows, cols, alpha, add, c, co, ldc);
    }

    /**
     * C[2 MR x cols] += alpha * Ap Bp for cols <= L: the first L columns of the panel against two
     * consecutive slivers (8 accumulators, one vector of B per step).
     */
    private static void kernelNarrow(float[] ap, int pa, float[] bp, int pb, int kc, float alpha, boolean add,
                                     float[] c, int co, int ldc, int cols, float[] t) {
        int pa2 = pa + kc * MR;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < kc; p++) {
            int a = pa + p * MR, a2 = pa2 + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, pb + p * NR);
            c0 = FloatVector.broadcast(S, ap[a]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, ap[a + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, ap[a + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, ap[a + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, ap[a2]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, ap[a2 + 1]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, ap[a2 + 2]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, ap[a2 + 3]).fma(b0, c7);
        }
        spill(t, c0, c1, c2, c3, c4, c5, c6, c7);            // row r at t[r L, (r + 1) L)
        corner(t, L, 2 * MR, cols, alpha, add, c, co, ldc);
    }

    /** kernelNarrow on 2 MR rows read straight from row-major A (row r at a[s0 + r * ars]). */
    private static void kernelNarrowDirect(float[] a, int s0, int ars, float[] bp, int pb, int kc, float alpha, boolean add,
                                           float[] c, int co, int ldc, int cols, float[] t) {
        int s1 = s0 + ars, s2 = s1 + ars, s3 = s2 + ars, s4 = s3 + ars, s5 = s4 + ars, s6 = s5 + ars, s7 = s6 + ars;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, pb + p * NR);
            c0 = FloatVector.broadcast(S, a[s0 + p]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[s1 + p]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[s2 + p]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[s3 + p]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[s4 + p]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[s5 + p]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[s6 + p]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[s7 + p]).fma(b0, c7);
        }
        spill(t, c0, c1, c2, c3, c4, c5, c6, c7);
        corner(t, L, 2 * MR, cols, alpha, add, c, co, ldc);
    }

    /**
     * kernel() on MR rows read straight from row-major A (row r at a[s0 + r * ars]) for a panel of cols < NR columns:
     * the same products in the same order as edge() on the packed rows, so the same bits. With 8 lanes a classifier's
     * 10 classes took edge() on A packed first: 60000x100x10 A B^T at 0.77 of OpenBLAS on one thread.
     */
    private static void kernelDirect(float[] a, int s0, int ars, float[] bp, int pb, int kc, float alpha, boolean add,
                                     float[] c, int co, int ldc, int cols, float[] t) {
        int s1 = s0 + ars, s2 = s1 + ars, s3 = s2 + ars;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < kc; p++) {
            int b = pb + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, bp, b), b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector x = FloatVector.broadcast(S, a[s0 + p]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[s1 + p]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[s2 + p]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[s3 + p]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        spill(t, c00, c01, c10, c11, c20, c21, c30, c31);    // row r at t[r NR, (r + 1) NR)
        corner(t, NR, MR, cols, alpha, add, c, co, ldc);
    }

    /**
     * C[rows x cols] += alpha * Ap Bp for a last panel of cols <= THIN (n = 100 leaves 4), the slivers at pa and
     * pa2 (rows <= 2 MR; pa2 = pa when there is one): a vector of packed A holds a sliver's MR rows at P
     * consecutive p, a vector of packThin's B one column at the same p, so every lane of every FMA counts (the
     * 8 x 1-vector kernel would compute L columns for these few). The P partial sums of each element are added
     * at the end, through t.
     */
    private static void kernelThin(float[] ap, int pa, int pa2, float[] bp, int pb, int kc, float alpha, boolean add,
                                   float[] c, int co, int ldc, int rows, int cols, float[] t) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int q = 0, full = kc / P, steps = ceilDiv(kc, P); q < steps; q++) {
            int a = q * L, b = pb + q * THIN * L;
            FloatVector x, y;
            if (q < full) {
                x = FloatVector.fromArray(S, ap, pa + a);
                y = FloatVector.fromArray(S, ap, pa2 + a);
            } else {                                   // kc not a multiple of P: the lanes past kc are zero
                var m = S.indexInRange(a, kc * MR);
                x = FloatVector.fromArray(S, ap, pa + a, m);
                y = FloatVector.fromArray(S, ap, pa2 + a, m);
            }
            FloatVector b0 = FloatVector.fromArray(S, bp, b), b1 = FloatVector.fromArray(S, bp, b + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, b + 2 * L), b3 = FloatVector.fromArray(S, bp, b + 3 * L);
            c0 = x.fma(b0, c0);
            c1 = x.fma(b1, c1);
            c2 = x.fma(b2, c2);
            c3 = x.fma(b3, c3);
            c4 = y.fma(b0, c4);
            c5 = y.fma(b1, c5);
            c6 = y.fma(b2, c6);
            c7 = y.fma(b3, c7);
        }
        spill(t, c0, c1, c2, c3, c4, c5, c6, c7);
        for (int r = 0; r < rows; r++) {
            for (int j = 0, q = co + r * ldc, u = (r / MR * THIN) * L + r % MR; j < cols; j++, u += L) {
                float sum = 0f;
                for (int h = 0; h < P; h++) sum += t[u + h * MR];
                c[q + j] = add ? c[q + j] + alpha * sum : alpha * sum;
            }
        }
    }

    /**
     * C[rows x cols] = alpha * t (plus the old values when add: C + alpha t, rounded twice), row r of the tile at
     * t[r * stride], a multiple of L. A vector of t at a time, C's past cols masked: an element at a time, the 10
     * columns of 60000x100x10 A B^T took a third of its time (0.77 of OpenBLAS with 8 lanes). Only arrays come in,
     * so a kernel that calls this is no larger for C1 (one with these stores written out failed C1's register
     * allocation at times and then ran uncompiled vector code, 100x slower) and passes no vectors to a call.
     */
    private static void corner(float[] t, int stride, int rows, int cols, float alpha, boolean add, float[] c, int co, int ldc) {
        FloatVector al = FloatVector.broadcast(S, alpha);
        int whole = cols - cols % L;
        jdk.incubator.vector.VectorMask<Float> m = S.indexInRange(whole, cols);
        for (int r = 0; r < rows; r++) {
            int q = co + r * ldc, u = r * stride;
            for (int j = 0; j < whole; j += L) {
                FloatVector v = FloatVector.fromArray(S, t, u + j).mul(al);
                (add ? FloatVector.fromArray(S, c, q + j).add(v) : v).intoArray(c, q + j);
            }
            if (whole < cols) {
                FloatVector v = FloatVector.fromArray(S, t, u + whole).mul(al);
                (add ? FloatVector.fromArray(S, c, q + whole, m).add(v) : v).intoArray(c, q + whole, m);
            }
        }
    }

    /** t[i L, (i + 1) L) = ci: the 8 accumulators of an edge kernel, for its element-wise stores. */
    private static void spill(float[] t, FloatVector c0, FloatVector c1, FloatVector c2, FloatVector c3, FloatVector c4, FloatVector c5,
                              FloatVector c6, FloatVector c7) {
        c0.intoArray(t, 0);
        c1.intoArray(t, L);
        c2.intoArray(t, 2 * L);
        c3.intoArray(t, 3 * L);
        c4.intoArray(t, 4 * L);
        c5.intoArray(t, 5 * L);
        c6.intoArray(t, 6 * L);
        c7.intoArray(t, 7 * L);
    }

    /** C[p, p + 2L) = alpha * (v0, v1), plus the old values when add. */
    private static void store(FloatVector v0, FloatVector v1, float alpha, boolean add, float[] c, int p) {
        FloatVector a = FloatVector.broadcast(S, alpha);
        if (add) {
            v0.fma(a, FloatVector.fromArray(S, c, p)).intoArray(c, p);
            v1.fma(a, FloatVector.fromArray(S, c, p + L)).intoArray(c, p + L);
        } else {
            v0.mul(a).intoArray(c, p);
            v1.mul(a).intoArray(c, p + L);
        }
    }

    /** Unpacked path for small products: C[i,:] += alpha * A[i,p] * B[p,:], rows of B in SIMD. */
    private static void small(int m, int n, int k, float alpha,
                              float[] a, int ao, int ars, int acs,
                              float[] b, int bo, int brs, int bcs, float[] c, int co, int ldc) {
        if (acs == 1 && brs == 1 && bcs != 1 && k >= L) {    // A B^T with B^T's rows contiguous: dot products over K
            int bound = S.loopBound(k);
            for (int i = 0; i < m; i++) {
                int ar = ao + i * ars, cr = co + i * ldc;
                for (int j = 0; j < n; j++) {
                    int br = bo + j * bcs;
                    FloatVector acc = FloatVector.zero(S);
                    int p = 0;
                    for (; p < bound; p += L) acc = FloatVector.fromArray(S, a, ar + p).fma(FloatVector.fromArray(S, b, br + p), acc);
                    float sum = VMath.hsum(acc);
                    for (; p < k; p++) sum += a[ar + p] * b[br + p];
                    c[cr + j] += alpha * sum;
                }
            }
            return;
        }
        if (n == 1) {
            // a matrix-vector product: the loop below, term for term in the same order and rounding, with each row's sum
            // in a register rather than read and written back in C per term (64x400x1 took 100 us, 4 ns a term)
            // (four rows at a time: four independent chains of adds, each row's own terms in order)
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                int a0 = ao + i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars, c0 = co + i * ldc;
                float s0 = c[c0], s1 = c[c0 + ldc], s2 = c[c0 + 2 * ldc], s3 = c[c0 + 3 * ldc];
                for (int p = 0; p < k; p++) {
                    float bp = b[bo + p * brs];
                    int q = p * acs;
                    s0 += alpha * a[a0 + q] * bp;
                    s1 += alpha * a[a1 + q] * bp;
                    s2 += alpha * a[a2 + q] * bp;
                    s3 += alpha * a[a3 + q] * bp;
                }
                c[c0] = s0;
                c[c0 + ldc] = s1;
                c[c0 + 2 * ldc] = s2;
                c[c0 + 3 * ldc] = s3;
            }
            for (; i < m; i++) {
                int cr = co + i * ldc, ar = ao + i * ars;
                float sum = c[cr];
                for (int p = 0; p < k; p++) sum += alpha * a[ar + p * acs] * b[bo + p * brs];
                c[cr] = sum;
            }
            return;
        }
        for (int i = 0; i < m; i++) {
            int cr = co + i * ldc;
            for (int p = 0; p < k; p++) {
                float s = alpha * a[ao + i * ars + p * acs];
                int br = bo + p * brs;
                int j = 0;
                if (bcs == 1) {
                    FloatVector sv = FloatVector.broadcast(S, s);
                    for (int bound = S.loopBound(n); j < bound; j += L) {
                        sv.fma(FloatVector.fromArray(S, b, br + j), FloatVector.fromArray(S, c, cr + j)).intoArray(c, cr + j);
                    }
                }
                for (; j < n; j++) c[cr + j] += s * b[br + j * bcs];
            }
        }
    }
}
