package dev.brasa.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-precision GEMM in the Vector API: C = alpha * A B + beta * C for row-major C and any
 * strides of A and B (a transposed operand is packed, never copied whole). GotoBLAS structure:
 * K is cut into balanced blocks of at most {@link #KC}; each block of B is packed into panels of
 * {@link #NR} columns, rows of A into slivers of {@link #MR} rows; a 4 x 2-vector register-blocked
 * micro-kernel accumulates with FMA (edge tiles use masked stores). Balanced row blocks run in
 * parallel on {@link CpuThreads}.
 */
final class Gemm {
    private static final VectorSpecies<Float> S = SimdBackend.S;
    private static final int L = S.length();
    static final int MR = 4;
    static final int NR = 2 * L;
    static final int KC = 256;
    private static final int MC_MAX = 128;
    /** Below this many multiply-adds the packing costs more than it saves. */
    private static final long SMALL = 16 * 1024;

    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;
    /** Two-vector shuffles of the in-register transposes (8 lanes): 32-bit zips, 64-bit pairs, 128-bit halves. */
    private static final jdk.incubator.vector.VectorShuffle<Float> ZIP_LO = shuffle(0, 8, 1, 9, 2, 10, 3, 11),
            ZIP_HI = shuffle(4, 12, 5, 13, 6, 14, 7, 15), PAIR_LO = shuffle(0, 1, 8, 9, 2, 3, 10, 11),
            PAIR_HI = shuffle(4, 5, 12, 13, 6, 7, 14, 15), HALF_LO = shuffle(0, 1, 2, 3, 8, 9, 10, 11),
            HALF_HI = shuffle(4, 5, 6, 7, 12, 13, 14, 15);

    private static jdk.incubator.vector.VectorShuffle<Float> shuffle(int... lanes) {
        return S.length() == 8 ? jdk.incubator.vector.VectorShuffle.fromValues(S, lanes) : null;
    }

    private static final ThreadLocal<float[]> A_BUF = new ThreadLocal<>();
    private static final ThreadLocal<float[]> B_BUF = new ThreadLocal<>();

    private Gemm() {}

    static void sgemm(int m, int n, int k, float alpha,
                      float[] a, int ao, int ars, int acs,
                      float[] b, int bo, int brs, int bcs,
                      float beta, float[] c, int co, int ldc) {
        if (m == 0 || n == 0) return;
        if (beta != 1f) {
            for (int i = 0; i < m; i++) {
                int r = co + i * ldc;
                if (beta == 0f) java.util.Arrays.fill(c, r, r + n, 0f);
                else for (int j = 0; j < n; j++) c[r + j] *= beta;
            }
        }
        if (k == 0 || alpha == 0f) return;
        if ((long) m * n * k <= SMALL || n < L) {
            small(m, n, k, alpha, a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc);
            return;
        }
        int panels = (n + NR - 1) / NR;
        int threads = CpuThreads.threads();
        long work = (long) m * n * k;
        int tasksWanted = work < 2_000_000 ? 1 : threads;
        // K blocks balanced (784 = 4 x 196, not 3 x 256 + 16)
        int kBlocks = ceilDiv(k, KC), kcMax = ceilDiv(k, kBlocks);
        if (m <= MC_MAX && panels >= 4 * tasksWanted) {
            // few rows (a batch of 128): each panel of B is packed right before all rows use it, so the
            // kernels read it from L1 instead of a packed copy of all of B; threads split the columns,
            // each packing only its share of B, in one parallel region with no barrier
            int tasks = Math.min(tasksWanted, panels);
            CpuThreads.parallelFor(tasks, t -> columns(m, n, k, kcMax, alpha, a, ao, ars, acs, b, bo, brs, bcs, c, co, ldc,
                    t * panels / tasks, (t + 1) * panels / tasks));
            return;
        }
        // row blocks of at most MC_MAX rows, balanced, at least one per thread: a thin leftover block
        // would stream all of packed B for a sliver or two of work
        int mBlocks = Math.max(ceilDiv(m, MC_MAX), Math.min(tasksWanted, ceilDiv(m, MR)));
        int mc = roundUp(ceilDiv(m, mBlocks), MR);
        mBlocks = ceilDiv(m, mc);
        // all of B is packed first (block kb at panels * NR * kb * kcMax), so the compute runs in one
        // parallel region: waking the pool costs tens of microseconds, too much to pay once per K block
        float[] bp = buffer(B_BUF, panels * NR * k);
        int units = kBlocks * panels;
        int packTasks = (long) panels * NR * k < (1 << 17) ? 1 : Math.min(units, threads);
        CpuThreads.parallelFor(packTasks, t -> {
            for (int u = t; u < units; u += packTasks) {
                int kk = (u / panels) * kcMax, jp = u % panels;
                packB(b, bo + kk * brs, brs, bcs, Math.min(kcMax, k - kk), n, bp, panels * NR * kk, jp);
            }
        });
        int mcF = mc, mBlocksF = mBlocks;
        CpuThreads.parallelFor(Math.min(mBlocksF, threads), t -> {
            for (int blk = t; blk < mBlocksF; blk += Math.min(mBlocksF, threads)) {
                int i0 = blk * mcF, rows = Math.min(mcF, m - i0);
                int slivers = (rows + MR - 1) / MR;
                float[] ap = buffer(A_BUF, slivers * kcMax * MR);
                for (int kk = 0; kk < k; kk += kcMax) {
                    int kc = Math.min(kcMax, k - kk), bBase = panels * NR * kk;
                    packA(a, ao + i0 * ars + kk * acs, ars, acs, rows, kc, ap);
                    for (int jp = 0; jp < panels; jp++) {
                        int j0 = jp * NR, cols = Math.min(NR, n - j0);
                        int pb = bBase + jp * kc * NR;
                        for (int s = 0; s < slivers; s++) {
                            int r0 = s * MR, cOff = co + (i0 + r0) * ldc + j0, mr = Math.min(MR, rows - r0);
                            if (mr == MR && cols == NR) kernel(ap, s * kc * MR, bp, pb, kc, alpha, c, cOff, ldc);
                            else kernelEdge(ap, s * kc * MR, bp, pb, kc, alpha, c, cOff, ldc, mr, cols);
                        }
                    }
                }
            }
        });
    }

    /** All rows of C times panels [p0, p1) of B: B's panels packed per K block into this thread's buffer. */
    private static void columns(int m, int n, int k, int kcMax, float alpha, float[] a, int ao, int ars, int acs,
                                float[] b, int bo, int brs, int bcs, float[] c, int co, int ldc, int p0, int p1) {
        int slivers = (m + MR - 1) / MR;
        float[] ap = buffer(A_BUF, slivers * kcMax * MR);
        float[] bp = buffer(B_BUF, (p1 - p0) * NR * kcMax);
        for (int kk = 0; kk < k; kk += kcMax) {
            int kc = Math.min(kcMax, k - kk);
            packA(a, ao + kk * acs, ars, acs, m, kc, ap);
            for (int jp = p0; jp < p1; jp++) {
                // packB puts panel jp at base + jp * kc * NR: shift the base so this thread's first panel lands at 0
                packB(b, bo + kk * brs, brs, bcs, kc, n, bp, -p0 * kc * NR, jp);
                int j0 = jp * NR, cols = Math.min(NR, n - j0), pb = (jp - p0) * kc * NR;
                for (int s = 0; s < slivers; s++) {
                    int r0 = s * MR, cOff = co + r0 * ldc + j0, mr = Math.min(MR, m - r0);
                    if (mr == MR && cols == NR) kernel(ap, s * kc * MR, bp, pb, kc, alpha, c, cOff, ldc);
                    else kernelEdge(ap, s * kc * MR, bp, pb, kc, alpha, c, cOff, ldc, mr, cols);
                }
            }
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

    /** Packs panel jp of one K block: bp[base + jp*kc*NR + p*NR + j] = B[p, jp*NR + j], zero-padded past n. */
    private static void packB(float[] b, int bo, int brs, int bcs, int kc, int n, float[] bp, int base, int jp) {
        int j0 = jp * NR, cols = Math.min(NR, n - j0), dst = base + jp * kc * NR;
        if (bcs == 1 && cols == NR) {
            for (int p = 0; p < kc; p++) {
                int src = bo + p * brs + j0, d = dst + p * NR;
                FloatVector.fromArray(S, b, src).intoArray(bp, d);
                FloatVector.fromArray(S, b, src + L).intoArray(bp, d + L);
            }
        } else if (bcs == 1) {
            for (int p = 0; p < kc; p++) {
                System.arraycopy(b, bo + p * brs + j0, bp, dst + p * NR, cols);
                java.util.Arrays.fill(bp, dst + p * NR + cols, dst + (p + 1) * NR, 0f);
            }
        } else if (cols == NR) {                      // B transposed: p-major over NR source streams
            int p = 0;
            if (brs == 1 && L == 8) {                 // 8 x 8 blocks transposed in registers
                for (; p + L <= kc; p += L) {
                    for (int h = 0; h < NR; h += L) {
                        int s0 = bo + (j0 + h) * bcs + p;
                        FloatVector a0 = FloatVector.fromArray(S, b, s0), a1 = FloatVector.fromArray(S, b, s0 + bcs);
                        FloatVector a2 = FloatVector.fromArray(S, b, s0 + 2 * bcs), a3 = FloatVector.fromArray(S, b, s0 + 3 * bcs);
                        FloatVector a4 = FloatVector.fromArray(S, b, s0 + 4 * bcs), a5 = FloatVector.fromArray(S, b, s0 + 5 * bcs);
                        FloatVector a6 = FloatVector.fromArray(S, b, s0 + 6 * bcs), a7 = FloatVector.fromArray(S, b, s0 + 7 * bcs);
                        FloatVector z0 = a0.rearrange(ZIP_LO, a1), z1 = a0.rearrange(ZIP_HI, a1);
                        FloatVector z2 = a2.rearrange(ZIP_LO, a3), z3 = a2.rearrange(ZIP_HI, a3);
                        FloatVector z4 = a4.rearrange(ZIP_LO, a5), z5 = a4.rearrange(ZIP_HI, a5);
                        FloatVector z6 = a6.rearrange(ZIP_LO, a7), z7 = a6.rearrange(ZIP_HI, a7);
                        FloatVector y0 = z0.rearrange(PAIR_LO, z2), y1 = z0.rearrange(PAIR_HI, z2);
                        FloatVector y2 = z1.rearrange(PAIR_LO, z3), y3 = z1.rearrange(PAIR_HI, z3);
                        FloatVector y4 = z4.rearrange(PAIR_LO, z6), y5 = z4.rearrange(PAIR_HI, z6);
                        FloatVector y6 = z5.rearrange(PAIR_LO, z7), y7 = z5.rearrange(PAIR_HI, z7);
                        int d = dst + p * NR + h;
                        y0.rearrange(HALF_LO, y4).intoArray(bp, d);
                        y0.rearrange(HALF_HI, y4).intoArray(bp, d + NR);
                        y1.rearrange(HALF_LO, y5).intoArray(bp, d + 2 * NR);
                        y1.rearrange(HALF_HI, y5).intoArray(bp, d + 3 * NR);
                        y2.rearrange(HALF_LO, y6).intoArray(bp, d + 4 * NR);
                        y2.rearrange(HALF_HI, y6).intoArray(bp, d + 5 * NR);
                        y3.rearrange(HALF_LO, y7).intoArray(bp, d + 6 * NR);
                        y3.rearrange(HALF_HI, y7).intoArray(bp, d + 7 * NR);
                    }
                }
            }
            int[] src = new int[NR];
            for (int j = 0; j < NR; j++) src[j] = bo + (j0 + j) * bcs;
            for (int q = p * brs; p < kc; p++, q += brs) {
                int d = dst + p * NR;
                for (int j = 0; j < NR; j++) bp[d + j] = b[src[j] + q];
            }
        } else {
            if (cols < NR) java.util.Arrays.fill(bp, dst, dst + kc * NR, 0f);
            for (int j = 0; j < cols; j++) {
                int src = bo + (j0 + j) * bcs;
                for (int p = 0; p < kc; p++) bp[dst + p * NR + j] = b[src + p * brs];
            }
        }
    }

    /** ap[sliver][p][r] = A[sliver*MR + r, p], zero-padded past rows. */
    private static void packA(float[] a, int ao, int ars, int acs, int rows, int kc, float[] ap) {
        int slivers = (rows + MR - 1) / MR;
        if (ars == 1) {
            // A transposed: the four rows of a sliver at each p are adjacent; read each p's rows once, in
            // order (one sliver at a time would touch a new page per p), and copy four at a time
            int full = rows / MR;
            for (int p = 0, q = ao; p < kc; p++, q += acs) {
                for (int s = 0; s < full; s++) FloatVector.fromArray(S4, a, q + s * MR).intoArray(ap, s * kc * MR + p * MR);
            }
        }
        for (int s = 0; s < slivers; s++) {
            int r0 = s * MR, mr = Math.min(MR, rows - r0), dst = s * kc * MR;
            if (mr < MR) java.util.Arrays.fill(ap, dst, dst + kc * MR, 0f);
            if (mr == MR && ars == 1) continue;               // packed above, p-major
            if (mr == MR) {                                    // four source streams, one contiguous write stream
                int s0 = ao + r0 * ars, s1 = s0 + ars, s2 = s1 + ars, s3 = s2 + ars;
                int p = 0;
                if (acs == 1 && L == 8) {                      // 4 x 8 blocks transposed in registers
                    for (; p + L <= kc; p += L) {
                        FloatVector v0 = FloatVector.fromArray(S, a, s0 + p), v1 = FloatVector.fromArray(S, a, s1 + p);
                        FloatVector v2 = FloatVector.fromArray(S, a, s2 + p), v3 = FloatVector.fromArray(S, a, s3 + p);
                        FloatVector t0 = v0.rearrange(ZIP_LO, v1), t1 = v0.rearrange(ZIP_HI, v1);
                        FloatVector t2 = v2.rearrange(ZIP_LO, v3), t3 = v2.rearrange(ZIP_HI, v3);
                        int d = dst + p * MR;
                        t0.rearrange(PAIR_LO, t2).intoArray(ap, d);
                        t0.rearrange(PAIR_HI, t2).intoArray(ap, d + L);
                        t1.rearrange(PAIR_LO, t3).intoArray(ap, d + 2 * L);
                        t1.rearrange(PAIR_HI, t3).intoArray(ap, d + 3 * L);
                    }
                }
                for (int q = p * acs; p < kc; p++, q += acs) {
                    int d = dst + p * MR;
                    ap[d] = a[s0 + q];
                    ap[d + 1] = a[s1 + q];
                    ap[d + 2] = a[s2 + q];
                    ap[d + 3] = a[s3 + q];
                }
                continue;
            }
            for (int r = 0; r < mr; r++) {
                int src = ao + (r0 + r) * ars;
                for (int p = 0; p < kc; p++) ap[dst + p * MR + r] = a[src + p * acs];
            }
        }
    }

    /** C[MR x NR] += alpha * Ap Bp over kc, with 8 vector accumulators (more spill on AVX2). */
    private static void kernel(float[] ap, int pa, float[] bp, int pb, int kc, float alpha,
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
        store(c00, c01, alpha, c, co);
        store(c10, c11, alpha, c, co + ldc);
        store(c20, c21, alpha, c, co + 2 * ldc);
        store(c30, c31, alpha, c, co + 3 * ldc);
    }

    /**
     * The tile at the bottom or right edge: the packed operands are zero-padded, so the full tile
     * is computed and only its rows x cols corner is added to C.
     */
    private static void kernelEdge(float[] ap, int pa, float[] bp, int pb, int kc, float alpha,
                                   float[] c, int co, int ldc, int rows, int cols) {
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
        float[] t = new float[MR * NR];                 // scalar-replaced by C2 (it does not escape)
        c00.intoArray(t, 0);
        c01.intoArray(t, L);
        c10.intoArray(t, NR);
        c11.intoArray(t, NR + L);
        c20.intoArray(t, 2 * NR);
        c21.intoArray(t, 2 * NR + L);
        c30.intoArray(t, 3 * NR);
        c31.intoArray(t, 3 * NR + L);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) c[co + r * ldc + j] += alpha * t[r * NR + j];
        }
    }

    private static void store(FloatVector v0, FloatVector v1, float alpha, float[] c, int p) {
        FloatVector a = FloatVector.broadcast(S, alpha);
        v0.fma(a, FloatVector.fromArray(S, c, p)).intoArray(c, p);
        v1.fma(a, FloatVector.fromArray(S, c, p + L)).intoArray(c, p + L);
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
