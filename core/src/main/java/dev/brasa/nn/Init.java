package dev.brasa.nn;

import dev.brasa.Brasa;
import dev.brasa.Tensor;

/**
 * Parameter initialisation ({@code torch.nn.init}), computing bounds exactly as PyTorch does so that
 * a seeded generator gives PyTorch's weights. Every method fills in place (without recording a
 * graph) and returns the tensor.
 */
public final class Init {
    private Init() {}

    /** fan_in and fan_out of a weight of at least 2 dims ({@code _calculate_fan_in_and_fan_out}). */
    public static int[] fanInAndFanOut(Tensor t) {
        if (t.dim() < 2) {
            throw new IllegalArgumentException("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions, got "
                    + t.dim());
        }
        int receptive = 1;
        for (int d = 2; d < t.dim(); d++) receptive *= t.size(d);
        return new int[] {t.size(1) * receptive, t.size(0) * receptive};
    }

    /** The recommended gain for a nonlinearity ({@code calculate_gain}); param is leaky_relu's slope. */
    public static double calculateGain(String nonlinearity, Double param) {
        return switch (nonlinearity) {
            case "linear", "conv1d", "conv2d", "conv3d", "sigmoid" -> 1.0;
            case "tanh" -> 5.0 / 3;
            case "relu" -> Math.sqrt(2.0);
            case "leaky_relu" -> {
                double slope = param == null ? 0.01 : param;
                yield Math.sqrt(2.0 / (1 + slope * slope));
            }
            case "selu" -> 3.0 / 4;
            default -> throw new IllegalArgumentException("Unsupported nonlinearity " + nonlinearity);
        };
    }

    /** U(from, to). */
    public static Tensor uniform_(Tensor t, double from, double to) {
        try (var g = Brasa.noGrad()) {
            return t.uniform_(from, to);
        }
    }

    /** N(mean, std). */
    public static Tensor normal_(Tensor t, double mean, double std) {
        try (var g = Brasa.noGrad()) {
            return t.normal_(mean, std);
        }
    }

    /** Fills with v. */
    public static Tensor constant_(Tensor t, double v) {
        try (var g = Brasa.noGrad()) {
            return t.fill_(v);
        }
    }

    /** Fills with 0. */
    public static Tensor zeros_(Tensor t) { return constant_(t, 0); }

    /** Fills with 1. */
    public static Tensor ones_(Tensor t) { return constant_(t, 1); }

    /** Kaiming (He) uniform with PyTorch's defaults (a = 0, fan_in, leaky_relu). */
    public static Tensor kaimingUniform_(Tensor t) { return kaimingUniform_(t, 0, true, "leaky_relu"); }

    /** Kaiming uniform: U(-b, b), b = gain * sqrt(3 / fan); a tensor with no elements is left as it is (PyTorch warns). */
    public static Tensor kaimingUniform_(Tensor t, double a, boolean fanIn, String nonlinearity) {
        if (t.numel() == 0) return t;
        double std = calculateGain(nonlinearity, a) / Math.sqrt(fan(t, fanIn));
        double bound = Math.sqrt(3.0) * std;
        return uniform_(t, -bound, bound);
    }

    /** Kaiming normal with PyTorch's defaults. */
    public static Tensor kaimingNormal_(Tensor t) { return kaimingNormal_(t, 0, true, "leaky_relu"); }

    /** Kaiming normal: N(0, gain / sqrt(fan)); a tensor with no elements is left as it is (PyTorch warns). */
    public static Tensor kaimingNormal_(Tensor t, double a, boolean fanIn, String nonlinearity) {
        if (t.numel() == 0) return t;
        return normal_(t, 0, calculateGain(nonlinearity, a) / Math.sqrt(fan(t, fanIn)));
    }

    /** Xavier (Glorot) uniform with gain 1. */
    public static Tensor xavierUniform_(Tensor t) { return xavierUniform_(t, 1.0); }

    /** Xavier uniform: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)). */
    public static Tensor xavierUniform_(Tensor t, double gain) {
        int[] f = fanInAndFanOut(t);
        double std = gain * Math.sqrt(2.0 / (double) (f[0] + f[1]));
        double a = Math.sqrt(3.0) * std;
        return uniform_(t, -a, a);
    }

    /** Xavier normal with gain 1. */
    public static Tensor xavierNormal_(Tensor t) { return xavierNormal_(t, 1.0); }

    /** Xavier normal: N(0, gain * sqrt(2 / (fan_in + fan_out))). */
    public static Tensor xavierNormal_(Tensor t, double gain) {
        int[] f = fanInAndFanOut(t);
        return normal_(t, 0, gain * Math.sqrt(2.0 / (double) (f[0] + f[1])));
    }

    private static int fan(Tensor t, boolean fanIn) {
        int[] f = fanInAndFanOut(t);
        int v = fanIn ? f[0] : f[1];
        if (v == 0) throw new IllegalArgumentException("Initializing zero-element tensors is a no-op (fan is 0)");
        return v;
    }
}
