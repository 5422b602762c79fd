package dev.brasa.backend.cpu;

import dev.brasa.backend.Backend;
import dev.brasa.backend.BinaryOp;
import dev.brasa.backend.Kind;
import dev.brasa.backend.ReduceOp;
import dev.brasa.backend.Storage;
import dev.brasa.backend.UnaryOp;
import dev.brasa.backend.View;
import dev.brasa.backend.Window2d;

/**
 * The scalar CPU backend: plain loops, double-precision intermediates, one thread. It is the
 * specification every other backend is tested against, and the fallback when the Vector API
 * module is not readable. {@link SimdBackend} overrides the float32 hot paths only.
 */
public class ScalarBackend implements Backend {

    @Override public String name() { return "scalar"; }

    @Override public Storage allocate(Kind kind, int n) { return new CpuStorage(this, kind, n); }

    /** float32 without zeroing where the JDK allows it ({@link UnsetArrays}); other kinds zeroed. */
    @Override public Storage allocateUnset(Kind kind, int n) {
        return kind == Kind.F32 ? CpuStorage.unsetFloats(this, n) : allocate(kind, n);
    }

    static CpuStorage cpu(View v) {
        if (v.storage() instanceof CpuStorage s) return s;
        throw new IllegalArgumentException("Expected all tensors to be on the same device, but found at least two devices, "
                + v.storage().backend().deviceName() + " and cpu!");
    }

    @Override
    public Storage wrap(Object array) {
        return switch (array) {
            case float[] a -> CpuStorage.wrap(this, a);
            case double[] a -> CpuStorage.wrap(this, a);
            case long[] a -> CpuStorage.wrap(this, a);
            case byte[] a -> CpuStorage.wrapBool(this, a);
            default -> throw new IllegalArgumentException("cannot wrap " + array.getClass().getSimpleName());
        };
    }

    @Override
    public Object toArray(View v) {
        CpuStorage s = cpu(v);
        int n = v.numel();
        if (v.isContiguous()) {
            int o = v.offset();
            return switch (s.kind) {
                case F32 -> java.util.Arrays.copyOfRange(s.f(), o, o + n);
                case F64 -> java.util.Arrays.copyOfRange(s.d, o, o + n);
                case I64 -> java.util.Arrays.copyOfRange(s.l, o, o + n);
                case BOOL -> java.util.Arrays.copyOfRange(s.b, o, o + n);
            };
        }
        CpuStorage dst = new CpuStorage(this, s.kind, n);
        copy(v, View.contiguous(dst, v.shape()));
        return switch (s.kind) {
            case F32 -> dst.f();
            case F64 -> dst.d;
            case I64 -> dst.l;
            case BOOL -> dst.b;
        };
    }

    @Override public double get(Storage s, int i) { return ((CpuStorage) s).get(i); }

    @Override public void set(Storage s, int i, double v) { ((CpuStorage) s).set(i, v); }

    @Override
    public void fill(View out, double value) {
        CpuStorage o = cpu(out);
        if (out.isContiguous()) {                   // zero_grad, a step counter: no walk to set up
            int from = out.offset(), to = from + out.numel();
            if (value == 0 && out.coversStorage()) o.zero();
            else if (o.kind == Kind.F32) java.util.Arrays.fill(o.f(), from, to, (float) value);
            else for (int i = from; i < to; i++) o.set(i, value);
            return;
        }
        Loops.forEach(out.shape(), new int[][] {out.strides()}, new int[] {out.offset()}, true, (n, off, str) -> {
            if (o.kind == Kind.F32 && str[0] == 1) java.util.Arrays.fill(o.f(), off[0], off[0] + n, (float) value);
            else for (int i = 0, p = off[0]; i < n; i++, p += str[0]) o.set(p, value);
        });
    }

