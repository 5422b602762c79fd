package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Tensor;
import dev.brasa.autograd.Node;
import dev.brasa.backend.Backend;
import dev.brasa.backend.UnaryOp;
import dev.brasa.backend.Window2d;
import java.util.Arrays;

/**
 * 2-D convolution ({@code F.conv2d}), forward and backward in this class: the checks and PyTorch's
 * shape errors, the output size (stride, padding, "same", dilation), and the node. The arithmetic is the
 * backend's ({@code conv2d}, {@code conv2dBackwardData}, {@code conv2dBackwardWeight}): by default im2col
 * and one GEMM per group on each side; on the CPU one image at a time with its column matrix in cache.
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
        return conv2d(x, w, b, stride, padding, dilation, groups, same, null);
    }

    /**
     * The convolution followed by an activation (null, RELU, TANH or SIGMOID) as one node, which
     * {@code nn.Sequential} uses for a Conv2d followed by ReLU, Tanh or Sigmoid: the activation runs on
     * each image's output while it is in cache, and its derivative inside the convolution's backward.
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor b, int[] stride, int[] padding, int[] dilation, int groups, boolean same,
                                UnaryOp act) {
        if (act != null && act != UnaryOp.RELU && act != UnaryOp.TANH && act != UnaryOp.SIGMOID) {
            throw new IllegalArgumentException("conv2d: activation must be null, RELU, TANH or SIGMOID, got " + act);
        }
        java.util.Objects.requireNonNull(x, "input");
        java.util.Objects.requireNonNull(w, "weight");
        if (x.dim() != 3 && x.dim() != 4) {
            throw new IllegalArgumentException("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: "
                    + Arrays.toString(shape(x)));
        }
        if (x.dim() == 3) return conv2d(x.unsqueeze(0), w, b, stride, padding, dilation, groups, same, act).squeeze(0);
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
        Tensor y = empty(backend(xc), dtype(x), new int[] {n, oc, oh, ow});
        if (y.numel() > 0) backend(xc).conv2d(kernelView(xc), kernelView(wc), b == null ? null : kernelView(b), g, groups, act, kernelView(y));
        if (recording(x, w, b)) attach(y, new ConvNode(xc, wc, b, g, groups, act, y));
        return y;
    }

    private static final class ConvNode extends Node {
        private SavedTensor sx, sw, sy;
        private final Window2d g;
        private final int groups;
        private final boolean bias;
        private final UnaryOp act;

        ConvNode(Tensor x, Tensor w, Tensor b, Window2d g, int groups, UnaryOp act, Tensor y) {
            super(x, w, b);
            this.g = g;
            this.groups = groups;
            this.bias = b != null;
            this.act = act;
            if (needsGrad(1)) sx = save(x);
            if (needsGrad(0)) sw = save(w);
            if (act != null) sy = save(y.detach());
        }

        @Override public String name() {
            if (act == null) return "ConvolutionBackward0";
            return switch (act) {
                case RELU -> "ReluBackward0";
                case TANH -> "TanhBackward0";
                default -> "SigmoidBackward0";
            };
        }

        @Override protected Tensor[] backward(Tensor gOut) {
            Tensor gy = gOut.contiguous();
            Backend be = backend(gy);
            int oc = shape(gy)[1];
            Tensor gx = needsGrad(0) ? empty(be, dtype(gy), new int[] {g.n(), g.c(), g.h(), g.w()}) : null;
            Tensor gw = needsGrad(1) ? empty(be, dtype(gy), new int[] {oc, g.c() / groups, g.kh(), g.kw()}) : null;
            Tensor gb = bias && needsGrad(2) ? empty(be, dtype(gy), new int[] {oc}) : null;
            if (gy.numel() > 0) {
                be.conv2dBackward(kernelView(gy), sx == null ? null : kernelView(sx.get()), sw == null ? null : kernelView(sw.get()),
                        sy == null ? null : kernelView(sy.get()), act, g, groups, gx == null ? null : kernelView(gx),
                        gw == null ? null : kernelView(gw), gb == null ? null : kernelView(gb));
            } else {
                for (Tensor t : new Tensor[] {gx, gw, gb}) if (t != null) be.fill(kernelView(t), 0);
            }
            return new Tensor[] {gx, gw, gb};
        }
    }
}
