package dev.brasa;

import dev.brasa.backend.Backend;
import dev.brasa.backend.Backends;
import dev.brasa.backend.View;
import dev.brasa.internal.StateDictFiles;
import dev.brasa.internal.ops.BinaryLoss;
import dev.brasa.internal.ops.Cat;
import dev.brasa.internal.ops.CrossEntropyOp;
import dev.brasa.internal.ops.LinearOp;
import dev.brasa.internal.ops.Ops;
import dev.brasa.internal.ops.Shapes;
import dev.brasa.internal.ops.Unary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The static facade, Brasa's {@code torch}: tensor factories, random sampling, joins, and the
 * no-grad scope. {@code import static dev.brasa.Brasa.*;} gives {@code tensor(...)},
 * {@code randn(...)}, {@code manualSeed(...)} as in PyTorch.
 *
 * <p>Literal Java arrays follow PyTorch's literal rules: {@code tensor(1.5, 2)} and
 * {@code tensor(new float[][] {...})} give FLOAT32, {@code tensor(1L, 2L)} (or int literals) INT64.
 */
public final class Brasa {
    private static final Generator DEFAULT = new Generator();

    private Brasa() {}

    static Backend cpu() { return Backends.cpu(); }

    /** The name of the CPU backend in use ("simd" or "scalar"). */
    public static String backendName() { return cpu().name(); }

    /**
     * Threads the CPU kernels use from now on ({@code torch.set_num_threads}); at least 1. Starts
     * with {@code -Dbrasa.threads}, else the number of available processors.
     */
    public static void setNumThreads(int n) { dev.brasa.backend.cpu.CpuThreads.setThreads(n); }

    /** Threads the CPU kernels use ({@code torch.get_num_threads()}). */
    public static int getNumThreads() { return dev.brasa.backend.cpu.CpuThreads.threads(); }

    // ------------------------------------------------------------------ randomness

    /** Seeds the default generator ({@code torch.manual_seed}); returns it. */
    public static Generator manualSeed(long seed) { return DEFAULT.manualSeed(seed); }

    /** The default CPU generator. */
    public static Generator defaultGenerator() { return DEFAULT; }

    /** Uniform samples in [0, 1). */
    public static Tensor rand(int... shape) { return rand(DEFAULT, shape); }

    /** Uniform samples in [0, 1) from a generator. */
    public static Tensor rand(Generator g, int... shape) { return empty(shape).uniform_(0, 1, g); }

    /** Standard normal samples. */
    public static Tensor randn(int... shape) { return randn(DEFAULT, shape); }

    /** Standard normal samples from a generator. */
    public static Tensor randn(Generator g, int... shape) { return empty(shape).normal_(0, 1, g); }

    /** {@code torch.randint(low, high, size, generator=g)}: INT64 uniform in [low, high) drawn from g. */
    public static Tensor randint(Generator g, long low, long high, int... shape) {
        Objects.requireNonNull(g, "generator");
        if (low >= high) {
            throw new IllegalArgumentException("random_ expects 'from' to be less than 'to', but got from=" + low
                    + " >= to=" + high);
        }
        Shapes.checkSizes(shape);
        return fromArray(Random.randint(low, high, (int) Shapes.numel(shape), g), shape);
    }

    /** Integers uniform in [low, high), INT64. */
    public static Tensor randint(long low, long high, int... shape) { return randint(DEFAULT, low, high, shape); }

    /** A random permutation of 0..n-1, INT64. */
    public static Tensor randperm(int n) { return randperm(n, DEFAULT); }

    /** A random permutation of 0..n-1 from a generator. */
    public static Tensor randperm(int n, Generator g) {
        if (n < 0) throw new IllegalArgumentException("n must be non-negative, got " + n);
        return fromArray(Random.randperm(n, g), n);
    }

    /** 1 with probability p, else 0, per element (FLOAT32, p's shape). */
    public static Tensor bernoulli(Tensor p) { return bernoulli(p, DEFAULT); }