    @Override
    public void copy(View src, View dst) {
        CpuStorage s = cpu(src), d = cpu(dst);
        if (s.kind == Kind.F32 && d.kind == Kind.F32) {
            float[] a = s.f(), b = d.f();
            Loops.forEach(dst.shape(), new int[][] {src.strides(), dst.strides()}, new int[] {src.offset(), dst.offset()},
                    Loops.separable(dst, src), (n, off, str) -> {
                        if (str[0] == 1 && str[1] == 1) System.arraycopy(a, off[0], b, off[1], n);
                        else for (int i = 0, p = off[0], q = off[1]; i < n; i++, p += str[0], q += str[1]) b[q] = a[p];
                    });
            return;
        }
        if (s.kind == Kind.I64 && d.kind == Kind.I64) {
            long[] a = s.l, b = d.l;
            Loops.forEach(dst.shape(), new int[][] {src.strides(), dst.strides()}, new int[] {src.offset(), dst.offset()},
                    Loops.separable(dst, src), (n, off, str) -> {
                        for (int i = 0, p = off[0], q = off[1]; i < n; i++, p += str[0], q += str[1]) b[q] = a[p];
                    });
            return;
        }
        Loops.forEach(dst.shape(), new int[][] {src.strides(), dst.strides()}, new int[] {src.offset(), dst.offset()},
                Loops.separable(dst, src), (n, off, str) -> {
                    for (int i = 0, p = off[0], q = off[1]; i < n; i++, p += str[0], q += str[1]) d.set(q, s.get(p));
                });
    }

    @Override
    public void unary(UnaryOp op, View x, View out, double p, double q) {
        CpuStorage xs = cpu(x), os = cpu(out);
        Loops.forEach(out.shape(), new int[][] {x.strides(), out.strides()}, new int[] {x.offset(), out.offset()},
                Loops.separable(out, x), (n, off, str) -> unaryRow(op, xs, off[0], str[0], os, off[1], str[1], n, p, q));
    }

    /** One row of a unary op; overridden by the SIMD backend for float32. */
    void unaryRow(UnaryOp op, CpuStorage x, int xo, int xs, CpuStorage o, int oo, int os, int n, double p, double q) {
        if (x.kind == Kind.F32 && o.kind == Kind.F32) {
            float[] a = x.f(), r = o.f();
            for (int i = 0; i < n; i++, xo += xs, oo += os) r[oo] = (float) op.apply(a[xo], p, q);
        } else if (x.kind == Kind.I64 && o.kind == Kind.I64) {        // exact beyond 2^53
            long[] a = x.l, r = o.l;
            for (int i = 0; i < n; i++, xo += xs, oo += os) r[oo] = op.applyLong(a[xo], p, q);
        } else {
            for (int i = 0; i < n; i++, xo += xs, oo += os) o.set(oo, op.apply(x.get(xo), p, q));
        }
    }

    @Override
    public void unaryBackward(UnaryOp op, View grad, View x, View y, View out, double p, double q) {
        View xv = x != null ? x : grad, yv = y != null ? y : grad;
        CpuStorage gs = cpu(grad), xs = cpu(xv), ys = cpu(yv), os = cpu(out);
        boolean f32 = gs.kind == Kind.F32 && xs.kind == Kind.F32 && ys.kind == Kind.F32 && os.kind == Kind.F32;
        Loops.forEach(out.shape(), new int[][] {grad.strides(), xv.strides(), yv.strides(), out.strides()},
                new int[] {grad.offset(), xv.offset(), yv.offset(), out.offset()}, Loops.separable(out, grad, x, y), (n, off, str) -> {
                    if (f32) {
                        float[] gf = gs.f(), xf = xs.f(), yf = ys.f(), of = os.f();
                        for (int i = 0, g = off[0], a = off[1], b = off[2], o = off[3]; i < n;
                             i++, g += str[0], a += str[1], b += str[2], o += str[3]) {
                            of[o] = (float) (gf[g] * op.derivative(xf[a], yf[b], p, q));
                        }
                        return;
                    }
                    for (int i = 0, g = off[0], a = off[1], b = off[2], o = off[3]; i < n;
                         i++, g += str[0], a += str[1], b += str[2], o += str[3]) {
                        os.set(o, gs.get(g) * op.derivative(xs.get(a), ys.get(b), p, q));
                    }
                });
    }

