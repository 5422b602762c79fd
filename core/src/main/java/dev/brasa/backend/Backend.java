package dev.brasa.backend;

/**
 * The primitive kernels a device provides. Every method assumes validated arguments: shapes agree,
 * outputs are allocated with the right kind, and broadcast inputs are expanded to the output's
 * shape with stride-0 dimensions. The scalar CPU backend is the specification of every method.
 */
public interface Backend {

    /** A short name: "scalar", "simd", "cuda". */
    String name();

    /** The CUDA device its storages live on, or -1 for host memory. */
    default int cudaDevice() { return -1; }

    /** The device's name as PyTorch prints it, "cpu" or "cuda:N", for messages. */
    default String deviceName() {
        int i = cudaDevice();
        return i < 0 ? "cpu" : "cuda:" + i;
    }

    /** A new zero-filled storage of {@code n} elements. */
    Storage allocate(Kind kind, int n);

    /**
     * A new storage of {@code n} elements that the caller writes in full before anything reads it
     * (an op's output, PyTorch's {@code torch.empty}): its contents are undefined until then. By
     * default zero-filled, as {@link #allocate}.
     */
    default Storage allocateUnset(Kind kind, int n) { return allocate(kind, n); }

    /** Sets every element of {@code out} to {@code value}. */
    void fill(View out, double value);

    /** Copies {@code src} into {@code dst} (same shape), converting the element kind if they differ. */
    void copy(View src, View dst);

    /** out = op(x), elementwise; x and out have the same shape and floating kind. */
    void unary(UnaryOp op, View x, View out, double p, double q);

    /** out = grad * op'(x, y), elementwise, where y = op(x); any of x, y unused by op may be null. */
    void unaryBackward(UnaryOp op, View grad, View x, View y, View out, double p, double q);

    /** out = op(a, b), elementwise over out's shape. */
    void binary(BinaryOp op, View a, View b, View out);

    /**
     * Reduces a contiguous input, seen as [outer, n, inner], along the middle axis into a
     * contiguous output [outer, inner].
     */
    void reduce(ReduceOp op, View x, int outer, int n, int inner, View out);

    /** Softmax (or log-softmax) of a contiguous [outer, n, inner] input along the middle axis. */
    void softmax(View x, int outer, int n, int inner, View out, boolean log);

    /** Gradient of softmax (or log-softmax) given its output y and the output's gradient gy. */
    void softmaxBackward(View y, View gy, int outer, int n, int inner, View out, boolean log);

    /**
     * Fused cross-entropy of contiguous logits x [rows, classes] against contiguous I64 targets
     * [rows], each either ignoreIndex or a valid class (the caller checks): lse[r] = log sum_c
     * exp(x[r, c]), and loss[r] = scale * ((1 - eps) (lse[r] - x[r, t_r]) + eps (lse[r] - mean_c
     * x[r, c])), 0 where t_r == ignoreIndex; eps is the label smoothing. This default is built from the
     * primitives (a max, an exp, sums, a gather of each target's logit); a backend may do it in one pass.
     */
    default void crossEntropy(View x, View target, int rows, int classes, long ignoreIndex, double smoothing, double scale,
                              View lse, View loss) {
        // the default, from primitives: lse = max + log(sum(exp(x - max))); x[r, t_r] gathered by its flat index
        Kind k = x.storage().kind();
        int[] byRow = {rows, classes}, one = {rows};
        Storage ms = allocate(k, rows), es = allocate(k, rows * classes), ps = allocate(k, rows), ns = allocate(k, rows);
        View m = View.contiguous(ms, one), e = View.contiguous(es, byRow), picked = View.contiguous(ps, one), mean = View.contiguous(ns, one);
        reduce(ReduceOp.MAX, x, rows, classes, 1, m);
        binary(BinaryOp.SUB, x, new View(ms, byRow, new int[] {1, 0}, 0), e);
        unary(UnaryOp.EXP, e, e, 0, 0);
        reduce(ReduceOp.SUM, e, rows, classes, 1, lse);
        unary(UnaryOp.LOG, lse, lse, 0, 0);
        binary(BinaryOp.ADD, lse, m, lse);
        Storage[] t = targetIndex(target, rows, classes, ignoreIndex, k);
        indexSelect(new View(x.storage(), new int[] {rows * classes}, new int[] {1}, x.offset()), View.contiguous(t[0], one), 1, picked);
        reduce(ReduceOp.MEAN, x, rows, classes, 1, mean);
        // loss = scale ((1 - eps) (lse - x[r, t_r]) + eps (lse - mean_c x[r, c])), 0 where the target is ignored
        binary(BinaryOp.SUB, lse, picked, picked);
        binary(BinaryOp.MUL, picked, constant(k, 1 - smoothing, one), picked);
        binary(BinaryOp.SUB, lse, mean, mean);
        binary(BinaryOp.MUL, mean, constant(k, smoothing, one), mean);
        binary(BinaryOp.ADD, picked, mean, loss);
        binary(BinaryOp.MUL, loss, constant(k, scale, one), loss);
        binary(BinaryOp.MUL, loss, View.contiguous(t[1], one), loss);
        for (Storage s : new Storage[] {ms, es, ps, ns, t[0], t[1]}) s.close();
    }

