package dev.brasa.backend;

/**
 * The geometry of a 2-D sliding window over a contiguous [n, c, h, w] input: a convolution's
 * kernel or a pooling window. Output position (oy, ox) reads input rows {@code oy * sh - ph + i * dh}
 * for i in [0, kh) and columns {@code ox * sw - pw + j * dw} for j in [0, kw); positions outside the
 * input are padding. The output size is given, not derived, so that PyTorch's ceil_mode and
 * asymmetric "same" padding (the extra row at the bottom) need nothing else. An adaptive window
 * (adaptive average pooling) instead covers rows [floor(oy h / oh), ceil((oy + 1) h / oh)).
 *
 * @param n batch, c channels, h and w the input's height and width
 * @param kh kernel height, kw kernel width (0 for an adaptive window)
 * @param sh stride, sw; ph padding, pw; dh dilation, dw
 * @param oh output height, ow output width
 */
public record Window2d(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                       int oh, int ow, boolean adaptive) {

    /** A convolution's or pooling window's geometry. */
    public static Window2d of(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw,
                              int oh, int ow) {
        return new Window2d(n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, false);
    }

    /** Adaptive average pooling from [n, c, h, w] to [n, c, oh, ow]. */
    public static Window2d adaptive(int n, int c, int h, int w, int oh, int ow) {
        return new Window2d(n, c, h, w, 0, 0, 1, 1, 0, 0, 1, 1, oh, ow, true);
    }

    /** n * c, the number of input (and output) planes. */
    public int planes() { return n * c; }

    /** First input row of output row oy, clipped to the input (for pooling without dilation). */
    public int rowStart(int oy) { return adaptive ? (int) ((long) oy * h / oh) : Math.max(oy * sh - ph, 0); }

    /** One past the last input row of output row oy, clipped to the input. */
    public int rowEnd(int oy) {
        return adaptive ? (int) (((long) (oy + 1) * h + oh - 1) / oh) : Math.min(oy * sh - ph + kh, h);
    }

    /** First input column of output column ox, clipped. */
    public int colStart(int ox) { return adaptive ? (int) ((long) ox * w / ow) : Math.max(ox * sw - pw, 0); }

    /** One past the last input column of output column ox, clipped. */
    public int colEnd(int ox) {
        return adaptive ? (int) (((long) (ox + 1) * w + ow - 1) / ow) : Math.min(ox * sw - pw + kw, w);
    }

    /**
     * The divisor of average pooling at (oy, ox), as PyTorch's avg_pool2d: divisorOverride when not 0;
     * else with countIncludePad the window clipped to the padded input (h + ph, w + pw), else the
     * window clipped to the input.
     */
    public int divisor(int oy, int ox, boolean countIncludePad, int divisorOverride) {
        if (divisorOverride != 0) return divisorOverride;
        if (countIncludePad && !adaptive) {
            int y0 = oy * sh - ph, x0 = ox * sw - pw;
            return (Math.min(y0 + kh, h + ph) - y0) * (Math.min(x0 + kw, w + pw) - x0);
        }
        return (rowEnd(oy) - rowStart(oy)) * (colEnd(ox) - colStart(ox));
    }

    /** The CUDA kernels' {@code struct Window2d} (15 ints, the record's order) by value. */
    public byte[] struct() {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(15 * 4).order(java.nio.ByteOrder.nativeOrder());
        for (int v : new int[] {n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, adaptive ? 1 : 0}) b.putInt(v);
        return b.array();
    }
}
