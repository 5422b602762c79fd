package dev.brasa.autograd;

import dev.brasa.Brasa;
import dev.brasa.DType;
import dev.brasa.NoGrad;
import dev.brasa.Tensor;
import dev.brasa.internal.TensorAccess;
import java.util.Arrays;

/**
 * A differentiable operation written by hand, PyTorch's {@code torch.autograd.Function}: the
 * forward computes the output without recording a graph and saves what the backward needs; the
 * backward returns the gradient of each input from the gradient of the output.
 *
 * <pre>{@code
 * final class Exp extends Function {
 *     private Node.SavedTensor result;
 *
 *     @Override protected Tensor forward(Tensor... in) {
 *         Tensor y = in[0].exp();
 *         result = save(y);                  // ctx.save_for_backward(y)
 *         return y;
 *     }
 *
 *     @Override protected Tensor[] backward(Tensor grad) {
 *         return new Tensor[] {grad.mul(result.get())};
 *     }
 * }
 * Tensor y = new Exp().apply(x);             // y.gradFn().name() is "ExpBackward", as in PyTorch
 * }</pre>
 *
 * One object is one call, as PyTorch's {@code ctx} is: what forward saves lives in its fields, so
 * {@link #apply} runs once per object ({@code new Exp().apply(x)}), and non-tensor arguments are
 * constructor arguments ({@code new Clamp(0, 1).apply(x)}). As in PyTorch, the output's node is
 * named after the class plus {@code Backward}; a saved tensor changed in place before backward fails
 * with PyTorch's version-counter message; backward returns one entry per input (null where
 * {@link #needsInputGrad} is false), each of the input's shape or one that broadcasting made from
 * it (it is summed back) and cast to the input's dtype. Check a new Function with {@link GradCheck}.
 */
public abstract class Function {
    private FunctionNode node;
    private boolean inForward;

    /** For subclasses. */
    protected Function() {}

    /** The output from the inputs; runs with gradient recording off. Keep what backward needs with {@link #save}. */
    protected abstract Tensor forward(Tensor... inputs);

    /** The gradient of each input given the output's gradient; an entry may be null where no gradient is needed. */
    protected abstract Tensor[] backward(Tensor gradOutput);

    /** The name of the output's node: the class's simple name and {@code Backward}, as PyTorch names a custom Function's node. */
    protected String name() { return getClass().getSimpleName() + "Backward"; }

    /**
     * Keeps a tensor for backward ({@code ctx.save_for_backward}); call it from forward. The handle's
     * {@code get()} fails if the tensor was changed in place since, or freed by an earlier backward.
     */
    protected final Node.SavedTensor save(Tensor t) {
        if (!inForward) throw new IllegalStateException(getClass().getSimpleName() + ": save is called from forward");
        return node.keep(java.util.Objects.requireNonNull(t, "saved tensor"));
    }

    /** True when input i requires a gradient ({@code ctx.needs_input_grad[i]}); false when the call records no graph. */
    protected final boolean needsInputGrad(int i) {
        if (node == null) throw new IllegalStateException(getClass().getSimpleName() + ": needsInputGrad is asked during apply (from forward or backward)");
        if (i < 0 || i >= node.inputs) throw new IndexOutOfBoundsException("input " + i + " of " + node.inputs);
        return node.needsGrad(i);
    }

    /**
     * Runs the function ({@code MyFunction.apply(x)} in PyTorch): the forward under no-grad, then,
     * when gradients are being recorded and an input requires one, a graph node for backward. Once
     * per object: its saved tensors belong to this call.
     */
    public final Tensor apply(Tensor... inputs) {
        if (node != null) {
            throw new IllegalStateException("this " + getClass().getSimpleName() + " was applied already: a Function object holds "
                    + "one call's saved tensors, so create a new one for each call (new " + getClass().getSimpleName() + "(...).apply(x))");
        }
        boolean record = NoGrad.isGradEnabled() && Arrays.stream(inputs).anyMatch(t -> t != null && t.requiresGrad());
        node = new FunctionNode(this, record ? inputs : new Tensor[inputs.length], inputs);
        Tensor out;
        inForward = true;
        try (var g = Brasa.noGrad()) {
            out = forward(inputs.clone());
        } finally {
            inForward = false;
        }
        if (out == null) throw new IllegalStateException(getClass().getName() + ".forward returned null");
        if (!record) return out;
        // a new tensor object over the output's storage: the node never attaches to an input or a leaf the forward returned
        return TensorAccess.get().attach(out.detach(), node);
    }

    /** The graph node of one call. */
    private static final class FunctionNode extends Node {
        private final Function fn;
        final int inputs;
        private final int[][] shapes;
        private final DType[] types;

        /** edges: the inputs when recording, else nulls (no edge needs a gradient). */
        FunctionNode(Function fn, Tensor[] edges, Tensor[] inputs) {
            super(edges);
            this.fn = fn;
            this.inputs = inputs.length;
            shapes = new int[inputs.length][];
            types = new DType[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                if (inputs[i] != null) {
                    shapes[i] = inputs[i].shape();
                    types[i] = inputs[i].dtype();
                }
            }
        }

        SavedTensor keep(Tensor t) { return save(t); }

        @Override public String name() { return fn.name(); }

        @Override protected Tensor[] backward(Tensor gradOutput) {
            Tensor[] g = fn.backward(gradOutput);
            if (g == null || g.length != inputs) {
                throw new IllegalStateException("function " + name() + " returned an incorrect number of gradients (expected "
                        + inputs + ", got " + (g == null ? 0 : g.length) + ")");
            }
            Tensor[] out = new Tensor[g.length];
            for (int i = 0; i < g.length; i++) {
                if (g[i] == null || !needsGrad(i)) continue;
                Tensor gi = g[i];
                if (!Arrays.equals(gi.shape(), shapes[i])) {
                    if (!expandable(shapes[i], gi.shape())) {
                        throw new IllegalStateException("Function " + name() + " returned an invalid gradient at index " + i + " - got "
                                + Arrays.toString(gi.shape()) + " but expected shape compatible with " + Arrays.toString(shapes[i]));
                    }
                    gi = dev.brasa.internal.ops.Ops.sumTo(gi, shapes[i]);
                }
                out[i] = gi.dtype() == types[i] ? gi : gi.to(types[i]);
            }
            return out;
        }

        /** True when broadcasting turns shape into target. */
        private static boolean expandable(int[] shape, int[] target) {
            if (shape.length > target.length) return false;
            for (int i = 1; i <= shape.length; i++) {
                int s = shape[shape.length - i], t = target[target.length - i];
                if (s != t && s != 1) return false;
            }
            return true;
        }
    }
}
