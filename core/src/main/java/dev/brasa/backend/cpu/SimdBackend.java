package dev.brasa.backend.cpu;

import dev.brasa.backend.BinaryOp;
import dev.brasa.backend.Kind;
import dev.brasa.backend.ReduceOp;
import dev.brasa.backend.UnaryOp;
import dev.brasa.backend.View;
import dev.brasa.backend.Window2d;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API backend: float32 hot paths in SIMD, all else inherited from {@link ScalarBackend}.
 * The kernels live by op family ({@link SimdElementwise}, {@link SimdReduce}, {@link SimdLosses},
 * {@link SimdOptim}, {@link Gemm}), each behind a named {@code accepts...} guard; every override here
 * is that guard, the kernel, and the scalar loop where the guard says no (the optimizer steps need
 * none: they take any size and run the scalar loop over their own tail). The only class family
 * importing {@code jdk.incubator.vector}. Each kernel has Lucene's shape: unrolled vector body,
 * vector tail, scalar tail. {@code -Dbrasa.simd.bits=128|256|512} forces the vector width.
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
        if (SimdElementwise.acceptsUnaryRow(op, x, xs, o, os, n)) SimdElementwise.unaryRow(op, x, xo, o, oo, n, p, q);
        else super.unaryRow(op, x, xo, xs, o, oo, os, n, p, q);
    }

    @Override
    public void unaryBackward(UnaryOp op, View grad, View x, View y, View out, double p, double q) {
        if (SimdElementwise.acceptsActivationBackward(op, grad, y, out)) SimdElementwise.unaryBackward(op, grad, y, out, p, q);
        else super.unaryBackward(op, grad, x, y, out, p, q);
    }

    @Override
    public void linearActBackward(UnaryOp act, View grad, View y, View gp, View gb, int m, int n) {
        if (SimdElementwise.acceptsLinearActBackward(act, grad, y, gp, gb, m, n)) SimdElementwise.linearActBackward(act, grad, y, gp, gb, m, n);
        else super.linearActBackward(act, grad, y, gp, gb, m, n);
    }

    @Override
    void binaryRow(BinaryOp op, CpuStorage a, int ao, int as, CpuStorage b, int bo, int bs, CpuStorage o, int oo, int os, int n) {
        if (SimdElementwise.acceptsBinaryRow(op, a, as, b, bs, o, os, n)) SimdElementwise.binaryRow(op, a, ao, as, b, bo, bs, o, oo, n);
        else super.binaryRow(op, a, ao, as, b, bo, bs, o, oo, os, n);
    }

    // ---------------------------------------------------------------- reductions and softmax

    @Override
    public void reduce(ReduceOp op, View x, int outer, int n, int inner, View out) {
        if (SimdReduce.acceptsReduce(op, x, n, out)) SimdReduce.reduce(op, x, outer, n, inner, out);
        else super.reduce(op, x, outer, n, inner, out);
    }

    @Override
    public void softmax(View x, int outer, int n, int inner, View out, boolean log) {
        if (SimdReduce.acceptsSoftmax(x, n, inner, out)) SimdReduce.softmax(x, outer, n, out, log);
        else super.softmax(x, outer, n, inner, out, log);
    }

    // ---------------------------------------------------------------- fused losses

    @Override
    public void crossEntropy(View x, View target, int rows, int classes, long ignoreIndex, double smoothing, double scale,
                             View lse, View loss) {
        if (SimdLosses.acceptsCrossEntropy(x, classes, lse, loss)) {
            SimdLosses.crossEntropy(x, target, rows, classes, ignoreIndex, smoothing, scale, lse, loss);
        } else {
            super.crossEntropy(x, target, rows, classes, ignoreIndex, smoothing, scale, lse, loss);
        }
    }

    @Override
    public void crossEntropyBackward(View x, View target, View lse, View g, int rows, int classes, long ignoreIndex,
                                     double smoothing, double scale, View out) {
        if (SimdLosses.acceptsCrossEntropyBackward(x, lse, g, classes, out)) {
            SimdLosses.crossEntropyBackward(x, target, lse, g, rows, classes, ignoreIndex, smoothing, scale, out);
        } else {
            super.crossEntropyBackward(x, target, lse, g, rows, classes, ignoreIndex, smoothing, scale, out);
        }
    }

    @Override
    void binaryLossBackwardRow(BinaryOp op, CpuStorage a, int ao, int as, CpuStorage t, int to, int ts,
                               CpuStorage g, int go, int gs, CpuStorage o, int oo, int os, int n) {
        int done = SimdLosses.acceptsBinaryLossBackwardRow(a, as, t, ts, g, gs, o, os, n)
                ? SimdLosses.binaryLossBackwardRow(op, a, ao, t, to, g, go, gs, o, oo, n) : 0;
        if (done < n) {
            super.binaryLossBackwardRow(op, a, ao + done * as, as, t, to + done * ts, ts, g, go + done * gs, gs, o, oo + done * os, os, n - done);
        }
    }

    // ---------------------------------------------------------------- fused optimizer steps

    @Override
    public void sgdStep(View param, View grad, View buf, boolean firstStep, double lr, double momentum, double dampening,
                        double weightDecay, boolean nesterov, boolean maximize) {
        SimdOptim.sgdStep(param, grad, buf, firstStep, lr, momentum, dampening, weightDecay, nesterov, maximize);
    }

    @Override
    public void adamStep(View param, View grad, View m, View v, View vmax, long step, double lr, double beta1, double beta2,
                         double eps, double weightDecay, boolean decoupled, boolean maximize) {
        SimdOptim.adamStep(param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weightDecay, decoupled, maximize);
    }

    // ---------------------------------------------------------------- GEMM

    /** The bias and the activation go through the GEMM's row hooks: each block of rows is in cache for both. */
    @Override
    public void linear(View x, View w, View bias, View y, int m, int n, int k, UnaryOp act) {
        CpuStorage ys = cpu(y);
        if (cpu(x).kind != Kind.F32 || cpu(w).kind != Kind.F32 || ys.kind != Kind.F32 || bias != null && cpu(bias).kind != Kind.F32) {
            super.linear(x, w, bias, y, m, n, k, act);
            return;
        }
        float[] c = ys.f();
        int co = y.offset();
        Gemm.Rows init = null, finish = null;
        if (bias != null) {
            float[] bf = cpu(bias).f();
            int bo = bias.offset(), bs = bias.strides()[0];
            init = (i0, i1) -> {
                for (int i = i0, r = co + i0 * n; i < i1; i++, r += n) {
                    if (bs == 1) System.arraycopy(bf, bo, c, r, n);
                    else for (int j = 0; j < n; j++) c[r + j] = bf[bo + j * bs];
                }
            };
        }
        if (act != null) finish = (i0, i1) -> unaryRow(act, ys, co + i0 * n, 1, ys, co + i0 * n, 1, (i1 - i0) * n, 0, 0);
        Gemm.sgemm(m, n, k, 1f, cpu(x).f(), x.offset(), x.strides()[1], x.strides()[2], cpu(w).f(), w.offset(), w.strides()[1], w.strides()[2],
                0f, c, co, n, init, finish);
    }

    // ---------------------------------------------------------------- sliding windows (convolution, pooling)

    @Override public void im2col(View x, Window2d g, View col) {
        if (SimdWindows.accepts(x, col)) SimdWindows.im2col(x, g, col);
        else super.im2col(x, g, col);
    }

    @Override public void col2im(View col, Window2d g, View gx) {
        if (SimdWindows.accepts(col, gx)) SimdWindows.col2im(col, g, gx);
        else super.col2im(col, g, gx);
    }

    @Override public void conv2d(View x, View w, View bias, Window2d g, int groups, UnaryOp act, View y) {
        if (SimdConv.accepts(x, w, bias, y)) SimdConv.forward(this, x, w, bias, g, groups, act, y);
        else super.conv2d(x, w, bias, g, groups, act, y);
    }

    @Override public void conv2dBackward(View gy, View x, View w, View y, UnaryOp act, Window2d g, int groups, View gx, View gw, View gb) {
        if (SimdConv.accepts(gy, x, w, y, gx, gw, gb)) SimdConv.backward(this, gy, x, w, y, act, g, groups, gx, gw, gb);
        else super.conv2dBackward(gy, x, w, y, act, g, groups, gx, gw, gb);
    }

    @Override public void maxPool2d(View x, Window2d g, View out, View indices) {
        if (SimdWindows.accepts(x, out)) SimdWindows.maxPool2d(x, g, out, indices);
        else super.maxPool2d(x, g, out, indices);
    }

    @Override public void maxPool2dBackward(View g, View indices, Window2d win, View gx) {
        if (SimdWindows.accepts(g, gx)) SimdWindows.maxPool2dBackward(g, indices, win, gx);
        else super.maxPool2dBackward(g, indices, win, gx);
    }

    @Override public void avgPool2d(View x, Window2d g, boolean countIncludePad, int divisorOverride, View out) {
        if (SimdWindows.accepts(x, out)) SimdWindows.avgPool2d(x, g, countIncludePad, divisorOverride, out);
        else super.avgPool2d(x, g, countIncludePad, divisorOverride, out);
    }

    @Override public void avgPool2dBackward(View g, Window2d win, boolean countIncludePad, int divisorOverride, View gx) {
        if (SimdWindows.accepts(g, gx)) SimdWindows.avgPool2dBackward(g, win, countIncludePad, divisorOverride, gx);
        else super.avgPool2dBackward(g, win, countIncludePad, divisorOverride, gx);
    }

    @Override
    public void matmul(View a, View b, View c, int batch, int m, int n, int k, double alpha, double beta) {
        if (cpu(a).kind != Kind.F32 || cpu(b).kind != Kind.F32 || cpu(c).kind != Kind.F32) {
            super.matmul(a, b, c, batch, m, n, k, alpha, beta);
            return;
        }
        float[] af = cpu(a).f(), bf = cpu(b).f();
        // a C that is the whole storage, written with beta = 0, is not read: a pending zero_() need not be written first
        float[] cf = beta == 0 && c.coversStorage() ? cpu(c).fOverwritten() : cpu(c).f();
        for (int t = 0; t < batch; t++) {
            Gemm.sgemm(m, n, k, (float) alpha,
                    af, a.offset() + t * a.strides()[0], a.strides()[1], a.strides()[2],
                    bf, b.offset() + t * b.strides()[0], b.strides()[1], b.strides()[2],
                    (float) beta, cf, c.offset() + t * c.strides()[0], c.strides()[1]);
        }
    }
}
