package dev.brasa.internal.ops;

import static dev.brasa.internal.ops.Internals.*;

import dev.brasa.Tensor;
import java.util.Arrays;

/** Shape arithmetic and the argument checks shared by the tensor ops (messages as PyTorch words them). */
public final class Shapes {
    private Shapes() {}

    public static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** PyTorch's "[2, 3]" form. */
    public static String str(int[] shape) { return Arrays.toString(shape); }

    /** "3x7" form used by matmul errors. */
    public static String x(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) sb.append(i == 0 ? "" : "x").append(shape[i]);
        return sb.toString();
    }

    public static boolean isContiguous(int[] shape, int[] strides) {
        return new dev.brasa.backend.View(null, shape, strides, 0).isContiguous();
    }

    /** Wraps a possibly negative dim into [0, rank); rank 0 accepts -1 and 0. */
    public static int dim(int d, int rank) {
        int r = Math.max(rank, 1);
        if (d < -r || d >= r) {
            throw new IllegalArgumentException("Dimension out of range (expected to be in range of [" + (-r) + ", "
                    + (r - 1) + "], but got " + d + ")");
        }
        return d < 0 ? d + r : d;
    }

    public static void checkSizes(int[] shape) {
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("Trying to create tensor with negative dimension " + s + ": " + str(shape));
        }
        if (numel(shape) > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor of shape " + str(shape) + " has " + numel(shape)
                    + " elements; the CPU backend holds at most " + (Integer.MAX_VALUE - 8));
        }
    }

    /** NumPy/PyTorch broadcasting of two shapes. */
    public static int[] broadcast(int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i - (n - a.length), db = i - (n - b.length);
            int sa = da >= 0 ? a[da] : 1, sb = db >= 0 ? b[db] : 1;
            if (sa != sb && sa != 1 && sb != 1) {
                throw new IllegalArgumentException("The size of tensor a (" + sa + ") must match the size of tensor b ("
                        + sb + ") at non-singleton dimension " + i);
            }
            out[i] = sa == 1 ? sb : sa;
        }
        return out;
    }

    /** Strides that read a tensor of shape/strides as if expanded to {@code to}; 0 on broadcast dims. */
    public static int[] expandStrides(int[] shape, int[] strides, int[] to) {
        int[] st = new int[to.length];
        int lead = to.length - shape.length;
        if (lead < 0) throw new IllegalArgumentException("cannot expand " + str(shape) + " to " + str(to));
        for (int i = 0; i < to.length; i++) {
            int d = i - lead;
            if (d < 0) continue;
            if (shape[d] == to[i]) st[i] = strides[d];
            else if (shape[d] == 1) st[i] = 0;
            else throw new IllegalArgumentException("The expanded size of the tensor (" + to[i]
                    + ") must match the existing size (" + shape[d] + ") at non-singleton dimension " + i
                    + ".  Target sizes: " + str(to) + ".  Tensor sizes: " + str(shape));
        }
        return st;
    }

    /** Resolves one -1 in a requested shape against numel. */
    public static int[] infer(int[] req, long numel) {
        int[] out = req.clone();
        int neg = -1;
        long prod = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (neg >= 0) throw new IllegalArgumentException("only one dimension can be inferred");
                neg = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("invalid shape dimension " + out[i]);
            } else {
                prod *= out[i];
            }
        }
        if (neg >= 0) {
            if (prod == 0 || numel % prod != 0) {
                throw new IllegalArgumentException("shape '" + str(req) + "' is invalid for input of size " + numel);
            }
            out[neg] = (int) (numel / prod);
        } else if (prod != numel) {
            throw new IllegalArgumentException("shape '" + str(req) + "' is invalid for input of size " + numel);
        }
        return out;
    }

    /**
     * Strides for viewing (shape, strides) as newShape without copying, or null when impossible
     * (PyTorch's computeStride: each chunk of contiguous input dims maps onto a run of output dims).
     */
    public static int[] viewStrides(int[] shape, int[] strides, int[] newShape) {
        int[] ns = new int[newShape.length];
        if (numel(shape) == 0 || shape.length == 0 || isContiguous(shape, strides)) {
            return dev.brasa.backend.View.contiguousStrides(newShape);
        }
        int viewD = newShape.length - 1;
        long chunkBase = strides.length == 0 ? 1 : strides[strides.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int td = shape.length - 1; td >= 0; td--) {
            tensorNumel *= shape[td];
            if (td == 0 || (shape[td - 1] != 1 && strides[td - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    ns[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (td > 0) {
                    chunkBase = strides[td - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        if (viewD != -1) return null;
        return ns;
    }
}