    /**
     * For the cross-entropy defaults: the I64 flat index r * classes + t_r of each row's target (class 0
     * where the target is ignoreIndex, so that every index is valid), and each row's weight in kind k,
     * 1 where the row counts and 0 where it is ignored.
     */
    private Storage[] targetIndex(View target, int rows, int classes, long ignoreIndex, Kind k) {
        int[] one = {rows};
        long[] base = new long[rows];
        for (int r = 0; r < rows; r++) base[r] = (long) r * classes;
        Storage idx = wrap(base), counted = allocate(Kind.I64, rows), safe = allocate(Kind.I64, rows), keep = allocate(k, rows);
        View c = View.contiguous(counted, one), sv = View.contiguous(safe, one), iv = View.contiguous(idx, one);
        binary(BinaryOp.NE, target, constant(Kind.I64, ignoreIndex, one), c);
        binary(BinaryOp.MUL, target, c, sv);
        binary(BinaryOp.ADD, iv, sv, iv);
        copy(c, View.contiguous(keep, one));
        counted.close();
        safe.close();
        return new Storage[] {idx, keep};
    }

    /**
     * The gradient of {@link #crossEntropy} with respect to x: out[r, c] = scale * g[r] * (exp(x[r, c] -
     * lse[r]) - (1 - eps) [c == t_r] - eps / classes), 0 where t_r == ignoreIndex; g is a [rows] view
     * (stride 0 for a reduced loss), out is contiguous. This default is built from the primitives
     * (an exp, an indexAdd at each target, a row scaling).
     */
    default void crossEntropyBackward(View x, View target, View lse, View g, int rows, int classes, long ignoreIndex,
                                      double smoothing, double scale, View out) {
        // the default, from primitives: exp(x - lse) - eps / classes, then -(1 - eps) added at each target's flat
        // index, then every row times scale * g[r] (0 where the target is ignored)
        Kind k = x.storage().kind();
        int[] byRow = {rows, classes}, one = {rows};
        View o = new View(out.storage(), byRow, new int[] {classes, 1}, out.offset());
        binary(BinaryOp.SUB, x, new View(lse.storage(), byRow, new int[] {lse.strides()[0], 0}, lse.offset()), o);
        unary(UnaryOp.EXP, o, o, 0, 0);
        binary(BinaryOp.SUB, o, constant(k, smoothing / classes, byRow), o);
        Storage[] t = targetIndex(target, rows, classes, ignoreIndex, k);
        Storage minus = allocate(k, rows), w = allocate(k, rows);
        fill(View.contiguous(minus, one), -(1 - smoothing));
        indexAdd(View.contiguous(minus, one), View.contiguous(t[0], one), 1, new View(out.storage(), new int[] {rows * classes}, new int[] {1},
                out.offset()));
        View wv = View.contiguous(w, one);
        binary(BinaryOp.MUL, g, View.contiguous(t[1], one), wv);
        binary(BinaryOp.MUL, wv, constant(k, scale, one), wv);
        binary(BinaryOp.MUL, o, new View(w, byRow, new int[] {1, 0}, 0), o);
        for (Storage s : new Storage[] {t[0], t[1], minus, w}) s.close();
    }

