package dev.brasa.backend.cpu;

import static dev.brasa.backend.cpu.ScalarBackend.cpu;

import dev.brasa.backend.Kind;
import dev.brasa.backend.View;
import dev.brasa.backend.Window2d;
import java.util.Arrays;

/**
 * The float32 sliding-window kernels of the fast backend, threaded over planes or column rows with
 * {@link CpuThreads}: whole input rows move with {@code System.arraycopy} where the stride is 1, and
 * every task owns the output elements it writes, so no two threads add into one element. Each is
 * tested against its specification in {@link WindowLoops}.
 */
final class SimdWindows {
    private SimdWindows() {}

    /** Every view is a float32 CPU view (the others take the specification). */
    static boolean accepts(View... views) {
        for (View v : views) if (v != null && cpu(v).kind != Kind.F32) return false;
        return true;
    }

    /** Splits count items into about 4 tasks per thread (at least minPerTask items each) and runs body(from, to). */
    private static void split(int count, int minPerTask, RangeBody body) {
        int tasks = Math.max(1, Math.min(CpuThreads.threads() * 4, count / Math.max(1, minPerTask)));
        CpuThreads.parallelFor(tasks, tasks > 1, t -> body.run((int) ((long) count * t / tasks), (int) ((long) count * (t + 1) / tasks)));
    }

    @FunctionalInterface
    private interface RangeBody {
        void run(int from, int to);
    }

    /** First ox whose column ox * s + off is >= 0, and one past the last whose column is < w. */
    private static int firstIn(int off, int s) { return off >= 0 ? 0 : (-off + s - 1) / s; }

    private static int endIn(int off, int s, int w, int ow) { return off >= w ? 0 : Math.min(ow, (w - 1 - off) / s + 1); }

    static void im2col(View x, Window2d g, View col) {
        float[] xs = cpu(x).f, cs = cpu(col).f;
        int xo = x.offset(), co = col.offset(), oh = g.oh(), ow = g.ow(), np = g.n() * oh * ow, kk = g.kh() * g.kw();
        split(g.c() * kk * g.n(), 4, (from, to) -> {
            for (int t = from; t < to; t++) {
                int row = t / g.n(), b = t % g.n(), ci = row / kk, i = row % kk / g.kw(), j = row % g.kw();
                int xoff = j * g.dw() - g.pw(), a = Math.min(firstIn(xoff, g.sw()), ow), e = Math.max(a, endIn(xoff, g.sw(), g.w(), ow));
                int plane = xo + (b * g.c() + ci) * g.h() * g.w();
                for (int oy = 0, dst = co + row * np + b * oh * ow; oy < oh; oy++, dst += ow) {
                    int y = oy * g.sh() - g.ph() + i * g.dh();
                    if (y < 0 || y >= g.h()) {
                        Arrays.fill(cs, dst, dst + ow, 0f);
                        continue;
                    }
                    Arrays.fill(cs, dst, dst + a, 0f);
                    int src = plane + y * g.w() + xoff;
                    if (g.sw() == 1) System.arraycopy(xs, src + a, cs, dst + a, e - a);
                    else for (int ox = a; ox < e; ox++) cs[dst + ox] = xs[src + ox * g.sw()];
                    Arrays.fill(cs, dst + e, dst + ow, 0f);
                }
            }
        });
    }

    static void col2im(View col, Window2d g, View gx) {
        float[] cs = cpu(col).f, gs = cpu(gx).f;
        int go = gx.offset(), co = col.offset(), oh = g.oh(), ow = g.ow(), np = g.n() * oh * ow, hw = g.h() * g.w();
        split(g.planes(), 1, (from, to) -> {
            for (int p = from; p < to; p++) {
                int b = p / g.c(), ci = p % g.c(), plane = go + p * hw;
                Arrays.fill(gs, plane, plane + hw, 0f);
                for (int i = 0; i < g.kh(); i++) {
                    for (int j = 0; j < g.kw(); j++) {
                        int row = (ci * g.kh() + i) * g.kw() + j, xoff = j * g.dw() - g.pw();
                        int a = Math.min(firstIn(xoff, g.sw()), ow), e = Math.max(a, endIn(xoff, g.sw(), g.w(), ow));
                        for (int oy = 0, src = co + row * np + b * oh * ow; oy < oh; oy++, src += ow) {
                            int y = oy * g.sh() - g.ph() + i * g.dh();
                            if (y < 0 || y >= g.h()) continue;
                            int dst = plane + y * g.w() + xoff;
                            if (g.sw() == 1) for (int ox = a; ox < e; ox++) gs[dst + ox] += cs[src + ox];
                            else for (int ox = a; ox < e; ox++) gs[dst + ox * g.sw()] += cs[src + ox];
                        }
                    }
                }
            }
        });
    }

