package dev.brasa.nn;

import dev.brasa.Brasa;
import dev.brasa.Tensor;

/**
 * y = x W^T + b ({@code nn.Linear}). Weight [out, in] and bias [out] are initialised as PyTorch
 * does (Kaiming-uniform with a = sqrt(5), bias U(-1/sqrt(in), 1/sqrt(in))), so the same seed gives
 * the same weights.
 */
public class Linear extends Module {
    private final int in, out;

    /** A layer with bias. */
    public Linear(int inFeatures, int outFeatures) { this(inFeatures, outFeatures, true); }

    /** A layer with or without bias. */
    public Linear(int inFeatures, int outFeatures, boolean bias) {
        if (inFeatures < 0 || outFeatures < 0) {
            throw new IllegalArgumentException("Linear: in_features and out_features must be >= 0, got " + inFeatures + " and " + outFeatures);
        }
        this.in = inFeatures;
        this.out = outFeatures;
        Init.kaimingUniform_(registerParameter("weight", new Parameter(Brasa.zeros(outFeatures, inFeatures))),
                Math.sqrt(5), true, "leaky_relu");
        if (bias) {
            double bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
            Init.uniform_(registerParameter("bias", new Parameter(Brasa.zeros(outFeatures))), -bound, bound);
        }
    }

    /** The weight [out, in]. */
    public Parameter weight() { return parameter("weight"); }

    /** The bias [out], or null. */
    public Parameter bias() { return parameter("bias"); }

    /** in_features. */
    public int inFeatures() { return in; }

    /** out_features. */
    public int outFeatures() { return out; }

    @Override public Tensor forward(Tensor x) { return F.linear(x, weight(), bias()); }

    @Override protected String extraRepr() {
        return "in_features=" + in + ", out_features=" + out + ", bias=" + py(bias() != null);
    }
}
