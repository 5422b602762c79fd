package dev.brasa.backend.cpu;

import static dev.brasa.backend.cpu.ScalarBackend.cpu;
import static dev.brasa.backend.cpu.SimdBackend.L;
import static dev.brasa.backend.cpu.SimdBackend.S;

import dev.brasa.backend.View;
import jdk.incubator.vector.FloatVector;

/**
 * The SIMD optimizer steps of {@link SimdBackend}: SGD (momentum, dampening, weight decay) and Adam /
 * AdamW (amsgrad, maximize), the scalar loop's operations in its order, each correctly rounded per
 * lane (no FMA), so the result is the scalar backend's bit for bit. Each returns how many elements
 * its vectors covered; SimdBackend sends the tail through the scalar loop.
 */
final class SimdOptim {
    private SimdOptim() {}

    /** The common SGD update in vectors (same operations and rounding as the scalar loop: no FMA). */
    static boolean acceptsSgd(View param, boolean nesterov, boolean maximize) { return !nesterov && !maximize && param.numel() >= L; }

    /** The vector part of the update; returns how many elements it updated (the caller does the rest). */
    static int sgdStep(View param, View grad, View buf, boolean firstStep, double lr, double momentum, double dampening,
                       double weightDecay) {
        float[] p = cpu(param).f, g = cpu(grad).f, b = buf == null ? null : cpu(buf).f;
        int po = param.offset(), go = grad.offset(), bo = buf == null ? 0 : buf.offset(), n = param.numel();
        float wd = (float) weightDecay, mom = (float) momentum, damp = (float) (1 - dampening), rate = (float) lr;
        int bound = S.loopBound(n);
        if (b == null && wd == 0) {
            for (int i = 0; i < bound; i += L) {
                FloatVector pv = FloatVector.fromArray(S, p, po + i);
                pv.sub(FloatVector.fromArray(S, g, go + i).mul(rate)).intoArray(p, po + i);
            }
        } else {
            for (int i = 0; i < bound; i += L) {
                FloatVector pv = FloatVector.fromArray(S, p, po + i), d = FloatVector.fromArray(S, g, go + i);
                if (wd != 0) d = d.add(pv.mul(wd));
                if (b != null) {
                    d = firstStep ? d : FloatVector.fromArray(S, b, bo + i).mul(mom).add(d.mul(damp));
                    d.intoArray(b, bo + i);
                }
                pv.sub(d.mul(rate)).intoArray(p, po + i);
            }
        }
        return bound;
    }

    /**
     * Adam and AdamW (amsgrad, maximize, L2 or decoupled weight decay) in vectors: the scalar loop's
     * operations in the scalar loop's order, each correctly rounded per lane (no FMA), so the result is
     * the scalar backend's bit for bit; the tail goes through the scalar loop.
     */
    static boolean acceptsAdam(View param) { return param.numel() >= L; }

    /** The vector part of the update; returns how many elements it updated (the caller does the rest). */
    static int adamStep(View param, View grad, View m, View v, View vmax, long step, double lr, double beta1, double beta2,
                        double eps, double weightDecay, boolean decoupled, boolean maximize) {
        int n = param.numel();
        float[] p = cpu(param).f, g = cpu(grad).f, mm = cpu(m).f, vv = cpu(v).f, vx = vmax == null ? null : cpu(vmax).f;
        int po = param.offset(), go = grad.offset(), mo = m.offset(), vo = v.offset(), xo = vmax == null ? 0 : vmax.offset();
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1), bc2Sqrt = (float) Math.sqrt(bc2), e = (float) eps;
        float b1 = (float) beta1, b2 = (float) beta2, a1 = (float) (1 - beta1), a2 = (float) (1 - beta2);
        float decay = (float) (1 - lr * weightDecay), wd = (float) weightDecay;
        int bound = S.loopBound(n);
        for (int i = 0; i < bound; i += L) {
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
        return bound;
    }
}
