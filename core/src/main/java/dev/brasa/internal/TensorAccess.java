package dev.brasa.internal;

import dev.brasa.Tensor;

/**
 * The typed door into {@link Tensor}'s storage for Brasa's own packages (the JDK's
 * {@code SharedSecrets} pattern): {@code Tensor} installs the one implementation when its class
 * is initialised, so nothing here is public API of an exported package.
 */
public abstract class TensorAccess {
    private static final Door<TensorAccess> DOOR = new Door<>("TensorAccess", Tensor.class);

    /** Only {@code Tensor}'s package implements the door. */
    protected TensorAccess() {}

    /** Called once, by {@code Tensor}'s static initialiser. */
    public static void install(TensorAccess access) { DOOR.install(access); }

    /** The door; initialises {@code Tensor} first if nothing has yet. */
    public static TensorAccess get() { return DOOR.get(); }

    /** An object whose identity is the identity of t's storage: two tensors share storage iff these are the same object. */
    public final Object storageOf(Tensor t) { return storage(t); }

    /** The number of elements in t's storage (not in t). */
    public final int storageSize(Tensor t) { return storage(t).size(); }

    /**
     * A view of base's storage with the given layout (the arrays copied), no autograd
     * ({@code base.as_strided(size, stride, offset)}). The caller has checked that every element it
     * reaches lies inside the storage.
     */
    public final Tensor asStrided(Tensor base, int[] size, int[] stride, int offset) { return alias(base, size.clone(), stride.clone(), offset); }

    /**
     * Points t at data's storage and layout, keeping t's identity, autograd flags and gradient
     * ({@code t.data = data}); both must have the same dtype and shape.
     */
    public abstract void setData(Tensor t, Tensor data);

    /** Marks a tensor that nothing else refers to yet as the output of node ({@code grad_fn}); returns it. */
    public abstract Tensor attach(Tensor fresh, dev.brasa.autograd.Node node);

    /** The node gradients for t flow into: its grad function, its accumulator (a leaf that requires grad), or null. */
    public abstract dev.brasa.autograd.Node gradEdge(Tensor t);

    /** True when the fused optimizer kernels apply: FLOAT32, contiguous, one shape, one backend (nulls skipped). */
    public abstract boolean canFuse(Tensor param, Tensor a, Tensor b, Tensor c, Tensor d);

    /** The fused SGD update ({@code torch._fused_sgd_}); buf null without momentum. */
    public abstract void fusedSgd(Tensor param, Tensor grad, Tensor buf, boolean firstStep, double lr, double momentum,
                                  double dampening, double weightDecay, boolean nesterov, boolean maximize);

    /** The fused Adam/AdamW update ({@code torch._fused_adam_}); vmax null without AMSGrad. */
    public abstract void fusedAdam(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vmax, long step, double lr, double beta1,
                                   double beta2, double eps, double weightDecay, boolean decoupled, boolean maximize);

    /** act(x W^T + b) as one node; activation null, RELU, TANH or SIGMOID. */
    public abstract Tensor linear(Tensor x, Tensor weight, Tensor bias, dev.brasa.backend.UnaryOp activation);

    /** The fused cross-entropy of logits [N, C] against class indices [N]; reduction SUM, MEAN or null (none). */
    public abstract Tensor crossEntropy(Tensor logits, Tensor target, long ignoreIndex, double labelSmoothing,
                                        dev.brasa.backend.ReduceOp reduction);

    // ---------------------------------------------------------------- the fields and helpers the ops use

    /** t's shape array itself (not a copy: callers never write it). */
    public abstract int[] shape(Tensor t);

    /** t's strides array itself. */
    public abstract int[] strides(Tensor t);

    /** A view of base's storage with this layout, the arrays taken as they are (no copy), no autograd. */
    public abstract Tensor alias(Tensor base, int[] shape, int[] strides, int offset);

    /** t's offset into its storage, in elements. */
    public abstract int offset(Tensor t);

    /** t's storage. */
    public abstract dev.brasa.backend.Storage storage(Tensor t);

    /** A new contiguous tensor of a dtype and shape on a backend (the shape is copied). */
    public abstract Tensor empty(dev.brasa.backend.Backend backend, dev.brasa.DType dtype, int[] shape);

    /** The same, its elements undefined until the caller writes every one ({@code Backend.allocateUnset}). */
    public abstract Tensor unset(dev.brasa.backend.Backend backend, dev.brasa.DType dtype, int[] shape);

    /** A contiguous tensor of a dtype and shape over a storage that holds exactly its elements (the shape is copied). */
    public abstract Tensor over(dev.brasa.backend.Storage storage, dev.brasa.DType dtype, int[] shape);

    /** A 0-d tensor holding v on t's backend, of t's dtype when floating, else FLOAT32. */
    public abstract Tensor scalar(Tensor t, double v);

    /** The kernel-level view of t (fails if t's storage was closed). */
    public abstract dev.brasa.backend.View kernelView(Tensor t);

    /** The kernel-level view of t broadcast to a shape. */
    public abstract dev.brasa.backend.View expandedView(Tensor t, int[] to);

    /** True when an op on these inputs must record a node (grad mode on and one of them requires grad). */
    public abstract boolean recording(Tensor... inputs);

    /** True when t is a contiguous view of its whole storage. */
    public abstract boolean coversStorage(Tensor t);


    /** The backend element kind a dtype is stored as. */
    public abstract dev.brasa.backend.Kind kind(dev.brasa.DType d);

    /** The dtype of a backend element kind. */
    public abstract dev.brasa.DType dtypeOf(dev.brasa.backend.Kind k);
}
