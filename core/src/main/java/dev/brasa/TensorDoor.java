package dev.brasa;

import dev.brasa.autograd.Node;
import dev.brasa.backend.Backend;
import dev.brasa.backend.ReduceOp;
import dev.brasa.backend.Storage;
import dev.brasa.backend.UnaryOp;
import dev.brasa.backend.View;
import dev.brasa.internal.ops.Shapes;

/**
 * The one implementation of {@link dev.brasa.internal.TensorAccess}: Brasa's own packages (the
 * ops, autograd, nn, optim) reach {@link Tensor}'s fields and package-private helpers through it,
 * so none of them is public API. {@code Tensor}'s static initialiser installs it.
 */
final class TensorDoor extends dev.brasa.internal.TensorAccess {
    @Override public void setData(Tensor t, Tensor data) {
        if (t.dtype != data.dtype || !java.util.Arrays.equals(t.shape, data.shape)) {
            throw new IllegalArgumentException("setData: a " + t.dtype.torchName() + " " + Shapes.str(t.shape) + " tensor cannot take "
                    + "the data of a " + data.dtype.torchName() + " " + Shapes.str(data.shape) + " one");
        }
        t.storage = data.storage;
        t.shape = data.shape;
        t.strides = data.strides;
        t.offset = data.offset;
        t.view = null;
    }

    @Override public Tensor attach(Tensor fresh, Node node) { return fresh.attach(node); }

    @Override public Node gradEdge(Tensor t) { return t.gradEdge(); }

    @Override public int[] shape(Tensor t) { return t.shape; }

    @Override public int[] strides(Tensor t) { return t.strides; }

    @Override public int offset(Tensor t) { return t.offset; }

    @Override public Tensor alias(Tensor base, int[] shape, int[] strides, int offset) { return base.alias(shape, strides, offset); }

    @Override public Storage storage(Tensor t) { return t.storage; }

    @Override public Tensor empty(Backend backend, DType dtype, int[] shape) { return Tensor.empty(backend, dtype, shape); }

    @Override public Tensor unset(Backend backend, DType dtype, int[] shape) {
        Shapes.checkSizes(shape);
        return over(backend.allocateUnset(dtype.kind, (int) Shapes.numel(shape)), dtype, shape);
    }

    @Override public Tensor over(Storage storage, DType dtype, int[] shape) {
        return new Tensor(storage, shape.clone(), View.contiguousStrides(shape), 0, dtype);
    }

    @Override public Tensor scalar(Tensor t, double v) { return t.scalar(v); }

    @Override public View kernelView(Tensor t) { return t.kernelView(); }

    @Override public View expandedView(Tensor t, int[] to) { return t.expandedView(to); }

    @Override public boolean recording(Tensor... inputs) { return Tensor.recording(inputs); }

    @Override public boolean coversStorage(Tensor t) { return t.coversStorage(); }




    @Override public dev.brasa.backend.Kind kind(DType d) { return d.kind; }

    @Override public DType dtypeOf(dev.brasa.backend.Kind k) { return DType.of(k); }

    @Override public boolean canFuse(Tensor param, Tensor a, Tensor b, Tensor c, Tensor d) { return Brasa.canFuse(param, a, b, c, d); }

    @Override public void fusedSgd(Tensor param, Tensor grad, Tensor buf, boolean firstStep, double lr, double momentum,
                                   double dampening, double weightDecay, boolean nesterov, boolean maximize) {
        Brasa.fusedSgd_(param, grad, buf, firstStep, lr, momentum, dampening, weightDecay, nesterov, maximize);
    }

    @Override public void fusedAdam(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vmax, long step, double lr, double beta1,
                                    double beta2, double eps, double weightDecay, boolean decoupled, boolean maximize) {
        Brasa.fusedAdam_(param, grad, m, v, vmax, step, lr, beta1, beta2, eps, weightDecay, decoupled, maximize);
    }

    @Override public Tensor linear(Tensor x, Tensor weight, Tensor bias, UnaryOp activation) {
        return Brasa.fusedLinear(x, weight, bias, activation);
    }

    @Override public Tensor crossEntropy(Tensor logits, Tensor target, long ignoreIndex, double labelSmoothing, ReduceOp reduction) {
        return Brasa.crossEntropy(logits, target, ignoreIndex, labelSmoothing, reduction);
    }
}
