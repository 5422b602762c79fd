package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Tensor;
import dev.brasa.autograd.Node;
import dev.brasa.backend.View;

/**
 * {@code torch.matmul} for 1-D, 2-D and 3-D operands (a 2-D operand broadcasts over the other's
 * batch). Every case runs as one batched GEMM over rank-3 views; transposes in backward are stride
 * swaps, never copies.
 */
public final class MatMul {
    private MatMul() {}

    public static Tensor apply(Tensor a, Tensor b) {
        java.util.Objects.requireNonNull(b, "other");
        int da = a.dim(), db = b.dim();
        if (da == 0 || db == 0) {
            throw new IllegalArgumentException("both arguments to matmul need to be at least 1D, but they are "
                    + da + "D and " + db + "D");
        }
        if (da > 3 || db > 3) {
            throw new IllegalArgumentException("matmul supports tensors of at most 3 dims, got " + Shapes.str(shape(a))
                    + " and " + Shapes.str(shape(b)));
        }
        if (!dtype(a).isFloatingPoint() || dtype(a) != dtype(b)) {
            throw new IllegalArgumentException("expected m1 and m2 to have the same floating dtype, but got: "
                    + dtype(a) + " != " + dtype(b));
        }
        int m = da == 1 ? 1 : shape(a)[da - 2], k = shape(a)[da - 1];
        int kb = db == 1 ? shape(b)[0] : shape(b)[db - 2], n = db == 1 ? 1 : shape(b)[db - 1];
        if (k != kb) {
            if (da == 1 && db == 1) {
                throw new IllegalArgumentException("inconsistent tensor size, expected tensor [" + k + "] and src [" + kb
                        + "] to have the same number of elements, but got " + k + " and " + kb + " elements respectively");
            }
            if (da <= 2 && db <= 2) {
                int[] s1 = da == 1 ? new int[] {1, k} : shape(a), s2 = db == 1 ? new int[] {kb, 1} : shape(b);
                throw new IllegalArgumentException("mat1 and mat2 shapes cannot be multiplied (" + Shapes.x(s1) + " and "
                        + Shapes.x(s2) + ")");
            }
            throw new IllegalArgumentException("Expected size for first two dimensions of batch2 tensor to be: ["
                    + (db == 3 ? shape(b)[0] : 1) + ", " + k + "] but got: [" + (db == 3 ? shape(b)[0] : 1) + ", " + kb + "].");
        }
        int ba = da == 3 ? shape(a)[0] : 1, bb = db == 3 ? shape(b)[0] : 1;
        if (da == 3 && db == 3 && ba != bb) {
            throw new IllegalArgumentException("The size of tensor a (" + ba + ") must match the size of tensor b (" + bb
                    + ") at non-singleton dimension 0");
        }
        int batch = Math.max(ba, bb);
        Tensor c = gemm(a3(a), b3(b), batch, m, n, k);
        int[] outShape;
        if (da == 3 || db == 3) outShape = new int[] {batch, m, n};
        else outShape = new int[] {m, n};
        if (da == 1 && db == 1) outShape = new int[0];
        else if (da == 1) outShape = db == 3 ? new int[] {batch, n} : new int[] {n};
        else if (db == 1) outShape = da == 3 ? new int[] {batch, m} : new int[] {m};
        Tensor out = alias(c, outShape, View.contiguousStrides(outShape), 0);
        if (recording(a, b)) attach(out, new MatMulNode(a, b));
        return out;
    }

    /** a as a rank-3 view [batch or 1, m, k] (batch stride 0 when broadcast). */
    private static View a3(Tensor a) {
        int[] s = shape(a), st = strides(a);
        return switch (a.dim()) {
            case 1 -> new View(storage(a), new int[] {1, 1, s[0]}, new int[] {0, 0, st[0]}, offset(a));
            case 2 -> new View(storage(a), new int[] {1, s[0], s[1]}, new int[] {0, st[0], st[1]}, offset(a));
            default -> kernelView(a);
        };
    }

