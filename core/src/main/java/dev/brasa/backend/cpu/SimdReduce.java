package dev.brasa.backend.cpu;

import static dev.brasa.backend.cpu.ScalarBackend.cpu;
import static dev.brasa.backend.cpu.SimdBackend.L;
import static dev.brasa.backend.cpu.SimdBackend.S;

import dev.brasa.backend.Kind;
import dev.brasa.backend.ReduceOp;
import dev.brasa.backend.View;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The SIMD reductions and softmax of {@link SimdBackend}, each with a named {@code accepts...} guard:
 * sums cascaded in PyTorch's order (its bits with 8 lanes; a batch of at most 256 rows row after row),
 * extremes that keep NaN, reductions along the last or an inner axis, softmax and log-softmax along
 * the last axis.
 */
final class SimdReduce {
    private SimdReduce() {}

    /** SUM, MEAN, MAX or MIN over float32, along a non-empty axis. */
    static boolean acceptsReduce(ReduceOp op, View x, int n, View out) {
        boolean vectorOp = op == ReduceOp.SUM || op == ReduceOp.MEAN || op == ReduceOp.MAX || op == ReduceOp.MIN;
        return cpu(x).kind == Kind.F32 && cpu(out).kind == Kind.F32 && vectorOp && n > 0;
    }

    static void reduce(ReduceOp op, View x, int outer, int n, int inner, View out) {
        float[] a = cpu(x).f(), r = cpu(out).f();
        int xo = x.offset(), oo = out.offset();
        if (inner == 1) {
            for (int o = 0; o < outer; o++) {
                int p = xo + o * n;
                float v = switch (op) {
                    case SUM -> sum(a, p, n);
                    case MEAN -> sum(a, p, n) / n;
                    default -> extreme(a, p, n, op == ReduceOp.MAX);
                };
                r[oo + o] = v;
            }
            return;
        }
        for (int o = 0; o < outer; o++) {
            int dst = oo + o * inner, src = xo + o * n * inner;
            boolean sum = op == ReduceOp.SUM || op == ReduceOp.MEAN;
            if (sum && n > ROW_AFTER_ROW) {
                sumRows(a, src, n, inner, r, dst);
            } else {
                System.arraycopy(a, src, r, dst, inner);
                for (int j = 1; j < n; j++) {
                    int row = src + j * inner;
                    if (sum) {
                        addInto(r, dst, a, row, inner);
                        continue;
                    }
                    int i = 0;
                    for (int bound = S.loopBound(inner); i < bound; i += L) {
                        FloatVector acc = FloatVector.fromArray(S, r, dst + i), v = FloatVector.fromArray(S, a, row + i);
                        (op == ReduceOp.MAX ? acc.max(v) : acc.min(v)).intoArray(r, dst + i);
                    }
                    for (; i < inner; i++) r[dst + i] = op == ReduceOp.MAX ? Math.max(r[dst + i], a[row + i]) : Math.min(r[dst + i], a[row + i]);
                }
            }
            if (op == ReduceOp.MEAN) for (int i = 0; i < inner; i++) r[dst + i] /= n;
        }
    }

    /**
     * Sums over at most this many rows (a batch) add row after row in float, as they always did: cascaded as PyTorch
     * adds, lesson 000's 64-row bias gradients took PyTorch's bits, yet moved its trajectory (its products do not add
     * as OpenBLAS does) enough to change two printed digits of the lesson (epoch 6's loss 0.7617 -> 0.7618, epoch 9's
     * accuracy 92.70 -> 92.68). Up to 256 terms the row-after-row error stays small; past it a float column loses
     * digits (a fixture's 70,000 rows: 110 units in the last place off PyTorch's), so longer sums are cascaded.
     */
    static final int ROW_AFTER_ROW = 256;

    /** The levels of a cascaded sum. */
    private static final int LEVELS = 4;

    /** Columns of a sum over rows done at once: the cascade's LEVELS accumulators take LEVELS times as many floats. */
    private static final int COLUMNS = 1024;

    /** The thread's accumulators of a cascaded sum (no allocation per call: a fresh array is a cache miss per line). */
    private static final ThreadLocal<float[]> CASCADE = new ThreadLocal<>();

    /**
     * Terms a cascaded sum of n terms adds into its level-0 accumulator before passing it up: 2^max(4, ceil(log2 n) / 4),
     * the step of PyTorch's CPU sum, so that a level-l accumulator is passed up every step^(l+1) terms.
     */
    static int cascadeStep(int n) {
        int ceilLog2 = n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
        return 1 << Math.max(4, ceilLog2 / LEVELS);
    }

