package dev.brasa.nn;

import dev.brasa.Tensor;

/** 2-D max pooling ({@code nn.MaxPool2d}): square kernel; stride defaults to the kernel size. */
public class MaxPool2d extends Module {
    private final int kernel, stride, padding, dilation;
    private final boolean ceilMode;

    /** Kernel k, stride k. */
    public MaxPool2d(int kernelSize) { this(kernelSize, kernelSize); }

    /** Kernel and stride. */
    public MaxPool2d(int kernelSize, int stride) { this(kernelSize, stride, 0, 1, false); }

    /** Every option, as PyTorch's MaxPool2d(kernel_size, stride, padding, dilation, ceil_mode=...). */
    public MaxPool2d(int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        this.kernel = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.ceilMode = ceilMode;
    }

    @Override public Tensor forward(Tensor x) { return F.maxPool2d(x, kernel, stride, padding, dilation, ceilMode); }

    @Override protected String extraRepr() {
        return "kernel_size=" + kernel + ", stride=" + stride + ", padding=" + padding + ", dilation=" + dilation + ", ceil_mode="
                + py(ceilMode);
    }
}