    /**
     * The gradient of the elementwise binary cross-entropy {@code op} (BCE or BCE_WITH_LOGITS) with
     * respect to its input a: out = g * (a - t) / max(a (1 - a), 1e-12) for probabilities, g *
     * (sigmoid(a) - t) for logits; a, t and out have one shape, g arrives expanded to it. This default is
     * built from the primitives, one pass per term.
     */
    default void binaryLossBackward(BinaryOp op, View a, View t, View g, View out) {
        if (op != BinaryOp.BCE && op != BinaryOp.BCE_WITH_LOGITS) {
            throw new IllegalArgumentException("binaryLossBackward: BCE or BCE_WITH_LOGITS, got " + op);
        }
        Kind k = out.storage().kind();
        int[] shape = out.shape();
        Storage ds = allocate(k, out.numel()), ws = allocate(k, out.numel());
        View d = View.contiguous(ds, shape), w = View.contiguous(ws, shape);
        if (op == BinaryOp.BCE) {                   // (a - t) / max(a (1 - a), 1e-12)
            binary(BinaryOp.SUB, a, t, d);
            binary(BinaryOp.SUB, constant(k, 1, shape), a, w);
            binary(BinaryOp.MUL, a, w, w);
            binary(BinaryOp.MAX, w, constant(k, 1e-12, shape), w);
            binary(BinaryOp.DIV, d, w, d);
        } else {                                    // sigmoid(a) - t
            unary(UnaryOp.SIGMOID, a, d, 0, 0);
            binary(BinaryOp.SUB, d, t, d);
        }
        binary(BinaryOp.MUL, g, d, out);
        ds.close();
        ws.close();
    }

    /**
     * Batched GEMM: for each b in [0, batch), C[b] = alpha * A[b] B[b] + beta * C[b], with
     * A[b] an m x k view, B[b] k x n, C[b] m x n. Views have rank 3 (batch first); any strides are
     * allowed for A and B (a transposed operand is a view with swapped strides); C is contiguous.
     */
    void matmul(View a, View b, View c, int batch, int m, int n, int k, double alpha, double beta);

    /**
     * The fused linear layer: y = act(x w + bias) for x an m x k view and w a k x n view (rank 3,
     * batch 1, as {@link #matmul} takes them: a weight [n, k] arrives transposed), bias a length-n
     * view or null, y a contiguous m x n view, act null for none. This default writes the bias into
     * y's rows, accumulates the GEMM onto them (beta = 1) and applies act in place; a backend may
     * instead add the bias and apply act to each block of rows while it is still in cache.
     */
    default void linear(View x, View w, View bias, View y, int m, int n, int k, UnaryOp act) {
        View rows = new View(y.storage(), new int[] {m, n}, new int[] {n, 1}, y.offset());
        if (bias != null) copy(new View(bias.storage(), new int[] {m, n}, new int[] {0, bias.strides()[0]}, bias.offset()), rows);
        matmul(x, w, new View(y.storage(), new int[] {1, m, n}, new int[] {0, n, 1}, y.offset()), 1, m, n, k, 1.0,
                bias == null ? 0.0 : 1.0);
        if (act != null) unary(act, rows, rows, 0, 0);
    }

    /**
     * Linear's backward through its activation: gp = g * act'(y) for contiguous m x n views g, y and
     * gp (y the layer's output), and, when gb is not null, gb = the column sums of gp (the bias
     * gradient). This default is unaryBackward, then reduce; a backend may do both in one pass.
     */
    default void linearActBackward(UnaryOp act, View g, View y, View gp, View gb, int m, int n) {
        unaryBackward(act, g, null, y, gp, 0, 0);
        if (gb != null) sumInto(gp, 1, m, n, gb);
    }

    /** {@link #reduce} SUM into a vector out of any stride (reduce itself writes a contiguous output): a bias gradient. */
    private void sumInto(View x, int outer, int n, int inner, View out) {
        if (out.isContiguous()) {
            reduce(ReduceOp.SUM, x, outer, n, inner, out);
            return;
        }
        Storage sums = allocate(out.storage().kind(), out.numel());
        View dense = View.contiguous(sums, out.shape());
        reduce(ReduceOp.SUM, x, outer, n, inner, dense);
        copy(dense, out);
        sums.close();
    }

