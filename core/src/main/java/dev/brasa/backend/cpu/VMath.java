package dev.brasa.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector exp, log, tanh and a fixed-order horizontal sum, written with plain vector arithmetic
 * (Cephes' float polynomials, about 1 ulp). The Vector API's own transcendental operators and
 * {@code reduceLanes(ADD)} may round differently in interpreted and compiled code, which made
 * training runs differ from run to run; these give the same bits in every tier, so a seeded run
 * is reproducible.
 */
final class VMath {
    private static final VectorSpecies<Float> S = SimdBackend.S;

    private VMath() {}

    /** e^x; below -87.33 (where floats become subnormal) the result is flushed to 0. */
    static FloatVector exp(FloatVector x) {
        VectorMask<Float> nan = x.compare(VectorOperators.NE, x);
        VectorMask<Float> over = x.compare(VectorOperators.GT, 88.72283f);
        VectorMask<Float> under = x.compare(VectorOperators.LT, -87.33654f);
        FloatVector xc = x.max(-87.33654f).min(88.72283f);
        FloatVector t = fma(xc, 1.44269504088896341f, FloatVector.broadcast(S, 0.5f));
        IntVector n = (IntVector) t.convert(VectorOperators.F2I, 0);
        FloatVector tn = (FloatVector) n.convert(VectorOperators.I2F, 0);
        VectorMask<Float> down = tn.compare(VectorOperators.GT, t);          // floor of a negative non-integer
        FloatVector fx = tn.sub(FloatVector.broadcast(S, 1f).blend(0f, down.not()));
        n = (IntVector) fx.convert(VectorOperators.F2I, 0);
        FloatVector r = fma(fx, -0.693359375f, xc);
        r = fma(fx, 2.12194440e-4f, r);
        FloatVector z = r.mul(r);
        FloatVector y = FloatVector.broadcast(S, 1.9875691500E-4f);
        y = y.fma(r, FloatVector.broadcast(S, 1.3981999507E-3f));
        y = y.fma(r, FloatVector.broadcast(S, 8.3334519073E-3f));
        y = y.fma(r, FloatVector.broadcast(S, 4.1665795894E-2f));
        y = y.fma(r, FloatVector.broadcast(S, 1.6666665459E-1f));
        y = y.fma(r, FloatVector.broadcast(S, 5.0000001201E-1f));
        y = y.fma(z, r).add(1f);
        FloatVector pow2 = n.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector res = y.mul(pow2);
        res = res.blend(Float.POSITIVE_INFINITY, over).blend(0f, under);
        return res.blend(x, nan);
    }

    /** Natural log: exponent split, mantissa in [sqrt(1/2), sqrt(2)), degree-8 polynomial; log(0) = -inf, log(<0) = NaN. */
    static FloatVector log(FloatVector x) {
        VectorMask<Float> zero = x.compare(VectorOperators.EQ, 0f);
        VectorMask<Float> invalid = x.compare(VectorOperators.LT, 0f).or(x.compare(VectorOperators.NE, x));
        VectorMask<Float> inf = x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY);
        VectorMask<Float> sub = x.compare(VectorOperators.LT, Float.MIN_NORMAL);   // subnormal (or <= 0)
        FloatVector xc = x.blend(x.mul(8388608f), sub).max(Float.MIN_NORMAL);     // scale subnormals by 2^23
        IntVector bits = xc.reinterpretAsInts();
        IntVector expo = bits.lanewise(VectorOperators.LSHR, 23).sub(0x7f);
        FloatVector e = ((FloatVector) expo.convert(VectorOperators.I2F, 0)).add(1f);
        e = e.sub(FloatVector.zero(S).blend(23f, sub));
        FloatVector m = bits.and(~0x7f800000).or(0x3f000000).reinterpretAsFloats();
        VectorMask<Float> small = m.compare(VectorOperators.LT, 0.707106781186547524f);
        FloatVector tmp = m.blend(0f, small.not());
        m = m.sub(1f);
        e = e.sub(FloatVector.broadcast(S, 1f).blend(0f, small.not()));
        m = m.add(tmp);
        FloatVector z = m.mul(m);
        FloatVector y = FloatVector.broadcast(S, 7.0376836292E-2f);
        y = y.fma(m, FloatVector.broadcast(S, -1.1514610310E-1f));
        y = y.fma(m, FloatVector.broadcast(S, 1.1676998740E-1f));
        y = y.fma(m, FloatVector.broadcast(S, -1.2420140846E-1f));
        y = y.fma(m, FloatVector.broadcast(S, 1.4249322787E-1f));
        y = y.fma(m, FloatVector.broadcast(S, -1.6668057665E-1f));
        y = y.fma(m, FloatVector.broadcast(S, 2.0000714765E-1f));
        y = y.fma(m, FloatVector.broadcast(S, -2.4999993993E-1f));
        y = y.fma(m, FloatVector.broadcast(S, 3.3333331174E-1f));
        y = y.mul(m).mul(z);
        y = fma(e, -2.12194440e-4f, y);
        y = fma(z, -0.5f, y);
        FloatVector res = m.add(y);
        res = fma(e, 0.693359375f, res);
        return res.blend(Float.NEGATIVE_INFINITY, zero).blend(Float.POSITIVE_INFINITY, inf).blend(Float.NaN, invalid);
    }

    /** tanh: a polynomial below |x| = 0.625, 1 - 2 / (e^2|x| + 1) above, sign restored. */
    static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector z = x.mul(x);
        FloatVector p = FloatVector.broadcast(S, -5.70498872745E-3f);
        p = p.fma(z, FloatVector.broadcast(S, 2.06390887954E-2f));
        p = p.fma(z, FloatVector.broadcast(S, -5.37397155531E-2f));
        p = p.fma(z, FloatVector.broadcast(S, 1.33314422036E-1f));
        p = p.fma(z, FloatVector.broadcast(S, -3.33332819422E-1f));
        FloatVector small = p.mul(z).fma(x, x);
        FloatVector e = exp(ax.mul(2f).min(88f));
        FloatVector big = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(e.add(1f)));
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
        return big.blend(small, ax.compare(VectorOperators.LT, 0.625f)).blend(x, x.compare(VectorOperators.NE, x));
    }

    /** 1 / (1 + e^-x). */
    static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(exp(x.neg()).add(1f));
    }

    private static FloatVector fma(FloatVector a, float b, FloatVector c) { return a.fma(FloatVector.broadcast(S, b), c); }

    /** The sum of the lanes, always added in lane order. */
    static float hsum(FloatVector v) {
        float s = 0;
        for (int i = 0; i < S.length(); i++) s += v.lane(i);
        return s;
    }
}
