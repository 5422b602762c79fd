package dev.brasa.backend.cpu;

import static dev.brasa.backend.cpu.ScalarBackend.cpu;

import dev.brasa.backend.Backend;
import dev.brasa.backend.UnaryOp;
import dev.brasa.backend.View;
import dev.brasa.backend.Window2d;

/**
 * The float32 convolution of the fast backend, one image at a time: each thread takes a share of the
 * batch, unfolds one image into its own column buffer ([c kh kw, oh ow], small enough to stay in
 * cache) and runs the packed GEMM on it single-threaded, writing the image's output rows in place
 * (no [oc, n oh ow] intermediate to permute, bias written before the GEMM adds onto it). A 1x1
 * convolution with stride 1 and no padding needs no unfolding: the image is its own column matrix.
 * The weight gradient sums per-thread partial gradients. Tested against the scalar backend's
 * im2col + GEMM definition.
 */
final class SimdConv {
    private SimdConv() {}

    private static final ThreadLocal<float[]> COL = new ThreadLocal<>(), PRE = new ThreadLocal<>();

    /** Every view is a float32 CPU view. */
    static boolean accepts(View... views) { return SimdWindows.accepts(views); }

    /** True when the image is its own column matrix: a 1x1 kernel, stride 1, no padding. */
    private static boolean direct(Window2d g) {
        return g.kh() == 1 && g.kw() == 1 && g.sh() == 1 && g.sw() == 1 && g.ph() == 0 && g.pw() == 0;
    }

    /** Image b's column matrix: unfolded into this thread's buffer, or, for a direct convolution, the image itself. */
    private static int columns(float[] xs, int xo, Window2d g, int b, float[][] where) {
        if (direct(g)) {
            where[0] = xs;
            return xo + b * g.c() * g.h() * g.w();
        }
        float[] col = Gemm.buffer(COL, g.c() * g.kh() * g.kw() * g.oh() * g.ow());
        SimdWindows.im2colImage(xs, xo, g, b, col, 0, g.oh() * g.ow());
        where[0] = col;
        return 0;
    }

    static void forward(Backend be, View x, View w, View bias, Window2d g, int groups, UnaryOp act, View y) {
        float[] xs = cpu(x).f(), ws = cpu(w).f(), ys = cpu(y).f(), bs = bias == null ? null : cpu(bias).f();
        int oc = y.shape()[1], ocg = oc / groups, p = g.oh() * g.ow(), ckkg = g.c() / groups * g.kh() * g.kw();
        SimdWindows.split(g.n(), 1, (from, to) -> {
            float[][] src = new float[1][];
            for (int b = from; b < to; b++) {
                int so = columns(xs, x.offset(), g, b, src);
                for (int gi = 0; gi < groups; gi++) {
                    int yo = y.offset() + (b * oc + gi * ocg) * p;
                    if (bs != null) {
                        for (int r = 0; r < ocg; r++) java.util.Arrays.fill(ys, yo + r * p, yo + (r + 1) * p, bs[bias.offset() + (gi * ocg + r) * bias.strides()[0]]);
                    }
                    Gemm.sgemm(ocg, p, ckkg, 1f, ws, w.offset() + gi * ocg * ckkg, ckkg, 1, src[0], so + gi * ckkg * p, p, 1,
                            bs == null ? 0f : 1f, ys, yo, p);
                }
                if (act != null) {           // the activation on the image's rows while they are in cache
                    View img = new View(y.storage(), new int[] {oc * p}, new int[] {1}, y.offset() + b * oc * p);
                    be.unary(act, img, img, 0, 0);
                }
            }
        });
    }

