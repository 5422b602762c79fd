package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Tensor;
import dev.brasa.autograd.Node;
import dev.brasa.backend.Backend;
import dev.brasa.backend.BinaryOp;
import dev.brasa.backend.ReduceOp;
import dev.brasa.backend.View;
import dev.brasa.backend.Window2d;
import java.util.Arrays;

/**
 * 2-D convolution ({@code F.conv2d}) as im2col + one GEMM per group, forward and backward in this
 * class. With x [N, C, H, W], weight [OC, C/g, KH, KW] and P = OH * OW output positions per image:
 * <pre>
 *   forward        col = im2col(x)              [C KH KW, N P]
 *                  y'  = W col                  [OC, N P]     (per group: a batched GEMM)
 *                  y   = y' permuted + bias     [N, OC, OH, OW]  (one pass)
 *   backward       g'  = gy permuted            [OC, N P]
 *                  gb  = row sums of g'
 *                  gW  = g' col^T               (col recomputed from the saved x)
 *                  gx  = col2im(W^T g')
 * </pre>
 * Each side is one large GEMM through the backend (the packed, threaded SIMD GEMM on the CPU,
 * cuBLAS on CUDA), not one small GEMM per image. Shape errors carry PyTorch's messages.
 */
public final class Conv {
    private Conv() {}

    /**
     * The convolution. stride, padding and dilation are (height, width) pairs; same is padding="same"
     * (padding is then ignored and computed so that the output has the input's size, any extra row or
     * column at the bottom or right, as PyTorch pads it); bias may be null. A 3-D input [C, H, W] is
     * one unbatched image.
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation, int groups, boolean same) {
        java.util.Objects.requireNonNull(x, "input");
        java.util.Objects.requireNonNull(w, "weight");
        if (x.dim() != 3 && x.dim() != 4) {
            throw new IllegalArgumentException("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
                    + Arrays.toString(shape(x)));
        }
        if (x.dim() == 3) return conv2d(x.unsqueeze(0), w, b, stride, padding, dilation, groups, same).squeeze(0);
        if (w.dim() != 4) {
            throw new IllegalArgumentException("conv2d: expected a 4D weight [out_channels, in_channels/groups, kH, kW], got weight of size "
                    + Arrays.toString(shape(w)));
        }
        for (int s : stride) if (s <= 0) throw new IllegalArgumentException("non-positive stride is not supported");
        for (int p : padding) if (p < 0) throw new IllegalArgumentException("negative padding is not supported");
        for (int d : dilation) if (d <= 0) throw new IllegalArgumentException("non-positive dilation is not supported");
        if (groups <= 0) throw new IllegalArgumentException("non-positive groups is not supported");
        int[] xs = shape(x), ws = shape(w);
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3], oc = ws[0], kh = ws[2], kw = ws[3];
        if (oc % groups != 0) {
            throw new IllegalArgumentException("Given groups=" + groups + ", expected weight to be divisible by " + groups
                    + " at dimension 0, but got weight of size " + Arrays.toString(ws) + " instead");
        }
        if (c != ws[1] * groups) {
            throw new IllegalArgumentException("Given groups=" + groups + ", weight of size " + Arrays.toString(ws) + ", expected input"
                    + Arrays.toString(xs) + " to have " + ws[1] * groups + " channels, but got " + c + " channels instead");
        }
        if (b != null && (b.dim() != 1 || b.size(0) != oc)) {
            throw new IllegalArgumentException("Given weight of size " + Arrays.toString(ws) + ", expected bias to be 1-dimensional with "
                    + oc + " elements, but got bias of size " + Arrays.toString(shape(b)) + " instead");
        }
        if (!dtype(x).isFloatingPoint()) {
            throw new IllegalArgumentException("\"slow_conv2d_cpu\" not implemented for '" + (dtype(x) == dev.brasa.DType.BOOL ? "Bool" : "Long") + "'");
        }
        if (dtype(w) != dtype(x) || b != null && dtype(b) != dtype(x)) {
            throw new IllegalArgumentException("conv2d: input (" + dtype(x).torchName() + "), weight (" + dtype(w).torchName()
                    + (b == null ? "" : ") and bias (" + dtype(b).torchName()) + ") must have one dtype");
        }
        int ekh = (kh - 1) * dilation[0] + 1, ekw = (kw - 1) * dilation[1] + 1;
        int ph = padding[0], pw = padding[1];
        if (same) {
            if (stride[0] != 1 || stride[1] != 1) throw new IllegalArgumentException("padding='same' is not supported for strided convolutions");
            ph = (ekh - 1) / 2;
            pw = (ekw - 1) / 2;
        }
        int padH = same ? h + ekh - 1 : h + 2 * ph, padW = same ? wd + ekw - 1 : wd + 2 * pw;
        if (padH < ekh || padW < ekw) {
            throw new IllegalArgumentException("Calculated padded input size per channel: (" + padH + " x " + padW + "). Kernel size: ("
                    + ekh + " x " + ekw + "). Kernel size can't be greater than actual input size");
        }
        int oh = same ? h : (padH - ekh) / stride[0] + 1, ow = same ? wd : (padW - ekw) / stride[1] + 1;
        Window2d g = Window2d.of(n, c, h, wd, kh, kw, stride[0], stride[1], ph, pw, dilation[0], dilation[1], oh, ow);

        Tensor xc = x.contiguous(), wc = w.contiguous();
        Backend be = backend(xc);
        int p = oh * ow, np = n * p;
        Tensor y2 = empty(be, dtype(x), new int[] {oc, np});
        if (np > 0 && oc > 0) {
            Tensor col = im2col(xc, g);
            gemmGroups(be, wc, false, col, false, y2, groups, oc / groups, np, c / groups * kh * kw);
        }
        Tensor y = empty(be, dtype(x), new int[] {n, oc, oh, ow});
        View y2AsNchw = new View(storage(y2), new int[] {n, oc, p}, new int[] {p, np, 1}, 0);
        View out = View.contiguous(storage(y), new int[] {n, oc, p});
        if (b == null) be.copy(y2AsNchw, out);
        else be.binary(BinaryOp.ADD, y2AsNchw, new View(storage(b), new int[] {n, oc, p}, new int[] {0, strides(b)[0], 0}, offset(b)), out);
        if (recording(x, w, b)) attach(y, new ConvNode(xc, wc, b, g, groups));
        return y;
    }

    /** im2col into a fresh [C KH KW, N P] tensor. */
    private static Tensor im2col(Tensor xc, Window2d g) {
        Tensor col = newEmpty(xc, dtype(xc), new int[] {g.c() * g.kh() * g.kw(), g.n() * g.oh() * g.ow()});
        backend(xc).im2col(kernelView(xc), g, kernelView(col));
        return col;
    }

