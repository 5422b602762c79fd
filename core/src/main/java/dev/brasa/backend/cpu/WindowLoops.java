package dev.brasa.backend.cpu;

import static dev.brasa.backend.cpu.ScalarBackend.cpu;

import dev.brasa.backend.View;
import dev.brasa.backend.Window2d;

/**
 * The specification of the sliding-window kernels ({@code im2col}, {@code col2im}, max and average
 * pooling, forward and backward): one element at a time, in doubles, over any element kind, written
 * straight from the definitions in {@link dev.brasa.backend.Backend}. {@link SimdWindows} is the fast
 * float32 version, tested against this one.
 */
final class WindowLoops {
    private WindowLoops() {}

    /** What {@link #forEachEntry} calls: a column-matrix entry and the input element it reads, -1 where that is padding. */
    @FunctionalInterface
    private interface Entry {
        void at(int colIndex, int xIndex);
    }

    /**
     * Walks every entry of the [c kh kw, n oh ow] column matrix in order with the flat index of the input
     * element it reads: the one mapping behind im2col and its adjoint, col2im.
     */
    private static void forEachEntry(Window2d g, Entry e) {
        int np = g.n() * g.oh() * g.ow();
        for (int ci = 0; ci < g.c(); ci++) {
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    int row = (ci * g.kh() + i) * g.kw() + j;
                    for (int b = 0; b < g.n(); b++) {
                        for (int oy = 0; oy < g.oh(); oy++) {
                            for (int ox = 0; ox < g.ow(); ox++) {
                                int y = oy * g.sh() - g.ph() + i * g.dh(), xx = ox * g.sw() - g.pw() + j * g.dw();
                                boolean in = y >= 0 && y < g.h() && xx >= 0 && xx < g.w();
                                e.at(row * np + (b * g.oh() + oy) * g.ow() + ox, in ? ((b * g.c() + ci) * g.h() + y) * g.w() + xx : -1);
                            }
                        }
                    }
                }
            }
        }
    }

    static void im2col(View x, Window2d g, View col) {
        CpuStorage xs = cpu(x), cs = cpu(col);
        int xo = x.offset(), co = col.offset();
        forEachEntry(g, (c, xi) -> cs.set(co + c, xi < 0 ? 0 : xs.get(xo + xi)));
    }

    static void col2im(View col, Window2d g, View gx) {
        CpuStorage cs = cpu(col), gs = cpu(gx);
        int go = gx.offset(), co = col.offset();
        double[] acc = new double[g.planes() * g.h() * g.w()];
        forEachEntry(g, (c, xi) -> {
            if (xi >= 0) acc[xi] += cs.get(co + c);
        });
        for (int e = 0; e < acc.length; e++) gs.set(go + e, acc[e]);
    }

    static void maxPool2d(View x, Window2d g, View out, View indices) {
        CpuStorage xs = cpu(x), os = cpu(out), is = cpu(indices);
        int hw = g.h() * g.w(), ohw = g.oh() * g.ow();
        for (int p = 0; p < g.planes(); p++) {
            int xp = x.offset() + p * hw;
            for (int oy = 0; oy < g.oh(); oy++) {
                for (int ox = 0; ox < g.ow(); ox++) {
                    int y0 = oy * g.sh() - g.ph(), x0 = ox * g.sw() - g.pw();
                    while (y0 < 0) y0 += g.dh();
                    while (x0 < 0) x0 += g.dw();
                    int y1 = Math.min(oy * g.sh() - g.ph() + (g.kh() - 1) * g.dh() + 1, g.h());
                    int x1 = Math.min(ox * g.sw() - g.pw() + (g.kw() - 1) * g.dw() + 1, g.w());
                    int best = y0 * g.w() + x0;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int y = y0; y < y1; y += g.dh()) {
                        for (int xx = x0; xx < x1; xx += g.dw()) {
                            double v = xs.get(xp + y * g.w() + xx);
                            if (v > max || Double.isNaN(v)) {
                                max = v;
                                best = y * g.w() + xx;
                            }
                        }
                    }
                    int o = p * ohw + oy * g.ow() + ox;
                    os.set(out.offset() + o, max);
                    is.set(indices.offset() + o, best);
                }
            }
        }
    }

    static void maxPool2dBackward(View g, View indices, Window2d win, View gx) {
        CpuStorage gs = cpu(g), is = cpu(indices), xs = cpu(gx);
        int hw = win.h() * win.w(), ohw = win.oh() * win.ow();
        double[] acc = new double[win.planes() * hw];
        for (int p = 0; p < win.planes(); p++) {
            for (int o = 0; o < ohw; o++) {
                acc[p * hw + (int) is.get(indices.offset() + p * ohw + o)] += gs.get(g.offset() + p * ohw + o);
            }
        }
        for (int e = 0; e < acc.length; e++) xs.set(gx.offset() + e, acc[e]);
    }

    static void avgPool2d(View x, Window2d g, boolean countIncludePad, int divisorOverride, View out) {
        CpuStorage xs = cpu(x), os = cpu(out);
        int hw = g.h() * g.w(), ohw = g.oh() * g.ow();
        for (int p = 0; p < g.planes(); p++) {
            for (int oy = 0; oy < g.oh(); oy++) {
                for (int ox = 0; ox < g.ow(); ox++) {
                    double sum = 0;
                    for (int y = g.rowStart(oy); y < g.rowEnd(oy); y++) {
                        for (int xx = g.colStart(ox); xx < g.colEnd(ox); xx++) sum += xs.get(x.offset() + p * hw + y * g.w() + xx);
                    }
                    os.set(out.offset() + p * ohw + oy * g.ow() + ox, sum / g.divisor(oy, ox, countIncludePad, divisorOverride));
                }
            }
        }
    }

    static void avgPool2dBackward(View g, Window2d win, boolean countIncludePad, int divisorOverride, View gx) {
        CpuStorage gs = cpu(g), xs = cpu(gx);
        int hw = win.h() * win.w(), ohw = win.oh() * win.ow();
        double[] acc = new double[win.planes() * hw];
        for (int p = 0; p < win.planes(); p++) {
            for (int oy = 0; oy < win.oh(); oy++) {
                for (int ox = 0; ox < win.ow(); ox++) {
                    double v = gs.get(g.offset() + p * ohw + oy * win.ow() + ox) / win.divisor(oy, ox, countIncludePad, divisorOverride);
                    for (int y = win.rowStart(oy); y < win.rowEnd(oy); y++) {
                        for (int xx = win.colStart(ox); xx < win.colEnd(ox); xx++) acc[p * hw + y * win.w() + xx] += v;
                    }
                }
            }
        }
        for (int e = 0; e < acc.length; e++) xs.set(gx.offset() + e, acc[e]);
    }
}
