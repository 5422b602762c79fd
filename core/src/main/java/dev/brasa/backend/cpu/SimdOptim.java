package dev.brasa.backend.cpu;

import static dev.brasa.backend.cpu.ScalarBackend.cpu;
import static dev.brasa.backend.cpu.SimdBackend.L;
import static dev.brasa.backend.cpu.SimdBackend.S;

import dev.brasa.backend.View;
import jdk.incubator.vector.FloatVector;

/**
 * The SIMD optimizer steps of {@link SimdBackend}: SGD (momentum, dampening, weight decay, Nesterov,
 * maximize) and Adam / AdamW (amsgrad, maximize), the scalar loop's operations in its order, each
 * correctly rounded per lane (no FMA), so the result is the scalar backend's bit for bit; a large
 * parameter is cut into one slice per thread, the tail runs the scalar loop. Nothing is allocated per
 * step on one thread.
 */
final class SimdOptim {
    private SimdOptim() {}

    /**
     * Every SGD option, in vectors over whole vectors (in one slice per thread for a large parameter:
     * the split changes no bit, each element's update is independent), the scalar loop over the tail.
     */
    static void sgdStep(View param, View grad, View buf, boolean firstStep, double lr, double momentum, double dampening,
                       double weightDecay, boolean nesterov, boolean maximize) {
        float[] p = cpu(param).f(), g = cpu(grad).f(), b = buf == null ? null : cpu(buf).f();
        int po = param.offset(), go = grad.offset(), bo = buf == null ? 0 : buf.offset();
        float wd = (float) weightDecay, mom = (float) momentum, damp = (float) (1 - dampening), rate = (float) lr;
        int n = param.numel(), bound = S.loopBound(n), slices = slices(bound);
        if (slices <= 1) {
            sgd(p, po, g, go, b, bo, firstStep, rate, mom, damp, wd, nesterov, maximize, 0, bound);
        } else {
            int chunk = chunk(bound, slices);
            CpuThreads.parallelFor(slices, t -> sgd(p, po, g, go, b, bo, firstStep, rate, mom, damp, wd, nesterov, maximize,
                    Math.min(bound, t * chunk), Math.min(bound, (t + 1) * chunk)));
        }
        ScalarBackend.sgd(p, po, g, go, b, bo, firstStep, rate, mom, damp, wd, nesterov, maximize, bound, n);
    }

    /** SGD over the elements [from, to) (multiples of the vector length). */
    private static void sgd(float[] p, int po, float[] g, int go, float[] b, int bo, boolean firstStep, float rate, float mom,
                            float damp, float wd, boolean nesterov, boolean maximize, int from, int to) {
        if (b == null && wd == 0 && !maximize) {
            for (int i = from; i < to; i += L) {
                FloatVector pv = FloatVector.fromArray(S, p, po + i);
                pv.sub(FloatVector.fromArray(S, g, go + i).mul(rate)).intoArray(p, po + i);
            }
            return;
        }
        for (int i = from; i < to; i += L) {
            FloatVector pv = FloatVector.fromArray(S, p, po + i), d = FloatVector.fromArray(S, g, go + i);
            if (maximize) d = d.neg();
            if (wd != 0) d = d.add(pv.mul(wd));
            if (b != null) {
                FloatVector v = firstStep ? d : FloatVector.fromArray(S, b, bo + i).mul(mom).add(d.mul(damp));
                v.intoArray(b, bo + i);
                d = nesterov ? d.add(v.mul(mom)) : v;
            }
            pv.sub(d.mul(rate)).intoArray(p, po + i);
        }
    }

    /** Elements per thread below which an update stays on the calling thread (the hand-off would cost more than it saves). */
    static final int SPLIT_MIN = 1 << 16;

    /** How many slices an update of bound elements is cut into: one per thread, each of at least SPLIT_MIN. */
    private static int slices(int bound) { return (int) Math.min(CpuThreads.threads(), bound / SPLIT_MIN); }

    /** Elements per slice, a multiple of the vector length. */
    private static int chunk(int bound, int slices) { return (bound / L + slices - 1) / slices * L; }

    /**
     * Adam and AdamW (amsgrad, maximize, L2 or decoupled weight decay) in vectors, sliced as SGD's:
     * the scalar loop's operations in the scalar loop's order, each correctly rounded per lane (no
     * FMA), so the result is the scalar backend's bit for bit; the tail goes through the scalar loop.
     */
    static void adamStep(View param, View grad, View m, View v, View vmax, long step, double lr, double beta1, double beta2,
                        double eps, double weightDecay, boolean decoupled, boolean maximize) {
        float[] p = cpu(param).f(), g = cpu(grad).f(), mm = cpu(m).f(), vv = cpu(v).f(), vx = vmax == null ? null : cpu(vmax).f();
        int po = param.offset(), go = grad.offset(), mo = m.offset(), vo = v.offset(), xo = vmax == null ? 0 : vmax.offset();
        int n = param.numel(), bound = S.loopBound(n), slices = slices(bound);
        if (slices <= 1) {
            adam(p, po, g, go, mm, mo, vv, vo, vx, xo, step, lr, beta1, beta2, eps, weightDecay, decoupled, maximize, 0, bound);
        } else {
            int chunk = chunk(bound, slices);
            CpuThreads.parallelFor(slices, t -> adam(p, po, g, go, mm, mo, vv, vo, vx, xo, step, lr, beta1, beta2, eps, weightDecay, decoupled,
                    maximize, Math.min(bound, t * chunk), Math.min(bound, (t + 1) * chunk)));
        }
        ScalarBackend.adam(p, po, g, go, mm, mo, vv, vo, vx, xo, step, lr, beta1, beta2, eps, weightDecay, decoupled, maximize, bound, n);
    }

    /** Adam over the elements [from, to) (multiples of the vector length); the constants rounded as the scalar loop rounds them. */
    private static void adam(float[] p, int po, float[] g, int go, float[] mm, int mo, float[] vv, int vo, float[] vx, int xo, long step,
                             double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled, boolean maximize,
                             int from, int to) {
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1), bc2Sqrt = (float) Math.sqrt(bc2), e = (float) eps;
        float b1 = (float) beta1, b2 = (float) beta2, a1 = (float) (1 - beta1), a2 = (float) (1 - beta2);
        float decay = (float) (1 - lr * weightDecay), wd = (float) weightDecay;
        for (int i = from; i < to; i += L) {
            FloatVector gi = FloatVector.fromArray(S, g, go + i);
            if (maximize) gi = gi.neg();
            FloatVector pi = FloatVector.fromArray(S, p, po + i);
            if (decoupled) pi = pi.mul(decay);
            else if (wd != 0) gi = gi.add(pi.mul(wd));
            FloatVector mi = FloatVector.fromArray(S, mm, mo + i).mul(b1).add(gi.mul(a1));
            FloatVector vi = FloatVector.fromArray(S, vv, vo + i).mul(b2).add(gi.mul(a2).mul(gi));
            mi.intoArray(mm, mo + i);
            vi.intoArray(vv, vo + i);
            FloatVector second = vi;
            if (vx != null) {
                second = FloatVector.fromArray(S, vx, xo + i).max(vi);
                second.intoArray(vx, xo + i);
            }
            FloatVector denom = second.sqrt().div(bc2Sqrt).add(e);
            pi.sub(mi.div(denom).mul(stepSize)).intoArray(p, po + i);
        }
    }
}
