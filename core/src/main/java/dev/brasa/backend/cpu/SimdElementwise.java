package dev.brasa.backend.cpu;

import static dev.brasa.backend.cpu.ScalarBackend.cpu;
import static dev.brasa.backend.cpu.SimdBackend.L;
import static dev.brasa.backend.cpu.SimdBackend.S;

import dev.brasa.backend.BinaryOp;
import dev.brasa.backend.Kind;
import dev.brasa.backend.UnaryOp;
import dev.brasa.backend.View;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The SIMD elementwise kernels of {@link SimdBackend}: unary and binary rows (one loop per op),
 * activation backwards (alone and fused with the bias gradient). Each kernel has a
 * named {@code accepts...} guard; SimdBackend falls back to the scalar loop where it is false.
 */
final class SimdElementwise {
    private SimdElementwise() {}

    /** A unary row in vectors: float32, unit strides, at least one vector, and a vector loop for the op. */
    static boolean acceptsUnaryRow(UnaryOp op, CpuStorage x, int xs, CpuStorage o, int os, int n) {
        return x.kind == Kind.F32 && o.kind == Kind.F32 && xs == 1 && os == 1 && n >= L && UNARY_ROWS[op.ordinal()] != null;
    }

    static void unaryRow(UnaryOp op, CpuStorage x, int xo, CpuStorage o, int oo, int n, double p, double q) {
        float[] a = x.f(), r = o.f();
        int bound = S.loopBound(n), k = op.ordinal();
        float fp = (float) p, fq = (float) q;
        Tiering t = UNARY_TIERS[k];
        if (t == null || bound < Tiering.MIN_ROW || t.warm() || op == UnaryOp.POW && fp != 2f) {
            UNARY_ROWS[k].run(a, xo, r, oo, bound, bound, fp, fq);
        } else {
            t.probe((from, mid, to) -> UNARY_ROWS[k].run(a, xo + from, r, oo + from, mid - from, to - from, fp, fq), bound);
        }
        for (int i = bound; i < n; i++) r[oo + i] = (float) op.apply(a[xo + i], p, q);
    }

    /**
     * One op's vector loop over its first n elements (a multiple of the vector length), then its scalar twin (see
     * {@link Tiering}) up to to: the same float operations one element at a time, so the same bits. Both in one
     * method, so that the twin's iterations count toward compiling the vector loop ({@link Tiering.Mixed}); returns
     * {@link Tiering#split}. IDENTITY has no twin (it is a copy); POW's twin squares, and for any other power the
     * vector loop runs alone (its POW may round differently from Math.pow).
     */
    @FunctionalInterface
    private interface UnaryRow {
        long run(float[] a, int ao, float[] r, int ro, int n, int to, float p, float q);
    }

    /**
     * The loops, one object per op. The call through this table is megamorphic, so C2 never
     * inlines the loops into the dispatcher: each compiles on its own, with its own inlining budget
     * (one switch holding every loop ran out of budget and left the later loops' vectors boxed).
     */
    private static final UnaryRow[] UNARY_ROWS = new UnaryRow[UnaryOp.values().length];
    private static final Tiering[] UNARY_TIERS = new Tiering[UnaryOp.values().length];

