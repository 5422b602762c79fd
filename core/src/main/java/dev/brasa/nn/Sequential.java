package dev.brasa.nn;

import dev.brasa.Tensor;
import dev.brasa.backend.UnaryOp;
import dev.brasa.internal.TensorAccess;
import java.util.List;
import java.util.Objects;

/**
 * Modules applied in order ({@code nn.Sequential}); children are named "0", "1", ...
 * {@code new Sequential(model.children().subList(0, k))} rebuilds a model from its first children.
 */
public class Sequential extends Module {

    /** The given modules in order. */
    public Sequential(Module... modules) { this(List.of(modules)); }

    /** The given modules in order. */
    public Sequential(List<Module> modules) {
        Objects.requireNonNull(modules, "modules");
        for (int i = 0; i < modules.size(); i++) register(Integer.toString(i), Objects.requireNonNull(modules.get(i), "module " + i));
    }

    /** The i-th module ({@code model[i]}); negative i counts from the end. */
    public Module get(int i) {
        int n = size();
        if (i < -n || i >= n) throw new IndexOutOfBoundsException("index " + i + " is out of range for Sequential of size " + n);
        return children().get(i < 0 ? i + n : i);
    }

    /** Number of modules. */
    public int size() { return children().size(); }

    /** Appends a module; returns this. */
    public Sequential append(Module m) {
        register(Integer.toString(size()), m);
        return this;
    }

    /**
     * Runs the modules in order. A {@link Linear} or a {@link Conv2d} directly followed by a
     * {@link ReLU}, {@link Tanh} or {@link Sigmoid} (exactly those classes) runs as one fused node:
     * same values, the bias and activation folded into the layer's GEMM or per-image pass, and the
     * activation's derivative into the layer's backward.
     */
    @Override public Tensor forward(Tensor x) {
        List<Module> ms = children();
        for (int i = 0; i < ms.size(); i++) {
            Module m = ms.get(i);
            UnaryOp act = (m.getClass() == Linear.class || m.getClass() == Conv2d.class) && i + 1 < ms.size()
                    ? fusableActivation(ms.get(i + 1)) : null;
            if (act != null && m instanceof Linear l) {
                x = TensorAccess.get().linear(x, l.weight(), l.bias(), act);
                i++;
            } else if (act != null) {
                x = ((Conv2d) m).forward(x, act);
                i++;
            } else {
                x = m.forward(x);
            }
        }
        return x;
    }

    private static UnaryOp fusableActivation(Module m) {
        Class<?> c = m.getClass();
        return c == ReLU.class ? UnaryOp.RELU : c == Tanh.class ? UnaryOp.TANH : c == Sigmoid.class ? UnaryOp.SIGMOID : null;
    }
}
