package dev.brasa.autograd;

import dev.brasa.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A node of the autograd graph: the backward function of one op (PyTorch's {@code grad_fn}).
 * It holds one edge per input (the input's own node, its gradient accumulator for a leaf, or null
 * where the input needs no gradient) and only the tensors its backward needs, saved with
 * {@link #save} so that an in-place change to them is detected.
 */
public abstract class Node {
    static {
        dev.brasa.internal.AutogradAccess.install(new dev.brasa.internal.AutogradAccess() {
            @Override public void backward(Node root, Tensor grad, boolean retainGraph) { Engine.run(root, grad, retainGraph); }
        });
    }

    /** The door into Tensor, held in a static final so the JIT inlines it. */
    private static final dev.brasa.internal.TensorAccess TENSORS = dev.brasa.internal.TensorAccess.get();
    private final Node[] next;
    private final List<SavedTensor> saved = new ArrayList<>(2);

    /** Creates a node whose edges lead to the given inputs' gradient functions. */
    protected Node(Tensor... inputs) {
        next = new Node[inputs.length];
        for (int i = 0; i < inputs.length; i++) next[i] = inputs[i] == null ? null : TENSORS.gradEdge(inputs[i]);
    }

    /** PyTorch's name for this node, e.g. {@code AddBackward0}. */
    public abstract String name();

    /**
     * Gradients with respect to each input, given the gradient of the output; an entry may be
     * null where {@link #needsGrad(int)} is false.
     */
    protected abstract Tensor[] backward(Tensor gradOutput);

    /** True when input i leads to a tensor that requires a gradient. */
    protected final boolean needsGrad(int i) { return next[i] != null; }

    /** The nodes this node sends gradients to (nulls for inputs that need none). */
    public final List<Node> nextFunctions() {
        List<Node> l = new ArrayList<>(next.length);
        Collections.addAll(l, next);
        return Collections.unmodifiableList(l);
    }

    final Node[] edges() { return next; }

    final Tensor[] run(Tensor grad) { return backward(grad); }

    /** Frees the saved tensors (after backward, unless the graph is retained); nodes that saved none stay usable. */
    final void free() {
        for (SavedTensor s : saved) s.tensor = null;
    }

    /** Saves a tensor for backward, remembering its version. */
    protected final SavedTensor save(Tensor t) {
        SavedTensor s = new SavedTensor(t, this);
        saved.add(s);
        return s;
    }

    @Override public String toString() { return "<" + name() + ">"; }

    /** A tensor saved for backward; {@link #get()} fails if it was modified in place since. */
    public static final class SavedTensor {
        private Tensor tensor;
        private final int version;
        private final Node owner;

        SavedTensor(Tensor tensor, Node owner) {
            this.tensor = tensor;
            this.version = tensor.version();
            this.owner = owner;
        }

        /** The saved tensor, after checking that no in-place op changed it. */
        public Tensor get() {
            if (tensor == null) {
                throw new IllegalStateException("Trying to backward through the graph a second time (or directly access "
                        + "saved tensors after they have already been freed). Saved intermediate values of the graph are "
                        + "freed when you call backward(). Specify retainGraph=true if you need to backward through the "
                        + "graph a second time. (node " + owner.name() + ")");
            }
            int now = tensor.version();
            if (now != version) {
                throw new IllegalStateException("one of the variables needed for gradient computation has been "
                        + "modified by an inplace operation: [" + tensor.typeName() + " "
                        + java.util.Arrays.toString(tensor.shape()) + "], which is saved by " + owner.name()
                        + ", is at version " + now + "; expected version " + version + " instead.");
            }
            return tensor;
        }
    }
}
