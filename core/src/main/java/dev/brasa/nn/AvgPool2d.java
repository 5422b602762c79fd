package dev.brasa.nn;

import dev.brasa.Tensor;

/** 2-D average pooling ({@code nn.AvgPool2d}): square kernel; stride defaults to the kernel size. */
public class AvgPool2d extends Module {
    private final int kernel, stride, padding;
    private final boolean ceilMode, countIncludePad;

    /** Kernel k, stride k. */
    public AvgPool2d(int kernelSize) { this(kernelSize, kernelSize); }

    /** Kernel and stride. */
    public AvgPool2d(int kernelSize, int stride) { this(kernelSize, stride, 0, false, true); }

    /** Every option but divisor_override, as PyTorch's AvgPool2d(k, stride, padding, ceil_mode, count_include_pad). */
    public AvgPool2d(int kernelSize, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        this.kernel = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.ceilMode = ceilMode;
        this.countIncludePad = countIncludePad;
    }

    @Override public Tensor forward(Tensor x) {
        return F.avgPool2d(x, new int[] {kernel}, new int[] {stride}, new int[] {padding}, ceilMode, countIncludePad, null);
    }

    @Override protected String extraRepr() { return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding; }
}