    static {
        UNARY_ROWS[UnaryOp.NEG.ordinal()] = (a, ao, r, ro, n, to, p, q) -> {
            for (int i = 0; i < n; i += L) FloatVector.fromArray(S, a, ao + i).neg().intoArray(r, ro + i);
            long split = Tiering.split(n, to);
            for (int i = n; i < to; i++) r[ro + i] = -a[ao + i];
            return split;
        };
        UNARY_ROWS[UnaryOp.EXP.ordinal()] = (a, ao, r, ro, n, to, p, q) -> VMath.exp(a, ao, r, ro, n, to, 1f, 0f, false);
        UNARY_ROWS[UnaryOp.LOG.ordinal()] = (a, ao, r, ro, n, to, p, q) -> VMath.log(a, ao, r, ro, n, to);
        UNARY_ROWS[UnaryOp.TANH.ordinal()] = (a, ao, r, ro, n, to, p, q) -> VMath.tanh(a, ao, r, ro, n, to);
        UNARY_ROWS[UnaryOp.SIGMOID.ordinal()] = (a, ao, r, ro, n, to, p, q) -> VMath.sigmoid(a, ao, r, ro, n, to);
        UNARY_ROWS[UnaryOp.RELU.ordinal()] = (a, ao, r, ro, n, to, p, q) -> {
            // x < 0 ? 0 : x, not max(x, 0): PyTorch keeps -0.0 (and NaN), where Java's max gives +0.0
            for (int i = 0; i < n; i += L) {
                FloatVector v = FloatVector.fromArray(S, a, ao + i);
                v.blend(0f, v.compare(VectorOperators.LT, 0f)).intoArray(r, ro + i);
            }
            long split = Tiering.split(n, to);
            for (int i = n; i < to; i++) r[ro + i] = a[ao + i] < 0f ? 0f : a[ao + i];
            return split;
        };
        UNARY_ROWS[UnaryOp.SQRT.ordinal()] = (a, ao, r, ro, n, to, p, q) -> {
            for (int i = 0; i < n; i += L) FloatVector.fromArray(S, a, ao + i).sqrt().intoArray(r, ro + i);
            long split = Tiering.split(n, to);
            for (int i = n; i < to; i++) r[ro + i] = (float) Math.sqrt(a[ao + i]);
            return split;
        };
        UNARY_ROWS[UnaryOp.ABS.ordinal()] = (a, ao, r, ro, n, to, p, q) -> {
            for (int i = 0; i < n; i += L) FloatVector.fromArray(S, a, ao + i).abs().intoArray(r, ro + i);
            long split = Tiering.split(n, to);
            for (int i = n; i < to; i++) r[ro + i] = Math.abs(a[ao + i]);
            return split;
        };
        UNARY_ROWS[UnaryOp.RECIPROCAL.ordinal()] = (a, ao, r, ro, n, to, p, q) -> {
            FloatVector one = FloatVector.broadcast(S, 1f);
            for (int i = 0; i < n; i += L) one.div(FloatVector.fromArray(S, a, ao + i)).intoArray(r, ro + i);
            long split = Tiering.split(n, to);
            for (int i = n; i < to; i++) r[ro + i] = 1f / a[ao + i];
            return split;
        };
        UNARY_ROWS[UnaryOp.POW.ordinal()] = (a, ao, r, ro, n, to, p, q) -> {
            if (p != 2f) {
                for (int i = 0; i < to; i += L) FloatVector.fromArray(S, a, ao + i).lanewise(VectorOperators.POW, p).intoArray(r, ro + i);
                return 0;
            }
            for (int i = 0; i < n; i += L) {
                FloatVector v = FloatVector.fromArray(S, a, ao + i);
                v.mul(v).intoArray(r, ro + i);
            }
            long split = Tiering.split(n, to);
            for (int i = n; i < to; i++) r[ro + i] = a[ao + i] * a[ao + i];
            return split;
        };
        UNARY_ROWS[UnaryOp.CLAMP.ordinal()] = (a, ao, r, ro, n, to, p, q) -> {
            // x < p ? p : x, then > q ? q : x (PyTorch's order and signed zeros; Java's max and min order -0.0 below 0.0)
            for (int i = 0; i < n; i += L) {
                FloatVector v = FloatVector.fromArray(S, a, ao + i);
                v = v.blend(p, v.compare(VectorOperators.LT, p));
                v.blend(q, v.compare(VectorOperators.GT, q)).intoArray(r, ro + i);
            }
            long split = Tiering.split(n, to);
            for (int i = n; i < to; i++) {
                float x = a[ao + i] < p ? p : a[ao + i];
                r[ro + i] = x > q ? q : x;
            }
            return split;
        };
        UNARY_ROWS[UnaryOp.LEAKY_RELU.ordinal()] = (a, ao, r, ro, n, to, p, q) -> {
            for (int i = 0; i < n; i += L) {
                FloatVector v = FloatVector.fromArray(S, a, ao + i);
                v.blend(v.mul(p), v.compare(VectorOperators.LE, 0f)).intoArray(r, ro + i);
            }
            long split = Tiering.split(n, to);
            for (int i = n; i < to; i++) r[ro + i] = a[ao + i] <= 0f ? a[ao + i] * p : a[ao + i];
            return split;
        };
        UNARY_ROWS[UnaryOp.IDENTITY.ordinal()] = (a, ao, r, ro, n, to, p, q) -> {
            System.arraycopy(a, ao, r, ro, to);
            return 0;
        };
    }

