package dev.brasa.backend.cpu;

import dev.brasa.backend.BinaryOp;
import dev.brasa.backend.Kind;
import dev.brasa.backend.ReduceOp;
import dev.brasa.backend.UnaryOp;
import dev.brasa.backend.View;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API backend: float32 hot paths (elementwise, reductions, softmax, GEMM) in SIMD, all
 * else inherited from {@link ScalarBackend}. The only class family importing
 * {@code jdk.incubator.vector}. Each kernel has Lucene's shape: unrolled vector body, vector tail,
 * scalar tail. {@code -Dbrasa.simd.bits=128|256|512} forces the vector width.
 */
public final class SimdBackend extends ScalarBackend {
    static final VectorSpecies<Float> S = species();
    static final int L = S.length();

    private static VectorSpecies<Float> species() {
        int bits = dev.brasa.backend.Config.get().simdBits();   // checked there: 0 (preferred), 64, 128, 256 or 512
        return bits == 0 ? FloatVector.SPECIES_PREFERRED : VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    @Override public String name() { return "simd"; }

    /** The vector width in bits. */
    public static int bits() { return S.vectorBitSize(); }

    // ---------------------------------------------------------------- elementwise

    @Override
    void unaryRow(UnaryOp op, CpuStorage x, int xo, int xs, CpuStorage o, int oo, int os, int n, double p, double q) {
        if (x.kind != Kind.F32 || o.kind != Kind.F32 || xs != 1 || os != 1 || n < L || UNARY_ROWS[op.ordinal()] == null) {
            super.unaryRow(op, x, xo, xs, o, oo, os, n, p, q);
            return;
        }
        float[] a = x.f, r = o.f;
        int bound = S.loopBound(n);
        UNARY_ROWS[op.ordinal()].run(a, xo, r, oo, bound, (float) p, (float) q);
        for (int i = bound; i < n; i++) r[oo + i] = (float) op.apply(a[xo + i], p, q);
    }

    /** One op's vector loop over n elements (a multiple of the vector length). */
    @FunctionalInterface
    private interface UnaryRow {
        void run(float[] a, int ao, float[] r, int ro, int n, float p, float q);
    }

    /**
     * The vector loops, one object per op. The call through this table is megamorphic, so C2 never
     * inlines the loops into the dispatcher: each compiles on its own, with its own inlining budget
     * (one switch holding every loop ran out of budget and left the later loops' vectors boxed).
     */
    private static final UnaryRow[] UNARY_ROWS = new UnaryRow[UnaryOp.values().length];

    static {
        UNARY_ROWS[UnaryOp.NEG.ordinal()] = (a, ao, r, ro, n, p, q) -> {
            for (int i = 0; i < n; i += L) FloatVector.fromArray(S, a, ao + i).neg().intoArray(r, ro + i);
        };
        UNARY_ROWS[UnaryOp.EXP.ordinal()] = (a, ao, r, ro, n, p, q) -> VMath.expRow(a, ao, r, ro, n, 1f, 0f, false);
        UNARY_ROWS[UnaryOp.LOG.ordinal()] = (a, ao, r, ro, n, p, q) -> VMath.logRow(a, ao, r, ro, n);
        UNARY_ROWS[UnaryOp.TANH.ordinal()] = (a, ao, r, ro, n, p, q) -> VMath.tanhRow(a, ao, r, ro, n);
        UNARY_ROWS[UnaryOp.SIGMOID.ordinal()] = (a, ao, r, ro, n, p, q) -> VMath.sigmoidRow(a, ao, r, ro, n);
        UNARY_ROWS[UnaryOp.RELU.ordinal()] = (a, ao, r, ro, n, p, q) -> {
            for (int i = 0; i < n; i += L) FloatVector.fromArray(S, a, ao + i).max(0f).intoArray(r, ro + i);
        };
        UNARY_ROWS[UnaryOp.SQRT.ordinal()] = (a, ao, r, ro, n, p, q) -> {
            for (int i = 0; i < n; i += L) FloatVector.fromArray(S, a, ao + i).sqrt().intoArray(r, ro + i);
        };
        UNARY_ROWS[UnaryOp.ABS.ordinal()] = (a, ao, r, ro, n, p, q) -> {
            for (int i = 0; i < n; i += L) FloatVector.fromArray(S, a, ao + i).abs().intoArray(r, ro + i);
        };
        UNARY_ROWS[UnaryOp.RECIPROCAL.ordinal()] = (a, ao, r, ro, n, p, q) -> {
            FloatVector one = FloatVector.broadcast(S, 1f);
            for (int i = 0; i < n; i += L) one.div(FloatVector.fromArray(S, a, ao + i)).intoArray(r, ro + i);
        };
        UNARY_ROWS[UnaryOp.POW.ordinal()] = (a, ao, r, ro, n, p, q) -> {
            if (p == 2f) {
                for (int i = 0; i < n; i += L) {
                    FloatVector v = FloatVector.fromArray(S, a, ao + i);
                    v.mul(v).intoArray(r, ro + i);
                }
            } else {
                for (int i = 0; i < n; i += L) FloatVector.fromArray(S, a, ao + i).lanewise(VectorOperators.POW, p).intoArray(r, ro + i);
            }
        };
        UNARY_ROWS[UnaryOp.CLAMP.ordinal()] = (a, ao, r, ro, n, p, q) -> {
            for (int i = 0; i < n; i += L) FloatVector.fromArray(S, a, ao + i).max(p).min(q).intoArray(r, ro + i);
        };
        UNARY_ROWS[UnaryOp.LEAKY_RELU.ordinal()] = (a, ao, r, ro, n, p, q) -> {
            for (int i = 0; i < n; i += L) {
                FloatVector v = FloatVector.fromArray(S, a, ao + i);
                v.blend(v.mul(p), v.compare(VectorOperators.LE, 0f)).intoArray(r, ro + i);
            }
        };
        UNARY_ROWS[UnaryOp.IDENTITY.ordinal()] = (a, ao, r, ro, n, p, q) -> System.arraycopy(a, ao, r, ro, n);
    }

    @Override
    public void unaryBackward(UnaryOp op, View grad, View x, View y, View out, double p, double q) {
        if (!vectorActivation(op, grad, y, out)) {
            super.unaryBackward(op, grad, x, y, out, p, q);
            return;
        }
        float[] g = cpu(grad).f, yy = cpu(y).f, r = cpu(out).f;
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
    private static boolean vectorActivation(UnaryOp op, View grad, View y, View out) {
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
    @Override
    public void linearActBackward(UnaryOp act, View grad, View y, View gp, View gb, int m, int n) {
        boolean fast = gb != null && vectorActivation(act, grad, y, gp) && cpu(gb).kind == Kind.F32 && Loops.separable(gp, grad, y);
        if (!fast || m == 0 || n == 0) {
            super.linearActBackward(act, grad, y, gp, gb, m, n);
            return;
        }
        float[] g = cpu(grad).f, yy = cpu(y).f, r = cpu(gp).f;
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
        float[] out = cpu(gb).f;
        int bo = gb.offset(), bs = gb.strides()[0];
        for (int j = 0; j < n; j++) {
            float t = sums[j];
            for (int b = 1; b < blocks; b++) t += sums[b * n + j];
            out[bo + j * bs] = t;
        }
    }

    @Override
    void binaryRow(BinaryOp op, CpuStorage a, int ao, int as, CpuStorage b, int bo, int bs,
                   CpuStorage o, int oo, int os, int n) {
        if (a.kind != Kind.F32 || b.kind != Kind.F32 || o.kind != Kind.F32 || os != 1 || n < L
                || as > 1 || bs > 1 || (as == 0 && bs == 0) || !vectorized(op)) {
            super.binaryRow(op, a, ao, as, b, bo, bs, o, oo, os, n);
            return;
        }
        float[] x = a.f, y = b.f, r = o.f;
        int i = 0, bound = S.loopBound(n);
        if (as == 1 && bs == 1) {
            for (; i < bound; i += L) {
                vbinary(op, FloatVector.fromArray(S, x, ao + i), FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i);
            }
            for (; i < n; i++) r[oo + i] = (float) op.apply(x[ao + i], y[bo + i]);
        } else if (as == 1) {
            FloatVector yv = FloatVector.broadcast(S, y[bo]);
            for (; i < bound; i += L) vbinary(op, FloatVector.fromArray(S, x, ao + i), yv).intoArray(r, oo + i);
            for (; i < n; i++) r[oo + i] = (float) op.apply(x[ao + i], y[bo]);
        } else {
            FloatVector xv = FloatVector.broadcast(S, x[ao]);
            for (; i < bound; i += L) vbinary(op, xv, FloatVector.fromArray(S, y, bo + i)).intoArray(r, oo + i);
            for (; i < n; i++) r[oo + i] = (float) op.apply(x[ao], y[bo + i]);
        }
    }

    private static boolean vectorized(BinaryOp op) {
        return switch (op) {
            case ADD, SUB, MUL, DIV, MAX, MIN, MASK_POSITIVE -> true;
            default -> false;
        };
    }

    private static FloatVector vbinary(BinaryOp op, FloatVector a, FloatVector b) {
        return switch (op) {
            case ADD -> a.add(b);
            case SUB -> a.sub(b);
            case MUL -> a.mul(b);
            case DIV -> a.div(b);
            case MAX -> a.max(b);
            case MIN -> a.min(b);
            case MASK_POSITIVE -> a.blend(0f, b.compare(VectorOperators.LE, 0f).or(b.compare(VectorOperators.NE, b)));
            default -> throw new AssertionError(op + " is not a float vector op");
        };
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public void reduce(ReduceOp op, View x, int outer, int n, int inner, View out) {
        boolean vectorOp = op == ReduceOp.SUM || op == ReduceOp.MEAN || op == ReduceOp.MAX || op == ReduceOp.MIN;
        if (cpu(x).kind != Kind.F32 || cpu(out).kind != Kind.F32 || !vectorOp || n == 0) {
            super.reduce(op, x, outer, n, inner, out);
            return;
        }
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

    // ---------------------------------------------------------------- softmax

    @Override
    public void softmax(View x, int outer, int n, int inner, View out, boolean log) {
        if (cpu(x).kind != Kind.F32 || cpu(out).kind != Kind.F32 || inner != 1 || n < L) {
            super.softmax(x, outer, n, inner, out, log);
            return;
        }
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
    private static float expSum(float[] a, int ao, float[] r, int ro, int n, float max) {
        int bound = S.loopBound(n);
        VMath.expRow(a, ao, r, ro, bound, 1f, -max, false);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < bound; i += L) acc = acc.add(FloatVector.fromArray(S, r, ro + i));
        float sum = VMath.hsum(acc);
        for (int i = bound; i < n; i++) sum += r[ro + i] = (float) Math.exp(a[ao + i] - max);
        return sum;
    }

    // ---------------------------------------------------------------- fused losses

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

    @Override
    public void crossEntropy(View x, View target, int rows, int classes, long ignoreIndex, double smoothing, double scale,
                             View lse, View loss) {
        if (cpu(x).kind != Kind.F32 || cpu(lse).kind != Kind.F32 || cpu(loss).kind != Kind.F32 || classes == 0) {
            super.crossEntropy(x, target, rows, classes, ignoreIndex, smoothing, scale, lse, loss);
            return;
        }
        float[] a = cpu(x).f, ls = cpu(lse).f, out = cpu(loss).f;
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
            float max = extreme(a, xp, classes, true);
            float sum = expSum(a, xp, e, 0, classes, max), total = sum(a, xp, classes);
            float l = max + (float) Math.log(sum);
            ls[lse.offset() + r] = l;
            out[loss.offset() + r] = rowLoss(a, xp, t[target.offset() + r], ignoreIndex, l, total, classes, smoothing, scale);
        }
    }

    /** One row's loss from its log-sum-exp l and the sum of its logits (total): 0 where the target tr is ignored. */
    private static float rowLoss(float[] a, int xp, long tr, long ignoreIndex, float l, float total, int classes, double smoothing,
                                 double scale) {
        return tr == ignoreIndex ? 0f : (float) (scale * ((1 - smoothing) * (l - a[xp + (int) tr]) + smoothing * (l - total / classes)));
    }

    @Override
    public void crossEntropyBackward(View x, View target, View lse, View g, int rows, int classes, long ignoreIndex,
                                     double smoothing, double scale, View out) {
        if (cpu(x).kind != Kind.F32 || cpu(lse).kind != Kind.F32 || cpu(g).kind != Kind.F32 || cpu(out).kind != Kind.F32
                || classes == 0) {
            super.crossEntropyBackward(x, target, lse, g, rows, classes, ignoreIndex, smoothing, scale, out);
            return;
        }
        float[] a = cpu(x).f, ls = cpu(lse).f, gg = cpu(g).f, r = cpu(out).f;
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

    @Override
    void binaryLossBackwardRow(BinaryOp op, CpuStorage a, int ao, int as, CpuStorage t, int to, int ts,
                               CpuStorage g, int go, int gs, CpuStorage o, int oo, int os, int n) {
        if (a.kind != Kind.F32 || t.kind != Kind.F32 || g.kind != Kind.F32 || o.kind != Kind.F32
                || as != 1 || ts != 1 || os != 1 || (gs != 0 && gs != 1) || n < L) {
            super.binaryLossBackwardRow(op, a, ao, as, t, to, ts, g, go, gs, o, oo, os, n);
            return;
        }
        float[] x = a.f, y = t.f, gr = g.f, r = o.f;
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
        if (bound < n) {
            super.binaryLossBackwardRow(op, a, ao + bound, 1, t, to + bound, 1, g, go + bound * gs, gs, o, oo + bound, 1, n - bound);
        }
    }

    // ---------------------------------------------------------------- fused SGD

    /** The common SGD update in vectors (same operations and rounding as the scalar loop: no FMA). */
    @Override
    public void sgdStep(View param, View grad, View buf, boolean firstStep, double lr, double momentum, double dampening,
                        double weightDecay, boolean nesterov, boolean maximize) {
        if (nesterov || maximize || param.numel() < L) {
            super.sgdStep(param, grad, buf, firstStep, lr, momentum, dampening, weightDecay, nesterov, maximize);
            return;
        }
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
        if (bound < n) {
            int r = n - bound;
            super.sgdStep(tail(param, po + bound, r), tail(grad, go + bound, r), b == null ? null : tail(buf, bo + bound, r),
                    firstStep, lr, momentum, dampening, weightDecay, false, false);
        }
    }

    // ---------------------------------------------------------------- fused Adam / AdamW

    /**
     * Adam and AdamW (amsgrad, maximize, L2 or decoupled weight decay) in vectors: the scalar loop's
     * operations in the scalar loop's order, each correctly rounded per lane (no FMA), so the result is
     * the scalar backend's bit for bit; the tail goes through the scalar loop.
     */
    @Override
    public void adamStep(View param, View grad, View m, View v, View vmax, long step, double lr, double beta1, double beta2,
                         double eps, double weightDecay, boolean decoupled, boolean maximize) {
        int n = param.numel();
        if (n < L) {
            super.adamStep(param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weightDecay, decoupled, maximize);
            return;
        }
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
        if (bound < n) {
            int r = n - bound;
            super.adamStep(tail(param, po + bound, r), tail(grad, go + bound, r), tail(m, mo + bound, r), tail(v, vo + bound, r),
                    vmax == null ? null : tail(vmax, xo + bound, r), step, lr, beta1, beta2, eps, weightDecay, decoupled, maximize);
        }
    }

    /** The contiguous run of r elements from offset of a view's storage. */
    private static View tail(View v, int offset, int r) { return new View(v.storage(), new int[] {r}, new int[] {1}, offset); }

    // ---------------------------------------------------------------- GEMM

    /** The bias and the activation go through the GEMM's row hooks: each block of rows is in cache for both. */
    @Override
    public void linear(View x, View w, View bias, View y, int m, int n, int k, UnaryOp act) {
        CpuStorage ys = cpu(y);
        if (cpu(x).kind != Kind.F32 || cpu(w).kind != Kind.F32 || ys.kind != Kind.F32 || bias != null && cpu(bias).kind != Kind.F32) {
            super.linear(x, w, bias, y, m, n, k, act);
            return;
        }
        float[] c = ys.f;
        int co = y.offset();
        Gemm.Rows init = null, finish = null;
        if (bias != null) {
            float[] bf = cpu(bias).f;
            int bo = bias.offset(), bs = bias.strides()[0];
            init = (i0, i1) -> {
                for (int i = i0, r = co + i0 * n; i < i1; i++, r += n) {
                    if (bs == 1) System.arraycopy(bf, bo, c, r, n);
                    else for (int j = 0; j < n; j++) c[r + j] = bf[bo + j * bs];
                }
            };
        }
        if (act != null) finish = (i0, i1) -> unaryRow(act, ys, co + i0 * n, 1, ys, co + i0 * n, 1, (i1 - i0) * n, 0, 0);
        Gemm.sgemm(m, n, k, 1f, cpu(x).f, x.offset(), x.strides()[1], x.strides()[2], cpu(w).f, w.offset(), w.strides()[1], w.strides()[2],
                0f, c, co, n, init, finish);
    }

    @Override
    public void matmul(View a, View b, View c, int batch, int m, int n, int k, double alpha, double beta) {
        if (cpu(a).kind != Kind.F32 || cpu(b).kind != Kind.F32 || cpu(c).kind != Kind.F32) {
            super.matmul(a, b, c, batch, m, n, k, alpha, beta);
            return;
        }
        for (int t = 0; t < batch; t++) {
            Gemm.sgemm(m, n, k, (float) alpha,
                    cpu(a).f, a.offset() + t * a.strides()[0], a.strides()[1], a.strides()[2],
                    cpu(b).f, b.offset() + t * b.strides()[0], b.strides()[1], b.strides()[2],
                    (float) beta, cpu(c).f, c.offset() + t * c.strides()[0], c.strides()[1]);
        }
    }
}