    @Override
    public void binary(BinaryOp op, View a, View b, View out) {
        CpuStorage as = cpu(a), bs = cpu(b), os = cpu(out);
        Loops.forEach(out.shape(), new int[][] {a.strides(), b.strides(), out.strides()},
                new int[] {a.offset(), b.offset(), out.offset()}, Loops.separable(out, a, b),
                (n, off, str) -> binaryRow(op, as, off[0], str[0], bs, off[1], str[1], os, off[2], str[2], n));
    }

    /** One row of a binary op; overridden by the SIMD backend for float32. */
    void binaryRow(BinaryOp op, CpuStorage a, int ao, int as, CpuStorage b, int bo, int bs,
                   CpuStorage o, int oo, int os, int n) {
        if (a.kind == Kind.F32 && b.kind == Kind.F32 && o.kind == Kind.F32) {
            float[] x = a.f(), y = b.f(), r = o.f();
            for (int i = 0; i < n; i++, ao += as, bo += bs, oo += os) r[oo] = (float) op.apply(x[ao], y[bo]);
        } else if (a.kind == Kind.I64 && b.kind == Kind.I64 && (o.kind == Kind.I64 || o.kind == Kind.BOOL)) {
            long[] x = a.l, y = b.l;
            if (o.kind == Kind.I64) {           // straight into the long array: set(int, double) would round beyond 2^53
                long[] r = o.l;
                for (int i = 0; i < n; i++, ao += as, bo += bs, oo += os) r[oo] = op.apply(x[ao], y[bo]);
            } else {
                for (int i = 0; i < n; i++, ao += as, bo += bs, oo += os) o.set(oo, op.apply(x[ao], y[bo]));
            }
        } else {
            for (int i = 0; i < n; i++, ao += as, bo += bs, oo += os) o.set(oo, op.apply(a.get(ao), b.get(bo)));
        }
    }