    /** b as a rank-3 view [batch or 1, k, n]. */
    private static View b3(Tensor b) {
        int[] s = shape(b), st = strides(b);
        return switch (b.dim()) {
            case 1 -> new View(storage(b), new int[] {1, s[0], 1}, new int[] {0, st[0], 0}, offset(b));
            case 2 -> new View(storage(b), new int[] {1, s[0], s[1]}, new int[] {0, st[0], st[1]}, offset(b));
            default -> kernelView(b);
        };
    }

    /** C[batch, m, n] = A B with broadcast batch (stride 0 for a batch of 1). */
    private static Tensor gemm(View a, View b, int batch, int m, int n, int k) {
        Tensor c = output(a.storage().backend(), dtypeOf(a.storage().kind()), new int[] {batch, m, n});   // beta 0: written in full
        View av = a.shape()[0] == batch ? a : new View(a.storage(), new int[] {batch, m, k},
                new int[] {0, a.strides()[1], a.strides()[2]}, a.offset());
        View bv = b.shape()[0] == batch ? b : new View(b.storage(), new int[] {batch, k, n},
                new int[] {0, b.strides()[1], b.strides()[2]}, b.offset());
        a.storage().backend().matmul(av, bv, kernelView(c), batch, m, n, k, 1.0, 0.0);
        return c;
    }

    /** Transpose of the last two dims (a view); 1-D stays as is. */
    private static Tensor mT(Tensor t) { return t.dim() == 1 ? t : t.transpose(-1, -2); }

    private static final class MatMulNode extends Node {
        private SavedTensor sa, sb;
        private final int da, db;

        MatMulNode(Tensor a, Tensor b) {
            super(a, b);
            da = a.dim();
            db = b.dim();
            if (needsGrad(1)) sa = save(a);
            if (needsGrad(0)) sb = save(b);
        }

        @Override public String name() {
            if (da == 1 && db == 1) return "DotBackward0";
            if (da == 2 && db == 1) return "MvBackward0";
            if (da == 2 && db == 2) return "MmBackward0";
            if (da == 1 && db == 2) return "SqueezeBackward3";
            if (da == 2 && db == 3) return "CloneBackward0";
            return "UnsafeViewBackward0";       // a 3-D operand: PyTorch 1.13 folds it into one mm or bmm and views the result
        }

        @Override protected Tensor[] backward(Tensor g) {
            Tensor ga = null, gb = null;
            if (needsGrad(0)) {
                Tensor b = sb.get();
                ga = gradA(g, b);
            }
            if (needsGrad(1)) {
                Tensor a = sa.get();
                gb = gradB(g, a);
            }
            return new Tensor[] {ga, gb};
        }

        private Tensor gradA(Tensor g, Tensor b) {
            if (da == 1 && db == 1) return b.mul(g);                      // dot: g is 0-d
            if (da == 1) {                                               // [k] x [.., k, n] -> [.., n]
                Tensor r = b.matmul(g.dim() == 1 ? g.unsqueeze(1) : g.unsqueeze(2)); // [.., k, 1]
                r = r.squeeze(-1);
                return r.dim() == 2 ? r.sum(0) : r;
            }
            if (db == 1) {                                               // [.., m, k] x [k] -> [.., m]
                return g.unsqueeze(-1).mul(b);                           // outer product, broadcast over batch
            }
            Tensor r = g.matmul(mT(b));                                  // [.., m, k]
            return da == 2 && r.dim() == 3 ? r.sum(0) : r;
        }

        private Tensor gradB(Tensor g, Tensor a) {
            if (da == 1 && db == 1) return a.mul(g);
            if (db == 1) {                                               // [.., m, k] x [k]: gb = a^T g
                Tensor r = mT(a).matmul(g.dim() == 1 ? g.unsqueeze(1) : g.unsqueeze(2)).squeeze(-1);
                return r.dim() == 2 ? r.sum(0) : r;
            }
            if (da == 1) {                                               // [k] x [.., k, n]: gb = a outer g
                return a.unsqueeze(-1).mul(g.dim() == 1 ? g.unsqueeze(0) : g.unsqueeze(1));
            }
            Tensor r = mT(a).matmul(g);                                  // [.., k, n]
            return db == 2 && r.dim() == 3 ? r.sum(0) : r;
        }

    }
}