    /**
     * Unfolds a contiguous x [n, c, h, w] into the contiguous column matrix col [c * kh * kw, n * oh * ow]
     * of a convolution: col[(ci * kh + i) * kw + j, (b * oh + oy) * ow + ox] = x[b, ci, oy * sh - ph + i * dh,
     * ox * sw - pw + j * dw], 0 where that is padding. A convolution is then one GEMM: W [oc, c kh kw] col.
     */
    void im2col(View x, Window2d g, View col);

    /** The adjoint of {@link #im2col}: gx [n, c, h, w] (contiguous, overwritten) sums every col entry that reads it. */
    void col2im(View col, Window2d g, View gx);

    /**
     * Max pooling of a contiguous x [n, c, h, w] into contiguous out and indices [n, c, oh, ow]: the largest
     * element of each (dilated) window, the first on ties, NaN when the window holds one, and its index
     * y * w + x within its plane (I64), as PyTorch's max_pool2d_with_indices.
     */
    void maxPool2d(View x, Window2d g, View out, View indices);

    /** Max pooling's backward: gx [n, c, h, w] (contiguous, overwritten) = g scattered through indices, summed. */
    void maxPool2dBackward(View g, View indices, Window2d win, View gx);

    /**
     * Average pooling (or adaptive average pooling, when the window is adaptive) of a contiguous x into a
     * contiguous out [n, c, oh, ow], divided by {@link Window2d#divisor}.
     */
    void avgPool2d(View x, Window2d g, boolean countIncludePad, int divisorOverride, View out);

    /** Average pooling's backward: gx (contiguous, overwritten) gets g / divisor at every element of each window. */
    void avgPool2dBackward(View g, Window2d win, boolean countIncludePad, int divisorOverride, View gx);

    /**
     * 2-D convolution: y [n, oc, oh, ow] = act(the convolution of a contiguous x [n, c, h, w] with a
     * contiguous weight w [oc, c / groups, kh, kw], plus bias [oc] (a view, or null)); y contiguous, act
     * null for none. This default is im2col into a [c kh kw, n oh ow] column matrix, one GEMM per group
     * (batched), one pass that moves the [oc, n oh ow] result into y's layout while adding the bias, and
     * the activation in place; a backend may instead work one image at a time with its columns in cache.
     */
    default void conv2d(View x, View w, View bias, Window2d g, int groups, UnaryOp act, View y) {
        int oc = y.shape()[1], p = g.oh() * g.ow(), np = g.n() * p, ckk = g.c() / groups * g.kh() * g.kw();
        Kind kind = y.storage().kind();
        Storage col = allocate(kind, g.c() * g.kh() * g.kw() * np), y2 = allocate(kind, oc * np);
        im2col(x, g, View.contiguous(col, new int[] {g.c() * g.kh() * g.kw(), np}));
        matmul(groupRows(w.storage(), w.offset(), groups, oc / groups, ckk, false), groupRows(col, 0, groups, ckk, np, false),
                groupRows(y2, 0, groups, oc / groups, np, false), groups, oc / groups, np, ckk, 1.0, 0.0);
        View byImage = new View(y2, new int[] {g.n(), oc, p}, new int[] {p, np, 1}, 0);
        View out = new View(y.storage(), new int[] {g.n(), oc, p}, new int[] {oc * p, p, 1}, y.offset());
        if (bias == null) copy(byImage, out);
        else binary(BinaryOp.ADD, byImage, new View(bias.storage(), new int[] {g.n(), oc, p}, new int[] {0, bias.strides()[0], 0}, bias.offset()), out);
        if (act != null) unary(act, out, out, 0, 0);
        col.close();
        y2.close();
    }

