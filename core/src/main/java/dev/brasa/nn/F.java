package dev.brasa.nn;

import dev.brasa.Brasa;
import dev.brasa.DType;
import dev.brasa.Tensor;
import dev.brasa.internal.ops.Conv;
import dev.brasa.internal.ops.Pool;
import dev.brasa.internal.ops.Views;
import java.util.Arrays;
import java.util.Objects;

/**
 * The functional forms ({@code torch.nn.functional as F}): what the layers and losses call.
 * Every function checks its arguments and names the offending values.
 */
public final class F {
    private F() {}

    /** y = x W^T + b ({@code F.linear}); bias may be null. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        Objects.requireNonNull(x, "input");
        Objects.requireNonNull(weight, "weight");
        if (x.dim() == 0 || x.size(-1) != weight.size(1)) {
            throw new IllegalArgumentException("mat1 and mat2 shapes cannot be multiplied (" + rows(x) + "x"
                    + (x.dim() == 0 ? 0 : x.size(-1)) + " and " + weight.size(1) + "x" + weight.size(0) + ")");
        }
        return Brasa.linear(x, weight, bias);
    }

    private static long rows(Tensor x) { return x.dim() <= 1 ? 1 : x.numel() / x.size(-1); }

    /** ReLU. */
    public static Tensor relu(Tensor x) { return x.relu(); }

    /** Sigmoid. */
    public static Tensor sigmoid(Tensor x) { return x.sigmoid(); }

    /** Tanh. */
    public static Tensor tanh(Tensor x) { return x.tanh(); }

    /** Leaky ReLU. */
    public static Tensor leakyRelu(Tensor x, double negativeSlope) { return x.leakyRelu((float) negativeSlope); }

    /** GELU (exact). */
    public static Tensor gelu(Tensor x) { return x.gelu(); }

    /** Softmax along dim. */
    public static Tensor softmax(Tensor x, int dim) { return x.softmax(dim); }

    /** Log-softmax along dim. */
    public static Tensor logSoftmax(Tensor x, int dim) { return x.logSoftmax(dim); }

    /**
     * {@code F.one_hot(labels, num_classes)}: INT64 of shape labels.shape + [numClasses] with a 1 at
     * each label; numClasses -1 means max(labels) + 1.
     */
    public static Tensor oneHot(Tensor labels, int numClasses) {
        if (labels.dtype() != dev.brasa.DType.INT64) throw new IllegalArgumentException("one_hot is only applicable to index tensor.");
        long[] v = labels.contiguous().toLongArray();
        long max = -1;
        for (long x : v) {
            if (x < 0) throw new IllegalArgumentException("Class values must be non-negative.");
            max = Math.max(max, x);
        }
        int c = numClasses == -1 ? (int) (max + 1) : numClasses;
        if (numClasses != -1 && max >= numClasses) throw new IllegalArgumentException("Class values must be smaller than num_classes.");
        if (numClasses == -1 && v.length == 0) throw new IllegalArgumentException("Can not infer total number of classes from empty tensor.");
        long[] out = new long[v.length * c];
        for (int i = 0; i < v.length; i++) out[i * c + (int) v[i]] = 1;
        int[] shape = java.util.Arrays.copyOf(labels.shape(), labels.dim() + 1);
        shape[labels.dim()] = c;
        return Brasa.tensor(out).reshape(shape).to(labels.device());
    }

    /** Dropout: identity unless training. */
    public static Tensor dropout(Tensor x, double p, boolean training) { return Brasa.dropout(x, p, training); }

