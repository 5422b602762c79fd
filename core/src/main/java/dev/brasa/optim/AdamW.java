package dev.brasa.optim;

import dev.brasa.Tensor;
import java.util.List;

/** Adam with decoupled weight decay ({@code torch.optim.AdamW}; default weight decay 0.01). */
public final class AdamW extends Adam {

    /** AdamW with lr and PyTorch's defaults (weight decay 0.01). */
    public AdamW(List<? extends Tensor> params, double lr) { this(params, new Options(lr, 0.9, 0.999, 1e-8, 0.01, false, false)); }

    AdamW(List<? extends Tensor> params, Options defaults) { super(params, defaults, true); }

    /** A builder over params (lr 1e-3, weight decay 0.01 by default). */
    public static Builder builder(List<? extends Tensor> params) { return new Builder(params, true, 0.01); }
}