    /**
     * The gradients of {@link #conv2d}: from gy (contiguous [n, oc, oh, ow], the gradient of y) and, with
     * an activation, y itself, writes (overwrites) each of gx [n, c, h, w], gw [oc, c / groups, kh, kw] and
     * gb [oc] that is not null. This default turns gy into the pre-activation gradient gp, lays it out as
     * [oc, n oh ow], and runs one GEMM per group on each side: gw = gp col(x)^T, and gx = col2im(W^T gp).
     */
    default void conv2dBackward(View gy, View x, View w, View y, UnaryOp act, Window2d g, int groups, View gx, View gw, View gb) {
        int oc = gy.shape()[1], p = g.oh() * g.ow(), np = g.n() * p, ckk = g.c() / groups * g.kh() * g.kw(), rows = g.c() * g.kh() * g.kw();
        Kind kind = gy.storage().kind();
        Storage pre = null;
        if (act != null) {
            pre = allocate(kind, gy.numel());
            unaryBackward(act, gy, null, y, View.contiguous(pre, gy.shape()), 0, 0);
            gy = View.contiguous(pre, gy.shape());
        }
        Storage g2 = allocate(kind, oc * np), col = allocate(kind, rows * np);
        copy(new View(gy.storage(), new int[] {oc, g.n(), p}, new int[] {p, oc * p, 1}, gy.offset()), View.contiguous(g2, new int[] {oc, g.n(), p}));
        if (gw != null) {
            im2col(x, g, View.contiguous(col, new int[] {rows, np}));
            matmul(groupRows(g2, 0, groups, oc / groups, np, false), groupRows(col, 0, groups, np, ckk, true),
                    groupRows(gw.storage(), gw.offset(), groups, oc / groups, ckk, false), groups, oc / groups, ckk, np, 1.0, 0.0);
        }
        if (gb != null) sumInto(View.contiguous(g2, new int[] {oc, np}), oc, np, 1, gb);
        if (gx != null) {
            matmul(groupRows(w.storage(), w.offset(), groups, ckk, oc / groups, true), groupRows(g2, 0, groups, oc / groups, np, false),
                    groupRows(col, 0, groups, ckk, np, false), groups, ckk, np, oc / groups, 1.0, 0.0);
            col2im(View.contiguous(col, new int[] {rows, np}), g, gx);
        }
        g2.close();
        col.close();
        if (pre != null) pre.close();
    }

    /**
     * A contiguous [groups * rows, cols] matrix at offset in s as the rank-3 [groups, rows, cols] view a batched
     * GEMM takes; transposed, s holds [groups * cols, rows] and the view reads it as its transpose.
     */
    private static View groupRows(Storage s, int offset, int groups, int rows, int cols, boolean transposed) {
        return transposed ? new View(s, new int[] {groups, rows, cols}, new int[] {rows * cols, 1, rows}, offset)
                : new View(s, new int[] {groups, rows, cols}, new int[] {rows * cols, cols, 1}, offset);
    }

    /** out[i, ...] = x[index[i], ...] for contiguous x seen as [rows, rowSize]; index is I64. */
    void indexSelect(View x, View index, int rowSize, View out);

    /** out[index[i], ...] += src[i, ...] (contiguous, rows of rowSize); index is I64. */
    void indexAdd(View src, View index, int rowSize, View out);

    /**
     * A storage holding a Java array's elements: float[] (F32), double[] (F64), long[] (I64) or
     * byte[] of 0/1 (BOOL). The caller hands the array over and must not touch it again.
     */
    Storage wrap(Object array);

    /** The elements of a view in row-major order, as a new float[], double[], long[] or byte[]. */
    Object toArray(View v);

    /**
     * One fused SGD update over contiguous views of equal shape, in place, in PyTorch's order:
     * d = grad (negated when maximize) + weightDecay * param; with momentum, buf = d on the first
     * step, else buf = momentum * buf + (1 - dampening) * d, and d = nesterov ? d + momentum * buf
     * : buf; then param -= lr * d. {@code buf} is null without momentum. This default is built from
     * {@link #unary}, {@link #binary} and {@link #copy}, one pass per term in the scalar backend's order
     * (each step rounded as it does); a backend may do it in one pass.
     */
    default void sgdStep(View param, View grad, View buf, boolean firstStep, double lr, double momentum, double dampening,
                         double weightDecay, boolean nesterov, boolean maximize) {
        Kind k = param.storage().kind();
        Storage ds = allocate(k, param.numel()), ts = allocate(k, param.numel());
        View d = View.contiguous(ds, param.shape()), t = View.contiguous(ts, param.shape());
        if (maximize) unary(UnaryOp.NEG, grad, d, 0, 0);
        else copy(grad, d);
        if (weightDecay != 0) addScaled(d, weightDecay, param, t);                 // d += wd * param
        if (buf != null) {
            if (firstStep) {
                copy(d, buf);
            } else {
                binary(BinaryOp.MUL, buf, constant(k, momentum, buf.shape()), buf);    // buf = buf * momentum + (1 - dampening) * d
                addScaled(buf, 1 - dampening, d, t);
            }
            if (nesterov) addScaled(d, momentum, buf, t);                          // d += momentum * buf
            else copy(buf, d);
        }
        binary(BinaryOp.MUL, constant(k, lr, d.shape()), d, t);                    // param -= lr * d
        binary(BinaryOp.SUB, param, t, param);
        ds.close();
        ts.close();
    }

