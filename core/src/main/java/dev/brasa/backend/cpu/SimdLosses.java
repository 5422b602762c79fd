package dev.brasa.backend.cpu;

import static dev.brasa.backend.cpu.ScalarBackend.cpu;
import static dev.brasa.backend.cpu.SimdBackend.L;
import static dev.brasa.backend.cpu.SimdBackend.S;

import dev.brasa.backend.BinaryOp;
import dev.brasa.backend.Kind;
import dev.brasa.backend.View;
import jdk.incubator.vector.FloatVector;

/**
 * The SIMD fused losses of {@link SimdBackend}, each with a named {@code accepts...} guard: the
 * cross-entropy forward and backward (rows narrower than a vector exponentiated all at once) and the
 * binary cross-entropy backward.
 */
final class SimdLosses {
    private SimdLosses() {}

    private static final ThreadLocal<float[]> SCRATCH = new ThreadLocal<>();

    /**
     * exp(x - shift) for every element of rows x classes contiguous logits, in a scratch array (row r at
     * r * classes). The shift of row r is shifts[so + r]; with findMax, the row's maximum, first written
     * there. Rows narrower than a vector (10 classes in 16 lanes) are shifted one at a time and the
     * exponentials taken over all of them at once in whole vectors: row by row they were scalar Math.exp,
     * 9.5 ms of the forward and backward of a 60000-row batch.
     */
    private static float[] shiftedExp(float[] a, int ao, int rows, int classes, float[] shifts, int so, boolean findMax) {
        int n = rows * classes;
        float[] e = Gemm.buffer(SCRATCH, n);
        for (int r = 0, q = 0, xp = ao; r < rows; r++, xp += classes) {
            float s;
            if (findMax) {
                s = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) s = a[xp + c] > s ? a[xp + c] : s;   // a NaN still reaches the sum through e
                shifts[so + r] = s;
            } else {
                s = shifts[so + r];
            }
            for (int c = 0; c < classes; c++) e[q++] = a[xp + c] - s;
        }
        int bound = S.loopBound(n);
        VMath.expRow(e, 0, e, 0, bound, 1f, 0f, false);
        for (int i = bound; i < n; i++) e[i] = (float) Math.exp(e[i]);
        return e;
    }

    /** The fused cross-entropy over float32 logits with at least one class. */
    static boolean acceptsCrossEntropy(View x, int classes, View lse, View loss) {
        return cpu(x).kind == Kind.F32 && cpu(lse).kind == Kind.F32 && cpu(loss).kind == Kind.F32 && classes > 0;
    }

    static void crossEntropy(View x, View target, int rows, int classes, long ignoreIndex, double smoothing, double scale,
                             View lse, View loss) {
        float[] a = cpu(x).f(), ls = cpu(lse).f(), out = cpu(loss).f();
        long[] t = cpu(target).l;
        if (classes < L) {                        // rows narrower than a vector: see shiftedExp
            float[] e = shiftedExp(a, x.offset(), rows, classes, ls, lse.offset(), true);
            for (int r = 0, xp = x.offset(), q = 0; r < rows; r++, xp += classes) {
                float max = ls[lse.offset() + r], sum = 0f, total = 0f;   // shiftedExp left the row's maximum there
                for (int c = 0; c < classes; c++, q++) {
                    sum += e[q];
                    total += a[xp + c];
                }
                float l = max + (float) Math.log(sum);
                ls[lse.offset() + r] = l;
                out[loss.offset() + r] = rowLoss(a, xp, t[target.offset() + r], ignoreIndex, l, total, classes, smoothing, scale);
            }
            return;
        }
        float[] e = Gemm.buffer(SCRATCH, classes);
        for (int r = 0; r < rows; r++) {
            int xp = x.offset() + r * classes;
            float max = SimdReduce.extreme(a, xp, classes, true);
            float sum = SimdReduce.expSum(a, xp, e, 0, classes, max), total = smoothing == 0 ? 0f : SimdReduce.sum(a, xp, classes);
            float l = max + (float) Math.log(sum);
            ls[lse.offset() + r] = l;
            out[loss.offset() + r] = rowLoss(a, xp, t[target.offset() + r], ignoreIndex, l, total, classes, smoothing, scale);
        }
    }

    /**
     * One row's loss from its log-sum-exp l and the sum of its logits (total, read only with smoothing): 0 where the target
     * tr is ignored. Without smoothing its term is left out, not multiplied by 0: a masked class's -inf logit makes it
     * infinite, and PyTorch's loss stays finite.
     */
    private static float rowLoss(float[] a, int xp, long tr, long ignoreIndex, float l, float total, int classes, double smoothing,
                                 double scale) {
        if (tr == ignoreIndex) return 0f;
        double nll = l - a[xp + (int) tr];
        return (float) (scale * (smoothing == 0 ? nll : (1 - smoothing) * nll + smoothing * (l - total / classes)));
    }

    /** Its backward over float32 views with at least one class. */
    static boolean acceptsCrossEntropyBackward(View x, View lse, View g, int classes, View out) {
        return cpu(x).kind == Kind.F32 && cpu(lse).kind == Kind.F32 && cpu(g).kind == Kind.F32 && cpu(out).kind == Kind.F32 && classes > 0;
    }

    static void crossEntropyBackward(View x, View target, View lse, View g, int rows, int classes, long ignoreIndex,
                                     double smoothing, double scale, View out) {
        float[] a = cpu(x).f(), ls = cpu(lse).f(), gg = cpu(g).f(), r = cpu(out).f();
        long[] t = cpu(target).l;
        int bound = S.loopBound(classes), gs = g.strides()[0];
        float uniform = (float) (smoothing / classes), hit = (float) (1 - smoothing);
        if (classes < L) {                        // rows narrower than a vector: see shiftedExp
            float[] e = shiftedExp(a, x.offset(), rows, classes, ls, lse.offset(), false);
            for (int row = 0, q = 0, op = out.offset(); row < rows; row++, op += classes, q += classes) {
                long tr = t[target.offset() + row];
                if (tr == ignoreIndex) {
                    java.util.Arrays.fill(r, op, op + classes, 0f);
                    continue;
                }
                float gr = (float) (scale * gg[g.offset() + row * gs]), sub = gr * uniform;
                for (int c = 0; c < classes; c++) r[op + c] = e[q + c] * gr - sub;
                r[op + (int) tr] -= gr * hit;
            }
            return;
        }
        for (int row = 0; row < rows; row++) {
            int xp = x.offset() + row * classes, op = out.offset() + row * classes;
            long tr = t[target.offset() + row];
            if (tr == ignoreIndex) {
                java.util.Arrays.fill(r, op, op + classes, 0f);
                continue;
            }
            float l = ls[lse.offset() + row], gr = (float) (scale * gg[g.offset() + row * gs]);
            VMath.expRow(a, xp, r, op, bound, 1f, -l, false);
            for (int i = bound; i < classes; i++) r[op + i] = (float) Math.exp(a[xp + i] - l);
            float sub = gr * uniform;
            int i = 0;
            for (; i < bound; i += L) FloatVector.fromArray(S, r, op + i).mul(gr).sub(sub).intoArray(r, op + i);
            for (; i < classes; i++) r[op + i] = r[op + i] * gr - sub;
            r[op + (int) tr] -= gr * hit;
        }
    }

    /** A BCE backward row in vectors: float32, unit strides (the gradient unit or broadcast), at least one vector. */
    static boolean acceptsBinaryLossBackwardRow(CpuStorage a, int as, CpuStorage t, int ts, CpuStorage g, int gs, CpuStorage o, int os,
                                                int n) {
        return a.kind == Kind.F32 && t.kind == Kind.F32 && g.kind == Kind.F32 && o.kind == Kind.F32
                && as == 1 && ts == 1 && os == 1 && (gs == 0 || gs == 1) && n >= L;
    }

    /** The vector part of the row; returns how many elements it wrote (the caller does the rest). */
    static int binaryLossBackwardRow(BinaryOp op, CpuStorage a, int ao, CpuStorage t, int to, CpuStorage g, int go, int gs,
                                     CpuStorage o, int oo, int n) {
        float[] x = a.f(), y = t.f(), gr = g.f(), r = o.f();
        int bound = S.loopBound(n);
        if (op == BinaryOp.BCE_WITH_LOGITS) VMath.sigmoidRow(x, ao, r, oo, bound);
        for (int i = 0; i < bound; i += L) {
            FloatVector gv = gs == 0 ? FloatVector.broadcast(S, gr[go]) : FloatVector.fromArray(S, gr, go + i);
            FloatVector yv = FloatVector.fromArray(S, y, to + i), d;
            if (op == BinaryOp.BCE_WITH_LOGITS) {
                d = FloatVector.fromArray(S, r, oo + i).sub(yv);
            } else {
                FloatVector p = FloatVector.fromArray(S, x, ao + i);
                d = p.sub(yv).div(p.mul(p.neg().add(1f)).max(1e-12f));
            }
            gv.mul(d).intoArray(r, oo + i);
        }
        return bound;
    }
}