    @Override
    public void reduce(ReduceOp op, View x, int outer, int n, int inner, View out) {
        CpuStorage xs = cpu(x), os = cpu(out);
        int base = x.offset(), ob = out.offset();
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int start = base + o * n * inner + i;
                if (xs.kind == Kind.I64 && os.kind == Kind.I64 && (op == ReduceOp.SUM || op == ReduceOp.MAX || op == ReduceOp.MIN)) {
                    os.l[ob + o * inner + i] = reduceLongs(op, xs.l, start, inner, n);       // exact beyond 2^53
                } else {
                    os.set(ob + o * inner + i, reduceLine(op, xs, start, inner, n));
                }
            }
        }
    }

    /** The sum, maximum or minimum of n longs of a starting at p with stride st, in long arithmetic (wrapping as PyTorch's). */
    static long reduceLongs(ReduceOp op, long[] a, int p, int st, int n) {
        long acc = op == ReduceOp.SUM ? 0 : a[p];
        for (int j = 0; j < n; j++, p += st) {
            acc = switch (op) {
                case SUM -> acc + a[p];
                case MAX -> Math.max(acc, a[p]);
                default -> Math.min(acc, a[p]);
            };
        }
        return acc;
    }

    /** Reduces n elements of s starting at p with stride st (the specification). */
    static double reduceLine(ReduceOp op, CpuStorage s, int p, int st, int n) {
        switch (op) {
            case SUM, MEAN -> {
                double acc = 0;
                for (int j = 0; j < n; j++, p += st) acc += s.get(p);
                return op == ReduceOp.MEAN ? acc / n : acc;
            }
            case MAX, MIN -> {
                double best = s.get(p);
                for (int j = 1; j < n && !Double.isNaN(best); j++) {
                    p += st;
                    double v = s.get(p);
                    if (Double.isNaN(v) || (op == ReduceOp.MAX ? v > best : v < best)) best = v;
                }
                return best;
            }
            default -> {
                double best = s.get(p);
                int arg = 0;
                for (int j = 1; j < n && !Double.isNaN(best); j++) {
                    p += st;
                    double v = s.get(p);
                    if (Double.isNaN(v) || (op == ReduceOp.ARGMAX ? v > best : v < best)) {
                        best = v;
                        arg = j;
                    }
                }
                return arg;
            }
        }
    }

    @Override
    public void softmax(View x, int outer, int n, int inner, View out, boolean log) {
        CpuStorage xs = cpu(x), os = cpu(out);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int xp = x.offset() + o * n * inner + i, op = out.offset() + o * n * inner + i;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < n; j++) max = Math.max(max, xs.get(xp + j * inner));
                double sum = 0;
                for (int j = 0; j < n; j++) sum += Math.exp(xs.get(xp + j * inner) - max);
                double lse = Math.log(sum);
                for (int j = 0; j < n; j++) {
                    double v = xs.get(xp + j * inner) - max;
                    os.set(op + j * inner, log ? v - lse : Math.exp(v) / sum);
                }
            }
        }
    }

    @Override
    public void softmaxBackward(View y, View gy, int outer, int n, int inner, View out, boolean log) {
        CpuStorage ys = cpu(y), gs = cpu(gy), os = cpu(out);
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int yp = y.offset() + o * n * inner + i, gp = gy.offset() + o * n * inner + i;
                int op = out.offset() + o * n * inner + i;
                double dot = 0;
                for (int j = 0; j < n; j++) {
                    double g = gs.get(gp + j * inner);
                    dot += log ? g : g * ys.get(yp + j * inner);
                }
                for (int j = 0; j < n; j++) {
                    double yv = ys.get(yp + j * inner), g = gs.get(gp + j * inner);
                    os.set(op + j * inner, log ? g - Math.exp(yv) * dot : yv * (g - dot));
                }
            }
        }
    }

    @Override
    public void crossEntropy(View x, View target, int rows, int classes, long ignoreIndex, double smoothing, double scale,
                             View lse, View loss) {
        CpuStorage xs = cpu(x), ts = cpu(target), ls = cpu(lse), os = cpu(loss);
        for (int r = 0; r < rows; r++) {
            int xp = x.offset() + r * classes;
            double max = Double.NEGATIVE_INFINITY, total = 0;
            for (int c = 0; c < classes; c++) {
                double v = xs.get(xp + c);
                max = Math.max(max, v);
                total += v;
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += Math.exp(xs.get(xp + c) - max);
            double l = max + Math.log(sum);
            ls.set(lse.offset() + r, l);
            long t = ts.l[target.offset() + r];
            double v = 0;
            if (t != ignoreIndex) {                 // no smoothing term without smoothing: a -inf logit would make it 0 * inf
                double nll = l - xs.get(xp + (int) t);
                v = scale * (smoothing == 0 ? nll : (1 - smoothing) * nll + smoothing * (l - total / classes));
            }
            os.set(loss.offset() + r, v);
        }
    }

    @Override
    public void crossEntropyBackward(View x, View target, View lse, View g, int rows, int classes, long ignoreIndex,
                                     double smoothing, double scale, View out) {
        CpuStorage xs = cpu(x), ts = cpu(target), ls = cpu(lse), gs = cpu(g), os = cpu(out);
        for (int r = 0; r < rows; r++) {
            int xp = x.offset() + r * classes, op = out.offset() + r * classes;
            long t = ts.l[target.offset() + r];
            double l = ls.get(lse.offset() + r), gr = scale * gs.get(g.offset() + r * g.strides()[0]);
            for (int c = 0; c < classes; c++) {
                double d = Math.exp(xs.get(xp + c) - l) - (c == t ? 1 - smoothing : 0) - smoothing / classes;
                os.set(op + c, t == ignoreIndex ? 0 : gr * d);
            }
        }
    }

    @Override
    public void binaryLossBackward(BinaryOp op, View a, View t, View g, View out) {
        CpuStorage as = cpu(a), ts = cpu(t), gs = cpu(g), os = cpu(out);
        Loops.forEach(out.shape(), new int[][] {a.strides(), t.strides(), g.strides(), out.strides()},
                new int[] {a.offset(), t.offset(), g.offset(), out.offset()}, Loops.separable(out, a, t, g),
                (n, off, str) -> binaryLossBackwardRow(op, as, off[0], str[0], ts, off[1], str[1], gs, off[2], str[2],
                        os, off[3], str[3], n));
    }

    /** One row of {@link #binaryLossBackward}; overridden by the SIMD backend for float32. */
    void binaryLossBackwardRow(BinaryOp op, CpuStorage a, int ao, int as, CpuStorage t, int to, int ts,
                               CpuStorage g, int go, int gs, CpuStorage o, int oo, int os, int n) {
        for (int i = 0; i < n; i++, ao += as, to += ts, go += gs, oo += os) {
            double x = a.get(ao), d;
            if (op == BinaryOp.BCE) d = (x - t.get(to)) / Math.max(x * (1 - x), 1e-12);
            else d = UnaryOp.SIGMOID.apply(x, 0, 0) - t.get(to);
            o.set(oo, g.get(go) * d);
        }
    }

    @Override
    public void matmul(View a, View b, View c, int batch, int m, int n, int k, double alpha, double beta) {
        CpuStorage as = cpu(a), bs = cpu(b), cs = cpu(c);
        int[] sa = a.strides(), sb = b.strides(), sc = c.strides();
        if (as.kind == Kind.F32 && bs.kind == Kind.F32 && cs.kind == Kind.F32) {
            float[] x = as.f(), y = bs.f(), z = cs.f();
            for (int t = 0; t < batch; t++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double acc = 0;
                        int pa = a.offset() + t * sa[0] + i * sa[1], pb = b.offset() + t * sb[0] + j * sb[2];
                        for (int p = 0; p < k; p++, pa += sa[2], pb += sb[1]) acc += (double) x[pa] * y[pb];
                        int pc = c.offset() + t * sc[0] + i * sc[1] + j * sc[2];
                        z[pc] = (float) (alpha * acc + (beta == 0 ? 0 : beta * z[pc]));
                    }
                }
            }
            return;
        }
        for (int t = 0; t < batch; t++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    int pa = a.offset() + t * sa[0] + i * sa[1], pb = b.offset() + t * sb[0] + j * sb[2];
                    for (int p = 0; p < k; p++, pa += sa[2], pb += sb[1]) acc += as.get(pa) * bs.get(pb);
                    int pc = c.offset() + t * sc[0] + i * sc[1] + j * sc[2];
                    double prev = beta == 0 ? 0 : beta * cs.get(pc);
                    cs.set(pc, alpha * acc + prev);
                }
            }
        }
    }

    @Override public void im2col(View x, Window2d g, View col) { WindowLoops.im2col(x, g, col); }

    @Override public void col2im(View col, Window2d g, View gx) { WindowLoops.col2im(col, g, gx); }

    @Override public void maxPool2d(View x, Window2d g, View out, View indices) { WindowLoops.maxPool2d(x, g, out, indices); }

    @Override public void maxPool2dBackward(View g, View indices, Window2d win, View gx) {
        WindowLoops.maxPool2dBackward(g, indices, win, gx);
    }

    @Override public void avgPool2d(View x, Window2d g, boolean countIncludePad, int divisorOverride, View out) {
        WindowLoops.avgPool2d(x, g, countIncludePad, divisorOverride, out);
    }

    @Override public void avgPool2dBackward(View g, Window2d win, boolean countIncludePad, int divisorOverride, View gx) {
        WindowLoops.avgPool2dBackward(g, win, countIncludePad, divisorOverride, gx);
    }

    @Override
    public void indexSelect(View x, View index, int rowSize, View out) {
        CpuStorage xs = cpu(x), is = cpu(index), os = cpu(out);
        if (xs.kind != os.kind) throw new IllegalArgumentException("indexSelect: out must hold x's kind " + xs.kind + ", got " + os.kind);
        int rows = index.numel();
        for (int r = 0; r < rows; r++) {
            int src = x.offset() + (int) is.l[index.offset() + r * index.strides()[0]] * rowSize;
            int dst = out.offset() + r * rowSize;
            System.arraycopy(xs.array(), src, os.array(), dst, rowSize);      // exact for int64 too
        }
    }

    @Override
    public void indexAdd(View src, View index, int rowSize, View out) {
        CpuStorage ss = cpu(src), is = cpu(index), os = cpu(out);
        int rows = index.numel();
        for (int r = 0; r < rows; r++) {
            int dst = out.offset() + (int) is.l[index.offset() + r * index.strides()[0]] * rowSize;
            int sp = src.offset() + r * rowSize;
            for (int j = 0; j < rowSize; j++) os.set(dst + j, os.get(dst + j) + ss.get(sp + j));
        }
    }

    @Override
    public void sgdStep(View param, View grad, View buf, boolean firstStep, double lr, double momentum, double dampening,
                        double weightDecay, boolean nesterov, boolean maximize) {
        sgd(cpu(param).f(), param.offset(), cpu(grad).f(), grad.offset(), buf == null ? null : cpu(buf).f(), buf == null ? 0 : buf.offset(),
                firstStep, (float) lr, (float) momentum, (float) (1 - dampening), (float) weightDecay, nesterov, maximize, 0, param.numel());
    }

    /**
     * SGD over the elements [from, to) of contiguous float arrays (b null without momentum; damp is
     * 1 - dampening): the rule every backend's step is checked against, and the SIMD step's tail.
     */
    static void sgd(float[] p, int po, float[] g, int go, float[] b, int bo, boolean firstStep, float rate, float mom, float damp,
                    float wd, boolean nesterov, boolean maximize, int from, int to) {
        for (int i = from; i < to; i++) {
            float d = maximize ? -g[go + i] : g[go + i];
            if (wd != 0) d += wd * p[po + i];
            if (b != null) {
                float v = firstStep ? d : b[bo + i] * mom + damp * d;
                b[bo + i] = v;
                d = nesterov ? d + mom * v : v;
            }
            p[po + i] -= rate * d;
        }
    }

    @Override
    public void adamStep(View param, View grad, View m, View v, View vmax, long step, double lr, double beta1, double beta2,
                         double eps, double weightDecay, boolean decoupled, boolean maximize) {
        adam(cpu(param).f(), param.offset(), cpu(grad).f(), grad.offset(), cpu(m).f(), m.offset(), cpu(v).f(), v.offset(),
                vmax == null ? null : cpu(vmax).f(), vmax == null ? 0 : vmax.offset(), step, lr, beta1, beta2, eps, weightDecay, decoupled,
                maximize, 0, param.numel());
    }

    /**
     * Adam / AdamW over the elements [from, to) of contiguous float arrays (vx null without AMSGrad):
     * the rule every backend's step is checked against, and the SIMD step's tail.
     */
    static void adam(float[] p, int po, float[] g, int go, float[] mm, int mo, float[] vv, int vo, float[] vx, int xo, long step,
                     double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled, boolean maximize,
                     int from, int to) {
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1), bc2Sqrt = (float) Math.sqrt(bc2), e = (float) eps;
        float b1 = (float) beta1, b2 = (float) beta2, a1 = (float) (1 - beta1), a2 = (float) (1 - beta2);
        float decay = (float) (1 - lr * weightDecay), wd = (float) weightDecay;
        for (int i = from; i < to; i++) {
            float gi = maximize ? -g[go + i] : g[go + i];
            float pi = p[po + i];
            if (decoupled) pi *= decay;
            else if (wd != 0) gi += wd * pi;
            float mi = mm[mo + i] * b1 + a1 * gi;
            float vi = vv[vo + i] * b2 + a2 * gi * gi;
            mm[mo + i] = mi;
            vv[vo + i] = vi;
            float second = vi;
            if (vx != null) {
                second = Math.max(vx[xo + i], vi);
                vx[xo + i] = second;
            }
            float denom = (float) Math.sqrt(second) / bc2Sqrt + e;
            p[po + i] = pi - stepSize * (mi / denom);
        }
    }
}
