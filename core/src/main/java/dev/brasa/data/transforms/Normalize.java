package dev.brasa.data.transforms;

import dev.brasa.Brasa;
import dev.brasa.Tensor;
import java.util.Arrays;

/**
 * (x - mean[c]) / std[c] for each channel c of an image [C, H, W] or a batch [N, C, H, W]
 * ({@code transforms.Normalize(mean, std)}), computed in the image's dtype as torchvision does.
 */
public final class Normalize implements Transform {
    private final double[] mean, std;

    /** One mean and one standard deviation per channel; no std may be 0. */
    public Normalize(double[] mean, double[] std) {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("Normalize needs one mean and one std per channel, got " + mean.length + " and " + std.length);
        }
        for (double s : std) {
            if (s == 0) throw new IllegalArgumentException("std evaluated to zero after conversion to float32, leading to division by zero.");
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override public Tensor apply(Tensor x) {
        if (x.dim() < 3) throw new IllegalArgumentException("Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
                + Arrays.toString(x.shape()));
        int c = x.size(-3);
        if (c != mean.length) {
            throw new IllegalArgumentException("Normalize has " + mean.length + " channel means, the image has " + c + " channels");
        }
        float[] m = new float[c], s = new float[c];
        for (int i = 0; i < c; i++) {
            m[i] = (float) mean[i];
            s[i] = (float) std[i];
        }
        Tensor mt = Brasa.tensor(m).to(x.dtype()).reshape(c, 1, 1).to(x.device());
        Tensor st = Brasa.tensor(s).to(x.dtype()).reshape(c, 1, 1).to(x.device());
        return x.sub(mt).div(st);
    }

    @Override public String toString() { return "Normalize(mean=" + py(mean) + ", std=" + py(std) + ")"; }

    private static String py(double[] v) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) sb.append(i > 0 ? ", " : "").append(v[i]);
        return sb.append(v.length == 1 ? ",)" : ")").toString();
    }
}
