package dev.brasa.nn;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import dev.brasa.internal.ops.Conv;

/**
 * 2-D convolution over [N, C, H, W] inputs ({@code nn.Conv2d}): weight [out, in / groups, kH, kW]
 * and bias [out], initialised as PyTorch does (Kaiming-uniform with a = sqrt(5), bias
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in / groups * kH * kW), so the same seed gives the same
 * weights. Stride, padding (numbers, "same" or "valid"), dilation and groups as in PyTorch;
 * {@link #builder} names them.
 */
public class Conv2d extends Module {
    private final int in, out, groups;
    private final int[] kernel, stride, padding, dilation;
    private final String paddingMode;

    /** Square kernel, stride 1, no padding, with bias. */
    public Conv2d(int inChannels, int outChannels, int kernelSize) { this(inChannels, outChannels, kernelSize, 1, 0); }

    /** Square kernel with one stride and padding for both dimensions, with bias. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
        this(builder(inChannels, outChannels, kernelSize).stride(stride).padding(padding));
    }

    private Conv2d(Builder b) {
        if (b.groups <= 0) throw new IllegalArgumentException("groups must be a positive integer");
        if (b.in % b.groups != 0) throw new IllegalArgumentException("in_channels must be divisible by groups");
        if (b.out % b.groups != 0) throw new IllegalArgumentException("out_channels must be divisible by groups");
        if (b.in < 0 || b.out < 0) {
            throw new IllegalArgumentException("Conv2d: in_channels and out_channels must be >= 0, got " + b.in + " and " + b.out);
        }
        for (int[] v : new int[][] {b.kernel, b.stride, b.dilation}) {
            if (v[0] <= 0 || v[1] <= 0) {
                throw new IllegalArgumentException("Conv2d: kernel_size, stride and dilation must be positive, got kernel_size="
                        + tuple(b.kernel) + ", stride=" + tuple(b.stride) + ", dilation=" + tuple(b.dilation));
            }
        }
        if (b.padding[0] < 0 || b.padding[1] < 0) throw new IllegalArgumentException("negative padding is not supported");
        if ("same".equals(b.paddingMode) && (b.stride[0] != 1 || b.stride[1] != 1)) {
            throw new IllegalArgumentException("padding='same' is not supported for strided convolutions");
        }
        this.in = b.in;
        this.out = b.out;
        this.groups = b.groups;
        this.kernel = b.kernel;
        this.stride = b.stride;
        this.padding = b.padding;
        this.dilation = b.dilation;
        this.paddingMode = b.paddingMode;
        Tensor w = registerParameter("weight", new Parameter(Brasa.zeros(out, in / groups, kernel[0], kernel[1])));
        Init.kaimingUniform_(w, Math.sqrt(5), true, "leaky_relu");
        if (b.bias) {
            int fanIn = in / groups * kernel[0] * kernel[1];
            double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
            Init.uniform_(registerParameter("bias", new Parameter(Brasa.zeros(out))), -bound, bound);
        }
    }

    /** A builder for every option: {@code Conv2d.builder(3, 16, 3).stride(2).padding(1).build()}. */
    public static Builder builder(int inChannels, int outChannels, int kernelSize) {
        return new Builder(inChannels, outChannels, kernelSize);
    }

    /** Conv2d's options, PyTorch's defaults until set. */
    public static final class Builder {
        private final int in, out;
        private int[] kernel, stride = {1, 1}, padding = {0, 0}, dilation = {1, 1};
        private int groups = 1;
        private boolean bias = true;
        private String paddingMode;

        private Builder(int in, int out, int k) {
            this.in = in;
            this.out = out;
            this.kernel = new int[] {k, k};
        }

        /** A (height, width) kernel. */
        public Builder kernelSize(int kh, int kw) { kernel = new int[] {kh, kw}; return this; }

        /** The same stride in both dimensions. */
        public Builder stride(int s) { return stride(s, s); }

        /** (height, width) strides. */
        public Builder stride(int sh, int sw) { stride = new int[] {sh, sw}; return this; }

        /** The same zero padding on all four sides. */
        public Builder padding(int p) { return padding(p, p); }

        /** (height, width) zero padding. */
        public Builder padding(int ph, int pw) { padding = new int[] {ph, pw}; paddingMode = null; return this; }

        /** "same" (the output as large as the input, stride 1 only) or "valid" (no padding). */
        public Builder padding(String mode) {
            F.paddingMode(mode);
            paddingMode = mode;
            padding = new int[] {0, 0};
            return this;
        }

        /** The same dilation in both dimensions. */
        public Builder dilation(int d) { return dilation(d, d); }

        /** (height, width) dilation. */
        public Builder dilation(int dh, int dw) { dilation = new int[] {dh, dw}; return this; }

        /** Channel groups (in and out channels must divide by it). */
        public Builder groups(int g) { groups = g; return this; }

        /** With or without bias (default with). */
        public Builder bias(boolean b) { bias = b; return this; }

        /** The layer, its parameters drawn from the default generator. */
        public Conv2d build() { return new Conv2d(this); }
    }

    /** The weight [out, in / groups, kH, kW]. */
    public Parameter weight() { return parameter("weight"); }

    /** The bias [out], or null. */
    public Parameter bias() { return parameter("bias"); }

    /** in_channels. */
    public int inChannels() { return in; }

    /** out_channels. */
    public int outChannels() { return out; }

    @Override public Tensor forward(Tensor x) { return forward(x, null); }

    /** The convolution and an activation as one node (null for none); {@link Sequential} runs Conv2d + ReLU this way. */
    Tensor forward(Tensor x, dev.brasa.backend.UnaryOp act) {
        return Conv.conv2d(x, weight(), bias(), stride, paddingMode != null ? new int[] {0, 0} : padding, dilation, groups,
                "same".equals(paddingMode), act);
    }

    private static String tuple(int[] v) { return "(" + v[0] + ", " + v[1] + ")"; }

    @Override protected String extraRepr() {
        StringBuilder s = new StringBuilder(in + ", " + out + ", kernel_size=" + tuple(kernel) + ", stride=" + tuple(stride));
        if (paddingMode != null) s.append(", padding=").append(paddingMode);
        else if (padding[0] != 0 || padding[1] != 0) s.append(", padding=").append(tuple(padding));
        if (dilation[0] != 1 || dilation[1] != 1) s.append(", dilation=").append(tuple(dilation));
        if (groups != 1) s.append(", groups=").append(groups);
        if (bias() == null) s.append(", bias=False");
        return s.toString();
    }
}
