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
 * sums with four vector accumulators, extremes that keep NaN, reductions along the last or an inner
 * axis, softmax and log-softmax along the last axis.
 */
final class SimdReduce {
    private SimdReduce() {}

    /** SUM, MEAN, MAX or MIN over float32, along a non-empty axis. */
    static boolean acceptsReduce(ReduceOp op, View x, int n, View out) {
        boolean vectorOp = op == ReduceOp.SUM || op == ReduceOp.MEAN || op == ReduceOp.MAX || op == ReduceOp.MIN;
        return cpu(x).kind == Kind.F32 && cpu(out).kind == Kind.F32 && vectorOp && n > 0;
    }

    static void reduce(ReduceOp op, View x, int outer, int n, int inner, View out) {
        float[] a = cpu(x).f, r = cpu(out).f;
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
            System.arraycopy(a, src, r, dst, inner);
            for (int j = 1; j < n; j++) {
                int row = src + j * inner;
                int i = 0;
                for (int bound = S.loopBound(inner); i < bound; i += L) {
                    FloatVector acc = FloatVector.fromArray(S, r, dst + i), v = FloatVector.fromArray(S, a, row + i);
                    acc = switch (op) {
                        case MAX -> acc.max(v);
                        case MIN -> acc.min(v);
                        default -> acc.add(v);
                    };
                    acc.intoArray(r, dst + i);
                }
                for (; i < inner; i++) {
                    float acc = r[dst + i], v = a[row + i];
                    r[dst + i] = switch (op) {
                        case MAX -> Math.max(acc, v);
                        case MIN -> Math.min(acc, v);
                        default -> acc + v;
                    };
                }
            }
            if (op == ReduceOp.MEAN) for (int i = 0; i < inner; i++) r[dst + i] /= n;
        }
    }

    /** Sum of a[p..p+n) with four vector accumulators. */
    static float sum(float[] a, int p, int n) {
        int i = 0;
        float s = 0;
        if (n >= 4 * L) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int bound = n - n % (4 * L); i < bound; i += 4 * L) {
                s0 = s0.add(FloatVector.fromArray(S, a, p + i));
                s1 = s1.add(FloatVector.fromArray(S, a, p + i + L));
                s2 = s2.add(FloatVector.fromArray(S, a, p + i + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, a, p + i + 3 * L));
            }
            s = VMath.hsum(s0.add(s1).add(s2.add(s3)));
        }
        if (n - i >= L) {
            FloatVector s0 = FloatVector.zero(S);
            for (int bound = i + S.loopBound(n - i); i < bound; i += L) s0 = s0.add(FloatVector.fromArray(S, a, p + i));
            s += VMath.hsum(s0);
        }
        for (; i < n; i++) s += a[p + i];
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
        float[] a = cpu(x).f, r = cpu(out).f;
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