    /**
     * One fused Adam (or AdamW when decoupled) update at step (1-based), in place, in PyTorch's
     * order: decay, first and second moments, bias corrections, param -= lr / bc1 * m / (sqrt(v) /
     * sqrt(bc2) + eps), with v replaced by the running max when {@code vmax} is not null (AMSGrad).
     */
    default void adamStep(View param, View grad, View m, View v, View vmax, long step, double lr, double beta1, double beta2,
                          double eps, double weightDecay, boolean decoupled, boolean maximize) {
        Kind k = param.storage().kind();
        int[] shape = param.shape();
        Storage gs = allocate(k, param.numel()), ts = allocate(k, param.numel());
        View g = View.contiguous(gs, shape), t = View.contiguous(ts, shape);
        if (maximize) unary(UnaryOp.NEG, grad, g, 0, 0);
        else copy(grad, g);
        if (decoupled) binary(BinaryOp.MUL, param, constant(k, 1 - lr * weightDecay, shape), param);
        else if (weightDecay != 0) addScaled(g, weightDecay, param, t);
        binary(BinaryOp.MUL, m, constant(k, beta1, shape), m);                      // m = m * beta1 + (1 - beta1) * g
        addScaled(m, 1 - beta1, g, t);
        binary(BinaryOp.MUL, constant(k, 1 - beta2, shape), g, t);                 // v = v * beta2 + (1 - beta2) * g * g
        binary(BinaryOp.MUL, t, g, t);
        binary(BinaryOp.MUL, v, constant(k, beta2, shape), v);
        binary(BinaryOp.ADD, v, t, v);
        View second = v;
        if (vmax != null) {
            binary(BinaryOp.MAX, vmax, v, vmax);
            second = vmax;
        }
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        unary(UnaryOp.SQRT, second, t, 0, 0);                                       // denom = sqrt(v) / sqrt(bc2) + eps
        binary(BinaryOp.DIV, t, constant(k, (float) Math.sqrt(bc2), shape), t);
        binary(BinaryOp.ADD, t, constant(k, eps, shape), t);
        binary(BinaryOp.DIV, m, t, t);                                             // param -= lr / bc1 * (m / denom)
        binary(BinaryOp.MUL, constant(k, lr / bc1, shape), t, t);
        binary(BinaryOp.SUB, param, t, param);
        gs.close();
        ts.close();
    }

    /** acc += s * x, through the scratch view t (acc, x and t of one shape): the defaults' axpy, in two passes. */
    private void addScaled(View acc, double s, View x, View t) {
        binary(BinaryOp.MUL, constant(acc.storage().kind(), s, acc.shape()), x, t);
        binary(BinaryOp.ADD, acc, t, acc);
    }

    /** A constant of this backend, broadcast to shape (a one-element storage seen with zero strides). */
    private View constant(Kind kind, double value, int[] shape) {
        Storage s = allocate(kind, 1);
        View one = View.contiguous(s, new int[] {1});
        fill(one, value);
        return new View(s, shape.clone(), new int[shape.length], 0);
    }

    /**
     * Dropout's scaled keep-mask from a counter-based generator (element i keeps with probability
     * 1 - p, from (seed, i) alone), for backends whose random numbers are generated on their device.
     * Returns false when this backend has none; the CPU backends draw from PyTorch's CPU generator
     * instead, so that seeded CPU runs match PyTorch.
     */
    default boolean dropoutMask(View out, double p, long seed) { return false; }

    /** Reads one element as a double. */
    double get(Storage s, int i);

    /** Writes one element from a double (rounded to the storage kind). */
    void set(Storage s, int i, double v);
}