    /**
     * r[dst + c] = the sum over j < n of a[src + j inner + c], for every c < inner, in PyTorch's order (its CPU sum
     * over a leading axis, on vectors of L lanes): the columns in whole groups of 4 vectors (or, fewer than L columns,
     * of 4) are each cascaded on their own, the rest each in four interleaved partial sums (rows 4 i + q), cascaded
     * too, the n mod 4 last rows added to the first and the four then added up. The rounding error grows with log n
     * rather than with n (1e8 followed by 256 ones sums to 100000240, not to 1e8 as row after row in float), and where
     * PyTorch's vectors have L lanes the bits are PyTorch's.
     */
    static void sumRows(float[] a, int src, int n, int inner, float[] r, int dst) {
        int alone = inner >= L ? inner / (4 * L) * (4 * L) : inner / 4 * 4, rest = inner - alone, m = n / 4;
        int stepA = cascadeStep(n), stepP = cascadeStep(m);
        // one pass over the rows per chunk of columns; the first chunk also takes the interleaved columns
        for (int c0 = 0; c0 < alone || c0 == 0; c0 += COLUMNS) {
            int cw = Math.min(COLUMNS, alone - c0), rc = c0 == 0 ? rest : 0, pb = LEVELS * cw;
            float[] acc = Gemm.buffer(CASCADE, LEVELS * (cw + 4 * rc));   // the alone columns' levels, then the partials'
            java.util.Arrays.fill(acc, 0, LEVELS * (cw + 4 * rc), 0f);
            for (int i = 0; i < m; i++) {
                for (int q = 0; q < 4; q++) {
                    int row = src + (4 * i + q) * inner;
                    addInto(acc, 0, a, row + c0, cw);
                    addInto(acc, pb + q * rc, a, row + alone, rc);
                }
                if ((4 * (i + 1) & (stepA - 1)) == 0) passUp(acc, 0, cw, 4 * (i + 1), stepA, LEVELS);   // steps are powers of 2
                if (rc > 0 && ((i + 1) & (stepP - 1)) == 0) passUp(acc, pb, 4 * rc, i + 1, stepP, LEVELS);
            }
            for (int j = 4 * m; j < n; j++) addInto(acc, 0, a, src + j * inner + c0, cw);
            for (int l = 1; l < LEVELS; l++) addInto(acc, 0, acc, l * cw, cw);
            System.arraycopy(acc, 0, r, dst + c0, cw);
            if (rc > 0) {
                for (int l = 1; l < LEVELS; l++) addInto(acc, pb, acc, pb + l * 4 * rc, 4 * rc);
                for (int j = 4 * m; j < n; j++) addInto(acc, pb, a, src + j * inner + alone, rc);
                for (int q = 1; q < 4; q++) addInto(acc, pb, acc, pb + q * rc, rc);
                System.arraycopy(acc, pb, r, dst + alone, rc);
            }
        }
    }

    /**
     * After a run of a cascade of step terms ends at term count (a multiple of step): level 0 (w floats at base) is
     * added into level 1 and cleared, level 1 into level 2 when count is a multiple of step^2, and so on up to level
     * levels - 1.
     */
    private static void passUp(float[] acc, int base, int w, int count, int step, int levels) {
        int shift = Integer.numberOfTrailingZeros(step);
        for (int l = 1; l < levels; l++) {
            addInto(acc, base + l * w, acc, base + (l - 1) * w, w);
            java.util.Arrays.fill(acc, base + (l - 1) * w, base + l * w, 0f);
            if ((count & ((step - 1) << (l * shift))) != 0) break;
        }
    }

    /** d[dp + i] += s[sp + i] for i < len. */
    private static void addInto(float[] d, int dp, float[] s, int sp, int len) {
        int i = 0;
        for (int bound = S.loopBound(len); i < bound; i += L) {
            FloatVector.fromArray(S, d, dp + i).add(FloatVector.fromArray(S, s, sp + i)).intoArray(d, dp + i);
        }
        for (; i < len; i++) d[dp + i] += s[sp + i];
    }