    static void maxPool2d(View x, Window2d g, View out, View indices) {
        float[] xs = cpu(x).f, os = cpu(out).f;
        long[] is = cpu(indices).l;
        int hw = g.h() * g.w(), ohw = g.oh() * g.ow(), xo = x.offset(), oo = out.offset(), io = indices.offset();
        split(g.planes(), 1, (from, to) -> {
            for (int p = from; p < to; p++) {
                int xp = xo + p * hw;
                for (int oy = 0; oy < g.oh(); oy++) {
                    int y0 = oy * g.sh() - g.ph(), y1 = Math.min(y0 + (g.kh() - 1) * g.dh() + 1, g.h());
                    while (y0 < 0) y0 += g.dh();
                    for (int ox = 0; ox < g.ow(); ox++) {
                        int x0 = ox * g.sw() - g.pw(), x1 = Math.min(x0 + (g.kw() - 1) * g.dw() + 1, g.w());
                        while (x0 < 0) x0 += g.dw();
                        int best = y0 * g.w() + x0;
                        float max = Float.NEGATIVE_INFINITY;
                        for (int y = y0; y < y1; y += g.dh()) {
                            for (int xx = x0, q = y * g.w() + x0; xx < x1; xx += g.dw(), q += g.dw()) {
                                float v = xs[xp + q];
                                if (v > max || v != v) {
                                    max = v;
                                    best = q;
                                }
                            }
                        }
                        int o = p * ohw + oy * g.ow() + ox;
                        os[oo + o] = max;
                        is[io + o] = best;
                    }
                }
            }
        });
    }

    static void maxPool2dBackward(View g, View indices, Window2d win, View gx) {
        float[] gs = cpu(g).f, xs = cpu(gx).f;
        long[] is = cpu(indices).l;
        int hw = win.h() * win.w(), ohw = win.oh() * win.ow(), go = g.offset(), io = indices.offset(), xo = gx.offset();
        split(win.planes(), 1, (from, to) -> {
            for (int p = from; p < to; p++) {
                int plane = xo + p * hw;
                Arrays.fill(xs, plane, plane + hw, 0f);
                for (int o = p * ohw, end = o + ohw; o < end; o++) xs[plane + (int) is[io + o]] += gs[go + o];
            }
        });
    }

    static void avgPool2d(View x, Window2d g, boolean countIncludePad, int divisorOverride, View out) {
        float[] xs = cpu(x).f, os = cpu(out).f;
        int hw = g.h() * g.w(), ohw = g.oh() * g.ow(), xo = x.offset(), oo = out.offset();
        split(g.planes(), 1, (from, to) -> {
            for (int p = from; p < to; p++) {
                for (int oy = 0; oy < g.oh(); oy++) {
                    int y0 = g.rowStart(oy), y1 = g.rowEnd(oy);
                    for (int ox = 0; ox < g.ow(); ox++) {
                        int x0 = g.colStart(ox), x1 = g.colEnd(ox);
                        float sum = 0;
                        for (int y = y0; y < y1; y++) for (int xx = x0, q = xo + p * hw + y * g.w(); xx < x1; xx++) sum += xs[q + xx];
                        os[oo + p * ohw + oy * g.ow() + ox] = sum / g.divisor(oy, ox, countIncludePad, divisorOverride);
                    }
                }
            }
        });
    }

    static void avgPool2dBackward(View g, Window2d win, boolean countIncludePad, int divisorOverride, View gx) {
        float[] gs = cpu(g).f, xs = cpu(gx).f;
        int hw = win.h() * win.w(), ohw = win.oh() * win.ow(), go = g.offset(), xo = gx.offset();
        split(win.planes(), 1, (from, to) -> {
            for (int p = from; p < to; p++) {
                int plane = xo + p * hw;
                Arrays.fill(xs, plane, plane + hw, 0f);
                for (int oy = 0; oy < win.oh(); oy++) {
                    int y0 = win.rowStart(oy), y1 = win.rowEnd(oy);
                    for (int ox = 0; ox < win.ow(); ox++) {
                        int x0 = win.colStart(ox), x1 = win.colEnd(ox);
                        float v = gs[go + p * ohw + oy * win.ow() + ox] / win.divisor(oy, ox, countIncludePad, divisorOverride);
                        for (int y = y0; y < y1; y++) for (int xx = x0, q = plane + y * win.w(); xx < x1; xx++) xs[q + xx] += v;
                    }
                }
            }
        });
    }
}
