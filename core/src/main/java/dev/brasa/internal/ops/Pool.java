package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.DType;
import dev.brasa.Tensor;
import dev.brasa.ValuesIndices;
import dev.brasa.autograd.Node;
import dev.brasa.backend.Backend;
import dev.brasa.backend.Window2d;
import java.util.Arrays;

/**
 * 2-D pooling over [N, C, H, W] (or unbatched [C, H, W]) inputs, forward and backward here: max
 * pooling (saving the index of each maximum, as PyTorch's max_pool2d_with_indices), average pooling
 * (count_include_pad, divisor_override) and adaptive average pooling. Output sizes, ceil_mode and the
 * shape errors follow PyTorch's pooling_output_shape and pool2d_shape_check.
 */
public final class Pool {
    private Pool() {}

    /** PyTorch's pooling output size for one dimension. */
    static int outputSize(int in, int k, int pad, int stride, int dilation, boolean ceil) {
        int num = in + 2 * pad - dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0);
        int out = Math.floorDiv(num, stride) + 1;
        if (ceil && (out - 1) * stride >= in + pad) out--;
        return out;
    }

    /** The window of a max or average pooling, after PyTorch's checks. */
    private static Window2d window(Tensor x, int[] k, int[] s, int[] p, int[] d, boolean ceil) {
        if (k[0] <= 0 || k[1] <= 0) {
            throw new IllegalArgumentException("kernel size should be greater than zero, but got kH: " + k[0] + " kW: " + k[1]);
        }
        if (s[0] <= 0 || s[1] <= 0) throw new IllegalArgumentException("stride should not be zero");
        if (d[0] <= 0 || d[1] <= 0) {
            throw new IllegalArgumentException("dilation should be greater than zero, but got dilationH: " + d[0] + " dilationW: " + d[1]);
        }
        int[] xs = shape(x);
        if (xs.length != 4 || xs[1] == 0 || xs[2] == 0 || xs[3] == 0) {
            throw new IllegalArgumentException("non-empty 3D or 4D (batch mode) tensor expected for input");
        }
        if (k[1] / 2 < p[1] || k[0] / 2 < p[0]) {
            throw new IllegalArgumentException("pad should be at most half of kernel size, but got pad=" + (k[0] / 2 < p[0] ? p[0] : p[1])
                    + " and kernel_size=" + (k[0] / 2 < p[0] ? k[0] : k[1]));
        }
        for (int v : p) if (v < 0) throw new IllegalArgumentException("negative padding is not supported");
        int oh = outputSize(xs[2], k[0], p[0], s[0], d[0], ceil), ow = outputSize(xs[3], k[1], p[1], s[1], d[1], ceil);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("Given input size: (" + xs[1] + "x" + xs[2] + "x" + xs[3] + "). Calculated output size: ("
                    + xs[1] + "x" + oh + "x" + ow + "). Output size is too small");
        }
        return Window2d.of(xs[0], xs[1], xs[2], xs[3], k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], oh, ow);
    }

    /** PyTorch's checks of a pooling input: 3-D (unbatched) or 4-D, floating. */
    private static void check(Tensor x, String what) {
        if (x.dim() != 3 && x.dim() != 4) {
            throw new IllegalArgumentException(what.equals("adaptive_avg_pool2d")
                    ? "adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got " + Arrays.toString(shape(x))
                    : "non-empty 3D or 4D (batch mode) tensor expected for input");
        }
        if (!dtype(x).isFloatingPoint()) {
            throw new IllegalArgumentException("\"" + what + "\" not implemented for '" + (dtype(x) == DType.BOOL ? "Bool" : "Long") + "'");
        }
    }

    /** max_pool2d: kernel, stride, padding and dilation as (height, width) pairs. */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        return maxPool2dWithIndices(x, kernel, stride, padding, dilation, ceilMode).values();
    }

    /** max_pool2d with return_indices: the maxima and where each is within its input plane (y * W + x, INT64). */
    public static ValuesIndices maxPool2dWithIndices(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation,
                                                     boolean ceilMode) {
        check(x, "max_pool2d");
        if (x.dim() == 3) {
            ValuesIndices r = maxPool2dWithIndices(x.unsqueeze(0), kernel, stride, padding, dilation, ceilMode);
            return new ValuesIndices(r.values().squeeze(0), r.indices().squeeze(0));
        }
        Tensor xc = x.contiguous();
        Window2d g = window(xc, kernel, stride, padding, dilation, ceilMode);
        Backend be = backend(xc);
        int[] os = {g.n(), g.c(), g.oh(), g.ow()};
        Tensor out = empty(be, dtype(xc), os), idx = empty(be, DType.INT64, os);
        be.maxPool2d(kernelView(xc), g, kernelView(out), kernelView(idx));
        if (recording(x)) attach(out, new MaxNode(xc, idx, g));
        return new ValuesIndices(out, idx);
    }

    /** avg_pool2d: kernel, stride and padding as (height, width) pairs; divisorOverride 0 for none. */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad,
                                   int divisorOverride) {
        check(x, "avg_pool2d");
        if (x.dim() == 3) return avgPool2d(x.unsqueeze(0), kernel, stride, padding, ceilMode, countIncludePad, divisorOverride).squeeze(0);
        if (divisorOverride < 0) throw new IllegalArgumentException("divisor must be not zero");
        Tensor xc = x.contiguous();
        Window2d g = window(xc, kernel, stride, padding, new int[] {1, 1}, ceilMode);
        return avg(x, xc, g, countIncludePad, divisorOverride, "AvgPool2DBackward0");
    }

    /** adaptive_avg_pool2d to (oh, ow). */
    public static Tensor adaptiveAvgPool2d(Tensor x, int oh, int ow) {
        check(x, "adaptive_avg_pool2d");
        for (int i = x.dim() - 3; i < x.dim(); i++) {          // [C, H, W] or [N, C, H, W]: every dim but the batch
            if (shape(x)[i] == 0) {
                throw new IllegalArgumentException("adaptive_avg_pool2d(): Expected input to have non-zero size for non-batch dimensions, "
                        + "but input has sizes " + Arrays.toString(shape(x)) + " with dimension " + i + " being empty");
            }
        }
        if (x.dim() == 3) return adaptiveAvgPool2d(x.unsqueeze(0), oh, ow).squeeze(0);
        Tensor xc = x.contiguous();
        int[] xs = shape(xc);
        if (oh < 0 || ow < 0) throw new IllegalArgumentException("adaptive_avg_pool2d: elements of output_size must be greater than or equal to 0 but received {" + oh + ", " + ow + "}");
        return avg(x, xc, Window2d.adaptive(xs[0], xs[1], xs[2], xs[3], oh, ow), false, 0, "AdaptiveAvgPool2DBackward0");
    }

    private static Tensor avg(Tensor x, Tensor xc, Window2d g, boolean countIncludePad, int divisor, String name) {
        Backend be = backend(xc);
        Tensor out = empty(be, dtype(xc), new int[] {g.n(), g.c(), g.oh(), g.ow()});
        be.avgPool2d(kernelView(xc), g, countIncludePad, divisor, kernelView(out));
        if (recording(x)) attach(out, new AvgNode(xc, g, countIncludePad, divisor, name));
        return out;
    }

    private static final class MaxNode extends Node {
        private final Tensor idx;
        private final Window2d g;

        MaxNode(Tensor x, Tensor idx, Window2d g) {
            super(x);
            this.idx = idx;
            this.g = g;
        }

        @Override public String name() { return "MaxPool2DWithIndicesBackward0"; }

        @Override protected Tensor[] backward(Tensor gy) {
            Tensor gc = gy.contiguous();
            Tensor gx = newEmpty(gc, dtype(gc), new int[] {g.n(), g.c(), g.h(), g.w()});
            backend(gc).maxPool2dBackward(kernelView(gc), kernelView(idx), g, kernelView(gx));
            return new Tensor[] {gx};
        }
    }

    private static final class AvgNode extends Node {
        private final Window2d g;
        private final boolean countIncludePad;
        private final int divisor;
        private final String name;

        AvgNode(Tensor x, Window2d g, boolean countIncludePad, int divisor, String name) {
            super(x);
            this.g = g;
            this.countIncludePad = countIncludePad;
            this.divisor = divisor;
            this.name = name;
        }

        @Override public String name() { return name; }

        @Override protected Tensor[] backward(Tensor gy) {
            Tensor gc = gy.contiguous();
            Tensor gx = newEmpty(gc, dtype(gc), new int[] {g.n(), g.c(), g.h(), g.w()});
            backend(gc).avgPool2dBackward(kernelView(gc), g, countIncludePad, divisor, kernelView(gx));
            return new Tensor[] {gx};
        }
    }
}