    /**
     * A new, cold {@link Tiering} for every kernel with a twin (every unary loop but the copy, every
     * vectorized binary op): at class load, and again in the tests of the cold path.
     */
    static void coolDown() {
        for (UnaryOp op : UnaryOp.values()) UNARY_TIERS[op.ordinal()] = op == UnaryOp.IDENTITY ? null : new Tiering();
        for (BinaryOp op : BinaryOp.values()) BINARY_TIERS[op.ordinal()] = vectorized(op) ? new Tiering() : null;
    }

    /** The vector loop of op, for the twin tests: n a multiple of the vector length. */
    static void unaryVectors(UnaryOp op, float[] a, int ao, float[] r, int ro, int n, float p, float q) {
        UNARY_ROWS[op.ordinal()].run(a, ao, r, ro, n, n, p, q);
    }

    /** The scalar twin of op over n elements, for the twin tests; false where op has none (the copy, a power but 2). */
    static boolean unaryTwin(UnaryOp op, float[] a, int ao, float[] r, int ro, int n, float p, float q) {
        if (op == UnaryOp.IDENTITY || op == UnaryOp.POW && p != 2f) return false;
        UNARY_ROWS[op.ordinal()].run(a, ao, r, ro, 0, n, p, q);
        return true;
    }

    static void unaryBackward(UnaryOp op, View grad, View y, View out, double p, double q) {
        float[] g = cpu(grad).f(), yy = cpu(y).f(), r = cpu(out).f();
        int go = grad.offset(), yo = y.offset(), oo = out.offset();
        Loops.split(out.numel(), Loops.separable(out, grad, y), (from, to) -> {
            int i = from;
            for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
                activationBackward(op, FloatVector.fromArray(S, g, go + i), FloatVector.fromArray(S, yy, yo + i)).intoArray(r, oo + i);
            }
            for (; i < to; i++) r[oo + i] = (float) (g[go + i] * op.derivative(0, yy[yo + i], p, q));
        });
    }

    /** Whether {@link #activationBackward} takes op's backward: tanh, sigmoid or relu from y, float32 and contiguous views. */
    static boolean acceptsActivationBackward(UnaryOp op, View grad, View y, View out) {
        return (op == UnaryOp.TANH || op == UnaryOp.SIGMOID || op == UnaryOp.RELU) && y != null
                && cpu(grad).kind == Kind.F32 && cpu(y).kind == Kind.F32 && cpu(out).kind == Kind.F32
                && grad.isContiguous() && y.isContiguous() && out.isContiguous();
    }

    /** g * op'(x) from y = op(x), for the activations whose derivative needs only y (tanh, sigmoid, relu). */
    private static FloatVector activationBackward(UnaryOp op, FloatVector g, FloatVector y) {
        return switch (op) {
            case TANH -> g.mul(y.mul(y).neg().add(1f));
            case SIGMOID -> g.mul(y.mul(y.neg().add(1f)));
            default -> g.blend(0f, y.compare(VectorOperators.LE, 0f));
        };
    }

    /** Rows per block of {@link #linearActBackward}: a fixed block, so the bias gradient's sum order is the same on any thread count. */
    private static final int ACT_ROWS = 256;

    /**
     * gp and the bias gradient in one pass: each block of rows writes its rows of gp and adds them
     * into its own partial column sums while they are in cache; the blocks' sums are added in order.
     */
    static boolean acceptsLinearActBackward(UnaryOp act, View grad, View y, View gp, View gb, int m, int n) {
        return gb != null && acceptsActivationBackward(act, grad, y, gp) && cpu(gb).kind == Kind.F32 && Loops.separable(gp, grad, y)
                && m > 0 && n > 0;
    }

    static void linearActBackward(UnaryOp act, View grad, View y, View gp, View gb, int m, int n) {
        float[] g = cpu(grad).f(), yy = cpu(y).f(), r = cpu(gp).f();
        int go = grad.offset(), yo = y.offset(), ro = gp.offset();
        int blocks = (m + ACT_ROWS - 1) / ACT_ROWS, bound = S.loopBound(n);
        float[] sums = new float[blocks * n];
        java.util.function.IntConsumer block = b -> {
            int s = b * n;
            for (int i = b * ACT_ROWS, end = Math.min(m, i + ACT_ROWS); i < end; i++) {
                int row = i * n, j = 0;
                for (; j < bound; j += L) {
                    FloatVector v = activationBackward(act, FloatVector.fromArray(S, g, go + row + j), FloatVector.fromArray(S, yy, yo + row + j));
                    v.intoArray(r, ro + row + j);
                    v.add(FloatVector.fromArray(S, sums, s + j)).intoArray(sums, s + j);
                }
                for (; j < n; j++) {
                    float v = (float) (g[go + row + j] * act.derivative(0, yy[yo + row + j], 0, 0));
                    r[ro + row + j] = v;
                    sums[s + j] += v;
                }
            }
        };
        CpuThreads.parallelFor(blocks, (long) m * n >= Loops.PARALLEL_MIN, block);
        float[] out = cpu(gb).f();
        int bo = gb.offset(), bs = gb.strides()[0];
        for (int j = 0; j < n; j++) {
            float t = sums[j];
            for (int b = 1; b < blocks; b++) t += sums[b * n + j];
            out[bo + j * bs] = t;
        }
    }

    /** A binary row in vectors: float32, a unit-stride output of at least one vector, operands unit-stride or one broadcast scalar. */
    static boolean acceptsBinaryRow(BinaryOp op, CpuStorage a, int as, CpuStorage b, int bs, CpuStorage o, int os, int n) {
        return a.kind == Kind.F32 && b.kind == Kind.F32 && o.kind == Kind.F32 && os == 1 && n >= L
                && as <= 1 && bs <= 1 && !(as == 0 && bs == 0) && vectorized(op);
    }

    static void binaryRow(BinaryOp op, CpuStorage a, int ao, int as, CpuStorage b, int bo, int bs, CpuStorage o, int oo, int n) {
        float[] x = a.f(), y = b.f(), r = o.f();
        int bound = S.loopBound(n), k = op.ordinal();
        Tiering t = BINARY_TIERS[k];
        if (bound < Tiering.MIN_ROW || t.warm()) {
            BINARY_ROWS[k].run(x, ao, as, y, bo, bs, r, oo, 0, bound, bound);
        } else {
            t.probe((from, mid, to) -> BINARY_ROWS[k].run(x, ao, as, y, bo, bs, r, oo, from, mid, to), bound);
        }
        for (int i = bound; i < n; i++) r[oo + i] = (float) op.apply(x[ao + i * as], y[bo + i * bs]);
    }

    /** r[oo + i] = op(x[ao + i as], y[bo + i bs]) in vectors for i in [from, to), both multiples of the vector length. */
    static void binaryVectors(BinaryOp op, float[] x, int ao, int as, float[] y, int bo, int bs, float[] r, int oo, int from, int to) {
        BINARY_ROWS[op.ordinal()].run(x, ao, as, y, bo, bs, r, oo, from, to, to);
    }

    /** The same in the scalar twin (see {@link Tiering}), for any from and to: the same float operations, so the same bits. */
    static void binaryTwin(BinaryOp op, float[] x, int ao, int as, float[] y, int bo, int bs, float[] r, int oo, int from, int to) {
        BINARY_ROWS[op.ordinal()].run(x, ao, as, y, bo, bs, r, oo, from, from, to);
    }

    static boolean vectorized(BinaryOp op) {
        return BINARY_ROWS[op.ordinal()] != null;
    }

    /**
     * One op's loops: r[oo + i] = op(x[ao + i as], y[bo + i bs]) in vectors for i in [from, mid) (multiples of the vector
     * length; x or y may be one broadcast scalar, stride 0), then in the scalar twin up to to, in one method
     * ({@link Tiering.Mixed}); returns {@link Tiering#split}.
     */
    @FunctionalInterface
    private interface BinaryRow {
        long run(float[] x, int ao, int as, float[] y, int bo, int bs, float[] r, int oo, int from, int mid, int to);
    }

    /**
     * The loops, one object per op, like {@link #UNARY_ROWS}: each compiles on its own and only ever sees its own op.
     * One method for every op, switching on the op inside its loops, was compiled by C2 eight times in lesson 000's first
     * two epochs (0.31 s of the compiler's time, while the kernels wait in its queue): ten times a check that C2 had
     * hoisted out of its loops on the strength of the profile so far failed (JFR: "profile_predicate"), and the code was
     * run in the interpreter, then compiled again. One loop per op: each compiled once, no such failure.
     */
    private static final BinaryRow[] BINARY_ROWS = new BinaryRow[BinaryOp.values().length];
    private static final Tiering[] BINARY_TIERS = new Tiering[BinaryOp.values().length];

    static {
        BINARY_ROWS[BinaryOp.ADD.ordinal()] = (x, ao, as, y, bo, bs, r, oo, from, mid, to) -> {
            if (as == 1 && bs == 1) for (int i = from; i < mid; i += L) FloatVector.fromArray(S, x, ao + i).add(FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i);
            else if (as == 1) { FloatVector v = FloatVector.broadcast(S, y[bo]); for (int i = from; i < mid; i += L) FloatVector.fromArray(S, x, ao + i).add(v).intoArray(r, oo + i); }
            else { FloatVector v = FloatVector.broadcast(S, x[ao]); for (int i = from; i < mid; i += L) v.add(FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i); }
            long split = Tiering.split(mid, to);
            for (int i = mid; i < to; i++) r[oo + i] = x[ao + i * as] + y[bo + i * bs];
            return split;
        };
        BINARY_ROWS[BinaryOp.SUB.ordinal()] = (x, ao, as, y, bo, bs, r, oo, from, mid, to) -> {
            if (as == 1 && bs == 1) for (int i = from; i < mid; i += L) FloatVector.fromArray(S, x, ao + i).sub(FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i);
            else if (as == 1) { FloatVector v = FloatVector.broadcast(S, y[bo]); for (int i = from; i < mid; i += L) FloatVector.fromArray(S, x, ao + i).sub(v).intoArray(r, oo + i); }
            else { FloatVector v = FloatVector.broadcast(S, x[ao]); for (int i = from; i < mid; i += L) v.sub(FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i); }
            long split = Tiering.split(mid, to);
            for (int i = mid; i < to; i++) r[oo + i] = x[ao + i * as] - y[bo + i * bs];
            return split;
        };
        BINARY_ROWS[BinaryOp.MUL.ordinal()] = (x, ao, as, y, bo, bs, r, oo, from, mid, to) -> {
            if (as == 1 && bs == 1) for (int i = from; i < mid; i += L) FloatVector.fromArray(S, x, ao + i).mul(FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i);
            else if (as == 1) { FloatVector v = FloatVector.broadcast(S, y[bo]); for (int i = from; i < mid; i += L) FloatVector.fromArray(S, x, ao + i).mul(v).intoArray(r, oo + i); }
            else { FloatVector v = FloatVector.broadcast(S, x[ao]); for (int i = from; i < mid; i += L) v.mul(FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i); }
            long split = Tiering.split(mid, to);
            for (int i = mid; i < to; i++) r[oo + i] = x[ao + i * as] * y[bo + i * bs];
            return split;
        };
        BINARY_ROWS[BinaryOp.DIV.ordinal()] = (x, ao, as, y, bo, bs, r, oo, from, mid, to) -> {
            if (as == 1 && bs == 1) for (int i = from; i < mid; i += L) FloatVector.fromArray(S, x, ao + i).div(FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i);
            else if (as == 1) { FloatVector v = FloatVector.broadcast(S, y[bo]); for (int i = from; i < mid; i += L) FloatVector.fromArray(S, x, ao + i).div(v).intoArray(r, oo + i); }
            else { FloatVector v = FloatVector.broadcast(S, x[ao]); for (int i = from; i < mid; i += L) v.div(FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i); }
            long split = Tiering.split(mid, to);
            for (int i = mid; i < to; i++) r[oo + i] = x[ao + i * as] / y[bo + i * bs];
            return split;
        };
        BINARY_ROWS[BinaryOp.MAX.ordinal()] = (x, ao, as, y, bo, bs, r, oo, from, mid, to) -> {
            if (as == 1 && bs == 1) for (int i = from; i < mid; i += L) FloatVector.fromArray(S, x, ao + i).max(FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i);
            else if (as == 1) { FloatVector v = FloatVector.broadcast(S, y[bo]); for (int i = from; i < mid; i += L) FloatVector.fromArray(S, x, ao + i).max(v).intoArray(r, oo + i); }
            else { FloatVector v = FloatVector.broadcast(S, x[ao]); for (int i = from; i < mid; i += L) v.max(FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i); }
            long split = Tiering.split(mid, to);
            for (int i = mid; i < to; i++) r[oo + i] = Math.max(x[ao + i * as], y[bo + i * bs]);
            return split;
        };
        BINARY_ROWS[BinaryOp.MIN.ordinal()] = (x, ao, as, y, bo, bs, r, oo, from, mid, to) -> {
            if (as == 1 && bs == 1) for (int i = from; i < mid; i += L) FloatVector.fromArray(S, x, ao + i).min(FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i);
            else if (as == 1) { FloatVector v = FloatVector.broadcast(S, y[bo]); for (int i = from; i < mid; i += L) FloatVector.fromArray(S, x, ao + i).min(v).intoArray(r, oo + i); }
            else { FloatVector v = FloatVector.broadcast(S, x[ao]); for (int i = from; i < mid; i += L) v.min(FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i); }
            long split = Tiering.split(mid, to);
            for (int i = mid; i < to; i++) r[oo + i] = Math.min(x[ao + i * as], y[bo + i * bs]);
            return split;
        };
        // x where y > 0, else 0 (NaN in y gives 0): ReLU's backward from its output
        BINARY_ROWS[BinaryOp.MASK_POSITIVE.ordinal()] = (x, ao, as, y, bo, bs, r, oo, from, mid, to) -> {
            if (as == 1 && bs == 1) for (int i = from; i < mid; i += L) maskPositive(FloatVector.fromArray(S, x, ao + i), FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i);
            else if (as == 1) { FloatVector v = FloatVector.broadcast(S, y[bo]); for (int i = from; i < mid; i += L) maskPositive(FloatVector.fromArray(S, x, ao + i), v).intoArray(r, oo + i); }
            else { FloatVector v = FloatVector.broadcast(S, x[ao]); for (int i = from; i < mid; i += L) maskPositive(v, FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i); }
            long split = Tiering.split(mid, to);
            for (int i = mid; i < to; i++) {
                float v = y[bo + i * bs];
                r[oo + i] = v <= 0f || v != v ? 0f : x[ao + i * as];
            }
            return split;
        };
        coolDown();                                  // after both tables exist and the unary twins are in
    }

    private static FloatVector maskPositive(FloatVector a, FloatVector b) {
        return a.blend(0f, b.compare(VectorOperators.LE, 0f).or(b.compare(VectorOperators.NE, b)));
    }
}