    /**
     * All of conv2d's gradients in one pass over the batch, one image at a time: the image's
     * pre-activation gradient (in a buffer when there is an activation), its share of the weight and
     * bias gradients (into this task's partial sums), then its input gradient (W^T gp into the column
     * buffer, folded back by col2im), with everything the image touches in cache.
     */
    static void backward(Backend be, View gy, View x, View w, View y, UnaryOp act, Window2d g, int groups, View gx, View gw, View gb) {
        float[] gys = cpu(gy).f(), xs = x == null ? null : cpu(x).f(), ws = w == null ? null : cpu(w).f(), gxs = gx == null ? null : cpu(gx).f();
        int oc = gy.shape()[1], ocg = oc / groups, p = g.oh() * g.ow(), ckkg = g.c() / groups * g.kh() * g.kw();
        boolean direct = direct(g);
        int tasks = Math.max(1, Math.min(CpuThreads.threads(), g.n()));
        float[][] parts = new float[tasks][], biasParts = new float[tasks][];
        CpuThreads.parallelFor(tasks, tasks > 1, t -> {
            float[] part = gw == null ? null : new float[oc * ckkg], pb = gb == null ? null : new float[oc];
            float[] pre = act == null ? null : Gemm.buffer(PRE, oc * p);
            float[][] src = new float[1][];
            for (int b = (int) ((long) g.n() * t / tasks), end = (int) ((long) g.n() * (t + 1) / tasks); b < end; b++) {
                float[] gp = gys;
                int go = gy.offset() + b * oc * p;
                if (act != null) {
                    be.unaryBackward(act, new View(gy.storage(), new int[] {oc * p}, new int[] {1}, go), null,
                            new View(y.storage(), new int[] {oc * p}, new int[] {1}, y.offset() + b * oc * p),
                            new View(CpuStorage.wrap(be, pre), new int[] {oc * p}, new int[] {1}, 0), 0, 0);
                    gp = pre;
                    go = 0;
                }
                if (part != null) {
                    int so = columns(xs, x.offset(), g, b, src);
                    for (int gi = 0; gi < groups; gi++) {
                        // gW_g^T += col_g gp_g^T, [ckkg, ocg]: the large column matrix is the A operand in its own row-major
                        // layout and the small gradient the transposed B (15% faster than gp_g col_g^T, which packs col_g transposed)
                        Gemm.sgemm(ckkg, ocg, p, 1f, src[0], so + gi * ckkg * p, p, 1, gp, go + gi * ocg * p, 1, p, 1f, part, gi * ckkg * ocg, ocg);
                    }
                }
                if (pb != null) for (int r = 0; r < oc; r++) pb[r] += SimdReduce.sum(gp, go + r * p, p);
                if (gxs != null) {
                    float[] col = direct ? gxs : Gemm.buffer(COL, g.c() * g.kh() * g.kw() * p);
                    int co = direct ? gx.offset() + b * g.c() * p : 0;
                    for (int gi = 0; gi < groups; gi++) {
                        // the group's columns = W_g^T gp_g: W_g is [ocg, ckkg] row-major, read transposed
                        Gemm.sgemm(ckkg, p, ocg, 1f, ws, w.offset() + gi * ocg * ckkg, 1, ckkg, gp, go + gi * ocg * p, p, 1, 0f, col, co + gi * ckkg * p, p);
                    }
                    if (!direct) SimdWindows.col2imImage(col, 0, p, g, b, gxs, gx.offset());
                }
            }
            parts[t] = part;
            biasParts[t] = pb;
        });
        if (gw != null) {
            float[] total = sum(parts), out = cpu(gw).f();     // per group [ckkg, ocg] -> gw [ocg, ckkg]
            for (int gi = 0; gi < groups; gi++) {
                for (int r = 0; r < ocg; r++) {
                    for (int j = 0; j < ckkg; j++) out[gw.offset() + (gi * ocg + r) * ckkg + j] = total[gi * ckkg * ocg + j * ocg + r];
                }
            }
        }
        if (gb != null) store(biasParts, cpu(gb).f(), gb.offset(), gb.strides()[0]);
    }

    /** The sum of the partial gradients, written to out from offset o with the given stride. */
    private static void store(float[][] parts, float[] out, int o, int stride) {
        float[] total = sum(parts);
        for (int i = 0; i < total.length; i++) out[o + i * stride] = total[i];
    }

    /** The partial sums added into the first. */
    private static float[] sum(float[][] parts) {
        float[] total = parts[0];
        for (int t = 1; t < parts.length; t++) for (int i = 0; i < total.length; i++) total[i] += parts[t][i];
        return total;
    }

}