    /**
     * c[gi] = a[gi] b[gi] for each group gi, where a is [groups * m, k] (or, transposed, [groups * k, m])
     * and b is [groups * k, n] (or, transposed, [groups * n, k]), both contiguous; c is [groups * m, n].
     */
    private static void gemmGroups(Backend be, Tensor a, boolean aT, Tensor b, boolean bT, Tensor c, int groups, int m, int n, int k) {
        View av = aT ? new View(storage(a), new int[] {groups, m, k}, new int[] {m * k, 1, m}, offset(a))
                : new View(storage(a), new int[] {groups, m, k}, new int[] {m * k, k, 1}, offset(a));
        View bv = bT ? new View(storage(b), new int[] {groups, k, n}, new int[] {n * k, 1, k}, offset(b))
                : new View(storage(b), new int[] {groups, k, n}, new int[] {n * k, n, 1}, offset(b));
        be.matmul(av, bv, new View(storage(c), new int[] {groups, m, n}, new int[] {m * n, n, 1}, offset(c)), groups, m, n, k, 1.0, 0.0);
    }

    private static final class ConvNode extends Node {
        private SavedTensor sx, sw;
        private final Window2d g;
        private final int groups;
        private final boolean bias;

        ConvNode(Tensor x, Tensor w, Tensor b, Window2d g, int groups) {
            super(x, w, b);
            this.g = g;
            this.groups = groups;
            this.bias = b != null;
            if (needsGrad(1)) sx = save(x);
            if (needsGrad(0)) sw = save(w);
        }

        @Override public String name() { return "ConvolutionBackward0"; }

        @Override protected Tensor[] backward(Tensor gy) {
            Backend be = backend(gy);
            int oc = shape(gy)[1], p = g.oh() * g.ow(), np = g.n() * p, ckk = g.c() / groups * g.kh() * g.kw(), ocg = oc / groups;
            Tensor g2 = empty(be, dtype(gy), new int[] {oc, np});
            be.copy(new View(storage(gy), new int[] {oc, g.n(), p}, new int[] {strides(gy)[1], strides(gy)[0], strides(gy)[3]}, offset(gy)),
                    View.contiguous(storage(g2), new int[] {oc, g.n(), p}));
            Tensor gx = null, gw = null, gb = null;
            if (bias && needsGrad(2)) {
                gb = empty(be, dtype(gy), new int[] {oc});
                be.reduce(ReduceOp.SUM, kernelView(g2), oc, np, 1, kernelView(gb));
            }
            if (needsGrad(1)) {
                Tensor x = sx.get();
                gw = empty(be, dtype(gy), new int[] {oc, g.c() / groups, g.kh(), g.kw()});
                if (np > 0) gemmGroups(be, g2, false, im2col(x, g), true, gw, groups, ocg, ckk, np);
                else be.fill(kernelView(gw), 0);
            }
            if (needsGrad(0)) {
                Tensor w = sw.get();
                Tensor gcol = empty(be, dtype(gy), new int[] {g.c() * g.kh() * g.kw(), np});
                if (np > 0 && oc > 0) gemmGroups(be, w, true, g2, false, gcol, groups, ckk, np, ocg);
                else be.fill(kernelView(gcol), 0);
                gx = empty(be, dtype(gy), new int[] {g.n(), g.c(), g.h(), g.w()});
                be.col2im(kernelView(gcol), g, kernelView(gx));
            }
            return new Tensor[] {gx, gw, gb};
        }
    }
}
