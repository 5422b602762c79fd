package dev.brasa.backend.cpu;

import static dev.brasa.backend.cpu.ScalarBackend.cpu;

import dev.brasa.backend.Kind;
import dev.brasa.backend.View;
import dev.brasa.backend.Window2d;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

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
    static void split(int count, int minPerTask, RangeBody body) {
        int tasks = Math.max(1, Math.min(CpuThreads.threads() * 4, count / Math.max(1, minPerTask)));
        CpuThreads.parallelFor(tasks, tasks > 1, t -> body.run((int) ((long) count * t / tasks), (int) ((long) count * (t + 1) / tasks)));
    }

    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    /** First ox whose column ox * s + off is >= 0, and one past the last whose column is < w. */
    private static int firstIn(int off, int s) { return off >= 0 ? 0 : (-off + s - 1) / s; }

    private static int endIn(int off, int s, int w, int ow) { return off >= w ? 0 : Math.min(ow, (w - 1 - off) / s + 1); }

    /** Stride 1 and an output as wide as the input (a "same" convolution): each im2col row is the input plane shifted. */
    private static boolean shifted(Window2d g) { return g.sh() == 1 && g.sw() == 1 && g.ow() == g.w(); }

    static void im2col(View x, Window2d g, View col) {
        float[] xs = cpu(x).f(), cs = cpu(col).f();
        int p = g.oh() * g.ow(), np = g.n() * p;
        split(g.n(), 1, (from, to) -> {
            for (int b = from; b < to; b++) im2colImage(xs, x.offset(), g, b, cs, col.offset() + b * p, np);
        });
    }

    /**
     * im2col of image b alone: col[row * ld + co + oy * ow + ox] for the c kh kw rows; ld = oh ow writes a
     * compact [c kh kw, oh ow] matrix (the per-image convolution), ld = n oh ow one image's columns of the
     * whole batch's matrix.
     */
    static void im2colImage(float[] xs, int xo, Window2d g, int b, float[] cs, int co, int ld) {
        int oh = g.oh(), ow = g.ow(), kk = g.kh() * g.kw();
        boolean shifted = shifted(g);
        for (int row = 0; row < g.c() * kk; row++) {
            if (shifted) {
                shiftedRow(xs, xo, g, b, row, cs, co + row * ld);
                continue;
            }
            int ci = row / kk, i = row % kk / g.kw(), j = row % g.kw();
            int xoff = j * g.dw() - g.pw(), a = Math.min(firstIn(xoff, g.sw()), ow), e = Math.max(a, endIn(xoff, g.sw(), g.w(), ow));
            int plane = xo + (b * g.c() + ci) * g.h() * g.w();
            for (int oy = 0, dst = co + row * ld; oy < oh; oy++, dst += ow) {
                int y = oy * g.sh() - g.ph() + i * g.dh();
                if (y < 0 || y >= g.h()) {
                    Arrays.fill(cs, dst, dst + ow, 0f);
                    continue;
                }
                if (a > 0) Arrays.fill(cs, dst, dst + a, 0f);
                int src = plane + y * g.w() + xoff;
                if (g.sw() == 1) System.arraycopy(xs, src + a, cs, dst + a, e - a);
                else for (int ox = a; ox < e; ox++) cs[dst + ox] = xs[src + ox * g.sw()];
                if (e < ow) Arrays.fill(cs, dst + e, dst + ow, 0f);
            }
        }
    }

    /**
     * One im2col row when stride is 1 and the output is as wide as the input (a "same" convolution): the
     * row is the input plane shifted by (dy, dx), so the rows that are inside the input move in one copy;
     * the dx columns that wrapped around from the neighbouring row are then zeroed, as are the rows above
     * and below the input.
     */
    private static void shiftedRow(float[] xs, int xo, Window2d g, int b, int row, float[] cs, int dst) {
        int kk = g.kh() * g.kw(), ci = row / kk, i = row % kk / g.kw(), j = row % g.kw(), w = g.w(), oh = g.oh();
        int dy = i * g.dh() - g.ph(), dx = j * g.dw() - g.pw();
        int y0 = Math.min(firstIn(dy, 1), oh), y1 = Math.max(y0, endIn(dy, 1, g.h(), oh));     // the rows inside the input
        Arrays.fill(cs, dst, dst + y0 * w, 0f);
        Arrays.fill(cs, dst + y1 * w, dst + oh * w, 0f);
        if (y1 == y0) return;
        int len = (y1 - y0) * w - Math.abs(dx), src = xo + (b * g.c() + ci) * g.h() * w + (y0 + dy) * w;
        if (len <= 0) {
            Arrays.fill(cs, dst + y0 * w, dst + y1 * w, 0f);
            return;
        }
        if (dx < 0) System.arraycopy(xs, src, cs, dst + y0 * w - dx, len);
        else System.arraycopy(xs, src + dx, cs, dst + y0 * w, len);
        clearWrapped(cs, dst, w, y0, y1, dx);
    }

    /** Zeroes columns [0, -dx) (dx < 0) or [w - dx, w) (dx > 0) of rows y0 .. y1 of a row-major block of width w. */
    private static void clearWrapped(float[] cs, int dst, int w, int y0, int y1, int dx) {
        if (dx == 0) return;
        if (dx == 1 || dx == -1) {            // a 3x3 kernel's side columns: one element per row
            for (int r = dst + y0 * w + (dx < 0 ? 0 : w - 1), end = dst + y1 * w; r < end; r += w) cs[r] = 0f;
            return;
        }
        int from = dx < 0 ? 0 : Math.max(0, w - dx), to = dx < 0 ? Math.min(w, -dx) : w;
        for (int y = y0, r = dst + y0 * w; y < y1; y++, r += w) for (int x = from; x < to; x++) cs[r + x] = 0f;
    }

    static void col2im(View col, Window2d g, View gx) {
        float[] cs = cpu(col).f(), gs = cpu(gx).f();
        int p = g.oh() * g.ow(), np = g.n() * p;
        split(g.n(), 1, (from, to) -> {
            for (int b = from; b < to; b++) col2imImage(cs, col.offset() + b * p, np, g, b, gs, gx.offset());
        });
    }

    /** The adjoint of {@link #im2colImage}: image b's planes of gx, overwritten, from its columns (row stride ld). */
    static void col2imImage(float[] cs, int co, int ld, Window2d g, int b, float[] gs, int go) {
        int oh = g.oh(), ow = g.ow(), hw = g.h() * g.w();
        boolean shifted = shifted(g);
        for (int ci = 0; ci < g.c(); ci++) {
            int plane = go + (b * g.c() + ci) * hw;
            Arrays.fill(gs, plane, plane + hw, 0f);
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    int row = (ci * g.kh() + i) * g.kw() + j, xoff = j * g.dw() - g.pw();
                    if (shifted) {
                        // the adjoint of shiftedRow: the wrapped columns of the (scratch) column row are zeroed, then
                        // the rows inside the input are added in one pass
                        int w = g.w(), dy = i * g.dh() - g.ph();
                        int y0 = Math.min(firstIn(dy, 1), oh), y1 = Math.max(y0, endIn(dy, 1, g.h(), oh));
                        int len = (y1 - y0) * w - Math.abs(xoff), src = co + row * ld;
                        if (len <= 0) continue;
                        clearWrapped(cs, src, w, y0, y1, xoff);
                        if (xoff < 0) addInto(gs, plane + (y0 + dy) * w, cs, src + y0 * w - xoff, len);
                        else addInto(gs, plane + (y0 + dy) * w + xoff, cs, src + y0 * w, len);
                        continue;
                    }
                    int a = Math.min(firstIn(xoff, g.sw()), ow), e = Math.max(a, endIn(xoff, g.sw(), g.w(), ow));
                    for (int oy = 0, src = co + row * ld; oy < oh; oy++, src += ow) {
                        int y = oy * g.sh() - g.ph() + i * g.dh();
                        if (y < 0 || y >= g.h()) continue;
                        int dst = plane + y * g.w() + xoff;
                        if (g.sw() == 1) for (int ox = a; ox < e; ox++) gs[dst + ox] += cs[src + ox];
                        else for (int ox = a; ox < e; ox++) gs[dst + ox * g.sw()] += cs[src + ox];
                    }
                }
            }
        }
    }

    /** d[o .. o + n) += s[so .. so + n), in vectors. */
    private static void addInto(float[] d, int o, float[] s, int so, int n) {
        int i = 0;
        for (int bound = SimdBackend.S.loopBound(n); i < bound; i += SimdBackend.L) {
            FloatVector.fromArray(SimdBackend.S, d, o + i).add(FloatVector.fromArray(SimdBackend.S, s, so + i)).intoArray(d, o + i);
        }
        for (; i < n; i++) d[o + i] += s[so + i];
    }

    static void maxPool2d(View x, Window2d g, View out, View indices) {
        float[] xs = cpu(x).f(), os = cpu(out).f();
        long[] is = cpu(indices).l;
        int hw = g.h() * g.w(), ohw = g.oh() * g.ow(), xo = x.offset(), oo = out.offset(), io = indices.offset();
        boolean tiles2 = g.kh() == 2 && g.kw() == 2 && g.sh() == 2 && g.sw() == 2 && g.ph() == 0 && g.pw() == 0
                && g.oh() * 2 <= g.h() && g.ow() * 2 <= g.w();
        split(g.planes(), 1, (from, to) -> {
            for (int p = from; p < to; p++) {
                int xp = xo + p * hw;
                if (tiles2) {
                    maxPool2x2(xs, xp, g, os, oo + p * ohw, is, io + p * ohw);
                    continue;
                }
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

    /**
     * MaxPool2d(2) on one plane, every window inside it. PyTorch scans a window's four elements in order
     * and takes one when it is larger or NaN: the first maximum, or the last NaN. A chain of compares
     * on random data mispredicts (15 ns per window measured), so this runs the same scan on L windows at
     * once, in vectors of their first, second, third and fourth elements (the even and odd elements of
     * two rows), with masks instead of branches; a row's last block is masked.
     */
    private static void maxPool2x2(float[] xs, int xp, Window2d g, float[] os, int oo, long[] is, int io) {
        int w = g.w(), L = SimdBackend.L;
        float[] kb = new float[L];
        for (int oy = 0; oy < g.oh(); oy++) {
            int r = xp + 2 * oy * w, o = oo + oy * g.ow(), pos = 2 * oy * w;
            for (int ox = 0; ox < g.ow(); ox += L, r += 2 * L, pos += 2 * L) {      // L windows at a time, the last block masked
                int n = Math.min(L, g.ow() - ox);
                windows2x2(xs, r, w, n, os, o + ox, kb);
                for (int i = 0, at = io + oy * g.ow() + ox; i < n; i++) is[at + i] = pos + 2 * i + (int) kb[i];
            }
        }
    }

    /** Lane i to 2i (or 2i + 1) mod L: the even (odd) elements of a vector into its first half, and again into its second. */
    private static final VectorShuffle<Float> EVEN = pairs(0), ODD = pairs(1);
    private static final VectorMask<Float> SECOND_HALF = VectorMask.fromLong(SimdBackend.S, -1L << (SimdBackend.L / 2));

    private static VectorShuffle<Float> pairs(int odd) {
        int[] lanes = new int[SimdBackend.L];
        for (int i = 0; i < lanes.length; i++) lanes[i] = (2 * i + odd) % lanes.length;
        return VectorShuffle.fromArray(SimdBackend.S, lanes, 0);
    }

    /** The even (odd) elements of the 2L floats lo, hi: lane i holds element 2i (2i + 1). */
    private static FloatVector half(FloatVector lo, FloatVector hi, VectorShuffle<Float> sh) {
        return lo.rearrange(sh).blend(hi.rearrange(sh), SECOND_HALF);
    }

    /** The lanes where PyTorch's scan takes v over the maximum so far: v larger, or v NaN. */
    private static VectorMask<Float> takes(FloatVector v, FloatVector best) {
        return v.compare(VectorOperators.GT, best).or(v.compare(VectorOperators.NE, v));
    }

    /**
     * n (at most L) adjacent 2x2 windows whose top-left elements are xs[r], xs[r + 2], ...: each window's four elements
     * scanned as PyTorch scans them (taken when larger or NaN, so the first maximum or the last NaN, and the
     * element itself, so -0.0 stays -0.0), lane by lane; the values to os[o ..], each window's offset in it
     * (0, 1, w or w + 1) to k.
     */
    private static void windows2x2(float[] xs, int r, int w, int n, float[] os, int o, float[] k) {
        var sp = SimdBackend.S;
        int L = SimdBackend.L;
        FloatVector top0, top1, bot0, bot1;
        if (n == L) {
            top0 = FloatVector.fromArray(sp, xs, r);
            top1 = FloatVector.fromArray(sp, xs, r + L);
            bot0 = FloatVector.fromArray(sp, xs, r + w);
            bot1 = FloatVector.fromArray(sp, xs, r + w + L);
        } else {                    // n windows: 2n elements of each row, the lanes past them zero and never stored
            VectorMask<Float> m0 = sp.indexInRange(0, Math.min(2 * n, L)), m1 = sp.indexInRange(0, Math.max(0, 2 * n - L));
            top0 = FloatVector.fromArray(sp, xs, r, m0);
            top1 = FloatVector.fromArray(sp, xs, r + L, m1);
            bot0 = FloatVector.fromArray(sp, xs, r + w, m0);
            bot1 = FloatVector.fromArray(sp, xs, r + w + L, m1);
        }
        // the window's elements in scan order: a (the start), b, c, d; each step one blend of the value and one of its offset
        FloatVector best = half(top0, top1, EVEN), b = half(top0, top1, ODD), c = half(bot0, bot1, EVEN), d = half(bot0, bot1, ODD);
        VectorMask<Float> tb = takes(b, best);
        best = best.blend(b, tb);
        FloatVector at = FloatVector.zero(sp).blend(1, tb);
        VectorMask<Float> tc = takes(c, best);
        best = best.blend(c, tc);
        at = at.blend(w, tc);
        VectorMask<Float> td = takes(d, best);
        best = best.blend(d, td);
        at = at.blend(w + 1, td);
        if (n == L) best.intoArray(os, o);
        else best.intoArray(os, o, sp.indexInRange(0, n));
        at.intoArray(k, 0);
    }

    static void maxPool2dBackward(View g, View indices, Window2d win, View gx) {
        float[] gs = cpu(g).f(), xs = cpu(gx).f();
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
        float[] xs = cpu(x).f(), os = cpu(out).f();
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
        float[] gs = cpu(g).f(), xs = cpu(gx).f();
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