    /** Dropout2d ({@code F.dropout2d}): in training, zeroes whole channels (dims 0 and 1 of [N, C, ...]) with probability p. */
    public static Tensor dropout2d(Tensor x, double p, boolean training) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + p);
        if (x.dim() < 2) throw new IllegalArgumentException("dropout2d: expected an input of at least 2 dimensions, got " + x.dim() + "D");
        if (!training || p == 0) return x;
        int[] noise = new int[x.dim()];
        Arrays.fill(noise, 1);
        noise[0] = x.size(0);
        noise[1] = x.size(1);
        return x.mul(Brasa.dropout(Brasa.ones(noise).to(x.dtype()), p, true).to(x.device()));
    }

    // ------------------------------------------------------------------ convolution and pooling

    /** 2-D convolution, stride 1, no padding ({@code F.conv2d(x, w, b)}); bias may be null. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) { return conv2d(x, weight, bias, 1, 0); }

    /** 2-D convolution with one stride and padding for both dimensions. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(x, weight, bias, stride, padding, 1, 1);
    }

    /** 2-D convolution with one stride, padding and dilation for both dimensions, and groups. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        return conv2d(x, weight, bias, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {dilation, dilation}, groups);
    }

    /** 2-D convolution; stride, padding and dilation are (height, width). */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        return Conv.conv2d(x, weight, bias, pair(stride, "stride"), pair(padding, "padding"), pair(dilation, "dilation"), groups, false);
    }

    /** 2-D convolution with padding "same" (output as large as the input; stride must be 1) or "valid" (none). */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, String padding, int[] dilation, int groups) {
        return Conv.conv2d(x, weight, bias, pair(stride, "stride"), new int[] {0, 0}, pair(dilation, "dilation"), groups,
                paddingMode(padding));
    }

    /** True for "same", false for "valid"; anything else is refused with PyTorch's message. */
    static boolean paddingMode(String padding) {
        if ("same".equals(padding)) return true;
        if ("valid".equals(padding)) return false;
        throw new IllegalArgumentException("Invalid padding string '" + padding + "', should be one of {'same', 'valid'}");
    }

    /** A (height, width) pair; one value stands for both, as PyTorch's _pair. */
    static int[] pair(int[] v, String what) {
        if (v != null && v.length == 1) return new int[] {v[0], v[0]};
        if (v == null || v.length != 2) {
            throw new IllegalArgumentException(what + " must be one value or a (height, width) pair, got " + Arrays.toString(v));
        }
        return v.clone();
    }

    /** Max pooling with a square kernel, stride = kernel ({@code F.max_pool2d(x, k)}). */
    public static Tensor maxPool2d(Tensor x, int kernelSize) { return maxPool2d(x, kernelSize, kernelSize); }

    /** Max pooling with a square kernel and stride. */
    public static Tensor maxPool2d(Tensor x, int kernelSize, int stride) { return maxPool2d(x, kernelSize, stride, 0, 1, false); }

    /** Max pooling: square kernel, stride, padding and dilation, ceil_mode. */
    public static Tensor maxPool2d(Tensor x, int kernelSize, int stride, int padding, int dilation, boolean ceilMode) {
        return maxPool2d(x, new int[] {kernelSize}, new int[] {stride}, new int[] {padding}, new int[] {dilation}, ceilMode);
    }

    /** Max pooling; kernel, stride, padding and dilation are (height, width) or one value for both. */
    public static Tensor maxPool2d(Tensor x, int[] kernelSize, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        return Pool.maxPool2d(x, pair(kernelSize, "kernel_size"), pair(stride, "stride"), pair(padding, "padding"),
                pair(dilation, "dilation"), ceilMode);
    }

    /**
     * Max pooling that also returns where each maximum is ({@code return_indices=True}): INT64 indices
     * y * W + x within each input plane, the first on ties.
     */
    public static dev.brasa.ValuesIndices maxPool2dWithIndices(Tensor x, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
                                                               boolean ceilMode) {
        return Pool.maxPool2dWithIndices(x, pair(kernelSize, "kernel_size"), pair(stride, "stride"), pair(padding, "padding"),
                pair(dilation, "dilation"), ceilMode);
    }

    /** Average pooling with a square kernel, stride = kernel. */
    public static Tensor avgPool2d(Tensor x, int kernelSize) { return avgPool2d(x, kernelSize, kernelSize); }

    /** Average pooling with a square kernel and stride. */
    public static Tensor avgPool2d(Tensor x, int kernelSize, int stride) {
        return avgPool2d(x, new int[] {kernelSize}, new int[] {stride}, new int[] {0}, false, true, null);
    }

    /** Average pooling; divisorOverride null for none (else every window is divided by it). */
    public static Tensor avgPool2d(Tensor x, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad,
                                   Integer divisorOverride) {
        if (divisorOverride != null && divisorOverride == 0) throw new IllegalArgumentException("divisor must be not zero");
        return Pool.avgPool2d(x, pair(kernelSize, "kernel_size"), pair(stride, "stride"), pair(padding, "padding"), ceilMode,
                countIncludePad, divisorOverride == null ? 0 : divisorOverride);
    }

    /** Adaptive average pooling to size x size. */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outputSize) { return adaptiveAvgPool2d(x, outputSize, outputSize); }

    /** Adaptive average pooling to (height, width). */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outputHeight, int outputWidth) {
        return Pool.adaptiveAvgPool2d(x, outputHeight, outputWidth);
    }

    /**
     * Batch normalisation over every dim but 1 (dim 0 of [N, C], dims 0 and 2 of [N, C, L], 0, 2 and 3 of
     * [N, C, H, W]). In training, normalises by the batch
     * mean and biased variance and updates the running statistics in place (unbiased variance);
     * otherwise uses the running statistics. numBatchesTracked may be null.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps, Tensor numBatchesTracked) {
        if (x.dim() < 2) throw new IllegalArgumentException("batch_norm: expected an input of at least 2 dimensions, got " + x.dim() + "D");
        int c = x.size(1);
        int[] bshape = new int[x.dim()];
        Arrays.fill(bshape, 1);
        bshape[1] = c;
        int[] dims = new int[x.dim() - 1];
        for (int i = 0, d = 0; d < x.dim(); d++) if (d != 1) dims[i++] = d;
        Tensor mean, var;
        if (training) {
            long n = x.numel() / c;
            if (n <= 1) {
                throw new IllegalArgumentException("Expected more than 1 value per channel when training, got input size "
                        + Arrays.toString(x.shape()));
            }
            mean = x.mean(dims, true);
            Tensor centered = x.sub(mean);
            var = centered.mul(centered).mean(dims, true);
            if (runningMean != null) {
                try (var g = Brasa.noGrad()) {
                    runningMean.mul_((float) (1 - momentum)).add_(mean.reshape(c).mul((float) momentum));
                    runningVar.mul_((float) (1 - momentum)).add_(var.reshape(c).mul((float) (momentum * n / (n - 1))));
                    if (numBatchesTracked != null) numBatchesTracked.add_(Brasa.tensor(1L).reshape());
                }
            }
            Tensor y = centered.div(var.add((float) eps).sqrt());
            return affine(y, weight, bias, bshape);
        }
        if (runningMean == null || runningVar == null) throw new IllegalArgumentException("running_mean must be defined in evaluation mode");
        mean = runningMean.reshape(bshape);
        var = runningVar.reshape(bshape);
        return affine(x.sub(mean).div(var.add((float) eps).sqrt()), weight, bias, bshape);
    }

    private static Tensor affine(Tensor y, Tensor weight, Tensor bias, int[] bshape) {
        if (weight != null) y = y.mul(weight.reshape(bshape));
        if (bias != null) y = y.add(bias.reshape(bshape));
        return y;
    }

    // ------------------------------------------------------------------ losses

    /**
     * Mean squared error. A target of another shape than the input is broadcast against it, as PyTorch does,
     * after PyTorch's warning (logged once per pair of shapes): a [N, 1] prediction against an [N] target
     * gives the mean over N x N differences.
     */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction r) {
        warnIfShapesDiffer(input, target);
        Tensor d = input.sub(target);
        return reduce(d.mul(d), r, "MseLossBackward0");
    }

    /** Mean absolute error; a target of another shape is broadcast after a warning, as in {@link #mseLoss}. */
    public static Tensor l1Loss(Tensor input, Tensor target, Reduction r) {
        warnIfShapesDiffer(input, target);
        return reduce(input.sub(target).abs(), r);
    }

    /** Binary cross-entropy on probabilities in [0, 1]; weight (broadcast) may be null. */
    public static Tensor binaryCrossEntropy(Tensor input, Tensor target, Tensor weight, Reduction r) {
        Tensor l = Brasa.binaryCrossEntropy(input, target);
        return reduce(weight == null ? l : l.mul(weight), r, "BinaryCrossEntropyBackward0");
    }

    /** Binary cross-entropy on logits, numerically stable; weight (broadcast) may be null. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor weight, Reduction r) {
        Tensor l = Brasa.binaryCrossEntropyWithLogits(input, target);
        return reduce(weight == null ? l : l.mul(weight), r, "BinaryCrossEntropyWithLogitsBackward0");
    }

    /** Cross-entropy with mean reduction, no ignored class, no smoothing. */
    public static Tensor crossEntropy(Tensor input, Tensor target) { return crossEntropy(input, target, -100, 0, Reduction.MEAN); }

    /**
     * Cross-entropy of logits [N, C] (or [C]) against INT64 class indices [N] (or a 0-d index), or
     * against class probabilities of the input's shape, with ignoreIndex and label smoothing as in
     * PyTorch; class indices run as one fused node.
     */
    public static Tensor crossEntropy(Tensor input, Tensor target, int ignoreIndex, double labelSmoothing, Reduction r) {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("label_smoothing must be between 0.0 and 1.0. Got: " + labelSmoothing);
        }
        checkLogits(input, "cross_entropy");
        boolean single = input.dim() == 1;
        Tensor x = single ? input.unsqueeze(0) : input;
        int n = x.size(0), c = x.size(1);
        if (target.dtype().isFloatingPoint()) {
            Tensor lp = x.logSoftmax(1);
            if (!Arrays.equals(target.shape(), input.shape())) {
                throw new IllegalArgumentException("cross_entropy: class-probability target must have the input's shape "
                        + Arrays.toString(input.shape()) + ", got " + Arrays.toString(target.shape()));
            }
            Tensor t = single ? target.unsqueeze(0) : target;
            if (labelSmoothing > 0) t = t.mul((float) (1 - labelSmoothing)).add((float) (labelSmoothing / c));
            Tensor per = lp.mul(t).sum(1).neg();
            Tensor out = r == Reduction.MEAN ? per.sum().div(n) : reduce(per, r);
            return single && r == Reduction.NONE ? out.squeeze(0) : out;
        }
        Tensor t = single ? target.reshape(1) : target;
        checkClassTarget(t, n, "cross_entropy");
        Tensor loss = dev.brasa.internal.TensorAccess.get().crossEntropy(x, t, ignoreIndex, labelSmoothing, switch (r) {
            case MEAN -> dev.brasa.backend.ReduceOp.MEAN;
            case SUM -> dev.brasa.backend.ReduceOp.SUM;
            case NONE -> null;
        });
        return single && r == Reduction.NONE ? loss.squeeze(0) : loss;
    }

    /** Negative log-likelihood of log-probabilities [N, C] against INT64 class indices [N]. */
    public static Tensor nllLoss(Tensor input, Tensor target, int ignoreIndex, Reduction r) {
        checkLogits(input, "nll_loss");
        boolean single = input.dim() == 1;
        Tensor loss = nll(single ? input.unsqueeze(0) : input, single ? target.reshape(1) : target, ignoreIndex, r, "nll_loss");
        return single && r == Reduction.NONE ? loss.squeeze(0) : loss;
    }

    private static void checkLogits(Tensor input, String fn) {
        if (input.dim() != 1 && input.dim() != 2) {
            throw new IllegalArgumentException(fn + ": expected input of 1 or 2 dims ([C] or [N, C]), got " + Arrays.toString(input.shape()));
        }
        if (!input.dtype().isFloatingPoint()) throw new IllegalArgumentException(fn + ": expected a floating input, got " + input.dtype());
    }

    private static void checkClassTarget(Tensor target, int n, String fn) {
        if (target.dtype() != DType.INT64) {
            throw new IllegalArgumentException(fn + ": expected INT64 class indices as target, got " + target.dtype()
                    + " (use target.toLong(), or pass class probabilities as a floating tensor of the input's shape)");
        }
        if (target.dim() != 1 || target.size(0) != n) {
            throw new IllegalArgumentException("Expected input batch_size (" + n + ") to match target batch_size ("
                    + (target.dim() == 0 ? 1 : target.size(0)) + ").");
        }
    }

    private static Tensor nll(Tensor lp, Tensor target, int ignoreIndex, Reduction r, String fn) {
        int n = lp.size(0), c = lp.size(1);
        checkClassTarget(target, n, fn);
        long[] t = target.toLongArray();
        long[] flat = new long[n];
        float[] keep = new float[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (t[i] == ignoreIndex) continue;
            if (t[i] < 0 || t[i] >= c) {
                throw new IllegalArgumentException("Target " + t[i] + " is out of bounds (input has " + c + " classes, sample " + i + ").");
            }
            flat[i] = (long) i * c + t[i];
            keep[i] = 1;
            kept++;
        }
        Tensor mask = Brasa.fromArray(keep, n).to(lp.dtype()).to(lp.device());
        Tensor per = lp.reshape(-1).index(Brasa.tensor(flat)).neg().mul(mask);
        return switch (r) {
            case NONE -> per;
            case SUM -> per.sum();
            case MEAN -> per.sum().div(kept);
        };
    }

    /** Warnings already logged (at most 64 kept; Python shows a warning once per place by default). */
    static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Where a warning goes: one WARNING line of the "dev.brasa" System.Logger (tests put a collector here). */
    static volatile java.util.function.Consumer<String> warn = w -> dev.brasa.backend.Config.log().log(System.Logger.Level.WARNING, w);

    /** PyTorch's UserWarning of mse_loss and l1_loss when the shapes differ (the ops then broadcast, as PyTorch's do). */
    private static void warnIfShapesDiffer(Tensor input, Tensor target) {
        if (Arrays.equals(input.shape(), target.shape())) return;
        String w = "Using a target size (torch.Size(" + Arrays.toString(target.shape()) + ")) that is different to the input size (torch.Size("
                + Arrays.toString(input.shape()) + ")). This will likely lead to incorrect results due to broadcasting. "
                + "Please ensure they have the same size.";
        if (WARNED.size() < 64 && WARNED.add(w)) warn.accept(w);
    }

    /** A loss reduced, its last node named as PyTorch's one node for the loss ({@code grad_fn=<MseLossBackward0>}). */
    private static Tensor reduce(Tensor l, Reduction r, String lossNode) {
        return Views.named(reduce(l, r), lossNode);
    }

    static Tensor reduce(Tensor l, Reduction r) {
        return switch (Objects.requireNonNull(r, "reduction")) {
            case MEAN -> l.mean();
            case SUM -> l.sum();
            case NONE -> l;
        };
    }
}
