package dev.brasa.nn;

import dev.brasa.Tensor;

/** Adaptive 2-D average pooling to a fixed output size ({@code nn.AdaptiveAvgPool2d}), whatever the input's size. */
public class AdaptiveAvgPool2d extends Module {
    private final int oh, ow;
    private final boolean square;

    /** Output size x size. */
    public AdaptiveAvgPool2d(int outputSize) {
        this.oh = outputSize;
        this.ow = outputSize;
        this.square = true;
    }

    /** Output (height, width). */
    public AdaptiveAvgPool2d(int outputHeight, int outputWidth) {
        this.oh = outputHeight;
        this.ow = outputWidth;
        this.square = false;
    }

    @Override public Tensor forward(Tensor x) { return F.adaptiveAvgPool2d(x, oh, ow); }

    @Override protected String extraRepr() { return "output_size=" + (square ? String.valueOf(oh) : "(" + oh + ", " + ow + ")"); }
}