    /** Bernoulli draws from a generator. */
    public static Tensor bernoulli(Tensor p, Generator g) {
        Objects.requireNonNull(p, "p");
        float[] probs = p.toFloatArray();
        for (float v : probs) {
            if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException("bernoulli: all elements of p must be in [0, 1], got " + v);
        }
        return fromArray(Random.bernoulli(probs, g), p.shape).to(p.dtype.isFloatingPoint() ? p.dtype : DType.FLOAT32);
    }

    // ------------------------------------------------------------------ factories

    /** A 1-D FLOAT32 tensor. */
    public static Tensor tensor(float... values) { return fromArray(values.clone(), values.length); }

    /** A 1-D FLOAT32 tensor from doubles (PyTorch's default dtype for Python floats). */
    public static Tensor tensor(double... values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) values[i];
        return fromArray(f, values.length);
    }

    /** A 1-D INT64 tensor. */
    public static Tensor tensor(long... values) { return fromArray(values.clone(), values.length); }

    /** A 1-D BOOL tensor. */
    public static Tensor tensor(boolean... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (values[i] ? 1 : 0);
        return fromArray(b, values.length);
    }

    /** A 2-D FLOAT32 tensor from rows of equal length. */
    public static Tensor tensor(float[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] f = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) throw ragged(i, rows[i].length, cols);
            System.arraycopy(rows[i], 0, f, i * cols, cols);
        }
        return fromArray(f, rows.length, cols);
    }

    /** A 2-D FLOAT32 tensor from double rows. */
    public static Tensor tensor(double[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        float[] f = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) throw ragged(i, rows[i].length, cols);
            for (int j = 0; j < cols; j++) f[i * cols + j] = (float) rows[i][j];
        }
        return fromArray(f, rows.length, cols);
    }

    /** A 2-D INT64 tensor. */
    public static Tensor tensor(long[][] rows) {
        int cols = rows.length == 0 ? 0 : rows[0].length;
        long[] f = new long[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) throw ragged(i, rows[i].length, cols);
            System.arraycopy(rows[i], 0, f, i * cols, cols);
        }
        return fromArray(f, rows.length, cols);
    }

    /** A 3-D FLOAT32 tensor. */
    public static Tensor tensor(float[][][] v) {
        List<Tensor> mats = new ArrayList<>();
        for (float[][] m : v) mats.add(tensor(m));
        if (mats.isEmpty()) return zeros(0);
        return stack(mats, 0);
    }

    private static IllegalArgumentException ragged(int row, int got, int expected) {
        return new IllegalArgumentException("expected sequence of length " + expected + " at dim 1 (got " + got + ") in row " + row);
    }

    /** A 0-d FLOAT32 tensor ({@code torch.tensor(3.5)}). */
    public static Tensor scalarTensor(double v) { return fromArray(new float[] {(float) v}); }

    /**
     * A tensor over a flat array (float[], double[], long[], or byte[] of 0/1 for BOOL) with a
     * shape; the array is taken over, not copied.
     */
    public static Tensor fromArray(Object data, int... shape) {
        Objects.requireNonNull(data, "data");
        Shapes.checkSizes(shape);
        int len = switch (data) {
            case float[] a -> a.length;
            case double[] a -> a.length;
            case long[] a -> a.length;
            case byte[] a -> a.length;
            default -> throw new IllegalArgumentException("fromArray takes float[], double[], long[] or byte[], got "
                    + data.getClass().getSimpleName());
        };
        if (len != Shapes.numel(shape)) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + Shapes.numel(shape)
                    + " elements but the array has " + len);
        }
        var s = cpu().wrap(data);
        return new Tensor(s, shape.clone(), View.contiguousStrides(shape), 0, DType.of(s.kind()));
    }

    /** Zeros (FLOAT32). */
    public static Tensor zeros(int... shape) { return Tensor.empty(cpu(), DType.FLOAT32, shape); }

    /** Zeros of a dtype. */
    public static Tensor zeros(DType dtype, int... shape) { return Tensor.empty(cpu(), dtype, shape); }

    /** Ones (FLOAT32). */
    public static Tensor ones(int... shape) { return full(1f, shape); }

    /** Filled with v (FLOAT32). */
    public static Tensor full(float v, int... shape) {
        Tensor t = zeros(shape);
        if (v != 0) cpu().fill(t.kernelView(), v);
        return t;
    }

    /** Uninitialised in PyTorch; zeros here (FLOAT32). */
    public static Tensor empty(int... shape) { return zeros(shape); }

    /** {@code torch.norm(x, p)}: the p-norm of all elements. */
    public static Tensor norm(Tensor x, double p) { return x.norm(p); }

    /** Zeros with x's shape and dtype. */
    public static Tensor zerosLike(Tensor x) { return Ops.zerosLike(x); }

    /** Ones with x's shape and dtype. */
    public static Tensor onesLike(Tensor x) { return Ops.fullLike(x, 1); }

    /** The n x n identity (FLOAT32). */
    public static Tensor eye(int n) {
        Tensor t = zeros(n, n);
        for (int i = 0; i < n; i++) cpu().set(t.storage, i * n + i, 1);
        return t;
    }

    /** 0, 1, ..., end-1 (INT64). */
    public static Tensor arange(long end) { return arange(0, end, 1); }

    /** start, ..., end-1 (INT64). */
    public static Tensor arange(long start, long end) { return arange(start, end, 1); }

    /** start, start+step, ... below end (INT64). */
    public static Tensor arange(long start, long end, long step) {
        if (step == 0) throw new IllegalArgumentException("step must be nonzero");
        if ((step > 0 && start > end) || (step < 0 && start < end)) {
            throw new IllegalArgumentException("upper bound and larger bound inconsistent with step sign");
        }
        int n = arangeLength(Math.ceil(((double) end - (double) start) / step), "arange(" + start + ", " + end + ", " + step + ")");
        long[] v = new long[n];
        for (int i = 0; i < v.length; i++) v[i] = start + i * step;
        return fromArray(v, v.length);
    }

    /** start, start+step, ... below end (FLOAT32), {@code torch.arange(0., 1., 0.1)}. */
    public static Tensor arange(double start, double end, double step) {
        if (step == 0 || !Double.isFinite(step)) throw new IllegalArgumentException("step must be nonzero and finite, got " + step);
        if ((step > 0 && start > end) || (step < 0 && start < end)) {
            throw new IllegalArgumentException("upper bound and larger bound inconsistent with step sign");
        }
        int n = arangeLength(Math.ceil((end - start) / step), "arange(" + start + ", " + end + ", " + step + ")");
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (start + i * step);
        return fromArray(v, n);
    }

    /** The element count of an arange, refused (naming the call) when a tensor cannot hold it. */
    private static int arangeLength(double n, String call) {
        if (!(n <= Integer.MAX_VALUE - 8)) {
            throw new IllegalArgumentException(call + " would hold " + String.format("%.0f", n) + " elements; a tensor holds at most "
                    + (Integer.MAX_VALUE - 8));
        }
        return (int) Math.max(0, n);
    }

    /** steps values evenly spaced from start to end inclusive (FLOAT32). */
    public static Tensor linspace(double start, double end, int steps) {
        if (steps < 0) throw new IllegalArgumentException("number of steps must be non-negative, got " + steps);
        float[] v = new float[steps];
        double step = steps > 1 ? (end - start) / (steps - 1) : 0;
        int half = steps / 2;
        for (int i = 0; i < steps; i++) {
            // PyTorch fills the second half from the end, so the last value is exactly end
            v[i] = (float) (i < half ? start + step * i : end - step * (steps - 1 - i));
        }
        return fromArray(v, steps);
    }

    // ------------------------------------------------------------------ ops as functions

    /** a @ b. */
    public static Tensor matmul(Tensor a, Tensor b) { return a.matmul(b); }

    /** Concatenates along dim. */
    public static Tensor cat(List<Tensor> tensors, int dim) { return Cat.apply(tensors, dim); }

    /** Concatenates along dim 0. */
    public static Tensor cat(Tensor... tensors) { return Cat.apply(Arrays.asList(tensors), 0); }

    /** Stacks equal-shaped tensors along a new dim. */
    public static Tensor stack(List<Tensor> tensors, int dim) { return Cat.stack(tensors, dim); }

    /** Stacks along a new dim 0. */
    public static Tensor stack(Tensor... tensors) { return stack(Arrays.asList(tensors), 0); }

    /** Concatenates column-wise (1-D inputs end to end). */
    public static Tensor hstack(Tensor... tensors) {
        if (tensors.length == 0) throw new IllegalArgumentException("hstack expects a non-empty TensorList");
        List<Tensor> ts = new ArrayList<>();
        for (Tensor t : tensors) ts.add(t.dim() == 0 ? t.reshape(1) : t);
        return Cat.apply(ts, ts.get(0).dim() == 1 ? 0 : 1);
    }

    /** Concatenates row-wise (1-D inputs become rows). */
    public static Tensor vstack(Tensor... tensors) {
        if (tensors.length == 0) throw new IllegalArgumentException("vstack expects a non-empty TensorList");
        List<Tensor> ts = new ArrayList<>();
        for (Tensor t : tensors) ts.add(t.dim() == 0 ? t.reshape(1, 1) : t.dim() == 1 ? t.unsqueeze(0) : t);
        return Cat.apply(ts, 0);
    }

    /** Elementwise sigmoid. */
    public static Tensor sigmoid(Tensor x) { return x.sigmoid(); }

    /** Elementwise tanh. */
    public static Tensor tanh(Tensor x) { return x.tanh(); }

    /** Elementwise ReLU. */
    public static Tensor relu(Tensor x) { return x.relu(); }

    /** Elementwise e^x. */
    public static Tensor exp(Tensor x) { return x.exp(); }

    /** Elementwise natural log. */
    public static Tensor log(Tensor x) { return x.log(); }

    /** Softmax along dim. */
    public static Tensor softmax(Tensor x, int dim) { return x.softmax(dim); }

    /** Log-softmax along dim. */
    public static Tensor logSoftmax(Tensor x, int dim) { return x.logSoftmax(dim); }

    /** Sum of all elements. */
    public static Tensor sum(Tensor x) { return x.sum(); }

    /** Mean of all elements. */
    public static Tensor mean(Tensor x) { return x.mean(); }

    /** Indices of the maxima along dim. */
    public static Tensor argmax(Tensor x, int dim) { return x.argmax(dim); }

    /** Elementwise maximum. */
    public static Tensor maximum(Tensor a, Tensor b) { return a.maximum(b); }

    /**
     * Elementwise binary cross-entropy of probabilities against targets of the same shape, no
     * reduction ({@code torch.nn.functional.binary_cross_entropy(..., reduction='none')}).
     */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target) {
        return BinaryLoss.apply(dev.brasa.backend.BinaryOp.BCE, input, target);
    }

    /** Elementwise, numerically stable binary cross-entropy of logits, no reduction ({@code torch.binary_cross_entropy_with_logits}). */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target) {
        return BinaryLoss.apply(dev.brasa.backend.BinaryOp.BCE_WITH_LOGITS, input, target);
    }

    /**
     * Cross-entropy of logits [N, C] against INT64 class indices [N] as one fused node (the kernel
     * behind {@code F.crossEntropy}): log-softmax and the negative log-likelihood in one pass,
     * label smoothing in [0, 1], rows whose target is ignoreIndex left out; reduction "mean" (over
     * the rows kept), SUM or null for none (a [N] result). Reached by {@code F.crossEntropy} through
     * {@link dev.brasa.internal.TensorAccess}.
     */
    static Tensor crossEntropy(Tensor logits, Tensor target, long ignoreIndex, double labelSmoothing, dev.brasa.backend.ReduceOp reduction) {
        java.util.Objects.requireNonNull(logits, "input");
        java.util.Objects.requireNonNull(target, "target");
        if (logits.dim() != 2 || !logits.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("crossEntropy: expected floating logits [N, C], got " + logits.dtype + " "
                    + Shapes.str(logits.shape));
        }
        if (target.dtype != DType.INT64 || target.dim() != 1 || target.shape[0] != logits.shape[0]) {
            throw new IllegalArgumentException("crossEntropy: expected INT64 class indices [" + logits.shape[0] + "], got "
                    + target.dtype + " " + Shapes.str(target.shape));
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing);
        }
        return CrossEntropyOp.apply(logits, target, ignoreIndex, labelSmoothing, reduction);
    }

    /**
     * Dropout ({@code torch.dropout}): in training, zeroes each element with probability p (drawn
     * from the default generator as PyTorch's CPU kernel draws them) and scales the rest by 1/(1-p).
     */
    public static Tensor dropout(Tensor x, double p, boolean training) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        if (!training || p == 0) return x;
        if (p == 1) return x.mul(0f);
        if (x.dtype() == DType.FLOAT32 && !x.device().isCpu()) {       // the CPU draws as PyTorch's CPU kernel does, below
            Tensor mask = Tensor.empty(x.backend(), DType.FLOAT32, x.shape);
            if (x.backend().dropoutMask(mask.kernelView(), p, DEFAULT.random64())) return x.mul(mask);
        }
        float[] keep = Random.bernoulliScalar((int) x.numel(), 1 - p, DEFAULT);
        Tensor noise = fromArray(keep, x.shape).to(x.dtype);
        try (var g = noGrad()) {
            noise = noise.div((float) (1 - p));
        }
        return x.mul(noise.to(x.device()));
    }

    // ------------------------------------------------------------------ linear layers

    /** y = x W^T + b ({@code torch.nn.functional.linear}), one fused node; bias may be null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) { return fusedLinear(x, weight, bias, null); }

    /**
     * act(x W^T + b) as one node (bias written into the output, activation applied in place, one
     * backward), which {@code nn.Sequential} uses for a Linear followed by ReLU, Tanh or Sigmoid
     * (reached through {@link dev.brasa.internal.TensorAccess}). act: null, RELU, TANH or SIGMOID.
     * Inputs the fused kernel does not take (other dtypes, mismatched shapes) run the composite ops,
     * which report PyTorch's errors.
     */
    static Tensor fusedLinear(Tensor x, Tensor weight, Tensor bias, dev.brasa.backend.UnaryOp act) {
        java.util.Objects.requireNonNull(x, "input");
        java.util.Objects.requireNonNull(weight, "weight");
        if (act != null && act != dev.brasa.backend.UnaryOp.RELU && act != dev.brasa.backend.UnaryOp.TANH
                && act != dev.brasa.backend.UnaryOp.SIGMOID) {
            throw new IllegalArgumentException("fusedLinear: activation must be null, RELU, TANH or SIGMOID, got " + act);
        }
        boolean fusable = x.dim() >= 1 && weight.dim() == 2 && x.size(-1) == weight.size(1) && x.dtype.isFloatingPoint()
                && weight.dtype == x.dtype && weight.storage.backend() == x.storage.backend() && x.numel() > 0 && weight.numel() > 0
                && (bias == null || bias.dim() == 1 && bias.size(0) == weight.size(0) && bias.dtype == x.dtype
                    && bias.storage.backend() == x.storage.backend());
        if (!fusable) {
            Tensor y = x.matmul(weight.t());
            if (bias != null) y = y.add(bias);
            return act == null ? y : Unary.apply(act, y, 0, 0);
        }
        return LinearOp.apply(x, weight, bias, act);
    }

    // ------------------------------------------------------------------ fused optimizer updates

    /**
     * True when the fused optimizer kernels apply: every non-null tensor is FLOAT32, contiguous,
     * of the first one's shape, and none requires grad except the parameter (a leaf).
     */
    static boolean canFuse(Tensor param, Tensor a, Tensor b, Tensor c, Tensor d) {
        return param.dtype() == DType.FLOAT32 && param.isContiguous()
                && fusesWith(param, a) && fusesWith(param, b) && fusesWith(param, c) && fusesWith(param, d);
    }

    /** t is null, or a contiguous FLOAT32 tensor of param's shape on param's backend. */
    private static boolean fusesWith(Tensor param, Tensor t) {
        return t == null || t.dtype() == DType.FLOAT32 && t.isContiguous() && Arrays.equals(t.shape, param.shape)
                && t.storage.backend() == param.storage.backend();
    }

    /** The fused SGD update of {@code optim.Functional.sgd} ({@code torch._fused_sgd_}); buf null without momentum. */
    static void fusedSgd_(Tensor param, Tensor grad, Tensor buf, boolean firstStep, double lr, double momentum,
                                 double dampening, double weightDecay, boolean nesterov, boolean maximize) {
        if (!canFuse(param, grad, buf, null, null)) throw new IllegalArgumentException("fusedSgd_ needs contiguous FLOAT32 tensors of one shape");
        param.backend().sgdStep(param.kernelView(), grad.kernelView(), buf == null ? null : buf.kernelView(), firstStep, lr,
                momentum, dampening, weightDecay, nesterov, maximize);
        param.storage.bumpVersion();
        if (buf != null) buf.storage.bumpVersion();
    }

    /** The fused Adam/AdamW update of {@code optim.Functional.adam} ({@code torch._fused_adam_}); vmax null without AMSGrad. */
    static void fusedAdam_(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vmax, long step, double lr, double beta1,
                                  double beta2, double eps, double weightDecay, boolean decoupled, boolean maximize) {
        if (!canFuse(param, grad, m, v, vmax)) throw new IllegalArgumentException("fusedAdam_ needs contiguous FLOAT32 tensors of one shape");
        if (step < 1) throw new IllegalArgumentException("step must be >= 1, got " + step);
        param.backend().adamStep(param.kernelView(), grad.kernelView(), m.kernelView(), v.kernelView(),
                vmax == null ? null : vmax.kernelView(), step, lr, beta1, beta2, eps, weightDecay, decoupled, maximize);
        param.storage.bumpVersion();
        m.storage.bumpVersion();
        v.storage.bumpVersion();
        if (vmax != null) vmax.storage.bumpVersion();
    }

    // ------------------------------------------------------------------ files

    /**
     * Saves a state dict ({@code torch.save(model.state_dict(), f)}), atomically, in the format the
     * file name asks for: {@code .pt}, {@code .pth}, {@code .tar} and {@code .bin} give PyTorch's own
     * zip format ({@link dev.brasa.io.TorchFile}; an optimizer's state dict is written nested as
     * PyTorch's), anything else ({@code .safetensors} included) safetensors.
     */
    public static void save(Map<String, Tensor> stateDict, Path file) throws IOException {
        StateDictFormatsHolder.FORMATS.save(stateDict, file);
    }

    /**
     * Loads a state dict ({@code torch.load(f)}), whatever the name: a file that starts as a zip is
     * read as PyTorch's format (weights only, never running its pickle: {@link
     * dev.brasa.io.TorchFile#loadStateDict}), a legacy (pre-1.6) PyTorch file fails saying how to
     * convert it, anything else is read as safetensors.
     */
    public static Map<String, Tensor> load(Path file) throws IOException {
        return StateDictFormatsHolder.FORMATS.load(file);
    }

    /** The formats, found once, on first use: {@code dev.brasa.io} sits above this package, so it is a service. */
    private static final class StateDictFormatsHolder {
        static final StateDictFiles FORMATS = java.util.ServiceLoader.load(StateDictFiles.class, Brasa.class.getClassLoader())
                .findFirst().orElseThrow(() -> new IllegalStateException("Brasa.save/load: no " + StateDictFiles.class.getName()
                        + " provider found (Brasa's jar without its META-INF/services or module-info?)"));
    }

    // ------------------------------------------------------------------ autograd mode

    /** Opens a no-grad scope: {@code try (var g = Brasa.noGrad()) { ... }}. */
    public static NoGrad noGrad() { return new NoGrad(); }

    /**
     * Opens an anomaly-detection scope ({@code torch.autograd.detect_anomaly()}): the first op whose
     * output, or backward node whose gradient, holds NaN or infinity fails naming it.
     */
    public static dev.brasa.autograd.AnomalyMode detectAnomaly() { return new dev.brasa.autograd.AnomalyMode(); }

    /** True when the current thread records autograd graphs. */
    public static boolean isGradEnabled() { return NoGrad.isGradEnabled(); }
}