    /**
     * Sum of a[p..p+n) in PyTorch's order (its CPU sum over a contiguous row, on vectors of L lanes): four vector
     * partial sums over chunks of 4 vectors, cascaded over the chunks as {@link #sumRows} cascades over rows (level 0
     * added into level 1, four more vectors, after every run of cascadeStep(chunks) chunks; level 1 into levels 2 and
     * 3, an array, every step runs); the vectors past the last chunk added to the first partial, the four partials
     * added up in order; then the floats past the last vector, from 0, and the lanes in order. A long row's error
     * grows with log n, and where PyTorch's vectors have L lanes the bits are PyTorch's.
     */
    static float sum(float[] a, int p, int n) {
        int vectors = n / L, chunks = vectors / 4, i = 0;
        FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
        if (chunks > 0) {
            FloatVector t0 = s0, t1 = s0, t2 = s0, t3 = s0;
            int step = cascadeStep(chunks), shift = Integer.numberOfTrailingZeros(step), w = 4 * L;
            float[] up = null;                                             // levels 2 and up, four vectors each at l * w
            int c = 0, full = chunks / step * step, left = step;
            for (; c < full; ) {
                s0 = s0.add(FloatVector.fromArray(S, a, p + i));
                s1 = s1.add(FloatVector.fromArray(S, a, p + i + L));
                s2 = s2.add(FloatVector.fromArray(S, a, p + i + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, a, p + i + 3 * L));
                c++;
                i += 4 * L;
                if (--left != 0) continue;
                left = step;
                t0 = t0.add(s0);
                t1 = t1.add(s1);
                t2 = t2.add(s2);
                t3 = t3.add(s3);
                s0 = FloatVector.zero(S);
                s1 = s0;
                s2 = s0;
                s3 = s0;
                if ((c & ((step - 1) << shift)) != 0) continue;
                if (up == null) {
                    up = Gemm.buffer(CASCADE, LEVELS * w);
                    java.util.Arrays.fill(up, 0, LEVELS * w, 0f);
                }
                t0.intoArray(up, w);
                t1.intoArray(up, w + L);
                t2.intoArray(up, w + 2 * L);
                t3.intoArray(up, w + 3 * L);
                t0 = s0;
                t1 = s0;
                t2 = s0;
                t3 = s0;
                passUp(up, w, w, c >> shift, step, LEVELS - 1);          // levels 1 to 3 at w, counted in runs
            }
            for (; c < chunks; c++, i += 4 * L) {
                s0 = s0.add(FloatVector.fromArray(S, a, p + i));
                s1 = s1.add(FloatVector.fromArray(S, a, p + i + L));
                s2 = s2.add(FloatVector.fromArray(S, a, p + i + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, a, p + i + 3 * L));
            }
            if (chunks >= step) {                                          // levels 1 and up into level 0, in order
                s0 = s0.add(t0);
                s1 = s1.add(t1);
                s2 = s2.add(t2);
                s3 = s3.add(t3);
                for (int l = 2; up != null && l < LEVELS; l++) {
                    s0 = s0.add(FloatVector.fromArray(S, up, l * w));
                    s1 = s1.add(FloatVector.fromArray(S, up, l * w + L));
                    s2 = s2.add(FloatVector.fromArray(S, up, l * w + 2 * L));
                    s3 = s3.add(FloatVector.fromArray(S, up, l * w + 3 * L));
                }
            }
        }
        for (; i < vectors * L; i += L) s0 = s0.add(FloatVector.fromArray(S, a, p + i));
        s0 = s0.add(s1).add(s2).add(s3);
        float s = 0;
        for (; i < n; i++) s += a[p + i];
        for (int k = 0; k < L; k++) s += s0.lane(k);
        return s;
    }

    /** Max (or min) of a[p..p+n), NaN if any element is NaN. */
    static float extreme(float[] a, int p, int n, boolean max) {
        int i = 0;
        float best = a[p];
        if (n >= L) {
            FloatVector acc = FloatVector.fromArray(S, a, p);
            for (int bound = S.loopBound(n); i < bound; i += L) {
                FloatVector v = FloatVector.fromArray(S, a, p + i);
                acc = max ? acc.max(v) : acc.min(v);
            }
            best = acc.reduceLanes(max ? VectorOperators.MAX : VectorOperators.MIN);
        }
        for (; i < n; i++) best = max ? Math.max(best, a[p + i]) : Math.min(best, a[p + i]);
        return best;
    }

    /** Softmax over float32 rows (the last axis) of at least one vector. */
    static boolean acceptsSoftmax(View x, int n, int inner, View out) {
        return cpu(x).kind == Kind.F32 && cpu(out).kind == Kind.F32 && inner == 1 && n >= L;
    }

    static void softmax(View x, int outer, int n, View out, boolean log) {
        float[] a = cpu(x).f(), r = cpu(out).f();
        for (int o = 0; o < outer; o++) {
            int xp = x.offset() + o * n, op = out.offset() + o * n;
            float max = extreme(a, xp, n, true);
            float sum = expSum(a, xp, r, op, n, max);                   // log: r is scratch, overwritten below
            int i, bound = S.loopBound(n);
            if (log) {
                float sub = max + (float) Math.log(sum);
                i = 0;
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, a, xp + i).sub(sub).intoArray(r, op + i);
                }
                for (; i < n; i++) r[op + i] = a[xp + i] - sub;
            } else {
                float inv = 1f / sum;
                i = 0;
                for (; i < bound; i += L) {
                    FloatVector.fromArray(S, r, op + i).mul(inv).intoArray(r, op + i);
                }
                for (; i < n; i++) r[op + i] *= inv;
            }
        }
    }

    /** r[ro + i] = exp(a[ao + i] - max) for i in [0, n); returns their sum. */
    static float expSum(float[] a, int ao, float[] r, int ro, int n, float max) {
        int bound = S.loopBound(n);
        VMath.expRow(a, ao, r, ro, bound, 1f, -max, false);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) acc = acc.add(FloatVector.fromArray(S, r, ro + i));
        float sum = VMath.hsum(acc);
        for (int i = bound; i < n; i++) sum += r[ro + i] = (float) Math.exp(a[ao + i] - max);
        return sum;
    }
}
