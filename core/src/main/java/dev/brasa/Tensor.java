package dev.brasa;

import dev.brasa.autograd.Node;
import dev.brasa.backend.Backend;
import dev.brasa.backend.BinaryOp;
import dev.brasa.backend.ReduceOp;
import dev.brasa.backend.Storage;
import dev.brasa.backend.UnaryOp;
import dev.brasa.backend.View;
import dev.brasa.internal.ops.Binary;
import dev.brasa.internal.ops.Copy;
import dev.brasa.internal.ops.Gather;
import dev.brasa.internal.ops.InPlace;
import dev.brasa.internal.ops.Index;
import dev.brasa.internal.ops.MatMul;
import dev.brasa.internal.ops.Norm;
import dev.brasa.internal.ops.Ops;
import dev.brasa.internal.ops.Reduce;
import dev.brasa.internal.ops.Shapes;
import dev.brasa.internal.ops.Softmax;
import dev.brasa.internal.ops.Unary;
import dev.brasa.internal.ops.Views;
import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional array with autograd, PyTorch's {@code torch.Tensor}: metadata (shape, strides,
 * offset, dtype, device) over a storage owned by a backend. Views ({@link #view}, {@link #t},
 * {@link #transpose}, {@link #select}, {@link #slice}, {@link #unsqueeze}) share the storage.
 * Binary ops broadcast as NumPy and PyTorch do. Methods ending in {@code _} work in place.
 *
 * <p>Create tensors with the static factories of {@link Brasa} ({@code tensor}, {@code zeros},
 * {@code randn}, ...). A tensor is not thread-safe; distinct tensors may be used from distinct
 * threads.
 */
public class Tensor {
    // not final: Module.to moves a Parameter's data in place (PyTorch's param.data = ...), keeping the object
    Storage storage;
    int[] shape;
    int[] strides;
    int offset;
    final DType dtype;
    View view;                // kernelView(), made once; TensorDoor.setData drops it with the data it describes

    private boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;
    private Node accumulator;

    static {
        dev.brasa.internal.TensorAccess.install(new TensorDoor());
    }

    /**
     * A new leaf sharing {@code data}'s storage and layout (for subclasses such as
     * {@code dev.brasa.nn.Parameter}); no graph is shared.
     */
    protected Tensor(Tensor data) {
        this(Objects.requireNonNull(data, "data").storage, data.shape, data.strides, data.offset, data.dtype);
    }

    Tensor(Storage storage, int[] shape, int[] strides, int offset, DType dtype) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.dtype = dtype;
    }

    // ------------------------------------------------------------------ internal construction

    static Tensor empty(Backend backend, DType dtype, int[] shape) {
        Shapes.checkSizes(shape);
        Storage s = backend.allocate(dtype.kind, (int) Shapes.numel(shape));
        return new Tensor(s, shape.clone(), View.contiguousStrides(shape), 0, dtype);
    }

    /** A new contiguous tensor on this tensor's backend. */
    Tensor newEmpty(DType dt, int[] shape) { return empty(backend(), dt, shape); }

    /** A 0-d tensor holding v, of this tensor's dtype when floating, else FLOAT32. */
    Tensor scalar(double v) {
        DType dt = dtype.isFloatingPoint() ? dtype : DType.FLOAT32;
        Tensor t = newEmpty(dt, new int[0]);
        backend().set(t.storage, 0, v);
        return t;
    }

    Backend backend() { return storage.backend(); }

    /** The kernel-level view of this tensor (made once: the ops ask for it on every call). */
    View kernelView() {
        checkOpen();
        View v = view;
        if (v == null) view = v = new View(storage, shape, strides, offset);
        return v;
    }

    /** The kernel-level view of this tensor broadcast to {@code to}. */
    View expandedView(int[] to) {
        checkOpen();
        return new View(storage, to, Shapes.expandStrides(shape, strides, to), offset);
    }

    private void checkOpen() {
        if (storage.isClosed()) {
            throw new IllegalStateException("tensor of shape " + Shapes.str(shape) + " was closed (close() released its storage) "
                    + "and can no longer be used");
        }
    }

    /**
     * Releases the storage now rather than when the tensor becomes unreachable (on a GPU: device
     * memory back to the allocator). Every tensor sharing the storage (views, detach) is closed
     * too; using one afterwards throws {@link IllegalStateException}. Closing twice is harmless.
     */
    public void close() { storage.close(); }

    /** True once this tensor's storage was closed. */
    public boolean isClosed() { return storage.isClosed(); }

    /** A view sharing storage (and the version counter) with different layout; no autograd. */
    Tensor alias(int[] newShape, int[] newStrides, int newOffset) {
        return new Tensor(storage, newShape, newStrides, newOffset, dtype);
    }

    /** Marks this freshly made tensor as the output of {@code node}. */
    Tensor attach(Node node) {
        this.gradFn = node;
        this.requiresGrad = true;
        if (dev.brasa.autograd.AnomalyMode.isEnabled()) dev.brasa.autograd.AnomalyMode.checkForward(node, this);
        return this;
    }

    /** True when an op on these inputs must record a node. */
    static boolean recording(Tensor... inputs) {
        if (!NoGrad.isGradEnabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad) return true;
        return false;
    }

    /**
     * The node that gradients for this tensor flow into: its grad function, its accumulator if it
     * is a leaf that requires grad, or null. Used by {@link Node}'s constructor, through the door.
     */
    Node gradEdge() {
        if (!requiresGrad) return null;
        if (gradFn != null) return gradFn;
        if (accumulator == null) accumulator = new AccumulateGrad(this);
        return accumulator;
    }

    /** The storage's version counter (bumped by every in-place write). */
    public int version() { return storage.version(); }

    /** PyTorch's legacy type name, e.g. {@code torch.FloatTensor}, used in error messages. */
    public String typeName() { return "torch." + dtype.typeName; }

    // ------------------------------------------------------------------ metadata

    /** The sizes of every dimension ({@code x.shape}); a copy. */
    public int[] shape() { return shape.clone(); }

    /** The size of dimension d; negative d counts from the end. */
    public int size(int d) { return shape.length == 0 ? dimError(d) : shape[Shapes.dim(d, shape.length)]; }

    private int dimError(int d) {
        throw new IllegalArgumentException("dimension specified as " + d + " but tensor has no dimensions");
    }

    /** The strides in elements ({@code x.stride()}); a copy. */
    public int[] stride() { return strides.clone(); }

    /** The element offset into the storage ({@code x.storage_offset()}). */
    public int storageOffset() { return offset; }

    /** Number of dimensions. */
    public int dim() { return shape.length; }

    /** Number of elements. */
    public long numel() { return Shapes.numel(shape); }

    /** The element type. */
    public DType dtype() { return dtype; }

    /** The device holding the storage. */
    public Device device() {
        int i = storage.backend().cudaDevice();
        return i < 0 ? Device.CPU : Device.cuda(i);
    }

    /** True when the elements are dense in row-major order. */
    public boolean isContiguous() { return kernelView().isContiguous(); }

    // ------------------------------------------------------------------ autograd state

    /** Whether gradients are computed for this tensor. */
    public boolean requiresGrad() { return requiresGrad; }

    /** Sets requires-grad on a leaf (returns this), like {@code x.requires_grad_()}. */
    public Tensor requiresGrad_(boolean on) {
        if (gradFn != null && !on) {
            throw new IllegalStateException("you can only change requires_grad flags of leaf variables. If you want to "
                    + "use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
        }
        if (on && !dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("only Tensors of floating point dtype can require gradients, got " + dtype);
        }
        requiresGrad = on;
        return this;
    }

    /** Same as {@code requiresGrad_(true)}. */
    public Tensor requiresGrad_() { return requiresGrad_(true); }

    /** The accumulated gradient ({@code x.grad}), or null. */
    public Tensor grad() { return grad; }

    /** Sets (or with null clears) the gradient, like {@code p.grad = g}; shapes and dtypes must match. */
    public void setGrad(Tensor g) {
        if (g != null) {
            if (!Arrays.equals(g.shape, shape)) {
                throw new IllegalArgumentException("assigned grad has data of a different size: grad " + Shapes.str(g.shape)
                        + ", tensor " + Shapes.str(shape));
            }
            if (g.dtype != dtype) {
                throw new IllegalArgumentException("assigned grad has data of a different type: grad " + g.dtype
                        + ", tensor " + dtype);
            }
        }
        grad = g;
    }

    /** The node that produced this tensor ({@code grad_fn}), or null for a leaf. */
    public Node gradFn() { return gradFn; }

    /** True for tensors not produced by a recorded op. */
    public boolean isLeaf() { return gradFn == null; }

    /** A tensor sharing storage with this one, cut from the graph. */
    public Tensor detach() { return alias(shape, strides, offset); }

    /** Backward from a scalar output, with seed 1. */
    public void backward() { backward(null, false); }

    /** Backward with an explicit output gradient (any shape equal to this tensor's). */
    public void backward(Tensor gradient) { backward(gradient, false); }

    /** Backward; {@code retainGraph} keeps saved tensors for a second backward. */
    public void backward(Tensor gradient, boolean retainGraph) {
        if (!requiresGrad) {
            throw new IllegalStateException("element 0 of tensors does not require grad and does not have a grad_fn");
        }
        if (gradient == null) {
            if (numel() != 1) {
                throw new IllegalStateException("grad can be implicitly created only for scalar outputs (got shape "
                        + Shapes.str(shape) + "); pass a gradient tensor to backward(gradient)");
            }
            gradient = Ops.fullLike(this, 1.0);
        } else if (!Arrays.equals(gradient.shape, shape)) {
            throw new IllegalArgumentException("Mismatch in shape: grad_output[0] has a shape of " + Shapes.str(gradient.shape)
                    + " and output[0] has a shape of " + Shapes.str(shape) + ".");
        }
        try (var g = new NoGrad()) {
            dev.brasa.internal.AutogradAccess.get().backward(gradEdge(), gradient.detach(), retainGraph);
        }
    }

    /** Accumulates into a leaf's {@code .grad}: the gradient node of a leaf tensor. */
    static final class AccumulateGrad extends Node {
        private final Tensor leaf;

        AccumulateGrad(Tensor leaf) {
            super();
            this.leaf = leaf;
        }

        @Override public String name() { return "AccumulateGrad"; }

        @Override protected Tensor[] backward(Tensor g) {
            if (g.dtype != leaf.dtype) g = g.to(leaf.dtype);
            if (leaf.grad == null) leaf.grad = g.contiguous() == g ? g.clone() : g.contiguous();
            else leaf.grad.add_(g);
            return new Tensor[0];
        }
    }

    // ------------------------------------------------------------------ elementwise arithmetic

    /** this + other (broadcast). */
    public Tensor add(Tensor other) { return Binary.apply(BinaryOp.ADD, this, other); }

    /** this + v: a Python float ({@code float} arguments widen exactly; full precision on FLOAT64 tensors). */
    public Tensor add(double v) { return Binary.apply(BinaryOp.ADD, this, scalar(v)); }

    /** this - other (broadcast). */
    public Tensor sub(Tensor other) { return Binary.apply(BinaryOp.SUB, this, other); }

    /** this - v. */
    public Tensor sub(double v) { return Binary.apply(BinaryOp.SUB, this, scalar(v)); }

    /** this * other (broadcast). */
    public Tensor mul(Tensor other) { return Binary.apply(BinaryOp.MUL, this, other); }

    /** this * v ({@code x.mul(0.1)}). */
    public Tensor mul(double v) { return Binary.apply(BinaryOp.MUL, this, scalar(v)); }

    /** this / other (broadcast; true division, so integer inputs give FLOAT32). */
    public Tensor div(Tensor other) { return Binary.apply(BinaryOp.DIV, this, other); }

    /** this / v. */
    public Tensor div(double v) { return Binary.apply(BinaryOp.DIV, this, scalar(v)); }

    /** Elementwise maximum of this and other (broadcast), {@code torch.maximum}. */
    public Tensor maximum(Tensor other) { return Binary.apply(BinaryOp.MAX, this, other); }

    /** Elementwise minimum of this and other (broadcast), {@code torch.minimum}. */
    public Tensor minimum(Tensor other) { return Binary.apply(BinaryOp.MIN, this, other); }

    /** -this. */
    public Tensor neg() { return Unary.apply(UnaryOp.NEG, this, 0, 0); }

    /** e^x. */
    public Tensor exp() { return Unary.apply(UnaryOp.EXP, this, 0, 0); }

    /** Natural logarithm. */
    public Tensor log() { return Unary.apply(UnaryOp.LOG, this, 0, 0); }

    /** Hyperbolic tangent. */
    public Tensor tanh() { return Unary.apply(UnaryOp.TANH, this, 0, 0); }

    /** Logistic sigmoid. */
    public Tensor sigmoid() { return Unary.apply(UnaryOp.SIGMOID, this, 0, 0); }

    /** max(x, 0). */
    public Tensor relu() { return Unary.apply(UnaryOp.RELU, this, 0, 0); }

    /** Square root. */
    public Tensor sqrt() { return Unary.apply(UnaryOp.SQRT, this, 0, 0); }

    /** Absolute value. */
    public Tensor abs() { return Unary.apply(UnaryOp.ABS, this, 0, 0); }

    /** 1 / x. */
    public Tensor reciprocal() { return Unary.apply(UnaryOp.RECIPROCAL, this, 0, 0); }

    /** Sign: -1, 0 or 1. */
    public Tensor sign() { return Unary.apply(UnaryOp.SIGN, this, 0, 0); }

    /** x ^ exponent. */
    public Tensor pow(double exponent) { return Unary.apply(UnaryOp.POW, this, exponent, 0); }

    /** Clamps into [min, max]. */
    public Tensor clamp(float min, float max) {
        if (min > max) {
            throw new IllegalArgumentException("clamp: min (" + min + ") must not be greater than max (" + max + ")");
        }
        return Unary.apply(UnaryOp.CLAMP, this, min, max);
    }

    /** max(x, min). */
    public Tensor clampMin(double min) { return Unary.apply(UnaryOp.CLAMP, this, min, Double.POSITIVE_INFINITY); }

    /** Clamps into [min, max], for {@code double} bounds. */
    public Tensor clamp(double min, double max) {
        if (min > max) {
            throw new IllegalArgumentException("clamp: min (" + min + ") must not be greater than max (" + max + ")");
        }
        return Unary.apply(UnaryOp.CLAMP, this, min, max);
    }

    /** Leaky ReLU with the given negative slope. */
    public Tensor leakyRelu(float negativeSlope) { return Unary.apply(UnaryOp.LEAKY_RELU, this, negativeSlope, 0); }

    /** GELU (exact, with erf). */
    public Tensor gelu() { return Unary.apply(UnaryOp.GELU, this, 0, 0); }

    // ------------------------------------------------------------------ comparisons (BOOL results)

    /** this == other, elementwise (broadcast), as BOOL. */
    public Tensor eq(Tensor other) { return Binary.apply(BinaryOp.EQ, this, other); }

    /** this == v, compared in FLOAT64 unless this is FLOAT32 (a {@code float} argument widens exactly). */
    public Tensor eq(double v) { return Binary.apply(BinaryOp.EQ, this, compareScalar(v)); }

    /** this != other. */
    public Tensor ne(Tensor other) { return Binary.apply(BinaryOp.NE, this, other); }

    /** this != v, compared in FLOAT64 unless this is FLOAT32 (a {@code float} argument widens exactly). */
    public Tensor ne(double v) { return Binary.apply(BinaryOp.NE, this, compareScalar(v)); }

    /** this > other. */
    public Tensor gt(Tensor other) { return Binary.apply(BinaryOp.GT, this, other); }

    /** this > v, compared in FLOAT64 unless this is FLOAT32 (a {@code float} argument widens exactly). */
    public Tensor gt(double v) { return Binary.apply(BinaryOp.GT, this, compareScalar(v)); }

    /** this >= other. */
    public Tensor ge(Tensor other) { return Binary.apply(BinaryOp.GE, this, other); }

    /** this >= v, compared in FLOAT64 unless this is FLOAT32 (a {@code float} argument widens exactly). */
    public Tensor ge(double v) { return Binary.apply(BinaryOp.GE, this, compareScalar(v)); }

    /** this < other. */
    public Tensor lt(Tensor other) { return Binary.apply(BinaryOp.LT, this, other); }

    /** this < v, compared in FLOAT64 unless this is FLOAT32 (a {@code float} argument widens exactly). */
    public Tensor lt(double v) { return Binary.apply(BinaryOp.LT, this, compareScalar(v)); }

    /** this <= other. */
    public Tensor le(Tensor other) { return Binary.apply(BinaryOp.LE, this, other); }

    /** this <= v, compared in FLOAT64 unless this is FLOAT32 (a {@code float} argument widens exactly). */
    public Tensor le(double v) { return Binary.apply(BinaryOp.LE, this, compareScalar(v)); }

    private Tensor compareScalar(double v) {
        Tensor t = newEmpty(dtype == DType.FLOAT32 ? DType.FLOAT32 : DType.FLOAT64, new int[0]);
        backend().set(t.storage, 0, v);
        return t;
    }

    // ------------------------------------------------------------------ matrix products, softmax

    /** Matrix product with {@code torch.matmul}'s rules for 1-D, 2-D and batched 3-D operands. */
    public Tensor matmul(Tensor other) { return MatMul.apply(this, other); }

    /** 2-D matrix product ({@code torch.mm}). */
    public Tensor mm(Tensor other) {
        if (dim() != 2 || other.dim() != 2) {
            throw new IllegalArgumentException("mm: both arguments must be 2-D, got " + dim() + "-D and " + other.dim() + "-D");
        }
        return MatMul.apply(this, other);
    }

    /** Softmax along dim (numerically stable). */
    public Tensor softmax(int dim) { return Softmax.apply(this, dim, false); }

    /** Log-softmax along dim (numerically stable). */
    public Tensor logSoftmax(int dim) { return Softmax.apply(this, dim, true); }

    // ------------------------------------------------------------------ reductions

    /** Sum of all elements (0-d). Integer and bool inputs sum to INT64. */
    public Tensor sum() { return Reduce.all(ReduceOp.SUM, this); }

    /** Sum along dim. */
    public Tensor sum(int dim) { return Reduce.dims(ReduceOp.SUM, this, new int[] {dim}, false); }

    /** Sum along dim, keeping it as size 1 when keepdim. */
    public Tensor sum(int dim, boolean keepdim) { return Reduce.dims(ReduceOp.SUM, this, new int[] {dim}, keepdim); }

    /** Sum along several dims. */
    public Tensor sum(int[] dims, boolean keepdim) { return Reduce.dims(ReduceOp.SUM, this, dims, keepdim); }

    /** Mean of all elements (floating tensors only). */
    public Tensor mean() { return Reduce.all(ReduceOp.MEAN, this); }

    /** Mean along dim. */
    public Tensor mean(int dim) { return Reduce.dims(ReduceOp.MEAN, this, new int[] {dim}, false); }

    /** Mean along dim, keeping it as size 1 when keepdim. */
    public Tensor mean(int dim, boolean keepdim) { return Reduce.dims(ReduceOp.MEAN, this, new int[] {dim}, keepdim); }

    /** Mean along several dims. */
    public Tensor mean(int[] dims, boolean keepdim) { return Reduce.dims(ReduceOp.MEAN, this, dims, keepdim); }

    /** Largest element (0-d). */
    public Tensor max() { return Reduce.all(ReduceOp.MAX, this); }

    /** Largest values along dim and their indices ({@code torch.max(x, dim)}: a (values, indices) pair). */
    public ValuesIndices max(int dim) { return max(dim, false); }

    /** {@link #max(int)}, keeping dim as size 1 when keepdim. */
    public ValuesIndices max(int dim, boolean keepdim) {
        return new ValuesIndices(Reduce.dims(ReduceOp.MAX, this, new int[] {dim}, keepdim), argmax(dim, keepdim));
    }

    /** The 2-norm of all elements ({@code x.norm()}). */
    public Tensor norm() { return Norm.apply(this, 2, null, false); }

    /** The p-norm of all elements ({@code torch.norm(x, p)}; p = Double.POSITIVE_INFINITY for the largest |x|). */
    public Tensor norm(double p) { return Norm.apply(this, p, null, false); }

    /** The p-norm along dim ({@code torch.norm(x, p, dim, keepdim)}). */
    public Tensor norm(double p, int dim, boolean keepdim) { return Norm.apply(this, p, new int[] {dim}, keepdim); }

    /** Smallest element (0-d). */
    public Tensor min() { return Reduce.all(ReduceOp.MIN, this); }

    /** Smallest values along dim and their indices ({@code torch.min(x, dim)}). */
    public ValuesIndices min(int dim) { return min(dim, false); }

    /** {@link #min(int)}, keeping dim as size 1 when keepdim. */
    public ValuesIndices min(int dim, boolean keepdim) {
        return new ValuesIndices(Reduce.dims(ReduceOp.MIN, this, new int[] {dim}, keepdim), Reduce.arg(ReduceOp.ARGMIN, this, dim, keepdim));
    }

    /** Index of the largest element of the flattened tensor (INT64, 0-d). */
    public Tensor argmax() { return Reduce.arg(ReduceOp.ARGMAX, this, null, false); }

    /** Indices of the largest values along dim (INT64). */
    public Tensor argmax(int dim) { return Reduce.arg(ReduceOp.ARGMAX, this, dim, false); }

    /** Indices of the largest values along dim, keeping it when keepdim. */
    public Tensor argmax(int dim, boolean keepdim) { return Reduce.arg(ReduceOp.ARGMAX, this, dim, keepdim); }

    /** Index of the smallest element of the flattened tensor. */
    public Tensor argmin() { return Reduce.arg(ReduceOp.ARGMIN, this, null, false); }

    /** Indices of the smallest values along dim. */
    public Tensor argmin(int dim) { return Reduce.arg(ReduceOp.ARGMIN, this, dim, false); }

    // ------------------------------------------------------------------ shape and views

    /** A view with a new shape (one entry may be -1); fails if the strides do not allow it. */
    public Tensor view(int... newShape) { return Views.view(this, newShape); }

    /** Like view, copying when the layout does not allow a view. */
    public Tensor reshape(int... newShape) { return Views.reshape(this, newShape); }

    /** Flattens to 1-D. */
    public Tensor flatten() { return flatten(0, -1); }

    /** Flattens dims start..end (inclusive) into one. */
    public Tensor flatten(int startDim, int endDim) {
        if (shape.length == 0) return reshape(1);
        int s = Shapes.dim(startDim, shape.length), e = Shapes.dim(endDim, shape.length);
        if (s > e) throw new IllegalArgumentException("flatten() has invalid args: start_dim (" + startDim
                + ") cannot come after end_dim (" + endDim + ")");
        if (s == e) return this;
        int[] ns = new int[shape.length - (e - s)];
        int k = 0, prod = 1;
        for (int i = 0; i < shape.length; i++) {
            if (i < s || i > e) ns[k++] = shape[i];
            else {
                prod *= shape[i];
                if (i == e) ns[k++] = prod;
            }
        }
        return reshape(ns);
    }

    /** Swaps two dims (a view). */
    public Tensor transpose(int dim0, int dim1) { return Views.transpose(this, dim0, dim1); }

    /** Transpose of a tensor of at most 2 dims ({@code x.t()}, {@code x.T}). */
    public Tensor t() {
        if (shape.length > 2) {
            throw new IllegalArgumentException("t() expects a tensor with <= 2 dimensions, but self is " + shape.length + "D");
        }
        return shape.length < 2 ? this : transpose(0, 1);
    }

    /** Reorders dims (a view). */
    public Tensor permute(int... dims) { return Views.permute(this, dims); }

    /** Inserts a size-1 dim at position d (a view). */
    public Tensor unsqueeze(int d) { return Views.unsqueeze(this, d); }

    /** Removes all size-1 dims (a view). */
    public Tensor squeeze() { return Views.squeeze(this, null); }

    /** Removes dim d if its size is 1 (a view). */
    public Tensor squeeze(int d) { return Views.squeeze(this, d); }

    /** Broadcasts to a larger shape without copying (-1 keeps a size). */
    public Tensor expand(int... sizes) { return Views.expand(this, sizes); }

    /** Tiles the tensor: {@code x.repeat(2, 3)}. */
    public Tensor repeat(int... repeats) { return Views.repeat(this, repeats); }

    /** The sub-tensor at index i of dim ({@code x[i]} for dim 0), one dim fewer (a view). */
    public Tensor select(int dim, int index) { return Views.select(this, dim, index); }

    /** The range [start, end) of dim ({@code x[:, 1:3]}); negative and out-of-range bounds clamp as in Python (a view). */
    public Tensor slice(int dim, int start, int end) { return Views.slice(this, dim, start, end, 1); }

    /** The range [start, end) of dim with a step (a view). */
    public Tensor slice(int dim, int start, int end, int step) { return Views.slice(this, dim, start, end, step); }

    /**
     * Advanced indexing on dim 0 ({@code x[idx]}): an INT64 index tensor gathers rows (result shape
     * idx.shape + x.shape[1:]); a BOOL mask of x's shape selects elements (1-D result); a 1-D BOOL
     * mask over dim 0 selects rows.
     */
    public Tensor index(Tensor idx) { return Index.apply(this, idx); }
    /** {@code x[i0, i1, ...]}: index tensors (INT64) broadcast together, selecting along the leading dims. */
    public Tensor index(Tensor... indices) { return Gather.index(this, indices); }

    /** {@code torch.gather(x, dim, index)}: out[p] = x[p with coordinate dim replaced by index[p]]. */
    public Tensor gather(int dim, Tensor index) { return Gather.gather(this, dim, index); }

    /** {@code x.scatter(dim, index, src)} (out of place): src[p] written at index[p] along dim. */
    public Tensor scatter(int dim, Tensor index, Tensor src) { return Gather.scatter(this, dim, index, src); }

    /** {@code x.scatter(dim, index, value)} (out of place): value written at index[p] along dim. */
    public Tensor scatter(int dim, Tensor index, double value) { return Gather.scatter(this, dim, index, value); }

    /** {@code x.scatter_add(dim, index, src)} (out of place): src[p] added at index[p] along dim, repeats accumulate. */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) { return Gather.scatterAdd(this, dim, index, src); }

    /** This tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() { return isContiguous() ? this : Copy.apply(this); }

    /** A contiguous copy that stays in the graph ({@code x.clone()}). */
    public Tensor clone() { return Copy.apply(this); }

    // ------------------------------------------------------------------ dtype and device

    /** Converts to FLOAT32 ({@code x.float()}). */
    public Tensor toFloat() { return to(DType.FLOAT32); }

    /** Converts to FLOAT64 ({@code x.double()}). */
    public Tensor toDouble() { return to(DType.FLOAT64); }

    /** Converts to INT64 ({@code x.long()}), truncating toward zero. */
    public Tensor toLong() { return to(DType.INT64); }

    /** Converts to BOOL ({@code x.bool()}). */
    public Tensor toBool() { return to(DType.BOOL); }

    /** Converts to a dtype; returns this when it already has it. */
    public Tensor to(DType dt) {
        Objects.requireNonNull(dt, "dtype");
        return dt == dtype ? this : Copy.cast(this, dt);
    }

    /**
     * Moves to a device; returns this when already there. The copy is contiguous and, when this
     * tensor requires grad, differentiable (ToCopyBackward0 sends the gradient back).
     */
    public Tensor to(Device d) {
        Objects.requireNonNull(d, "device");
        return d.equals(device()) ? this : Copy.toDevice(this, d);
    }

    /**
     * {@code x.to(device, non_blocking=...)}: the same copy as {@link #to(Device)}. Brasa decides
     * without the flag: a copy from a {@linkplain #pinMemory() pinned} tensor to the GPU is always
     * queued without waiting (later GPU ops on the stream run after it); other copies wait.
     */
    public Tensor to(Device d, boolean nonBlocking) { return to(d); }

    /**
     * A copy of this CPU tensor in page-locked memory ({@code x.pin_memory()}), or this tensor when it
     * is pinned already: its moves to the GPU are then one DMA each, queued with no host copy and no
     * wait. CPU ops use it as any CPU tensor; an in-place write is seen by the next move. Needs CUDA.
     *
     * @throws IllegalStateException when CUDA is not available (with the reason)
     * @throws IllegalArgumentException for a tensor on the GPU
     */
    public Tensor pinMemory() {
        checkOpen();
        return isPinned() ? this : Copy.pin(this);
    }

    /** Whether this tensor's elements are in page-locked memory ({@code x.is_pinned()}): see {@link #pinMemory()}. */
    public boolean isPinned() { return storage instanceof dev.brasa.backend.cpu.CpuStorage cs && cs.pinned() != null; }

    /** Same as {@code to(Device.cuda())}. */
    public Tensor cuda() { return to(Device.cuda()); }

    /** Same as {@code to(Device.CPU)}. */
    public Tensor cpu() { return to(Device.CPU); }

    // ------------------------------------------------------------------ reading values

    /** The single element as a float ({@code x.item()}). */
    public float item() { return (float) itemDouble(); }

    /** The single element as a double. */
    public double itemDouble() {
        checkOpen();
        if (numel() != 1) {
            throw new IllegalStateException("a Tensor with " + numel() + " elements cannot be converted to Scalar");
        }
        return backend().get(storage, offset);
    }

    /** The single element as a long (for INT64 and BOOL tensors exactly). */
    public long itemLong() {
        if (numel() != 1) {
            throw new IllegalStateException("a Tensor with " + numel() + " elements cannot be converted to Scalar");
        }
        return dtype == DType.INT64 ? ((long[]) backend().toArray(kernelView()))[0] : (long) itemDouble();
    }

    /** All elements in row-major order, converted to float. */
    public float[] toFloatArray() { return (float[]) backend().toArray(to(DType.FLOAT32).kernelView()); }

    /** All elements in row-major order, converted to double. */
    public double[] toDoubleArray() { return (double[]) backend().toArray(to(DType.FLOAT64).kernelView()); }

    /** All elements in row-major order, converted to long (truncating floats toward zero). */
    public long[] toLongArray() { return (long[]) backend().toArray(to(DType.INT64).kernelView()); }

    /** All elements of a BOOL tensor (others: non-zero is true). */
    public boolean[] toBooleanArray() {
        byte[] b = (byte[]) backend().toArray(to(DType.BOOL).kernelView());
        boolean[] r = new boolean[b.length];
        for (int i = 0; i < b.length; i++) r[i] = b[i] != 0;
        return r;
    }

    // ------------------------------------------------------------------ in-place

    /** Fills with zeros. */
    public Tensor zero_() { return fill_(0); }

    /** Fills with v (converted to the dtype). */
    public Tensor fill_(double v) {
        InPlace.checkInPlace(this);
        backend().fill(kernelView(), v);
        storage.bumpVersion();
        if (v == 0 && coversStorage()) storage.markZeroed();
        return this;
    }

    /** True when this tensor is a contiguous view of its whole storage. */
    boolean coversStorage() { return offset == 0 && isContiguous() && numel() == storage.size(); }

    /** this += other (broadcast to this shape). */
    public Tensor add_(Tensor other) { return Binary.inPlace(BinaryOp.ADD, this, other); }

    /** this += alpha * other. */
    public Tensor add_(Tensor other, float alpha) {
        return alpha == 1f ? add_(other) : Binary.inPlace(BinaryOp.ADD, this, other.mulNoGraph(alpha));
    }

    /** this += v. */
    public Tensor add_(double v) { return Binary.inPlace(BinaryOp.ADD, this, scalar(v)); }

    /** this += alpha * other, for a {@code double} alpha. */
    public Tensor add_(Tensor other, double alpha) { return add_(other, (float) alpha); }

    /** this -= other. */
    public Tensor sub_(Tensor other) { return Binary.inPlace(BinaryOp.SUB, this, other); }

    /** this *= other. */
    public Tensor mul_(Tensor other) { return Binary.inPlace(BinaryOp.MUL, this, other); }

    /** this *= v. */
    public Tensor mul_(double v) { return Binary.inPlace(BinaryOp.MUL, this, scalar(v)); }

    /** this /= other. */
    public Tensor div_(Tensor other) { return Binary.inPlace(BinaryOp.DIV, this, other); }

    /** this /= v. */
    public Tensor div_(double v) { return Binary.inPlace(BinaryOp.DIV, this, scalar(v)); }

    /** Copies other's values into this (broadcast, converting dtype), like {@code p.data = ...} / {@code copy_}. */
    public Tensor copy_(Tensor other) {
        InPlace.checkInPlace(this, other);
        InPlace.checkOverlap(this, other);
        backend().copy(other.expandedView(InPlace.shapeForInPlace(this, other)), kernelView());
        storage.bumpVersion();
        return this;
    }

    /** Fills with uniform samples in [from, to) from the default generator. */
    public Tensor uniform_(double from, double to) { return uniform_(from, to, Brasa.defaultGenerator()); }

    /** Fills with uniform samples in [from, to) from a generator. */
    public Tensor uniform_(double from, double to, Generator gen) {
        if (!(from <= to)) {
            throw new IllegalArgumentException("uniform_ expects to return a [from, to) range, but found from=" + from + " > to=" + to);
        }
        InPlace.checkInPlace(this);
        InPlace.checkOverlap(this);
        Random.uniform(this, from, to, gen);
        return this;
    }

    /** Fills with normal samples N(mean, std) from the default generator. */
    public Tensor normal_(double mean, double std) { return normal_(mean, std, Brasa.defaultGenerator()); }

    /** Fills with normal samples N(mean, std) from a generator. */
    public Tensor normal_(double mean, double std, Generator gen) {
        if (!(std >= 0)) throw new IllegalArgumentException("normal expects std >= 0.0, but found std " + std);
        InPlace.checkInPlace(this);
        InPlace.checkOverlap(this);
        Random.normal(this, mean, std, gen);
        return this;
    }

    private Tensor mulNoGraph(float alpha) {
        try (var g = new NoGrad()) {
            return mul(alpha);
        }
    }

    // ------------------------------------------------------------------ printing

    /** PyTorch's layout: {@code tensor([[0.1803, 0.3263]], requires_grad=True)}. */
    @Override public String toString() { return TensorFormat.format(this); }
}
